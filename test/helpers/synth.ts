import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { synthTerraform } from "../../lib/synth-terraform";
import { terraformFiles, writeFiles } from "../../lib/write-synthesis";
import { buildPlatformModel, type PlatformModel } from "../../model";
import { referenceSpec } from "../../spec/reference";
import type { PlatformSpecInput } from "../../spec/schema";
import { validateSpec } from "../../spec/validate";

export const ROOT = resolve(__dirname, "../..");

/** The vcluster example (examples/vcluster-oidc.yaml): environments in their own clusters. */
export function vclusterExample(): PlatformSpecInput {
  return parseYaml(readFileSync(join(ROOT, "examples/vcluster-oidc.yaml"), "utf8")) as PlatformSpecInput;
}

/**
 * Lets the vitest worker answer its RPC between synchronous renders: it gives up ("Timeout calling
 * onTaskUpdate") after about 60 s without a turn of the event loop, which a loaded machine reaches
 * with a handful of renders in a row.
 */
export const yieldToWorker = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A deep copy of the reference spec to modify in a test. */
export function referenceCopy(): PlatformSpecInput {
  return structuredClone(referenceSpec);
}

export function modelOf(input: PlatformSpecInput): PlatformModel {
  const result = validateSpec(input);
  if (!result.ok) throw new Error(`spec invalid: ${JSON.stringify(result.problems, null, 2)}`);
  return buildPlatformModel(result.spec);
}

/** Synthesizes the Terraform stacks of a spec into a fresh temporary cdktf.out; returns its path. */
export function synthTerraformToTemp(input: PlatformSpecInput): string {
  const root = mkdtempSync(join(tmpdir(), "vep-synth-"));
  const out = join(root, "cdktf.out");
  writeFiles(out, terraformFiles(synthTerraform(modelOf(input), { outDir: out, stateDir: root })));
  return out;
}

/** Runs `node <args>` without blocking the test worker; resolves with its exit status and output. */
export function runNode(args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("exit", (status) => resolve({ status, stdout, stderr }));
  });
}

/** A copy of the project's sources in a temporary folder, with its own build/ (node_modules shared). */
export function projectCopy(): string {
  const project = mkdtempSync(join(tmpdir(), "vep-project-"));
  for (const entry of ["main.ts", "check.ts", "review.ts", "lib", "model", "spec", "stacks", "charts", "checks", "imports", "review", "scripts", "package.json", "tsconfig.json"]) {
    cpSync(join(ROOT, entry), join(project, entry), { recursive: true });
  }
  symlinkSync(join(ROOT, "node_modules"), join(project, "node_modules"));
  return project;
}

/** A code cache file as scripts/load-bundle.cjs reads it: its header and V8's data, undefined when unreadable or damaged. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const readCodeCache = (require("../../scripts/load-bundle.cjs") as { readCache: (path: string) => { header: { bundle: string; status: number | "partial" }; data: Buffer } | undefined }).readCache;

/** The identity a code cache records for its bundle file (size, mtime, inode), computed here from the file. */
export function bundleIdentity(file: string): string {
  const s = statSync(file);
  return `${s.size}:${s.mtimeMs}:${s.ino}`;
}

/** The command line as `npm run <script>` runs it: the compiled bundle, rebuilt when stale (scripts/launch.cjs). */
export const launch = (entry: "main" | "check" | "review", args: string[]) => [join(ROOT, "scripts", "launch.cjs"), entry, ...args];

/** Runs the real command line (`node scripts/launch.cjs main ...`, as `npm run synth` does) in cwd. */
export function runCli(args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }) {
  const r = spawnSync(process.execPath, launch("main", args), {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    encoding: "utf8",
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * runCli without blocking the test worker (vitest's worker must keep answering while a synth runs).
 * `timeoutMs` kills the process and reports `timedOut`.
 */
export function runCliAsync(args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<{ status: number | null; stdout: string; stderr: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, launch("main", args), { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, opts.timeoutMs ?? 120_000);
    child.on("exit", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, timedOut });
    });
  });
}
