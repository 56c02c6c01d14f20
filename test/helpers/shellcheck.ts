import { spawnSync } from "node:child_process";

/**
 * ShellCheck (Debian package `shellcheck`) on a script given as text. Scripts embedded in
 * manifests run under the images' /bin/sh (busybox ash, or bash acting as sh), so they are
 * checked as POSIX sh; every finding counts, style notes included.
 */
export const SHELLCHECK_ENV = "VAULT_EKS_SHELLCHECK";

export interface ShellcheckFinding {
  line: number;
  column: number;
  level: string;
  code: number;
  message: string;
}

export function shellcheckPath(): string {
  const bin = process.env[SHELLCHECK_ENV] ?? "shellcheck";
  const r = spawnSync(bin, ["--version"], { encoding: "utf8" });
  if (r.error || r.status !== 0) throw new Error(`shellcheck is not runnable (${r.error?.message ?? r.stderr}): apt-get install shellcheck (or set ${SHELLCHECK_ENV})`);
  return bin;
}

/** The shell a `sh -c` script is checked as: POSIX sh unless argv[0] asked for bash. */
export function shellcheckDialect(shell: string): "sh" | "bash" {
  return shell === "bash" ? "bash" : "sh";
}

export function shellcheck(script: string, dialect: "sh" | "bash"): ShellcheckFinding[] {
  const r = spawnSync(shellcheckPath(), [`--shell=${dialect}`, "--severity=style", "--format=json1", "-"], { input: script, encoding: "utf8" });
  if (r.status !== 0 && r.status !== 1) throw new Error(`shellcheck failed (exit ${r.status}): ${r.stderr}`);
  const parsed = JSON.parse(r.stdout) as { comments: ShellcheckFinding[] };
  return parsed.comments.map(({ line, column, level, code, message }) => ({ line, column, level, code, message }));
}

export function formatFindings(findings: ShellcheckFinding[], script: string): string {
  const lines = script.split("\n");
  return findings.map((f) => `  line ${f.line}: SC${f.code} (${f.level}) ${f.message}\n    ${lines[f.line - 1] ?? ""}`).join("\n");
}
