import { existsSync, readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { find, synthDist } from "./helpers/dist";
import { busyboxRoot, runScript, shellcheck } from "./helpers/sandbox";
import { referenceCopy } from "./helpers/synth";

/**
 * The raft snapshot job's login container script, taken from the rendered CronJob and run for real
 * in a busybox root (the Vault image's shell) against a stub `vault` CLI that records its calls.
 */

type Obj = Record<string, any>;
const TOKEN = "hvs.sandbox-token-must-never-be-printed";

let script: string;
let upload: string;
let env: Record<string, string>;

beforeAll(() => {
  const cron = find(synthDist(referenceCopy()).objects, "CronJob", "vault-snapshot", "vault");
  const login = cron.spec.jobTemplate.spec.template.spec.initContainers[0];
  expect(login.command).toEqual(["/bin/sh", "-c"]);
  script = login.args[0];
  upload = cron.spec.jobTemplate.spec.template.spec.containers[0].args[0];
  env = Object.fromEntries(login.env.map((e: Obj) => [e.name, e.value]));
});

/** The stub: `vault write` prints a token (or fails), snapshot save and revoke record the token they were given. */
const STUB_VAULT = `#!/bin/sh
echo "$*" >> /sandbox/calls
case "$1 $2" in
  "write -field=token")
    case "$STUB_LOGIN" in
      ok) printf '%s' "${TOKEN}" ;;
      empty) ;;
      *) echo "Error writing data to auth/kubernetes/login: Code: 403. Errors: permission denied" >&2; exit 2 ;;
    esac ;;
  "operator raft")
    echo "\${VAULT_TOKEN:-unset}" > /sandbox/snapshot-token
    [ "$STUB_SNAPSHOT" = ok ] || { echo "Error taking the snapshot: 500" >&2; exit 3; }
    touch "$5" ;;
  "token revoke")
    echo "\${VAULT_TOKEN:-unset}" > /sandbox/revoke-token
    [ "$STUB_REVOKE" = ok ] || { echo "Error revoking token: connection refused" >&2; exit 4; }
    echo "Success! Revoked token (if it existed)" ;;
esac
`;

function run(stub: { login: "ok" | "empty" | "fail"; snapshot?: "ok" | "fail"; revoke?: "ok" | "fail" }) {
  const root = busyboxRoot();
  root.write("/bin/vault", STUB_VAULT, 0o755);
  root.write("/sandbox/calls", "");
  root.write("/snapshots/.keep", "");
  const r = runScript(root, script, { env: { ...env, STUB_LOGIN: stub.login, STUB_SNAPSHOT: stub.snapshot ?? "ok", STUB_REVOKE: stub.revoke ?? "ok" } });
  const read = (p: string) => (existsSync(root.at(p)) ? readFileSync(root.at(p), "utf8") : undefined);
  const calls = read("/sandbox/calls")!.split("\n").filter(Boolean);
  return { ...r, calls, read, root };
}

const LOGIN = "write -field=token auth/kubernetes/login role=raft-snapshot jwt=@/var/run/secrets/vault/token";

describe("raft snapshot login script (run in a busybox sandbox)", () => {
  it("both scripts of the job pass shellcheck (SC2155 caught export VAR=$(login) hiding a failed login)", () => {
    expect(shellcheck(script)).toBe("");
    expect(shellcheck(upload)).toBe("");
  });

  it("a failed login stops the script: no snapshot, no revoke, a clear message, exit 1", () => {
    const r = run({ login: "fail" });
    expect(r.calls).toEqual([LOGIN]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("vault-snapshot: login failed (auth/kubernetes/login role raft-snapshot); no snapshot taken");
  });

  it("a login that returns no token stops the script too", () => {
    const r = run({ login: "empty" });
    expect(r.calls).toEqual([LOGIN]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("vault-snapshot: login returned no token");
  });

  it("a good login: snapshot saved and token revoked with the exported token, which is never printed", () => {
    const r = run({ login: "ok" });
    expect(r.status).toBe(0);
    expect(r.calls).toHaveLength(3);
    expect(r.calls[0]).toBe(LOGIN);
    expect(r.calls[1]).toMatch(/^operator raft snapshot save \/snapshots\/vault-\d{8}T\d{6}Z\.snap$/);
    expect(r.calls[2]).toBe("token revoke -self");
    expect(r.read("/sandbox/snapshot-token")).toBe(`${TOKEN}\n`);
    expect(r.read("/sandbox/revoke-token")).toBe(`${TOKEN}\n`);
    expect(existsSync(r.root.at(r.calls[1]!.split(" ").pop()!))).toBe(true);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
    expect(r.stdout).toBe("");
  });

  it("a failed snapshot still revokes the token and fails with the snapshot's exit code", () => {
    const r = run({ login: "ok", snapshot: "fail" });
    expect(r.calls.map((c) => c.split(" ").slice(0, 2).join(" "))).toEqual(["write -field=token", "operator raft", "token revoke"]);
    expect(r.status).toBe(3);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
  });

  it("a failed revoke keeps a good snapshot (the job succeeds, the uploader runs) and says so", () => {
    const r = run({ login: "ok", revoke: "fail" });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain("vault-snapshot: could not revoke the token; it expires with its TTL");
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
  });
});
