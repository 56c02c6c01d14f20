import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/**
 * Runs a script embedded in a manifest for real, in a throwaway root filesystem that holds only
 * busybox applets, the way the Alpine-based hashicorp/vault image provides them. The script runs
 * chrooted in fresh user, mount and PID namespaces: it sees the paths the pod sees (/vault/audit,
 * /proc of its own PID namespace, ...) and nothing of the machine's processes.
 *
 * Needs Debian's busybox (`apt-get install busybox`; or VAULT_EKS_BUSYBOX=/path) and util-linux
 * `unshare` with user namespaces. Not busybox-static: it is built with FEATURE_SH_STANDALONE, so its
 * shell runs every applet even when PATH has none, which Alpine's does not.
 */
const BUSYBOX = process.env.VAULT_EKS_BUSYBOX ?? "/bin/busybox";

/**
 * Applets the scripts may use. Each is in Alpine's busybox configuration (aports main/busybox:
 * CONFIG_TR, CONFIG_SHA256SUM, CONFIG_STAT with CONFIG_FEATURE_STAT_FORMAT, CONFIG_MV, CONFIG_RM,
 * CONFIG_SLEEP, CONFIG_DATE, CONFIG_TOUCH, CONFIG_CAT, CONFIG_ASH); kill, echo and [ are ash builtins.
 * A script that calls anything else fails here with "not found", as it would in the image.
 */
export const ALPINE_BUSYBOX_APPLETS = ["sh", "tr", "sha256sum", "stat", "mv", "rm", "sleep", "date", "touch", "cat"];

export interface Rootfs {
  dir: string;
  /** Host path of a path inside the root. */
  at(path: string): string;
  /** Writes a file inside the root (parents created). */
  write(path: string, content: string, mode?: number): void;
}

export function requireSandboxTools(): void {
  const missing: string[] = [];
  if (!existsSync(BUSYBOX)) missing.push(`${BUSYBOX} (apt-get install busybox, or set VAULT_EKS_BUSYBOX)`);
  else if (spawnSync(BUSYBOX, ["sh", "-c", "command -v sleep"], { env: { PATH: "/nonexistent" }, encoding: "utf8" }).stdout.trim() !== "") {
    missing.push(`a busybox whose shell finds applets only through PATH, as Alpine's does (${BUSYBOX} runs them standalone: apt-get install busybox, not busybox-static)`);
  }
  if (spawnSync("unshare", ["--version"]).status !== 0) missing.push("unshare (util-linux)");
  if (missing.length > 0) throw new Error(`the script sandbox needs: ${missing.join("; ")}`);
}

/** The shared libraries a dynamic busybox loads (ldd), copied to the same paths inside the root. */
function copyLibraries(binary: string, root: string): void {
  const ldd = spawnSync("ldd", [binary], { encoding: "utf8" });
  for (const path of ldd.stdout.matchAll(/(\/\S+\.so[.\d]*)\s+\(/g)) {
    const target = join(root, path[1]!);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(path[1]!, target);
  }
}

/** A root with /bin/busybox, the given applets, /proc, /dev/null, /tmp and an empty /sandbox for test files. */
export function busyboxRoot(applets: string[] = ALPINE_BUSYBOX_APPLETS): Rootfs {
  requireSandboxTools();
  const dir = mkdtempSync(join(tmpdir(), "vep-sandbox-"));
  for (const d of ["bin", "proc", "dev", "tmp", "sandbox"]) mkdirSync(join(dir, d));
  copyFileSync(BUSYBOX, join(dir, "bin/busybox"));
  chmodSync(join(dir, "bin/busybox"), 0o755);
  copyLibraries(BUSYBOX, dir);
  for (const a of applets) symlinkSync("busybox", join(dir, "bin", a));
  writeFileSync(join(dir, "dev/null"), "");
  const at = (p: string) => join(dir, p.replace(/^\//, ""));
  return {
    dir,
    at,
    write(path, content, mode = 0o644) {
      mkdirSync(dirname(at(path)), { recursive: true });
      // Replaces an applet link instead of writing through it into busybox.
      rmSync(at(path), { force: true });
      writeFileSync(at(path), content, { mode });
      chmodSync(at(path), mode);
    },
  };
}

export interface SandboxRun {
  /** bash run on the host side inside the namespaces before the chrooted script (e.g. start a fake server). */
  hostPrelude?: string;
  /** Environment of the chrooted script (nothing else leaks in; PATH is /bin). */
  env?: Record<string, string>;
}

function namespaceCommand(root: Rootfs, script: string, run: SandboxRun): string[] {
  writeFileSync(`${root.dir}.script`, script);
  const env = Object.entries({ PATH: "/bin", HOME: "/tmp", ...run.env }).map(([k, v]) => `${k}=${v}`);
  const driver = [
    "set -eu",
    `mount -t proc proc ${JSON.stringify(root.at("/proc"))}`,
    `mount --bind /dev/null ${JSON.stringify(root.at("/dev/null"))}`,
    run.hostPrelude ?? ":",
    `exec chroot ${JSON.stringify(root.dir)} /bin/busybox env -i ${env.map((e) => JSON.stringify(e)).join(" ")} /bin/sh -c "$(cat ${JSON.stringify(`${root.dir}.script`)})"`,
  ].join("\n");
  // PID 1 of the new namespace is the driver; when unshare is killed, the whole namespace goes.
  return ["--user", "--map-root-user", "--mount", "--pid", "--fork", "--kill-child", "bash", "-c", driver];
}

/** Runs the script to completion: the way a Job's container runs it. */
export function runScript(root: Rootfs, script: string, run: SandboxRun = {}) {
  const r = spawnSync("unshare", namespaceCommand(root, script, run), { encoding: "utf8", timeout: 30_000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts the script as a long-running sidecar; stop it with `stop()`. */
export function startScript(root: Rootfs, script: string, run: SandboxRun = {}): { child: ChildProcess; output: () => string; stop: () => void } {
  const child = spawn("unshare", namespaceCommand(root, script, run), { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d) => (output += String(d)));
  child.stderr!.on("data", (d) => (output += String(d)));
  return { child, output: () => output, stop: () => child.kill("SIGKILL") };
}

/** Polls until the condition holds (or fails after the timeout, with the message). */
export async function waitFor(condition: () => boolean, message: () => string, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out: ${message()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** shellcheck's findings for a POSIX sh script (empty when clean); fails clearly without shellcheck. */
export function shellcheck(script: string): string {
  const r = spawnSync("shellcheck", ["--shell=sh", "--format=gcc", "-"], { input: script, encoding: "utf8" });
  if (r.error) throw new Error(`shellcheck is needed to check embedded scripts (apt-get install shellcheck): ${r.error.message}`);
  return r.stdout.trim();
}
