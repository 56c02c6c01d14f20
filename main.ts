/**
 * vault-eks-platform: one platform spec in, every layer out.
 *
 *   tsx main.ts [spec-file] [--out cdktf.out] [--dist dist] [--only terraform|kubernetes]
 *
 * The spec comes from the path given, else $VAULT_EKS_SPEC, else vault-eks.config.json, else the
 * bundled reference spec. Exit codes: 0 written, 2 bad spec or usage (nothing written), 4 error-level
 * findings of the checks (nothing written; --skip-checks writes anyway), 1 unexpected failure.
 */
import { cpSync, existsSync, readdirSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { reportFailure, UsageError } from "./lib/cli";
import { OutputUsageError, WriteAborted, type OutputRecord, type OutputTree, projectRelative, readOutputRecord, writeTreesAtomically } from "./lib/output";
import { buildPlatformModel } from "./model";
import { PROJECT_ROOT } from "./lib/project-root";
import type { KubernetesSynthesis, TerraformSynthesis } from "./lib/synthesis";
import { fitYoungGeneration } from "./lib/young-generation";
import { CONFIG_FILE, loadSpec, REFERENCE_SOURCE, resolveSpecPath, SPEC_ENV_VAR, specDigest } from "./spec/load";

const USAGE = `usage: main.ts [spec.(ts|json|yaml)] [--out <dir>] [--dist <dir>] [--only terraform|kubernetes] [--skip-checks]
  spec       platform spec file (default: $${SPEC_ENV_VAR}, else "spec" in ${CONFIG_FILE}, else the bundled reference spec)
  --out      Terraform output folder (default: $CDKTF_OUTDIR, else cdktf.out)
  --dist     Kubernetes manifests for GitOps (default: $CDK8S_OUTDIR, else dist)
  --only     render one layer (cdktf.json and cdk8s.yaml use this)
  --skip-checks  write even when error-level checks fail (npm run check lists them)
  -h, --help this text
An output folder must be new, empty, or an earlier output of this tool (it holds a .vault-eks-platform file):
every synth replaces the whole folder.`;

/** Error-level findings in the rendered output: nothing is written (exit 4). */
class ChecksFailed extends WriteAborted {}

/**
 * The renderers load cdktf and the providers, or cdk8s and the CRD constructs (most of a run's
 * start-up): each layer's only when it is rendered, and only once the spec and the folders passed their checks.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const load = {
  terraform: () => require("./lib/synth-terraform") as typeof import("./lib/synth-terraform"),
  kubernetes: () => require("./lib/synth-kubernetes") as typeof import("./lib/synth-kubernetes"),
  files: () => require("./lib/write-synthesis") as typeof import("./lib/write-synthesis"),
  checks: () => ({ ...(require("./checks/run") as typeof import("./checks/run")), ...(require("./checks/report/text") as typeof import("./checks/report/text")) }),
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** Terraform working files that survive a re-synth (providers, lock file), like cdktf's own synth. */
const TERRAFORM_CARRY_OVER = ["stacks/*/.terraform", "stacks/*/.terraform.lock.hcl"];

export async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<string> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { out: { type: "string" }, dist: { type: "string" }, only: { type: "string" }, "skip-checks": { type: "boolean" }, help: { type: "boolean", short: "h" } },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (parsed.values.help) return USAGE;
  if (parsed.positionals.length > 1) throw new UsageError(`expected at most one spec file, got ${parsed.positionals.length}`);
  const only = parsed.values.only;
  if (only !== undefined && only !== "terraform" && only !== "kubernetes") throw new UsageError(`--only takes terraform or kubernetes, got "${only}"`);

  const specPath = resolveSpecPath(parsed.positionals[0], env);
  const { source, spec } = await loadSpec(specPath?.path, env);
  fitYoungGeneration(spec);
  const model = buildPlatformModel(spec);
  const tfOut = { dir: parsed.values.out ?? env.CDKTF_OUTDIR ?? "cdktf.out", option: parsed.values.out ? "--out" : env.CDKTF_OUTDIR ? "$CDKTF_OUTDIR" : "--out" };
  const dist = { dir: parsed.values.dist ?? env.CDK8S_OUTDIR ?? "dist", option: parsed.values.dist ? "--dist" : env.CDK8S_OUTDIR ? "$CDK8S_OUTDIR" : "--dist" };
  const record = (layer: OutputRecord["layer"]): OutputRecord => ({ layer, platform: model.name, spec: specPath ? projectRelative(specPath.path) : source, specDigest: specDigest(spec) });

  const skipChecks = parsed.values["skip-checks"] === true;
  // Rendered in memory once, when the first folder is staged (after the folders passed their checks);
  // the error-level checks need both layers, so --only skips only the writing.
  let rendered: Promise<{ terraform?: TerraformSynthesis; kubernetes?: KubernetesSynthesis }> | undefined;
  const render = () =>
    (rendered ??= (async () => {
      // Loaded first: the checks' HCL parser compiles its WebAssembly while the layers render.
      const checks = skipChecks ? undefined : load.checks();
      const terraform = only !== "kubernetes" || checks ? load.terraform().synthTerraform(model, { outDir: tfOut.dir }) : undefined;
      await new Promise((resolve) => setImmediate(resolve));
      const kubernetes = only !== "terraform" || checks ? load.kubernetes().synthKubernetes(model) : undefined;
      if (checks) {
        const report = await checks.runChecks({ model, terraform: terraform!, kubernetes: kubernetes! }, { severity: "error" });
        if (checks.errorsIn(report).length > 0) throw new ChecksFailed(`${checks.textReport(report, source)}\nnothing was written: fix the spec, or accept a finding with a suppression in the spec (npm run check shows every finding); --skip-checks writes anyway`);
      }
      return { terraform, kubernetes };
    })());
  const trees: OutputTree[] = [];
  const lines = [`${model.name}: synthesized from ${source}${specPath?.via === "config" ? ` (named in ${CONFIG_FILE})` : ""}`];
  if (only !== "kubernetes") {
    trees.push({ ...tfOut, record: record("terraform"), carryOver: TERRAFORM_CARRY_OVER, write: async (tmp, previous) => load.files().writeFiles(tmp, load.files().terraformFiles((await render()).terraform!), previous) });
    lines.push(`  terraform:  ${tfOut.dir}/stacks/{${["aws", ...model.vault.stacks.map((s) => s.name)].join(",")}}`);
  }
  if (only !== "terraform") {
    trees.push({ ...dist, record: record("kubernetes"), write: async (tmp, previous) => load.files().writeFiles(tmp, load.files().kubernetesFiles((await render()).kubernetes!), previous) });
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
  if (skipChecks) lines.push("  checks:     skipped (--skip-checks): run npm run check");
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

/** The command line (scripts/launch.cjs runs it from the bundle): prints the summary or the failure, sets the exit code. */
export function cli(argv: string[] = process.argv.slice(2)): void {
  run(argv, process.env).then(
    (summary) => console.log(summary),
    (e: unknown) =>
      reportFailure(e, {
        usage: USAGE,
        command: "synth",
        exitCodes: [
          [OutputUsageError, 2],
          [ChecksFailed, 4],
        ],
      }),
  );
}

if (require.main === module) cli();
