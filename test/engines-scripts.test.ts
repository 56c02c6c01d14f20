import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AWS_STUB, primeRecord, recordedCalls, type StubCall, VAULT_STUB } from "./helpers/cli-stubs";
import { type RenderedObject, synthDist } from "./helpers/dist";
import { embeddedScripts, podSpecs } from "./helpers/embedded";
import { filesBelow, type PodRun, removeSandbox, runPod } from "./helpers/pod-sandbox";
import { formatFindings, shellcheck, shellcheckDialect } from "./helpers/shellcheck";
import { putObjectDeniedBy, s3CpRequestContext } from "./helpers/s3-policy";
import { referenceCopy, vclusterExample } from "./helpers/synth";
import { synthStacks } from "./helpers/vault-stack";

/**
 * The shell embedded in rendered manifests: every `sh -c` script of every container, hook and
 * probe passes ShellCheck with no finding; the snapshot CronJob's pod runs for real in a sandbox
 * (test/helpers/pod-sandbox.ts) with stub vault and aws CLIs that record what they are asked.
 */
const vclusterSpec = vclusterExample;

describe.each([
  ["reference spec", referenceCopy],
  ["vcluster example", vclusterSpec],
])("embedded shell through ShellCheck (%s)", (_name, spec) => {
  it("every script extracted from the rendered containers, hooks and probes has no ShellCheck finding", () => {
    const scripts = embeddedScripts(synthDist(spec()).objects);
    expect(scripts.map((s) => s.where).join("\n")).toMatch(/cronjob-vault-snapshot\.yaml initContainers\[snapshot\] command/);
    const problems = scripts.flatMap((s) => {
      const findings = shellcheck(s.script, shellcheckDialect(s.shell));
      return findings.length ? [`${s.where}:\n${formatFindings(findings, s.script)}`] : [];
    });
    expect(problems.join("\n")).toBe("");
  });
});

describe("ShellCheck harness", () => {
  it("reports the masked exit status of export VAR=$(cmd) (SC2155)", () => {
    const findings = shellcheck('set -eu\nexport VAULT_TOKEN="$(vault write -field=token auth/kubernetes/login)"\n', "sh");
    expect(findings.map((f) => f.code)).toEqual([2155]);
  });
});

// --- the snapshot job, run for real ---

const BUCKET = "shop-vault-snapshots-111122223333-eu-west-1";
/** A key ARN for the snapshot key, whose real ARN exists only after apply (the bucket policy references it). */
const KEY_ARN = "arn:aws:kms:eu-west-1:111122223333:key/2f4e6a8c-0000-4000-8000-000000000000";
const SNAPSHOT_FILE = /^\/snapshots\/vault-\d{8}T\d{6}Z\.snap$/;
const ISSUED_TOKEN = "hvs.CAESISandboxIssuedTokenForTheSnapshotJob0123";

describe("snapshot CronJob pod in a sandbox (reference spec)", () => {
  let objects: RenderedObject[];
  const runs: PodRun[] = [];
  beforeAll(() => ({ objects } = synthDist(referenceCopy())));
  afterAll(() => runs.forEach(removeSandbox));

  const run = (fail: string[] = []) => {
    const pod = podSpecs(objects).find((p) => p.file.endsWith("vault-backup/cronjob-vault-snapshot.yaml"));
    if (!pod) throw new Error("no snapshot CronJob rendered");
    const r = runPod(pod, "vault", objects, { vault: VAULT_STUB, aws: AWS_STUB }, {
      beforeRun: (record, jwt) => primeRecord(record, { expectedJwt: jwt, issuedToken: ISSUED_TOKEN, fail }),
    });
    runs.push(r);
    return { ...r, calls: recordedCalls(r.recordDir) };
  };
  const step = (c: StubCall) => `${c.program} ${c.argv.slice(0, 3).join(" ")}`;
  const output = (r: PodRun) => r.runs.map((x) => `${x.name} (exit ${x.status}):\n${x.stdout}${x.stderr}`).join("\n");

  /** Nothing the pod leaves behind, prints or passes on a command line holds the Vault token. */
  const expectNoTokenLeak = (r: PodRun & { calls: StubCall[] }) => {
    for (const x of r.runs) expect(`${x.stdout}${x.stderr}`, x.name).not.toContain(ISSUED_TOKEN);
    const files = Object.values(r.volumeDirs).flatMap(filesBelow);
    expect(files.filter((f) => f.content.includes(ISSUED_TOKEN)).map((f) => f.path)).toEqual([]);
    expect(r.calls.filter((c) => c.argv.some((a) => a.includes(ISSUED_TOKEN))).map(step)).toEqual([]);
  };

  it("saves the snapshot with the job's own login, revokes that token, uploads to the bucket prefix under the snapshot key", () => {
    const r = run();
    expect(r.succeeded, output(r)).toBe(true);
    expect(r.calls.map((c) => c.program)).toEqual(["vault", "vault", "vault", "aws"]);
    const [login, save, revoke, upload] = r.calls as [StubCall, StubCall, StubCall, StubCall];

    expect(login.argv).toEqual(["write", "-field=token", "auth/kubernetes/login", "role=raft-snapshot", "jwt=@/var/run/secrets/vault/token"]);
    expect(login.env.VAULT_ADDR).toBe("https://vault-active.vault.svc:8200");
    expect(login.env.VAULT_CACERT).toBe("/etc/vault-ca/ca.crt");
    expect(login.env.VAULT_TOKEN ?? "").toBe("");

    expect(save.argv.slice(0, 4)).toEqual(["operator", "raft", "snapshot", "save"]);
    expect(save.argv[4]).toMatch(SNAPSHOT_FILE);
    expect(save.env.VAULT_TOKEN).toBe(ISSUED_TOKEN);
    expect(revoke.argv).toEqual(["token", "revoke", "-self"]);
    expect(revoke.env.VAULT_TOKEN).toBe(ISSUED_TOKEN);
    expect(readFileSync(join(r.recordDir, "revoked-token"), "utf8")).toBe(ISSUED_TOKEN);

    const name = save.argv[4]!.split("/").pop();
    // No encryption flags: the bucket's default encryption (its own KMS key) applies.
    expect(upload.argv).toEqual(["s3", "cp", save.argv[4], `s3://${BUCKET}/raft/${name}`, "--only-show-errors"]);
    expect(upload.env.AWS_REGION).toBe("eu-west-1");
    expect(upload.env.VAULT_TOKEN).toBeUndefined();
    const uploaded = readFileSync(join(r.recordDir, "uploads", String(r.calls.indexOf(upload) + 1)), "utf8");
    expect(uploaded).toBe(readFileSync(join(r.volumeDirs.snapshots!, name!), "utf8"));
    expect(uploaded).toMatch(/^raft-snapshot-bytes-/);
    expectNoTokenLeak(r);
  });

  it("(issue 15) the bucket policy the AWS stack renders lets this exact upload through, and refuses any other encryption", () => {
    const r = run();
    const upload = r.calls.at(-1)!;
    const stack = synthStacks(referenceCopy()).aws;
    const policy = JSON.parse(String(Object.values(stack.resource.aws_s3_bucket_policy!)[0].policy).split("${aws_kms_key.vault_snapshots_key.arn}").join(KEY_ARN));
    const object = `arn:aws:s3:::${BUCKET}/raft/${upload.argv[2]!.split("/").pop()}`;
    expect(putObjectDeniedBy(policy.Statement, object, s3CpRequestContext(upload.argv))).toEqual([]);
    const refused = (flags: string[]) => putObjectDeniedBy(policy.Statement, object, s3CpRequestContext([...upload.argv, ...flags]));
    expect(refused(["--sse", "AES256"])).toEqual(["DenyOtherEncryption"]);
    expect(refused(["--sse", "aws:kms"])).toEqual(["DenyAwsManagedKey"]);
    expect(refused(["--sse", "aws:kms", "--sse-kms-key-id", "arn:aws:kms:eu-west-1:111122223333:key/0000-attacker"])).toEqual(["DenyOtherKmsKey"]);
    expect(refused(["--sse-c"])).toEqual(["DenyCustomerProvidedKey"]);
    expect(refused(["--sse", "aws:kms", "--sse-kms-key-id", KEY_ARN])).toEqual([]);
  });

  it.each([["login"], ["login-empty"]])("a failed login (%s) stops the job before anything else runs", (failure) => {
    const r = run([failure]);
    expect(r.succeeded).toBe(false);
    expect(r.calls.map(step)).toEqual(["vault write -field=token auth/kubernetes/login"]);
    expect(r.runs.map((x) => [x.name, x.status === 0])).toEqual([["snapshot", false]]);
    expectNoTokenLeak(r);
  });

  it("a failed snapshot still revokes the token and fails the job without uploading", () => {
    const r = run(["snapshot"]);
    expect(r.succeeded).toBe(false);
    expect(r.calls.map(step)).toEqual(["vault write -field=token auth/kubernetes/login", "vault operator raft snapshot", "vault token revoke -self"]);
    expect(readFileSync(join(r.recordDir, "revoked-token"), "utf8")).toBe(ISSUED_TOKEN);
    expect(r.runs.map((x) => x.name)).toEqual(["snapshot"]);
    expectNoTokenLeak(r);
  });

  it("a failed upload fails the job", () => {
    const r = run(["upload"]);
    expect(r.succeeded).toBe(false);
    expect(r.runs.map((x) => [x.name, x.status === 0])).toEqual([
      ["snapshot", true],
      ["upload", false],
    ]);
    expect(r.calls.map((c) => c.program)).toEqual(["vault", "vault", "vault", "aws"]);
    expectNoTokenLeak(r);
  });

  it("the sandbox enforces the manifest: the upload container cannot write to its read-only snapshot mount or its root", () => {
    const pod = podSpecs(objects).find((p) => p.file.endsWith("vault-backup/cronjob-vault-snapshot.yaml"))!;
    const probe = structuredClone(pod);
    const upload = probe.spec.containers[0];
    upload.args = ["touch /snapshots/x 2>/dev/null && echo snapshots-writable; touch /x 2>/dev/null && echo root-writable; touch /tmp/x && echo tmp-writable"];
    probe.spec.initContainers = [];
    const r = runPod(probe, "vault", objects, {});
    runs.push(r);
    expect(r.runs[0]!.stdout.trim().split("\n")).toEqual(["tmp-writable"]);
  });
});
