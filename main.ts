/**
 * vault-eks-platform: one platform spec in, every layer out.
 *
 *   tsx main.ts [spec-file] [--out cdktf.out] [--dist dist] [--only terraform|kubernetes]
 *
 * The spec comes from the path given, else $VAULT_EKS_SPEC, else the bundled reference spec.
 * Exit codes: 0 written, 2 bad spec or usage (nothing written), 1 unexpected failure.
 */
import { parseArgs } from "node:util";
import { replaceDirsTogether, type StagedDir, stageDir } from "./lib/replace-dir";
import { synthKubernetes } from "./lib/synth-kubernetes";
import { synthTerraform } from "./lib/synth-terraform";
import { buildPlatformModel } from "./model";
import { loadSpec, SPEC_ENV_VAR } from "./spec/load";
import { SpecError } from "./spec/validate";

const USAGE = `usage: main.ts [spec.(ts|json|yaml)] [--out <dir>] [--dist <dir>] [--only terraform|kubernetes]
  spec       platform spec file (default: $${SPEC_ENV_VAR}, else the bundled reference spec)
  --out      Terraform output directory (default: $CDKTF_OUTDIR, else cdktf.out)
  --dist     Kubernetes manifests for GitOps (default: $CDK8S_OUTDIR, else dist)
  --only     render one layer (cdktf.json and cdk8s.yaml use this)`;

class UsageError extends Error {}

/** Terraform working files that survive a re-synth (providers, lock file), like cdktf's own synth. */
const TERRAFORM_CARRY_OVER = ["stacks/*/.terraform", "stacks/*/.terraform.lock.hcl"];

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

  const { source, spec } = await loadSpec(parsed.positionals[0] ?? env[SPEC_ENV_VAR], env);
  const model = buildPlatformModel(spec);
  const lines = [`${model.name}: synthesized from ${source}`];
  const stages: (() => StagedDir)[] = [];
  if (only !== "kubernetes") {
    const tfOut = parsed.values.out ?? env.CDKTF_OUTDIR ?? "cdktf.out";
    stages.push(() => stageDir(tfOut, (tmp) => synthTerraform(model, { writeDir: tmp, finalDir: tfOut }), { carryOver: TERRAFORM_CARRY_OVER }));
    lines.push(`  terraform:  ${tfOut}/stacks/{aws,vault}`);
  }
  if (only !== "terraform") {
    const dist = parsed.values.dist ?? env.CDK8S_OUTDIR ?? "dist";
    stages.push(() => stageDir(dist, (tmp) => synthKubernetes(model, { writeDir: tmp })));
    lines.push(`  kubernetes: ${dist}/<cluster>/<component>`);
  }
  // Both layers are built first and swapped in together: never new Terraform beside old manifests.
  replaceDirsTogether(stages);
  return lines.join("\n");
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
      } else {
        console.error(`synth failed: ${e instanceof Error ? e.message : String(e)}`);
        if (process.env.VAULT_EKS_DEBUG) console.error(e);
        process.exitCode = 1;
      }
    },
  );
}
