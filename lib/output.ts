import { closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, join, parse, relative, resolve, sep } from "node:path";

/**
 * Writing output folders safely: a folder is only ever replaced as a whole, only if this tool
 * wrote it (its ownership marker is in it), never half-written, and never while another synth
 * writes it. Callers describe trees; this module owns every file-system decision.
 */

/** Written into every output folder; a non-empty folder without it is never touched. */
export const OWNER_MARKER = ".vault-eks-platform";

/** What the marker records: which layer the folder holds and which spec it came from. */
export interface OutputRecord {
  layer: "terraform" | "kubernetes";
  platform: string;
  /** The spec as a project-relative path, or the reference spec's label. */
  spec: string;
  /** sha256 of the validated spec (defaults filled in). */
  specDigest: string;
}

export interface OutputTree {
  /** The folder as the user named it: every message uses this, never a temporary name. */
  dir: string;
  /** The option that named it, for messages (e.g. "--dist"). */
  option: string;
  record: OutputRecord;
  /**
   * Writes the tree into an empty folder. `previous` is the folder being replaced, when it exists and
   * holds this tool's output of the same layer: a file whose bytes did not change may be hard-linked
   * from it instead of written again (lib/write-synthesis.ts).
   */
  write(into: string, previous?: string): void | Promise<void>;
  /** Relative paths (one `*` segment allowed) carried from the previous tree into the new one. */
  carryOver?: string[];
}

export interface WriteOptions {
  /** Paths an output folder may neither be nor contain (the working directory, the project, the spec file). */
  protect: { path: string; what: string }[];
  /** Output folders of layers not written now: neither the same as nor nested with the ones written. */
  others?: { dir: string; option: string }[];
}

/** A problem with the output paths found before anything was written (exit 2). */
export class OutputUsageError extends Error {}
/** A failure while writing; the previous output is still in place (exit 1). */
export class OutputWriteError extends Error {}
/** Thrown by a tree's write to stop on purpose (e.g. checks failed): passed on as is, nothing is written. */
export class WriteAborted extends Error {}

interface Target {
  tree: OutputTree;
  /** Absolute, symlinks of existing parts resolved. */
  final: string;
  tmp: string;
  old: string;
  lock: string;
}

const SIGNALS = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;

/**
 * Builds every tree in a sibling temporary folder, then swaps them all in together: either
 * every folder holds the new output, or every folder is as it was. Files that no longer belong
 * disappear, except `carryOver` paths. Ctrl-C or SIGTERM removes whatever was staged.
 */
export async function writeTreesAtomically(trees: OutputTree[], opts: WriteOptions): Promise<void> {
  const targets = trees.map((tree) => target(tree));
  checkPlacement(targets, opts.protect, (opts.others ?? []).map((o) => ({ final: realTarget(resolve(o.dir)), tree: o })));
  const held: Target[] = [];
  const staged: Target[] = [];
  const cleanUp = () => {
    for (const t of staged) rmSync(t.tmp, { recursive: true, force: true });
    for (const t of held) rmSync(t.lock, { force: true });
  };
  const onSignal = (signal: keyof typeof SIGNALS) => {
    cleanUp();
    process.stderr.write(`interrupted (${signal}): nothing was written\n`);
    process.exit(128 + SIGNALS[signal]);
  };
  for (const s of Object.keys(SIGNALS)) process.on(s, onSignal);
  try {
    for (const t of targets) {
      prepare(t);
      held.push(t);
      checkOwnership(t);
    }
    for (const t of targets) {
      staged.push(t);
      await stage(t);
      // Synthesis is synchronous: this is where a pending Ctrl-C gets to run onSignal.
      await new Promise((r) => setImmediate(r));
    }
    for (const t of targets) commit(t);
    staged.length = 0;
  } finally {
    cleanUp();
    for (const s of Object.keys(SIGNALS)) process.off(s, onSignal);
  }
}

/** The marker of an existing output folder, if it has one. */
export function readOutputRecord(dir: string): OutputRecord | undefined {
  const file = join(resolve(dir), OWNER_MARKER);
  if (!existsSync(file)) return undefined;
  const fields = Object.fromEntries(
    readFileSync(file, "utf8")
      .split("\n")
      .filter((l) => /^\w+: /.test(l))
      .map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 2)]),
  );
  return fields.layer ? (fields as unknown as OutputRecord) : undefined;
}

function markerText(r: OutputRecord): string {
  return [
    "# Written by vault-eks-platform. Every synth replaces this whole folder; the tool refuses to",
    "# replace a non-empty folder without this file, so never copy it into a folder you edit by hand.",
    `layer: ${r.layer}`,
    `platform: ${r.platform}`,
    `spec: ${r.spec}`,
    `specDigest: ${r.specDigest}`,
    "",
  ].join("\n");
}

function target(tree: OutputTree): Target {
  const final = realTarget(resolve(tree.dir));
  const parent = dirname(final);
  const base = basename(final);
  return { tree, final, tmp: join(parent, `.${base}.tmp-${process.pid}`), old: join(parent, `.${base}.old-${process.pid}`), lock: join(parent, `.${base}.lock`) };
}

/** Resolves symlinks in the part of the path that exists, so a symlinked output folder is replaced where it really lives. */
function realTarget(abs: string): string {
  let existing = abs;
  const rest: string[] = [];
  while (!existsSync(existing) && dirname(existing) !== existing) {
    rest.unshift(basename(existing));
    existing = dirname(existing);
  }
  try {
    return join(realpathSync(existing), ...rest);
  } catch {
    return abs;
  }
}

const isWithin = (inner: string, outer: string) => inner === outer || inner.startsWith(outer.endsWith(sep) ? outer : outer + sep);

function checkPlacement(targets: Target[], protect: WriteOptions["protect"], others: { final: string; tree: { dir: string; option: string } }[]): void {
  const refuse = (t: Target, why: string) => {
    throw new OutputUsageError(`${t.tree.option} ${t.tree.dir}: ${why}. Nothing was written.`);
  };
  for (const t of targets) {
    if (parse(t.final).root === t.final) refuse(t, "is the file-system root");
    if (t.final === realTarget(homedir())) refuse(t, "is your home folder");
    for (const p of protect) {
      const real = realTarget(resolve(p.path));
      if (isWithin(real, t.final)) refuse(t, real === t.final ? `is ${p.what}` : `contains ${p.what} (${p.path}), and every synth replaces the whole folder`);
    }
  }
  for (const t of targets) {
    for (const other of [...targets, ...others]) {
      if (other === t) continue;
      if (other.final === t.final) refuse(t, `is also the ${other.tree.option} folder: give each layer its own folder`);
      if (isWithin(t.final, other.final)) refuse(t, `is inside the ${other.tree.option} folder ${other.tree.dir}: give each layer its own folder, side by side`);
      if (isWithin(other.final, t.final)) refuse(t, `contains the ${other.tree.option} folder ${other.tree.dir}: give each layer its own folder, side by side`);
    }
  }
}

/** Creates missing parents one level at a time (a recursive mkdir loops forever on some file systems, e.g. /proc) and takes the lock. */
function prepare(t: Target): void {
  const fail = (what: string, e: unknown) => {
    throw new OutputUsageError(`${t.tree.option} ${t.tree.dir}: ${what} (${fsReason(e)}). Nothing was written.`);
  };
  const missing: string[] = [];
  let dir = dirname(t.final);
  while (!existsSync(dir)) {
    missing.unshift(dir);
    dir = dirname(dir);
  }
  if (!statSync(dir).isDirectory()) throw new OutputUsageError(`${t.tree.option} ${t.tree.dir}: cannot be created, ${dir} is a file. Nothing was written.`);
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (e) {
      fail(`cannot create the folder ${d}`, e);
    }
  }
  let fd: number;
  try {
    fd = openLock(t);
  } catch (e) {
    if (e instanceof OutputUsageError) throw e;
    return fail(`cannot write in ${dirname(t.final)}`, e);
  }
  writeSync(fd, `${process.pid}\n`);
  closeSync(fd);
  // The lock is ours: any temporary folder of this target was left by a run that died.
  for (const name of readdirSync(dirname(t.final))) {
    if (name.startsWith(`.${basename(t.final)}.tmp-`) || name.startsWith(`.${basename(t.final)}.old-`)) rmSync(join(dirname(t.final), name), { recursive: true, force: true });
  }
}

function openLock(t: Target): number {
  try {
    return openSync(t.lock, "wx");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  }
  const pid = Number.parseInt(readFileSync(t.lock, "utf8"), 10);
  if (Number.isInteger(pid) && pid !== process.pid && isAlive(pid)) {
    throw new OutputUsageError(`${t.tree.option} ${t.tree.dir}: another synth (process ${pid}) is writing it; wait for it to finish, or delete ${t.lock} if no synth is running. Nothing was written.`);
  }
  unlinkSync(t.lock);
  try {
    return openSync(t.lock, "wx");
  } catch {
    throw new OutputUsageError(`${t.tree.option} ${t.tree.dir}: another synth started writing it at the same moment. Nothing was written.`);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function checkOwnership(t: Target): void {
  const where = `${t.tree.option} ${t.tree.dir}`;
  if (!existsSync(t.final)) return;
  if (!lstatSync(t.final).isDirectory()) throw new OutputUsageError(`${where}: is a file, not a folder; choose another path. Nothing was written.`);
  const entries = readdirSync(t.final);
  if (entries.length === 0) return;
  const record = readOutputRecord(t.final);
  if (!record) {
    throw new OutputUsageError(
      `${where}: the folder exists and holds files vault-eks-platform did not write (there is no ${OWNER_MARKER} file in it), and every synth replaces the whole folder. ` +
        "Choose a new or empty folder (in a GitOps repository: a subfolder only this tool writes), or delete this one first if it is an old output of this tool. Nothing was written.",
    );
  }
  if (record.layer !== t.tree.record.layer) {
    throw new OutputUsageError(`${where}: holds this tool's ${record.layer} output, not ${t.tree.record.layer}; give each layer its own folder. Nothing was written.`);
  }
  if (entries.includes(".git")) throw new OutputUsageError(`${where}: is the root of a git repository (.git); point it at a subfolder of the repository. Nothing was written.`);
}

async function stage(t: Target): Promise<void> {
  try {
    mkdirSync(t.tmp);
    // checkOwnership has accepted the folder: it is absent, empty, or this tool's output of this layer.
    await t.tree.write(t.tmp, existsSync(t.final) ? t.final : undefined);
    writeFileSync(join(t.tmp, OWNER_MARKER), markerText(t.tree.record));
  } catch (e) {
    if (e instanceof WriteAborted) throw e;
    throw new OutputWriteError(`cannot write ${t.tree.option} ${t.tree.dir}: ${userMessage(e, t)}; the previous output is untouched`);
  }
}

function commit(t: Target): void {
  try {
    if (existsSync(t.final)) {
      for (const pattern of t.tree.carryOver ?? []) {
        for (const rel of expand(t.final, pattern)) {
          if (existsSync(dirname(join(t.tmp, rel))) && !existsSync(join(t.tmp, rel))) renameSync(join(t.final, rel), join(t.tmp, rel));
        }
      }
      renameSync(t.final, t.old);
    }
    renameSync(t.tmp, t.final);
    rmSync(t.old, { recursive: true, force: true });
  } catch (e) {
    throw new OutputWriteError(`cannot replace ${t.tree.option} ${t.tree.dir}: ${userMessage(e, t)}`);
  }
}

/** An error message with the temporary folder's name replaced by the folder the user named. */
function userMessage(e: unknown, t: Target): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split(t.tmp).join(t.tree.dir).split(t.old).join(t.tree.dir);
}

function fsReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code ? `${err.code}: ${err.message.replace(/^\w+: /, "").replace(/, \w+ '.*'$/, "")}` : String(e);
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

/** Project-relative form of a path for messages and records (forward slashes, no absolute paths). */
export function projectRelative(path: string, from: string = process.cwd()): string {
  return relative(from, resolve(path)).split(sep).join("/") || ".";
}
