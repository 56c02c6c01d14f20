/**
 * vault-eks-platform check: proves on the synthesized output that the layers agree, every needed
 * connection is open and nothing more, and refuses insecure settings (checks/).
 *
 *   tsx check.ts [spec-file] [--format text|json|sarif] [--no-synth [--out cdktf.out] [--dist dist]]
 *
 * Writes nothing. Exit codes: 0 no error-level finding, 4 error-level findings, 2 bad spec or
 * usage, 1 unexpected failure.
 */
import { parseArgs } from "node:util";
import { reportFailure, UsageError } from "./lib/cli";
import { projectRelative, readOutputRecord } from "./lib/output";
import { fitYoungGeneration } from "./lib/young-generation";
import { buildPlatformModel } from "./model";
import { CONFIG_FILE, loadSpec, resolveSpecPath, SPEC_ENV_VAR, specDigest } from "./spec/load";

const USAGE = `usage: check.ts [spec.(ts|json|yaml)] [--format text|json|sarif] [--no-synth [--out <dir>] [--dist <dir>]]
  spec        platform spec file (default: $${SPEC_ENV_VAR}, else "spec" in ${CONFIG_FILE}, else the bundled reference spec)
  --format    text (default, grouped by severity), json, or sarif (SARIF 2.1.0 for GitHub code scanning)
  --no-synth  check existing output folders instead of synthesizing in memory (edited by hand, or from a GitOps repository)
  --out       Terraform output folder to check with --no-synth (default: $CDKTF_OUTDIR, else cdktf.out)
  --dist      Kubernetes manifests to check with --no-synth (default: $CDK8S_OUTDIR, else dist)
  -h, --help  this text
Exit codes: 0 no error-level finding (warnings may remain), 4 error-level findings, 2 bad spec or usage, 1 unexpected failure.`;

export async function runCheck(argv: string[], env: NodeJS.ProcessEnv): Promise<{ output: string; exitCode: number; notes: string[] }> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { format: { type: "string" }, "no-synth": { type: "boolean" }, out: { type: "string" }, dist: { type: "string" }, help: { type: "boolean", short: "h" } },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (parsed.values.help) return { output: USAGE, exitCode: 0, notes: [] };
  if (parsed.positionals.length > 1) throw new UsageError(`expected at most one spec file, got ${parsed.positionals.length}`);
  const format = parsed.values.format ?? "text";
  if (!["text", "json", "sarif"].includes(format)) throw new UsageError(`--format takes text, json or sarif, got "${format}"`);
  const noSynth = parsed.values["no-synth"] === true;
  if (!noSynth && (parsed.values.out || parsed.values.dist)) throw new UsageError("--out and --dist name the folders to check with --no-synth; without it the spec is synthesized in memory");

  const specPath = resolveSpecPath(parsed.positionals[0], env);
  const { source, spec } = await loadSpec(specPath?.path, env);
  fitYoungGeneration(spec);
  const out = parsed.values.out ?? env.CDKTF_OUTDIR ?? "cdktf.out";
  const dist = parsed.values.dist ?? env.CDK8S_OUTDIR ?? "dist";
  const notes: string[] = [];
  /* eslint-disable @typescript-eslint/no-require-imports */
  let synthesis: import("./lib/synthesis").Synthesis | undefined;
  if (noSynth) {
    const { loadSynthesis, LoadError } = require("./lib/load-synthesis") as typeof import("./lib/load-synthesis");
    try {
      synthesis = loadSynthesis(out, dist, buildPlatformModel(spec));
    } catch (e) {
      if (e instanceof LoadError) throw new UsageError(e.message);
      throw e;
    }
    for (const dir of [out, dist]) {
      const record = readOutputRecord(dir);
      if (record && record.specDigest !== specDigest(spec)) notes.push(`note: ${dir} was synthesized from ${record.spec} (another version or spec than ${source}): findings compare it with ${source}`);
    }
  }
  // Loaded first: its HCL parser compiles while the layers render.
  const { runChecks, errorsIn } = require("./checks/run") as typeof import("./checks/run");
  if (!synthesis) {
    const { synthesizeYielding } = require("./lib/synthesize") as typeof import("./lib/synthesize");
    synthesis = await synthesizeYielding(spec, { outDir: out });
  }
  const report = await runChecks(synthesis);
  const text = () => (require("./checks/report/text") as typeof import("./checks/report/text")).textReport(report, noSynth ? `${out} and ${dist} (${source})` : source);
  const json = () => (require("./checks/report/json") as typeof import("./checks/report/json")).jsonReport(report, source);
  const sarif = () =>
    (require("./checks/report/sarif") as typeof import("./checks/report/sarif")).sarifReport(report, synthesis!, {
      out: projectRelative(out),
      dist: projectRelative(dist),
      ...(specPath ? { spec: projectRelative(specPath.path) } : {}),
    });
  const output = format === "json" ? json() : format === "sarif" ? sarif() : text();
  return { output, exitCode: errorsIn(report).length > 0 ? 4 : 0, notes };
}

/** The command line (scripts/launch.cjs runs it from the bundle). */
export function cli(argv: string[] = process.argv.slice(2)): void {
  runCheck(argv, process.env).then(
    ({ output, exitCode, notes }) => {
      for (const n of notes) console.error(n);
      process.stdout.write(output.endsWith("\n") ? output : `${output}\n`);
      process.exitCode = exitCode;
    },
    (e: unknown) => reportFailure(e, { usage: USAGE, command: "check" }),
  );
}

if (require.main === module) cli();
