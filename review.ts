/**
 * vault-eks-platform review: what a change does to AWS, Vault and the clusters, in capabilities
 * (review/). Writes review.md (a pull-request comment) and review.json.
 *
 *   tsx review.ts [spec] [--base <git-ref> | --base-dir <out,dist>] [--head-dir <out,dist>] [--aws-plan plan.json] [--approve-broadening]
 *   tsx review.ts [spec] --stale-check [--out cdktf.out] [--dist dist]
 *
 * Exit codes: 0 nothing broadens (or approved), 3 a security broadening, 5 stale committed output
 * (--stale-check), 2 bad input or usage, 1 unexpected failure.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { reportFailure, UsageError } from "./lib/cli";
import { LoadError, loadSynthesis } from "./lib/load-synthesis";
import type { Synthesis } from "./lib/synthesis";
import { fitYoungGeneration } from "./lib/young-generation";
import { buildPlatformModel, type PlatformModel } from "./model";
import { PROJECT_ROOT } from "./lib/project-root";
import { CONFIG_FILE, loadSpec, resolveSpecPath, SPEC_ENV_VAR } from "./spec/load";
import { BaseError, defaultBase, synthesizeBase } from "./review/git-base";

const USAGE = `usage: review.ts [spec] [--base <git-ref> | --base-dir <out,dist> [--base-spec <file>]] [--head-dir <out,dist>] [--aws-plan <plan.json>] [--approve-broadening] [--output <dir>]
       review.ts [spec] --stale-check [--out <dir>] [--dist <dir>]
  spec                  platform spec file (default: $${SPEC_ENV_VAR}, else "spec" in ${CONFIG_FILE}, else the bundled reference spec)
  --base <git-ref>      synthesize the base with its own code and spec from a temporary git worktree (default: the merge base with main)
  --base-dir <out,dist> compare an existing synthesized base (cdktf.out and dist folders) instead
  --base-spec <file>    the spec the --base-dir trees came from (for the day-2 notes; without it they are left out)
  --head-dir <out,dist> an existing synthesized head instead of synthesizing the working tree
  --aws-plan <file>     terraform show -json of the AWS stack's plan: its actions, with replacements
  --approve-broadening  exit 0 even when something broadens (the review still lists it)
  --output <dir>        where review.md and review.json go (default: the current folder)
  --stale-check         only compare the committed --out (default cdktf.out) and --dist (default dist) with a fresh synth
  -h, --help            this text
Exit codes: 0 nothing broadens (or approved), 3 a security broadening, 5 stale committed output (--stale-check), 2 bad input or usage, 1 unexpected failure.`;


function trees(option: string, value: string): [string, string] {
  const parts = value.split(",");
  if (parts.length !== 2 || parts.some((p) => p === "")) throw new UsageError(`${option} takes two folders, <cdktf.out>,<dist>; got "${value}"`);
  return [parts[0], parts[1]];
}

function load(option: string, value: string, model: PlatformModel): Synthesis {
  const [out, dist] = trees(option, value);
  try {
    return loadSynthesis(out, dist, model);
  } catch (e) {
    if (e instanceof LoadError) throw new UsageError(`${option}: ${e.message}`);
    throw e;
  }
}

function readPlan(file: string) {
  if (!existsSync(file)) throw new UsageError(`--aws-plan ${file}: no such file`);
  let plan: unknown;
  try {
    plan = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new UsageError(`--aws-plan ${file}: not JSON (${(e as Error).message}); give the output of terraform show -json <planfile>`);
  }
  if (!plan || typeof plan !== "object" || !Array.isArray((plan as { resource_changes?: unknown }).resource_changes)) {
    throw new UsageError(`--aws-plan ${file}: no resource_changes list; give the output of terraform show -json <planfile>`);
  }
  return plan as import("./review/terraform").PlanJson;
}

export interface ReviewRun {
  exitCode: number;
  /** What goes to stdout: review.md, or the stale-check report. */
  output: string;
  files: string[];
}

export async function runReview(argv: string[], env: NodeJS.ProcessEnv, cwd = process.cwd()): Promise<ReviewRun> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        base: { type: "string" },
        "base-dir": { type: "string" },
        "base-spec": { type: "string" },
        "head-dir": { type: "string" },
        "aws-plan": { type: "string" },
        "approve-broadening": { type: "boolean" },
        output: { type: "string" },
        "stale-check": { type: "boolean" },
        out: { type: "string" },
        dist: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values;
  if (v.help) return { exitCode: 0, output: USAGE, files: [] };
  if (parsed.positionals.length > 1) throw new UsageError(`expected at most one spec file, got ${parsed.positionals.length}`);
  if (v.base && v["base-dir"]) throw new UsageError("give --base <git-ref> or --base-dir <out,dist>, not both");
  if (v["base-spec"] && !v["base-dir"]) throw new UsageError("--base-spec names the spec of the --base-dir trees");
  if (v["stale-check"] && (v.base || v["base-dir"] || v["head-dir"] || v["aws-plan"])) throw new UsageError("--stale-check compares the committed output with a fresh synth; it takes only --out and --dist");
  if (!v["stale-check"] && (v.out || v.dist)) throw new UsageError("--out and --dist name the committed output for --stale-check");
  const awsPlan = v["aws-plan"] ? readPlan(v["aws-plan"]) : undefined;

  const specPath = resolveSpecPath(parsed.positionals[0], env, cwd);
  const { source, spec } = await loadSpec(specPath?.path, env);
  fitYoungGeneration(spec);
  const headModel = buildPlatformModel(spec);
  /* eslint-disable @typescript-eslint/no-require-imports */
  const synthesizeHead = async () => (require("./lib/synthesize") as typeof import("./lib/synthesize")).synthesizeYielding(spec, { outDir: v.out ?? "cdktf.out" });

  if (v["stale-check"]) {
    const { staleFiles } = require("./review/stale") as typeof import("./review/stale");
    const dirs = { out: v.out ?? "cdktf.out", dist: v.dist ?? "dist" };
    const stale = staleFiles(await synthesizeHead(), dirs);
    return stale.length === 0
      ? { exitCode: 0, output: `${dirs.out} and ${dirs.dist} are what a fresh synth of ${source} writes`, files: [] }
      : { exitCode: 5, output: `${dirs.out} and ${dirs.dist} are stale: ${stale.length} file(s) differ from a fresh synth of ${source} (run npm run synth and commit):\n${stale.map((s) => `  ${s}`).join("\n")}`, files: [] };
  }

  let base: Synthesis;
  let baseLabel: string;
  let baseModel = true;
  if (v["base-dir"]) {
    const model = v["base-spec"] ? buildPlatformModel((await loadSpec(v["base-spec"], env)).spec) : headModel;
    baseModel = v["base-spec"] !== undefined;
    base = load("--base-dir", v["base-dir"], model);
    baseLabel = v["base-dir"];
  } else {
    const ref = v.base ?? (await defaultBase(PROJECT_ROOT));
    const b = await synthesizeBase(ref, { project: PROJECT_ROOT, cwd, specArg: parsed.positionals[0], env, headModel });
    ({ synthesis: base, label: baseLabel, baseModel } = b);
  }
  const head = v["head-dir"] ? load("--head-dir", v["head-dir"], headModel) : await synthesizeHead();
  const headLabel = v["head-dir"] ?? `working tree (${source})`;

  const { reviewSyntheses, reviewExitCode } = require("./review/index") as typeof import("./review/index");
  const { reviewMarkdown } = require("./review/markdown") as typeof import("./review/markdown");
  const { reviewJson } = require("./review/json") as typeof import("./review/json");
  const review = await reviewSyntheses(base, head, { base: baseLabel, head: headLabel, awsPlan, baseModel });
  const approved = v["approve-broadening"] === true;
  const exitCode = reviewExitCode(review, approved);
  const dir = v.output ?? cwd;
  mkdirSync(dir, { recursive: true });
  const markdown = reviewMarkdown(review, { approved });
  writeFileSync(join(dir, "review.md"), markdown);
  writeFileSync(join(dir, "review.json"), reviewJson(review, { approved, exitCode }));
  return { exitCode, output: markdown, files: [join(dir, "review.md"), join(dir, "review.json")] };
}

/** The command line (scripts/launch.cjs runs it from the bundle). */
export function cli(argv: string[] = process.argv.slice(2)): void {
  runReview(argv, process.env).then(
    ({ exitCode, output }) => {
      process.stdout.write(output.endsWith("\n") ? output : `${output}\n`);
      process.exitCode = exitCode;
    },
    (e: unknown) => reportFailure(e, { usage: USAGE, command: "review", exitCodes: [[BaseError, 2]] }),
  );
}

if (require.main === module) cli();
