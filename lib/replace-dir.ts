import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

export interface ReplaceDirOptions {
  /** Paths (relative, one `*` segment allowed) carried from the old tree into the new one, e.g. Terraform working state. */
  carryOver?: string[];
}

/**
 * Builds a directory in a sibling temporary folder and swaps it in only when the build succeeds,
 * so a failed run never leaves a half-written tree and files that no longer belong disappear.
 */
export function replaceDirAtomically(target: string, build: (tmpDir: string) => void, opts: ReplaceDirOptions = {}): void {
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
