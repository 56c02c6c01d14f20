import { existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, relative, resolve } from "node:path";
import { loadSynthesis } from "../lib/load-synthesis";
import type { Synthesis } from "../lib/synthesis";
import { buildPlatformModel, type PlatformModel } from "../model";
import { loadSpec, resolveSpecPath, SPEC_ENV_VAR } from "../spec/load";
import { SpecError, validateSpec } from "../spec/validate";
import { run } from "./spawn";

/** The base cannot be had: no git, an unknown ref, a base that does not synthesize (exit 2). */
export class BaseError extends Error {}

async function git(args: string[], cwd: string): Promise<string> {
  const r = await run("git", args, { cwd });
  if (r.status !== 0) throw new BaseError(`git ${args.join(" ")}: ${r.stderr.trim() || `exit ${r.status}`}`);
  return r.stdout.trim();
}

/** The default base: the merge base of HEAD with main (or origin/main, as CI checkouts name it). */
export async function defaultBase(project: string): Promise<string> {
  for (const main of ["main", "origin/main"]) {
    const r = await run("git", ["merge-base", "HEAD", main], { cwd: project });
    if (r.status === 0) return r.stdout.trim();
  }
  throw new BaseError("no merge base with main or origin/main: give --base <git-ref> (in CI, fetch the base branch: actions/checkout with fetch-depth: 0)");
}

export interface BaseSynthesis {
  synthesis: Synthesis;
  label: string;
  /** False when the base spec does not load with this code: the head's model stands in (no day-2 notes). */
  baseModel: boolean;
}

/** A path inside the repository, as the same path inside the base worktree; a path outside stays. */
function inWorktree(path: string, repo: string, tree: string): string {
  const rel = relative(repo, path);
  return rel.startsWith("..") || isAbsolute(rel) ? path : join(tree, rel);
}

/** The base's own bundled reference spec (spec/reference.ts of that commit), validated by this code. */
function referenceOf(project: string) {
  // Through tsx's require (a TypeScript file of another commit): the review itself runs compiled, without tsx's hook.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { require: tsRequire } = require("tsx/cjs/api") as typeof import("tsx/cjs/api");
  const result = validateSpec((tsRequire(join(project, "spec", "reference.ts"), __filename) as { referenceSpec: unknown }).referenceSpec);
  if (!result.ok) throw new SpecError("the base's spec/reference.ts", result.problems);
  return result.spec;
}

/**
 * Synthesizes the base with its own code and spec: a temporary `git worktree` of the commit, sharing
 * this project's node_modules, where the base's `main.ts` writes cdktf.out/ and dist/ (the same
 * relative folders as the head, so local-state paths compare equal); the trees are read back with
 * lib/load-synthesis.ts. The base's model (for the day-2 notes) is its spec read by this code.
 */
export async function synthesizeBase(ref: string, opts: { project: string; cwd: string; specArg?: string; env: NodeJS.ProcessEnv; headModel: PlatformModel }): Promise<BaseSynthesis> {
  const repo = await git(["rev-parse", "--show-toplevel"], opts.project);
  const commit = await git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], opts.project).catch(() => {
    throw new BaseError(`--base ${ref}: not a commit of ${repo}`);
  });
  const scratch = mkdtempSync(join(tmpdir(), "vep-review-base-"));
  const tree = join(scratch, "tree");
  await git(["worktree", "add", "--detach", tree, commit], repo);
  try {
    const project = inWorktree(opts.project, repo, tree);
    if (!existsSync(join(project, "main.ts"))) throw new BaseError(`--base ${ref}: ${relative(repo, opts.project) || "."}/main.ts does not exist in that commit`);
    if (!existsSync(join(project, "node_modules"))) symlinkSync(join(opts.project, "node_modules"), join(project, "node_modules"), "dir");
    const specPath = resolveSpecPath(opts.specArg, opts.env, opts.cwd);
    const baseSpec = specPath ? inWorktree(resolve(opts.cwd, specPath.path), repo, tree) : undefined;
    if (baseSpec && !existsSync(baseSpec)) throw new BaseError(`--base ${ref}: the spec ${relative(repo, resolve(opts.cwd, specPath!.path))} does not exist in that commit`);
    const env: NodeJS.ProcessEnv = { ...opts.env };
    for (const v of [SPEC_ENV_VAR, "CDKTF_OUTDIR", "CDK8S_OUTDIR"]) delete env[v];
    const args = ["--require", require.resolve("tsx/cjs"), "main.ts", ...(baseSpec ? [baseSpec] : []), "--out", "cdktf.out", "--dist", "dist", "--skip-checks"];
    let r = await run(process.execPath, args, { cwd: project, env });
    if (r.status !== 0 && /skip-checks/.test(r.stderr)) r = await run(process.execPath, args.slice(0, -1), { cwd: project, env });
    if (r.status !== 0) throw new BaseError(`--base ${ref}: the base does not synthesize (exit ${r.status}):\n${r.stderr.trim()}`);
    let model = opts.headModel;
    let baseModel = true;
    try {
      const configured = baseSpec ?? resolveSpecPath(undefined, env, project)?.path;
      model = buildPlatformModel(configured ? (await loadSpec(configured, env)).spec : referenceOf(project));
    } catch (e) {
      if (!(e instanceof SpecError)) throw e;
      baseModel = false;
    }
    return { synthesis: loadSynthesis(join(project, "cdktf.out"), join(project, "dist"), model), label: `${ref} (${commit.slice(0, 10)})`, baseModel };
  } finally {
    await run("git", ["worktree", "remove", "--force", tree], { cwd: repo });
    rmSync(scratch, { recursive: true, force: true });
  }
}
