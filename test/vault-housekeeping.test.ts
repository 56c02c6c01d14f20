import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { find, synthDist } from "./helpers/dist";
import { busyboxRoot, type Rootfs, runScript, shellcheck, startScript, waitFor } from "./helpers/sandbox";
import { referenceCopy } from "./helpers/synth";

/**
 * The housekeeping sidecar's script, taken from the rendered StatefulSet and run for real: in a
 * root holding only busybox applets (as in the Vault image), in its own PID namespace (as the pod's
 * shared process namespace), beside a fake Vault server whose argv is `vault server -config=...`
 * and which records every SIGHUP it receives (and re-creates the audit file, as Vault re-opens it).
 * A stub `sleep` lets the test run the loop one pass at a time.
 */

type Obj = Record<string, any>;
const MI = 1024 * 1024;
const CERT_DIR = "/vault/userconfig/tls";
const AUDIT = "/vault/audit/vault-audit.log";

let script: string;
let container: Obj;

beforeAll(() => {
  const spec = referenceCopy();
  spec.vault!.audit = { rotation: { maxFileSize: "1Mi", keep: 3 } };
  const sts = find(synthDist(spec).objects, "StatefulSet", "vault", "vault");
  container = sts.spec.template.spec.containers.find((c: Obj) => c.name === "housekeeping");
  script = container.command[2];
});

interface Pod {
  root: Rootfs;
  fake: string;
  /** Pids of the fake Vault servers, in start order. */
  starts(): string[];
  /** Pid of the server that received each SIGHUP, in order. */
  hups(): string[];
  /** Passes of the sidecar's loop completed so far. */
  passes(): number;
  /** Lets the sidecar run one more pass and waits until it has finished it. */
  pass(): Promise<void>;
  /** Replaces the certificate the way kubelet updates a Secret volume: a new dir, then an atomic ..data swap. */
  renewCertificate(pem: string): void;
  restartVault(): Promise<void>;
  output(): string;
}

let running: { stop: () => void } | undefined;
afterEach(() => running?.stop());

let certVersion = 0;
function writeCertificate(root: Rootfs, pem: string): void {
  const dir = `..2026_01_01_00_00_0${++certVersion}.000000001`;
  mkdirSync(root.at(`${CERT_DIR}/${dir}`), { recursive: true });
  writeFileSync(root.at(`${CERT_DIR}/${dir}/tls.crt`), pem);
  symlinkSync(dir, root.at(`${CERT_DIR}/..data_tmp`));
  renameSync(root.at(`${CERT_DIR}/..data_tmp`), root.at(`${CERT_DIR}/..data`));
  if (!existsSync(root.at(`${CERT_DIR}/tls.crt`))) symlinkSync("..data/tls.crt", root.at(`${CERT_DIR}/tls.crt`));
}

async function startPod(): Promise<Pod> {
  const root = busyboxRoot();
  writeCertificate(root, "-----BEGIN CERTIFICATE-----\nfirst\n-----END CERTIFICATE-----\n");
  mkdirSync(root.at("/vault/audit"), { recursive: true });
  root.write("/sandbox/passes", "0\n");
  // The stub sleep: count the pass, then wait for the test's go-ahead.
  root.write(
    "/bin/sleep",
    '#!/bin/sh\nread -r n < /sandbox/passes\nn=$((n + 1))\necho "$n" > /sandbox/passes\nwhile [ ! -e "/sandbox/go.$n" ]; do /bin/busybox sleep 0.01; done\n',
    0o755,
  );
  const fake = mkdtempSync(join(tmpdir(), "vep-fake-vault-"));
  writeFileSync(
    join(fake, "server"),
    [
      'echo "$$" >> starts',
      `trap 'echo "$$" >> hups; : >> ${JSON.stringify(root.at(AUDIT))}' HUP`,
      "while [ ! -e exit-vault ]; do /bin/sleep 0.02 & wait $!; done",
      "rm -f exit-vault",
    ].join("\n"),
  );
  // Like kubelet, restart the server when it exits; its argv is what the sidecar looks for.
  const prelude = [
    `fake=${JSON.stringify(fake)}`,
    '( while [ ! -e "$fake/stop" ]; do (cd "$fake" && exec -a vault bash server -config=/vault/config/vault.hcl); done ) &',
    'while [ ! -s "$fake/starts" ]; do sleep 0.01; done',
  ].join("\n");
  const sidecar = startScript(root, script, { hostPrelude: prelude });
  running = { stop: () => (writeFileSync(join(fake, "stop"), ""), sidecar.stop()) };
  const lines = (f: string) => (existsSync(join(fake, f)) ? readFileSync(join(fake, f), "utf8").split("\n").filter(Boolean) : []);
  const passes = () => Number(readFileSync(root.at("/sandbox/passes"), "utf8").trim() || 0);
  const pod: Pod = {
    root,
    fake,
    starts: () => lines("starts"),
    hups: () => lines("hups"),
    passes,
    async pass() {
      const n = passes();
      writeFileSync(root.at(`/sandbox/go.${n}`), "");
      await waitFor(() => passes() > n, () => `pass ${n + 1} did not finish; sidecar output:\n${sidecar.output()}`);
      // A SIGHUP is handled asynchronously by the fake server's trap.
      await new Promise((r) => setTimeout(r, 100));
    },
    renewCertificate: (pem) => writeCertificate(root, pem),
    async restartVault() {
      const before = lines("starts").length;
      writeFileSync(join(fake, "exit-vault"), "");
      await waitFor(() => lines("starts").length > before, () => "the fake Vault server did not restart");
    },
    output: sidecar.output,
  };
  await waitFor(() => passes() >= 1, () => `the sidecar never completed its first pass; output:\n${sidecar.output()}`);
  return pod;
}

const auditFiles = (root: Rootfs) =>
  spawnSync("ls", [root.at("/vault/audit")], { encoding: "utf8" })
    .stdout.split("\n")
    .filter(Boolean)
    .sort();

describe("housekeeping sidecar (run in a busybox sandbox)", () => {
  it("finds the Vault server and signals nothing while nothing changes", async () => {
    const pod = await startPod();
    for (let i = 0; i < 3; i++) await pod.pass();
    expect(pod.starts()).toHaveLength(1);
    expect(pod.hups()).toEqual([]);
    expect(pod.output()).toContain("vault-housekeeping: watching /vault/userconfig/tls/tls.crt and /vault/audit/vault-audit.log (rotate above 1048576 bytes, keep 3) every 30s");
  });

  it("a renewed certificate (kubelet's atomic Secret update) gets exactly one SIGHUP", async () => {
    const pod = await startPod();
    await pod.pass();
    pod.renewCertificate("-----BEGIN CERTIFICATE-----\nrenewed\n-----END CERTIFICATE-----\n");
    await pod.pass();
    expect(pod.hups()).toEqual(pod.starts());
    await pod.pass();
    await pod.pass();
    expect(pod.hups()).toHaveLength(1);
    expect(pod.output()).toMatch(/sent SIGHUP to vault \(pid \d+\): the listener certificate changed\n/);
  });

  it("a restarted server is not signalled for a certificate it read itself, the next renewal is", async () => {
    const pod = await startPod();
    pod.renewCertificate("-----BEGIN CERTIFICATE-----\nsecond\n-----END CERTIFICATE-----\n");
    await pod.restartVault();
    await pod.pass();
    await pod.pass();
    expect(pod.hups()).toEqual([]);
    pod.renewCertificate("-----BEGIN CERTIFICATE-----\nthird\n-----END CERTIFICATE-----\n");
    await pod.pass();
    expect(pod.hups()).toEqual([pod.starts()[1]]);
  });

  it("an audit log over the limit is rotated, Vault re-opens it after one SIGHUP, and only `keep` files stay", async () => {
    const pod = await startPod();
    const live = pod.root.at(AUDIT);
    writeFileSync(live, "x".repeat(MI));
    await pod.pass();
    expect(pod.hups()).toEqual([]);
    expect(auditFiles(pod.root)).toEqual(["vault-audit.log"]);
    // Leftover from a larger keep: pruned.
    writeFileSync(pod.root.at(`${AUDIT}.7`), "old");
    for (let n = 1; n <= 5; n++) {
      writeFileSync(live, `generation ${n}\n${"x".repeat(MI)}`);
      await pod.pass();
      expect(pod.hups(), `rotation ${n}`).toHaveLength(n);
    }
    expect(auditFiles(pod.root)).toEqual(["vault-audit.log", "vault-audit.log.1", "vault-audit.log.2", "vault-audit.log.3"]);
    const head = (f: string) => readFileSync(pod.root.at(f), "utf8").split("\n")[0];
    expect([1, 2, 3].map((i) => head(`${AUDIT}.${i}`))).toEqual(["generation 5", "generation 4", "generation 3"]);
    // The file the fake server re-opened on SIGHUP is the new, empty live file.
    expect(readFileSync(live, "utf8")).toBe("");
    expect(pod.output()).toMatch(/sent SIGHUP to vault \(pid \d+\): the audit log reached 1048589 bytes and was rotated\n/);
  });

  it("a renewal and a rotation in the same pass share one SIGHUP", async () => {
    const pod = await startPod();
    await pod.pass();
    pod.renewCertificate("-----BEGIN CERTIFICATE-----\nboth\n-----END CERTIFICATE-----\n");
    writeFileSync(pod.root.at(AUDIT), "y".repeat(MI + 1));
    await pod.pass();
    expect(pod.hups()).toHaveLength(1);
    expect(pod.output()).toContain("the listener certificate changed; the audit log reached 1048577 bytes and was rotated");
  });

  it("the script passes shellcheck as POSIX sh", () => expect(shellcheck(script)).toBe(""));

  it("the sidecar container mounts the certificate (without key) and the audit volume, nothing else", () => {
    expect(container.command.slice(0, 2)).toEqual(["/bin/sh", "-c"]);
    expect(container.volumeMounts).toEqual([
      { name: "tls-certificate", mountPath: "/vault/userconfig/tls", readOnly: true },
      { name: "audit", mountPath: "/vault/audit" },
    ]);
  });
});

describe("(issue 15.7) the Vault container starts the server with core dumps off", () => {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

  it("runs the rendered command in the image's shell: RLIMIT_CORE is 0 in the exec'd server, whose argv the sidecar recognises", () => {
    const sts = find(synthDist(referenceCopy()).objects, "StatefulSet", "vault", "vault");
    const vault = sts.spec.template.spec.containers.find((c: Obj) => c.name === "vault");
    const argv: string[] = [...vault.command, ...vault.args];
    const root = busyboxRoot(["sh", "cat"]);
    // The image's entrypoint execs its arguments; the stub server records its limit and argv.
    root.write("/usr/local/bin/docker-entrypoint.sh", '#!/bin/sh\nexec "$@"\n', 0o755);
    root.write("/bin/vault", '#!/bin/sh\nulimit -c > /sandbox/core-limit\necho "vault $*" > /sandbox/argv\n', 0o755);
    // Core dumps allowed before, as a node may have them: the command itself must turn them off.
    const r = runScript(root, `ulimit -c 1024 && exec ${argv.map(quote).join(" ")}`);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(root.at("/sandbox/core-limit"), "utf8").trim()).toBe("0");
    expect(readFileSync(root.at("/sandbox/argv"), "utf8").trim()).toBe("vault server -config=/vault/config/vault.hcl");
    expect(shellcheck(vault.command[2])).toBe("");
  });
});
