import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { derivedAwsNames } from "../model/names";
import { loadSpec, REFERENCE_SOURCE } from "../spec/load";
import { referenceSpec } from "../spec/reference";
import { specRules } from "../spec/rules";
import { SpecError, validateSpec } from "../spec/validate";
import { EXPIRED_CERTIFICATE } from "./helpers/certificates";
import { referenceCopy, ROOT } from "./helpers/synth";

describe("the reference spec", () => {
  it("is valid and gets the documented defaults", () => {
    const result = validateSpec(referenceSpec);
    expect(result.ok ? [] : result.problems).toEqual([]);
    if (!result.ok) return;
    const s = result.spec;
    expect(s.kms.deletionWindowDays).toBe(30);
    expect(s.workloadIdentity).toBe("irsa");
    expect(s.terraformState).toEqual({ backend: "local" });
    expect(s.environments.map((e) => [e.name, e.production])).toEqual([["dev", false], ["staging", false], ["production", true]]);
    expect(s.services.map((x) => x.name)).toEqual(["user-service", "payment-service", "notification-service"]);
    expect(s.sharedServices.map((x) => x.kind)).toEqual(["postgres", "kafka", "redis"]);
    expect(s.ciConsumers.map((c) => c.name)).toEqual(["argocd", "tekton"]);
  });

  it("is loaded when no path is given", async () => {
    const loaded = await loadSpec(undefined);
    expect(loaded.source).toBe(REFERENCE_SOURCE);
    expect(loaded.spec.name).toBe("shop");
  });
});

describe("derived names", () => {
  it("agree with the fixed formats the other layers rely on", () => {
    const result = validateSpec(referenceSpec);
    if (!result.ok) throw new Error("reference invalid");
    const n = derivedAwsNames(result.spec);
    expect(n.unsealKeyAlias).toBe("alias/shop-vault-unseal");
    expect(n.snapshotBucket).toBe("shop-vault-snapshots-111122223333-eu-west-1");
    expect(n.vaultServerRole).toBe("shop-vault-server");
    expect(n.snapshotRole).toBe("shop-vault-snapshot");
  });
});

describe("spec files", () => {
  it("examples/shop.yaml is the reference spec, written as YAML", async () => {
    const fromYaml = await loadSpec(join(ROOT, "examples/shop.yaml"));
    const fromTs = await loadSpec(undefined);
    expect(fromYaml.spec).toEqual(fromTs.spec);
  });

  it("examples/minimal.json is a valid JSON spec", async () => {
    const loaded = await loadSpec(join(ROOT, "examples/minimal.json"));
    expect(loaded.spec.name).toBe("acme");
    expect(loaded.spec.vault.tls).toMatchObject({ source: "secret", secretName: "vault-server-tls" });
  });

  it("a TypeScript module may export the spec as default or as `spec`", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vep-spec-"));
    const body = JSON.stringify(referenceSpec);
    writeFileSync(join(dir, "a.ts"), `const s = ${body};\nexport default s;\n`);
    writeFileSync(join(dir, "b.ts"), `export const spec = ${body};\n`);
    expect((await loadSpec(join(dir, "a.ts"))).spec.name).toBe("shop");
    expect((await loadSpec(join(dir, "b.ts"))).spec.name).toBe("shop");
  });

  it("reports YAML syntax errors with their line, and a missing file, as spec errors", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vep-spec-"));
    writeFileSync(join(dir, "broken.yaml"), "name: shop\naws:\n  accountId: [\n");
    const err = await loadSpec(join(dir, "broken.yaml")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SpecError);
    expect((err as SpecError).problems[0].path).toBe("(file line 3, column 14)");
    const missing = await loadSpec(join(dir, "nope.yaml")).catch((e: unknown) => e);
    expect((missing as SpecError).problems[0].message).toMatch(/no such file/);
  });

  it("rejects duplicate YAML keys instead of silently taking the last", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vep-spec-"));
    writeFileSync(join(dir, "dup.yaml"), "name: shop\nname: other\n");
    const err = (await loadSpec(join(dir, "dup.yaml")).catch((e: unknown) => e)) as SpecError;
    expect(err.problems[0].message).toMatch(/unique|duplicate/i);
  });

  it("S3 state comes from the environment when VAULT_EKS_STATE_BUCKET is set", async () => {
    const loaded = await loadSpec(undefined, { VAULT_EKS_STATE_BUCKET: "shop-tf-state", VAULT_EKS_STATE_KEY_PREFIX: "platform/shop" });
    expect(loaded.spec.terraformState).toEqual({ backend: "s3", bucket: "shop-tf-state", keyPrefix: "platform/shop" });
  });
});

describe("certificates", () => {
  const pemBlocks = (text: string) => [...text.replace(/\\n/g, "\n").matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map((m) => m[0].replace(/^\s+/gm, ""));

  it("every certificate in the reference spec and the examples parses as X.509 and is valid today", () => {
    for (const file of ["spec/reference.ts", "examples/shop.yaml", "examples/vcluster-oidc.yaml", "examples/minimal.json"]) {
      const blocks = pemBlocks(readFileSync(join(ROOT, file), "utf8"));
      expect(blocks.length, file).toBeGreaterThan(0);
      for (const pem of blocks) {
        const cert = new X509Certificate(pem);
        expect(new Date(cert.validTo).getTime(), `${file}: ${cert.subject}`).toBeGreaterThan(Date.now());
      }
    }
  });

  it("a CA bundle is accepted when every block parses; a retired root inside it is tolerated", () => {
    const [databaseCa] = pemBlocks(readFileSync(join(ROOT, "examples/shop.yaml"), "utf8")).slice(1);
    // The vcluster example CA's base64 is a multiple of 64 characters long: re-wrapping must not add a blank line.
    const vclusterCa = pemBlocks(readFileSync(join(ROOT, "examples/vcluster-oidc.yaml"), "utf8")).find((p) => p.includes("MIIBrDCCAVGg"))!;
    const spec = referenceCopy();
    spec.sharedServices![0].caCertificate = `${databaseCa}\n${vclusterCa}\n${EXPIRED_CERTIFICATE}`;
    const result = validateSpec(spec);
    expect(result.ok ? [] : result.problems).toEqual([]);
  });

  it("sslMode require and trustSystemRoots need no CA", () => {
    const spec = referenceCopy();
    delete spec.sharedServices![0].caCertificate;
    spec.sharedServices![0].trustSystemRoots = true;
    expect(validateSpec(spec).ok).toBe(true);
    spec.sharedServices![0].trustSystemRoots = false;
    spec.databases = spec.databases!.map((d) => ({ ...d, sslMode: "require" as const }));
    expect(validateSpec(spec).ok).toBe(true);
  });
});

describe("documentation", () => {
  it("the README lists every cross-field rule with its current summary", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    for (const rule of specRules) expect(readme).toContain(`| ${rule.id} | ${rule.summary} |`);
  });
});
