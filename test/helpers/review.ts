import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kubernetesFiles, terraformFiles, writeFiles } from "../../lib/write-synthesis";
import type { PlatformSpecInput } from "../../spec/schema";
import { launch } from "./synth";
import { synthesisOf } from "./synthesis";

/** Runs `npm run review`'s command (or `script`, another copy of review.ts, through tsx) without blocking the test worker. */
export function runReviewAsync(args: string[], opts: { cwd: string; script?: string; timeoutMs?: number }): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const command = opts.script ? ["--require", require.resolve("tsx/cjs"), opts.script, ...args] : launch("review", args);
    const child = spawn(process.execPath, command, { cwd: opts.cwd, env: { ...process.env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 180_000);
    child.on("exit", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** Writes a spec's synthesis as cdktf.out/ and dist/ trees into a fresh folder; returns `<out>,<dist>`. */
export async function writeTrees(spec: PlatformSpecInput): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "vep-review-trees-"));
  const s = await synthesisOf(spec);
  writeFiles(join(dir, "cdktf.out"), terraformFiles(s.terraform));
  writeFiles(join(dir, "dist"), kubernetesFiles(s.kubernetes));
  return `${join(dir, "cdktf.out")},${join(dir, "dist")}`;
}

// review.json is read back as plain data.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const reviewJsonIn = (dir: string): any => JSON.parse(readFileSync(join(dir, "review.json"), "utf8"));
