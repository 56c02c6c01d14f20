import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runCliAsync as runCli } from "./helpers/synth";
import { treeHash } from "./helpers/tree";

const freshDir = () => mkdtempSync(join(tmpdir(), "vep-cli-"));

describe("main.ts (the synth command)", () => {
  it("synthesizes the reference platform, byte-identical on every run, from any directory", async () => {
    const a = freshDir();
    const b = freshDir();
    const first = await runCli([], { cwd: a });
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    const hashA = { tf: treeHash(join(a, "cdktf.out")), k8s: treeHash(join(a, "dist")) };
    expect(Object.keys(hashA.tf)).toEqual(expect.arrayContaining(["manifest.json", "stacks/aws/cdk.tf.json", "stacks/vault-core/cdk.tf.json"]));
    expect(Object.keys(hashA.k8s)).toEqual(expect.arrayContaining(["shop-platform/kustomization.yaml", "shop-platform/vault/statefulset-vault.yaml"]));
    expect((await runCli([], { cwd: a })).status).toBe(0);
    expect({ tf: treeHash(join(a, "cdktf.out")), k8s: treeHash(join(a, "dist")) }).toEqual(hashA);
    expect((await runCli([], { cwd: b })).status).toBe(0);
    expect({ tf: treeHash(join(b, "cdktf.out")), k8s: treeHash(join(b, "dist")) }).toEqual(hashA);
  });

  it("needs no Terraform to synthesize: each stack states the Terraform it needs, and Terraform checks it at init", async () => {
    // A PATH with node only: cdktf's DataResource would run `terraform version` during synth.
    const bin = freshDir();
    symlinkSync(process.execPath, join(bin, "node"));
    const cwd = freshDir();
    const r = await runCli([], { cwd, env: { PATH: bin } });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const required = (stack: string) => JSON.parse(readFileSync(join(cwd, `cdktf.out/stacks/${stack}/cdk.tf.json`), "utf8")).terraform.required_version;
    expect([required("aws"), required("vault-core"), required("vault-production")]).toEqual([">= 1.4", ">= 1.4", ">= 1.4"]);
    // S3-native locking (use_lockfile) came with Terraform 1.10.
    expect((await runCli([], { cwd, env: { PATH: bin, VAULT_EKS_STATE_BUCKET: "shop-terraform-state" } })).status).toBe(0);
    expect([required("aws"), required("vault-core"), required("vault-production")]).toEqual([">= 1.10", ">= 1.10", ">= 1.10"]);
  });

  it("keeps local state outside cdktf.out, addressed relatively", async () => {
    const cwd = freshDir();
    await runCli([], { cwd });
    const stack = JSON.parse(readFileSync(join(cwd, "cdktf.out/stacks/aws/cdk.tf.json"), "utf8"));
    expect(stack.terraform.backend).toEqual({ local: { path: "../../../terraform.aws.tfstate" } });
  });

  it("renders an S3 backend with native locking when the environment asks", async () => {
    const cwd = freshDir();
    const r = await runCli([], { cwd, env: { VAULT_EKS_STATE_BUCKET: "shop-terraform-state" } });
    expect(r.status).toBe(0);
    const stack = JSON.parse(readFileSync(join(cwd, "cdktf.out/stacks/aws/cdk.tf.json"), "utf8"));
    expect(stack.terraform.backend).toEqual({
      s3: { bucket: "shop-terraform-state", key: "shop/aws.tfstate", region: "eu-west-1", encrypt: true, use_lockfile: true },
    });
  });

  it("a bad spec: every problem with its path, exit 2, no stack trace, previous output untouched", async () => {
    const cwd = freshDir();
    expect((await runCli([], { cwd })).status).toBe(0);
    const before = { tf: treeHash(join(cwd, "cdktf.out")), k8s: treeHash(join(cwd, "dist")) };
    const yaml = readFileSync(join(ROOT, "examples/shop.yaml"), "utf8")
      .replace('accountId: "111122223333"', 'accountId: "12"')
      .replace("replicas: 3", "replicas: 4")
      .replace("workloadIdentity: irsa", "workloadIdentity: kiam");
    writeFileSync(join(cwd, "bad.yaml"), yaml);
    const r = await runCli(["bad.yaml"], { cwd });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("bad.yaml: the spec has 3 problems");
    expect(r.stderr).toMatch(/^ {2}aws\.accountId: .*12 digits/m);
    expect(r.stderr).toMatch(/^ {2}vault\.replicas: must be odd and at least 3 \(got 4\) \[VEP-S01\]$/m);
    expect(r.stderr).toMatch(/^ {2}workloadIdentity: expected one of "irsa", "pod-identity", got "kiam"$/m);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect({ tf: treeHash(join(cwd, "cdktf.out")), k8s: treeHash(join(cwd, "dist")) }).toEqual(before);
    expect(readdirSync(cwd).filter((f) => f.startsWith("."))).toEqual([]);
  });

  it("reads the spec path from VAULT_EKS_SPEC", async () => {
    const cwd = freshDir();
    const r = await runCli([], { cwd, env: { VAULT_EKS_SPEC: join(ROOT, "examples/minimal.json") } });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("acme: synthesized from");
    const stack = readFileSync(join(cwd, "cdktf.out/stacks/aws/cdk.tf.json"), "utf8");
    expect(stack).toContain("acme-vault-snapshots-444455556666-us-east-1");
    // The summary names exactly the stack folders written (minimal.json: one environment, dev).
    expect(r.stdout).toContain("terraform:  cdktf.out/stacks/{aws,vault-core,vault-dev}\n");
    expect(readdirSync(join(cwd, "cdktf.out/stacks")).sort()).toEqual(["aws", "vault-core", "vault-dev"]);
  });

  it("--only renders one layer (cdktf.json and cdk8s.yaml use it), leaving the other untouched", async () => {
    const cwd = freshDir();
    expect((await runCli(["--only", "terraform"], { cwd })).status).toBe(0);
    expect(existsSync(join(cwd, "cdktf.out/stacks/vault-core/cdk.tf.json"))).toBe(true);
    expect(existsSync(join(cwd, "dist"))).toBe(false);
    expect((await runCli(["--only", "kubernetes"], { cwd, env: { CDK8S_OUTDIR: join(cwd, "k8s-out") } })).status).toBe(0);
    expect(existsSync(join(cwd, "k8s-out/shop-platform/vault/kustomization.yaml"))).toBe(true);
    expect((await runCli(["--only", "helm"], { cwd })).status).toBe(2);
  });

  it("an output path that cannot be created leaves both previous trees in place, exit 2, naming the path", async () => {
    const cwd = freshDir();
    expect((await runCli([], { cwd })).status).toBe(0);
    const before = { tf: treeHash(join(cwd, "cdktf.out")), k8s: treeHash(join(cwd, "dist")) };
    // A valid spec that renders differently, and a dist path below a file.
    writeFileSync(join(cwd, "blocker"), "");
    const r = await runCli([join(ROOT, "examples/vcluster-oidc.yaml"), "--dist", join(cwd, "blocker", "dist")], { cwd });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`--dist ${join(cwd, "blocker", "dist")}: cannot be created, ${join(cwd, "blocker")} is a file. Nothing was written.`);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect({ tf: treeHash(join(cwd, "cdktf.out")), k8s: treeHash(join(cwd, "dist")) }).toEqual(before);
    expect(readdirSync(cwd).filter((f) => f.startsWith("."))).toEqual([]);
  });

  it.each(readdirSync(join(ROOT, "examples")))("the example %s synthesizes every layer", async (file) => {
    const cwd = freshDir();
    const r = await runCli([join(ROOT, "examples", file)], { cwd });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(existsSync(join(cwd, "cdktf.out/stacks/vault-core/cdk.tf.json"))).toBe(true);
    expect(readdirSync(join(cwd, "dist")).length).toBeGreaterThan(0);
  });

  it("usage errors exit 2 with the usage text", async () => {
    const r = await runCli(["a.yaml", "b.yaml"], { cwd: freshDir() });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("usage: main.ts");
  });

  it("removes files that no longer belong but keeps Terraform's working files", async () => {
    const cwd = freshDir();
    await runCli([], { cwd });
    mkdirSync(join(cwd, "cdktf.out/stacks/aws/.terraform/providers"), { recursive: true });
    writeFileSync(join(cwd, "cdktf.out/stacks/aws/.terraform.lock.hcl"), "# lock\n");
    mkdirSync(join(cwd, "cdktf.out/stacks/retired"), { recursive: true });
    writeFileSync(join(cwd, "cdktf.out/stacks/retired/cdk.tf.json"), "{}");
    expect((await runCli([], { cwd })).status).toBe(0);
    expect(existsSync(join(cwd, "cdktf.out/stacks/retired"))).toBe(false);
    expect(existsSync(join(cwd, "cdktf.out/stacks/aws/.terraform/providers"))).toBe(true);
    expect(readFileSync(join(cwd, "cdktf.out/stacks/aws/.terraform.lock.hcl"), "utf8")).toBe("# lock\n");
  });
});
