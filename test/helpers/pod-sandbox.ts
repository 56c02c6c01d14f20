import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RenderedObject } from "./dist";
import { containerEnv, kubeletExpand, type PodSpecAt } from "./embedded";

/**
 * Runs a rendered pod's containers for real, on this machine, the way the kubelet would start
 * them: init containers one after another (the first failure fails the pod), then the
 * containers. Each container runs its exact rendered command and args (after $(VAR) expansion)
 * with its rendered environment, chrooted into a fresh root in its own mount namespace
 * (`unshare`): the host's /usr (read-only), /dev/null, the stub directory first on PATH, and one
 * bind mount per volumeMount, read-only where the manifest says so. The root itself is
 * read-only, as `readOnlyRootFilesystem` makes it, so a file can only be written to a volume.
 *
 * Volumes: emptyDir (shared by the pod's containers, kept for inspection), configMap (the
 * rendered ConfigMap of the same name and namespace), projected service-account token (a fake
 * JWT). Programs the images would provide (vault, aws) are stubs: shell scripts from the test.
 *
 * As root this needs `unshare --mount`; otherwise user namespaces (`unshare --user`).
 */
export interface SandboxStubs {
  /** Executables placed in /sandbox/bin (first on PATH): name -> /bin/sh script. */
  [name: string]: string;
}

export interface ContainerRun {
  name: string;
  kind: "initContainers" | "containers";
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface PodRun {
  /** Containers that ran, in order; containers after a failed init container are absent. */
  runs: ContainerRun[];
  succeeded: boolean;
  /** Host directory of each volume (emptyDirs keep what the containers wrote). */
  volumeDirs: Record<string, string>;
  /** Host directory the stubs see as /sandbox/record (writable). */
  recordDir: string;
  /** The fake projected service-account token. */
  projectedToken: string;
}

export const SANDBOX_BIN = "/sandbox/bin";
export const SANDBOX_RECORD = "/sandbox/record";
const SYSTEM_DIRS = ["usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32"];

// Manifests are read back as plain data.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = any;

const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function unsharePrefix(): string[] {
  const probe = spawnSync("unshare", ["--version"], { encoding: "utf8" });
  if (probe.error) throw new Error(`unshare (util-linux) is not runnable: ${probe.error.message}`);
  const root = process.getuid?.() === 0;
  return root ? ["unshare", "--mount", "--propagation", "private"] : ["unshare", "--user", "--map-root-user", "--mount", "--propagation", "private"];
}

function writeVolume(dir: string, volume: Obj, namespace: string, objects: RenderedObject[], token: string): void {
  mkdirSync(dir, { recursive: true });
  if (volume.emptyDir) return;
  if (volume.configMap) {
    const cm = objects.find((o) => o.obj.kind === "ConfigMap" && o.obj.metadata.name === volume.configMap.name && o.obj.metadata.namespace === namespace);
    if (!cm) throw new Error(`volume ${volume.name}: no ConfigMap ${namespace}/${volume.configMap.name} rendered`);
    for (const [key, value] of Object.entries<string>(cm.obj.data ?? {})) writeFileSync(join(dir, key), value);
    return;
  }
  if (volume.projected) {
    for (const source of volume.projected.sources ?? []) {
      if (!source.serviceAccountToken) throw new Error(`volume ${volume.name}: projected source ${Object.keys(source)[0]} is not supported by the sandbox`);
      writeFileSync(join(dir, source.serviceAccountToken.path), token);
    }
    return;
  }
  throw new Error(`volume ${volume.name}: ${Object.keys(volume).filter((k) => k !== "name")[0]} volumes are not supported by the sandbox`);
}

/** The root a container is chrooted into: system directories, /dev/null and a mount point per mount. */
function prepareRoot(fs: string, container: Obj): void {
  mkdirSync(fs, { recursive: true });
  for (const d of SYSTEM_DIRS) {
    const host = `/${d}`;
    if (!existsSync(host)) continue;
    if (lstatSync(host).isSymbolicLink()) symlinkSync(readlinkSync(host), join(fs, d));
    else mkdirSync(join(fs, d));
  }
  mkdirSync(join(fs, "dev"));
  writeFileSync(join(fs, "dev", "null"), "");
  for (const p of [SANDBOX_BIN, SANDBOX_RECORD]) mkdirSync(join(fs, p), { recursive: true });
  for (const m of container.volumeMounts ?? []) {
    if (SYSTEM_DIRS.some((d) => m.mountPath === `/${d}` || m.mountPath.startsWith(`/${d}/`))) throw new Error(`mountPath ${m.mountPath} shadows a system directory`);
    mkdirSync(join(fs, m.mountPath), { recursive: true });
  }
}

function mountScript(fs: string, container: Obj, volumeDirs: Record<string, string>, stubs: string, record: string): string {
  const lines = ["set -e", `mount --bind ${shq(fs)} ${shq(fs)}`];
  const bind = (from: string, to: string, readOnly: boolean) => {
    lines.push(`mount --bind ${shq(from)} ${shq(join(fs, to))}`);
    if (readOnly) lines.push(`mount -o remount,bind,ro ${shq(join(fs, to))}`);
  };
  for (const d of SYSTEM_DIRS) if (existsSync(`/${d}`) && !lstatSync(`/${d}`).isSymbolicLink()) bind(`/${d}`, d, true);
  bind("/dev/null", "dev/null", false);
  bind(stubs, SANDBOX_BIN, true);
  bind(record, SANDBOX_RECORD, false);
  for (const m of container.volumeMounts ?? []) {
    const dir = volumeDirs[m.name];
    if (!dir) throw new Error(`container ${container.name}: volumeMount ${m.name} has no volume`);
    if (m.subPath) throw new Error(`container ${container.name}: subPath mounts are not supported by the sandbox`);
    bind(dir, m.mountPath, m.readOnly === true);
  }
  if (container.securityContext?.readOnlyRootFilesystem) lines.push(`mount -o remount,bind,ro ${shq(fs)}`);
  return lines.join("\n");
}

export function runPod(
  pod: PodSpecAt,
  namespace: string,
  objects: RenderedObject[],
  stubs: SandboxStubs,
  opts: { timeoutMs?: number; beforeRun?: (recordDir: string, projectedToken: string) => void } = {},
): PodRun {
  const root = mkdtempSync(join(tmpdir(), "vep-pod-"));
  const projectedToken = `eyJhbGciOiJSUzI1NiJ9.sandbox-projected-token-${Math.random().toString(36).slice(2)}.sig`;
  const volumeDirs: Record<string, string> = {};
  for (const v of pod.spec.volumes ?? []) {
    volumeDirs[v.name] = join(root, "volumes", v.name);
    writeVolume(volumeDirs[v.name]!, v, namespace, objects, projectedToken);
  }
  const stubDir = join(root, "stubs");
  mkdirSync(stubDir);
  for (const [name, script] of Object.entries(stubs)) {
    writeFileSync(join(stubDir, name), script);
    chmodSync(join(stubDir, name), 0o755);
  }
  const recordDir = join(root, "record");
  mkdirSync(recordDir);
  chmodSync(recordDir, 0o777);
  opts.beforeRun?.(recordDir, projectedToken);

  const prefix = unsharePrefix();
  const runs: ContainerRun[] = [];
  let succeeded = true;
  for (const kind of ["initContainers", "containers"] as const) {
    for (const container of pod.spec[kind] ?? []) {
      const fs = join(root, "roots", container.name);
      prepareRoot(fs, container);
      const vars = containerEnv(container);
      const argv = [...(container.command ?? []), ...(container.args ?? [])].map((a: string) => kubeletExpand(String(a), vars));
      if (argv.length === 0) throw new Error(`container ${container.name}: no command (the image's entrypoint is not known to the sandbox)`);
      const env = [`PATH=${SANDBOX_BIN}:/usr/local/bin:/usr/bin:/bin`, ...[...vars].map(([k, v]) => `${k}=${v}`)];
      const inner = `${mountScript(fs, container, volumeDirs, stubDir, recordDir)}\nexec chroot ${shq(fs)} /usr/bin/env -i "$@"`;
      const r = spawnSync(prefix[0]!, [...prefix.slice(1), "/bin/sh", "-c", inner, "sandbox", ...env, ...argv], {
        encoding: "utf8",
        timeout: opts.timeoutMs ?? 60_000,
        env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin" },
      });
      if (r.error) throw new Error(`sandbox for container ${container.name} did not run: ${r.error.message}`);
      if (/^mount: |unshare: /m.test(r.stderr)) throw new Error(`sandbox set-up failed for container ${container.name}: ${r.stderr}`);
      runs.push({ name: container.name, kind, status: r.status, stdout: r.stdout, stderr: r.stderr });
      if (r.status !== 0) {
        succeeded = false;
        // A failed init container stops the pod (restartPolicy Never); containers all run.
        if (kind === "initContainers") return { runs, succeeded, volumeDirs, recordDir, projectedToken };
      }
    }
  }
  return { runs, succeeded, volumeDirs, recordDir, projectedToken };
}

/** Every regular file below a directory with its content. */
export function filesBelow(dir: string): { path: string; content: string }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const path = join(e.parentPath, e.name);
      return { path, content: readFileSync(path, "latin1") };
    });
}

export function removeSandbox(run: PodRun): void {
  const root = join(run.recordDir, "..");
  rmSync(root, { recursive: true, force: true });
}
