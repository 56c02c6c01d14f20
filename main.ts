/**
 * vault-eks-platform: one platform spec in, every layer out.
 *
 *   tsx main.ts [spec-file] [--out cdktf.out] [--dist dist] [--only terraform|kubernetes]
 *
 * The spec comes from the path given, else $VAULT_EKS_SPEC, else vault-eks.config.json, else the
 * bundled reference spec. Exit codes: 0 written, 2 bad spec or usage (nothing written), 1 unexpected failure.
 */
import { cpSync, existsSync, readdirSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { OutputUsageError, type OutputRecord, type OutputTree, projectRelative, readOutputRecord, writeTreesAtomically } from "./lib/output";
import { buildPlatformModel } from "./model";
import type { KubernetesSynthesis, TerraformSynthesis } from "./lib/synthesis";
import { CONFIG_FILE, loadSpec, REFERENCE_SOURCE, resolveSpecPath, SPEC_ENV_VAR, specDigest } from "./spec/load";
import { SpecError } from "./spec/validate";

const USAGE = `usage: main.ts [spec.(ts|json|yaml)] [--out <dir>] [--dist <dir>] [--only terraform|kubernetes]
  spec       platform spec file (default: $${SPEC_ENV_VAR}, else "spec" in ${CONFIG_FILE}, else the bundled reference spec)
  --out      Terraform output folder (default: $CDKTF_OUTDIR, else cdktf.out)
  --dist     Kubernetes manifests for GitOps (default: $CDK8S_OUTDIR, else dist)
  --only     render one layer (cdktf.json and cdk8s.yaml use this)
  -h, --help this text
An output folder must be new, empty, or an earlier output of this tool (it holds a .vault-eks-platform file):
every synth replaces the whole folder.`;

class UsageError extends Error {}

/** The renderers load cdktf, cdk8s and the providers (seconds): only once the spec and the folders passed their checks. */
function renderers() {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { synthTerraform } = require("./lib/synth-terraform") as typeof import("./lib/synth-terraform");
  const { synthKubernetes } = require("./lib/synth-kubernetes") as typeof import("./lib/synth-kubernetes");
  const { terraformFiles, kubernetesFiles, writeFiles } = require("./lib/write-synthesis") as typeof import("./lib/write-synthesis");
  return { synthTerraform, synthKubernetes, terraformFiles, kubernetesFiles, writeFiles };
}

/** Terraform working files that survive a re-synth (providers, lock file), like cdktf's own synth. */
const TERRAFORM_CARRY_OVER = ["stacks/*/.terraform", "stacks/*/.terraform.lock.hcl"];
const PROJECT_ROOT = __dirname;

export async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<string> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { out: { type: "string" }, dist: { type: "string" }, only: { type: "string" }, help: { type: "boolean", short: "h" } } });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (parsed.values.help) return USAGE;
  if (parsed.positionals.length > 1) throw new UsageError(`expected at most one spec file, got ${parsed.positionals.length}`);
  const only = parsed.values.only;
  if (only !== undefined && only !== "terraform" && only !== "kubernetes") throw new UsageError(`--only takes terraform or kubernetes, got "${only}"`);

  const specPath = resolveSpecPath(parsed.positionals[0], env);
  const { source, spec } = await loadSpec(specPath?.path, env);
  const model = buildPlatformModel(spec);
  const tfOut = { dir: parsed.values.out ?? env.CDKTF_OUTDIR ?? "cdktf.out", option: parsed.values.out ? "--out" : env.CDKTF_OUTDIR ? "$CDKTF_OUTDIR" : "--out" };
  const dist = { dir: parsed.values.dist ?? env.CDK8S_OUTDIR ?? "dist", option: parsed.values.dist ? "--dist" : env.CDK8S_OUTDIR ? "$CDK8S_OUTDIR" : "--dist" };
  const record = (layer: OutputRecord["layer"]): OutputRecord => ({ layer, platform: model.name, spec: specPath ? projectRelative(specPath.path) : source, specDigest: specDigest(spec) });

  // Rendered in memory once, when the first folder is staged (after the folders passed their checks).
  let rendered: { terraform?: TerraformSynthesis; kubernetes?: KubernetesSynthesis } | undefined;
  const render = () => {
    if (rendered) return rendered;
    const r = renderers();
    rendered = {
      ...(only !== "kubernetes" ? { terraform: r.synthTerraform(model, { outDir: tfOut.dir }) } : {}),
      ...(only !== "terraform" ? { kubernetes: r.synthKubernetes(model) } : {}),
    };
    return rendered;
  };
  const trees: OutputTree[] = [];
  const lines = [`${model.name}: synthesized from ${source}${specPath?.via === "config" ? ` (named in ${CONFIG_FILE})` : ""}`];
  if (only !== "kubernetes") {
    trees.push({ ...tfOut, record: record("terraform"), carryOver: TERRAFORM_CARRY_OVER, write: (tmp) => renderers().writeFiles(tmp, renderers().terraformFiles(render().terraform!)) });
    lines.push(`  terraform:  ${tfOut.dir}/stacks/{aws,vault}`);
  }
  if (only !== "terraform") {
    trees.push({ ...dist, record: record("kubernetes"), write: (tmp) => renderers().writeFiles(tmp, renderers().kubernetesFiles(render().kubernetes!)) });
    lines.push(`  kubernetes: ${dist.dir}/<cluster>/<component>`);
  }
  const otherLayer = only === "terraform" ? dist : only === "kubernetes" ? tfOut : undefined;
  if (otherLayer) checkOtherLayer(otherLayer, record(only!));
  // Both layers are built first and swapped in together: never new Terraform beside old manifests.
  await writeTreesAtomically(trees, {
    protect: [
      { path: process.cwd(), what: "the current folder" },
      { path: PROJECT_ROOT, what: "the vault-eks-platform project" },
      ...(specPath ? [{ path: specPath.path, what: "the spec file" }] : []),
    ],
    // The folder of the layer not rendered now must not be nested with this one either.
    others: otherLayer ? [otherLayer] : [],
  });
  copyForCdk8s(parsed.values.dist, env, dist.dir);
  return lines.join("\n");
}

/**
 * Rendering one layer (cdktf and cdk8s do) must not pair it silently with the other layer from
 * another spec: a different spec file is refused, an edited one is a warning.
 */
function checkOtherLayer(other: { dir: string; option: string }, now: OutputRecord): void {
  const before = existsSync(other.dir) ? readOutputRecord(other.dir) : undefined;
  if (!before) return;
  if (before.spec !== now.spec) {
    const file = [now.spec, before.spec].find((spec) => spec !== REFERENCE_SOURCE);
    throw new OutputUsageError(
      `${other.dir} holds the ${before.layer} layer rendered from ${before.spec}, but this run renders the ${now.layer} layer from ${now.spec}: ` +
        `the two layers would come from different specs, so nothing was written. Render both layers from one spec with npm run synth${now.spec === REFERENCE_SOURCE ? "" : ` -- ${now.spec}`}` +
        `${file ? `, or name the spec once in ${CONFIG_FILE} ({ "spec": "${file}" }): npm run synth, cdktf and cdk8s all read it` : ""}.`,
    );
  }
  if (before.specDigest !== now.specDigest) console.error(`warning: ${other.dir} was synthesized from another version of ${now.spec}; run npm run synth to render both layers from this one`);
}

/**
 * `cdk8s synth` deletes its output folder before it starts the app (cdk8s-cli's synth command), so
 * cdk8s.yaml points it at a scratch folder and passes --dist explicitly: dist/ is written safely
 * above, and the scratch folder gets a copy for cdk8s's listing and validation plugins.
 */
function copyForCdk8s(distFlag: string | undefined, env: NodeJS.ProcessEnv, dist: string): void {
  const scratch = env.CDK8S_OUTDIR;
  if (distFlag === undefined || !scratch || !env.CDK8S_RECORD_CONSTRUCT_METADATA || resolve(scratch) === resolve(dist)) return;
  if (existsSync(scratch) && readdirSync(scratch).length > 0) return;
  cpSync(dist, scratch, { recursive: true });
}

if (require.main === module) {
  run(process.argv.slice(2), process.env).then(
    (summary) => console.log(summary),
    (e: unknown) => {
      if (e instanceof SpecError) {
        console.error(e.render());
        process.exitCode = 2;
      } else if (e instanceof UsageError) {
        console.error(`${e.message}\n${USAGE}`);
        process.exitCode = 2;
      } else if (e instanceof OutputUsageError) {
        console.error(e.message);
        process.exitCode = 2;
      } else {
        console.error(`synth failed: ${e instanceof Error ? e.message : String(e)}`);
        if (process.env.VAULT_EKS_DEBUG) console.error(e);
        process.exitCode = 1;
      }
    },
  );
}
