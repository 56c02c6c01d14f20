import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

export interface StageOptions {
  /** Paths (relative, one `*` segment allowed) carried from the old tree into the new one, e.g. Terraform working state. */
  carryOver?: string[];
}

export interface StagedDir {
  /** Swaps the built tree in: files that no longer belong disappear. */
  commit(): void;
  /** Throws the built tree away; the target is untouched. */
  abort(): void;
}

/**
 * Builds a directory in a sibling temporary folder. Nothing changes at the target until commit(),
 * so a failed run never leaves a half-written tree (and several trees can be swapped in together).
 */
export function stageDir(target: string, build: (tmpDir: string) => void, opts: StageOptions = {}): StagedDir {
  const final = resolve(target);
  const parent = dirname(final);
  mkdirSync(parent, { recursive: true });
  const tmp = join(parent, `.${basename(final)}.tmp-${process.pid}`);
  const old = join(parent, `.${basename(final)}.old-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    build(tmp);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return {
    abort: () => rmSync(tmp, { recursive: true, force: true }),
    commit: () => {
      if (existsSync(final)) {
        for (const pattern of opts.carryOver ?? []) {
          for (const rel of expand(final, pattern)) {
            if (existsSync(dirname(join(tmp, rel))) && !existsSync(join(tmp, rel))) renameSync(join(final, rel), join(tmp, rel));
          }
        }
        renameSync(final, old);
      }
      renameSync(tmp, final);
      rmSync(old, { recursive: true, force: true });
    },
  };
}

/** Stages every tree, then commits them all, or none if any build fails. */
export function replaceDirsTogether(stages: (() => StagedDir)[]): void {
  const staged: StagedDir[] = [];
  try {
    for (const stage of stages) staged.push(stage());
  } catch (e) {
    for (const s of staged) s.abort();
    throw e;
  }
  for (const s of staged) s.commit();
}

function expand(root: string, pattern: string): string[] {
  let paths = [""];
  for (const seg of pattern.split("/")) {
    paths = paths.flatMap((p) => {
      if (seg !== "*") return [join(p, seg)];
      const dir = join(root, p);
      return existsSync(dir) ? readdirSync(dir).map((d) => join(p, d)) : [];
    });
  }
  return paths.filter((p) => existsSync(join(root, p)));
}
