import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Runs the real Terraform CLI offline against a synthesized stack. Providers come from a local
 * filesystem mirror (VAULT_EKS_TF_PROVIDER_MIRROR, default /opt/tf-plugins: the machine image's
 * copy of hashicorp/aws 5.100.0); nothing is fetched from the network.
 */
export const MIRROR_ENV = "VAULT_EKS_TF_PROVIDER_MIRROR";
export const DEFAULT_MIRROR = "/opt/tf-plugins";

export function providerMirror(): string {
  const mirror = process.env[MIRROR_ENV] ?? DEFAULT_MIRROR;
  if (!existsSync(join(mirror, "registry.terraform.io/hashicorp/aws"))) {
    throw new Error(`no hashicorp/aws provider in the Terraform filesystem mirror ${mirror}: set ${MIRROR_ENV} (see DEVELOPERS.md)`);
  }
  return mirror;
}

export interface TerraformWorkdir {
  dir: string;
  run(args: string[], opts?: { allowFailure?: boolean }): { status: number; stdout: string; stderr: string };
  /** The same without blocking the test worker: init and plan can take a minute on a busy machine. */
  runAsync(args: string[], opts?: { allowFailure?: boolean }): Promise<{ status: number; stdout: string; stderr: string }>;
  showPlanJson(): PlanJson;
  showPlanJsonAsync(): Promise<PlanJson>;
}

export interface ResourceChange {
  address: string;
  type: string;
  name: string;
  provider_name?: string;
  action_reason?: string;
  change: { actions: string[]; before?: Record<string, unknown> | null; after: Record<string, unknown>; after_unknown: Record<string, unknown>; after_sensitive?: Record<string, unknown> | boolean };
}
export interface PlanJson {
  resource_changes: ResourceChange[];
  configuration: { root_module: { resources: { address: string; expressions: Record<string, { references?: string[] } | unknown> }[] } };
  planned_values: { outputs: Record<string, { value?: unknown; sensitive: boolean }> };
}

/**
 * Copies a stack's cdk.tf.json into a fresh directory laid out like cdktf.out
 * (so relative local-state paths stay inside it) and writes a CLI config using the mirror.
 * `testProvider` adds dummy credentials and the skip_* flags, for plan only; `patch` edits the
 * copy (never the synthesized original), e.g. to point a backend at a test endpoint.
 */
export function terraformWorkdir(stackDir: string, opts: { testProvider?: boolean; patch?: (stack: Record<string, any>) => void } = {}): TerraformWorkdir {
  const root = mkdtempSync(join(tmpdir(), "vep-tf-"));
  const dir = join(root, "cdktf.out", "stacks", "stack");
  cpSync(join(stackDir, "cdk.tf.json"), join(dir, "cdk.tf.json"), { recursive: true });
  if (opts.patch) {
    const stack = JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8"));
    opts.patch(stack);
    writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(stack, null, 2));
  }
  const cliConfig = join(root, "terraform.rc");
  const mirror = providerMirror();
  writeFileSync(
    cliConfig,
    `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = ["registry.terraform.io/hashicorp/*"]\n  }\n  direct {\n    exclude = ["registry.terraform.io/hashicorp/*"]\n  }\n}\n`,
  );
  if (opts.testProvider) {
    writeFileSync(
      join(dir, "zz_test_provider_override.tf.json"),
      JSON.stringify({
        provider: {
          aws: [
            {
              access_key: "AKIAIOSFODNN7EXAMPLE",
              secret_key: "test-only-not-a-secret",
              skip_credentials_validation: true,
              skip_requesting_account_id: true,
              skip_metadata_api_check: true,
              // allowed_account_ids needs the real caller identity, which a plan without AWS cannot have.
              allowed_account_ids: null,
            },
          ],
        },
      }),
    );
  }
  const env: NodeJS.ProcessEnv = { ...process.env, TF_CLI_CONFIG_FILE: cliConfig, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_INPUT: "0" };
  delete env.TF_PLUGIN_CACHE_DIR;
  const run: TerraformWorkdir["run"] = (args, runOpts = {}) => {
    const r = spawnSync("terraform", [args[0], "-no-color", ...args.slice(1)], { cwd: dir, env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    if (r.error) throw new Error(`terraform is not runnable (is it on PATH?): ${r.error.message}`);
    const result = { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
    if (result.status !== 0 && !runOpts.allowFailure) {
      throw new Error(`terraform ${args.join(" ")} failed (${result.status}):\n${result.stderr}\n${result.stdout.slice(-4000)}`);
    }
    return result;
  };
  const runAsync: TerraformWorkdir["runAsync"] = (args, runOpts = {}) =>
    new Promise((resolve, reject) => {
      // Flags follow the (sub)command: `terraform providers schema -json -no-color`.
      const command = args[0] === "providers" ? 2 : 1;
      const child = spawn("terraform", [...args.slice(0, command), "-no-color", ...args.slice(command)], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on("data", (d: Buffer) => out.push(d));
      child.stderr.on("data", (d: Buffer) => err.push(d));
      child.on("error", (e) => reject(new Error(`terraform is not runnable (is it on PATH?): ${e.message}`)));
      child.on("close", (code) => {
        const result = { status: code ?? -1, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") };
        if (result.status !== 0 && !runOpts.allowFailure) {
          reject(new Error(`terraform ${args.join(" ")} failed (${result.status}):\n${result.stderr}\n${result.stdout.slice(-4000)}`));
        } else resolve(result);
      });
    });
  return {
    dir,
    run,
    runAsync,
    showPlanJson: () => JSON.parse(run(["show", "-json", "plan.bin"]).stdout) as PlanJson,
    showPlanJsonAsync: async () => JSON.parse((await runAsync(["show", "-json", "plan.bin"])).stdout) as PlanJson,
  };
}
