import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers/synth";
import { treeHash } from "./helpers/tree";

/**
 * The README's `npx cdktf synth` and `npx cdk8s synth`, run for real in a copy of the project
 * (the source linked, nothing else): both render the spec npm run synth renders, and never pair
 * a layer with one from another spec.
 */
function projectCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "vep-project-"));
  for (const entry of ["main.ts", "check.ts", "review.ts", "review", "scripts", "lib", "model", "spec", "stacks", "charts", "imports", "checks", "crds", "examples", "node_modules", "package.json", "tsconfig.json", "cdktf.json", "cdk8s.yaml"]) {
    symlinkSync(join(ROOT, entry), join(dir, entry));
  }
  return dir;
}

function sh(command: string, cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    // CHECKPOINT_DISABLE: cdktf's version check needs the network; the tests have none.
    const child = spawn("sh", ["-c", command], { cwd, env: { ...process.env, CHECKPOINT_DISABLE: "1", CI: "1", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("exit", (code) => resolve({ code, output }));
  });
}

const recordedSpec = (dir: string) => /^spec: (.*)$/m.exec(readFileSync(join(dir, ".vault-eks-platform"), "utf8"))?.[1];

describe("cdktf and cdk8s render the project's spec", () => {
  it("fresh clone: npx cdktf synth renders the reference spec, as the README says", async () => {
    const cwd = projectCopy();
    const r = await sh("npx cdktf synth", cwd);
    expect(r.code, r.output).toBe(0);
    expect(recordedSpec(join(cwd, "cdktf.out"))).toBe("reference spec (spec/reference.ts)");
    expect(readFileSync(join(cwd, "cdktf.out/stacks/aws/cdk.tf.json"), "utf8")).toContain("shop-vault-snapshots-111122223333-eu-west-1");
    // The cdktf CLI's view (manifest.json): every stack, and the environments' Vault stacks after the core (`cdktf deploy 'vault-*'`).
    const manifest = JSON.parse(readFileSync(join(cwd, "cdktf.out/manifest.json"), "utf8"));
    expect(Object.keys(manifest.stacks).sort()).toEqual(["aws", "vault-core", "vault-dev", "vault-production", "vault-staging"]);
    expect(manifest.stacks["vault-production"].dependencies).toEqual(["vault-core"]);
    expect(r.output).toContain("vault-production");
  }, 180_000);

  it("vault-eks.config.json names the spec for cdktf and cdk8s alike; a layer from another spec is refused", async () => {
    const cwd = projectCopy();
    writeFileSync(join(cwd, "vault-eks.config.json"), JSON.stringify({ spec: "examples/minimal.json" }));
    const tf = await sh("npx cdktf synth", cwd);
    expect(tf.code, tf.output).toBe(0);
    expect(recordedSpec(join(cwd, "cdktf.out"))).toBe("examples/minimal.json");
    expect(readFileSync(join(cwd, "cdktf.out/stacks/aws/cdk.tf.json"), "utf8")).toContain("acme-vault-snapshots-444455556666-us-east-1");

    const k8s = await sh("npm run --silent cdk8s -- synth", cwd);
    expect(k8s.code, k8s.output).toBe(0);
    expect(recordedSpec(join(cwd, "dist"))).toBe("examples/minimal.json");
    // No update check (it needs the network) and so no stack trace.
    expect(k8s.output).not.toMatch(/http error|^\s+at /m);
    expect(k8s.output).toContain(".cdk8s.out/acme/kustomization.yaml");

    // Without the config, cdktf would render the reference spec next to dist/ from minimal.json: refused.
    rmSync(join(cwd, "vault-eks.config.json"));
    const before = treeHash(join(cwd, "cdktf.out"));
    const mixed = await sh("npx cdktf synth", cwd);
    expect(mixed.code).not.toBe(0);
    expect(mixed.output).toContain("dist holds the kubernetes layer rendered from examples/minimal.json, but this run renders the terraform layer from reference spec (spec/reference.ts)");
    expect(treeHash(join(cwd, "cdktf.out"))).toEqual(before);
  }, 300_000);

  it("a bare npx cdk8s synth with CDK8S_CHECK_UPGRADE=false prints no stack trace, and dist/ survives a bad spec", async () => {
    const cwd = projectCopy();
    const ok = await sh("npx cdk8s synth", cwd, { CDK8S_CHECK_UPGRADE: "false" });
    expect(ok.code, ok.output).toBe(0);
    expect(ok.output).not.toMatch(/http error|^\s+at /m);
    const before = treeHash(join(cwd, "dist"));
    writeFileSync(join(cwd, "bad.json"), "{}");
    const bad = await sh("npx cdk8s synth", cwd, { CDK8S_CHECK_UPGRADE: "false", VAULT_EKS_SPEC: "bad.json" });
    expect(bad.code).not.toBe(0);
    expect(bad.output).toContain("bad.json: the spec has");
    expect(treeHash(join(cwd, "dist"))).toEqual(before);
  }, 180_000);
});
