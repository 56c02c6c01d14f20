import { readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { CHECKS } from "../checks/catalogue";
import { sarifReport } from "../checks/report/sarif";
import { actionableIn, runChecks } from "../checks/run";
import { kmsRotation } from "../checks/rules/vep-g15-kms-rotation";
import { terraformFiles } from "../lib/write-synthesis";
import type { Check, Fixture } from "../checks/types";
import type { Synthesis } from "../lib/synthesis";
import { specByName, synthesisOf } from "./helpers/synthesis";
import { ROOT } from "./helpers/synth";

/**
 * The check catalogue on real synthesized output: the reference spec and every example pass with
 * no suppression; every check and rule has a passing and a failing fixture, each an edit of a good
 * synthesis, and the failing one must report the check's id at the resource with the message
 * written out in the fixture.
 */

const specs = ["reference", ...readdirSync(join(ROOT, "examples")).map((f) => `examples/${f}` as const)] as const;
const good = new Map<string, Promise<Synthesis>>();
const base = (name: string) => {
  if (!good.has(name)) good.set(name, synthesisOf(specByName(name as "reference")));
  return good.get(name)!;
};

async function findingsAfter(check: Check, fixture: Fixture) {
  const s = structuredClone(await base(fixture.spec ?? "reference"));
  fixture.edit(s);
  // The suppression check is the runner's: it needs a full run.
  const report = check.id === "VEP-C01" ? await runChecks(s) : await runChecks(s, { checks: [check] });
  return report.findings.filter((f) => f.check === check.id);
}

describe.each(specs)("%s", (name) => {
  it("passes every check with no suppression; info findings are only the stated choices (metrics, access logs when the spec names no log bucket)", async () => {
    const report = await runChecks(await base(name));
    expect(actionableIn(report).map((f) => `${f.check} ${f.resource}: ${f.message}`)).toEqual([]);
    expect(report.suppressed).toEqual([]);
    const info = report.findings.filter((f) => f.severity === "info").map((f) => f.check);
    expect(info).toEqual(name === "examples/vcluster-oidc.yaml" ? ["VEP-G32"] : ["VEP-G28", "VEP-G32"]);
  });
});

describe("every check and rule has fixtures that decide it", () => {
  beforeAll(async () => void (await base("reference")));

  it("ids are unique, dense per family, and every check file is in the catalogue", () => {
    const ids = CHECKS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const family of ["X", "G", "C"]) {
      const numbers = ids.filter((i) => i.startsWith(`VEP-${family}`)).map((i) => Number(i.slice(5)));
      expect(numbers).toEqual(numbers.map((_, i) => i + 1));
    }
    const files = ["cross", "rules"].flatMap((d) => readdirSync(join(ROOT, "checks", d)).filter((f) => f.startsWith("vep-")));
    expect(files.map((f) => f.slice(0, 7).toUpperCase()).sort()).toEqual([...ids].sort());
  });

  it.each(CHECKS.map((c) => [c.id, c] as const))("%s: the passing fixture reports nothing", async (_, check) => {
    expect(await findingsAfter(check, check.fixtures.pass)).toEqual([]);
  });

  it.each(CHECKS.map((c) => [c.id, c] as const))("%s: the failing fixture reports the finding", async (_, check) => {
    const { expect: want } = check.fixtures.fail;
    expect(want, "a failing fixture names its finding").toBeDefined();
    const findings = await findingsAfter(check, check.fixtures.fail);
    expect(findings.some((f) => f.resource === want!.resource && f.message.includes(want!.message)), JSON.stringify(findings, null, 2)).toBe(true);
  });
});

describe("SARIF locations", () => {
  it("a Terraform finding points at its resource's line in the written cdk.tf.json", async () => {
    const s = structuredClone(await base("reference"));
    kmsRotation.fixtures.fail.edit(s);
    const report = await runChecks(s, { checks: [kmsRotation] });
    const log = JSON.parse(sarifReport(report, s, { out: "cdktf.out", dist: "dist" }));
    const location = log.runs[0].results[0].locations[0].physicalLocation;
    expect(location.artifactLocation.uri).toBe("cdktf.out/stacks/aws/cdk.tf.json");
    const lines = terraformFiles(s.terraform)["stacks/aws/cdk.tf.json"].split("\n");
    expect(lines[location.region.startLine - 1]).toBe('      "vault_unseal_key": {');
    expect(lines.slice(0, location.region.startLine - 1).reverse().find((l) => /^ {4}"/.test(l))).toBe('    "aws_kms_key": {');
  });
});

describe("hand-edited policies", () => {
  it("a policy that does not parse is reported by VEP-G04; the policies beside it are still read", async () => {
    const s = structuredClone(await base("reference"));
    s.terraform.stacks["vault-dev"].resource.vault_policy.policy_eso_dev.policy += '\npath "secret/x" {\n  capabilities = ["read"\n';
    const report = await runChecks(s);
    expect(report.findings.filter((f) => f.check === "VEP-G04").map((f) => f.resource)).toEqual(["vault-dev/vault_policy.policy_eso_dev"]);
    expect(report.findings.find((f) => f.check === "VEP-G04")!.message).toMatch(/^policy eso-dev is not valid HCL \(Vault refuses it\): /);
    // eso-dev's rules are gone, so its stores' reads fail; the other environments' are untouched.
    expect(report.findings.some((f) => f.check === "VEP-X01" && f.resource.startsWith("shop-platform/env-dev/"))).toBe(true);
    expect(report.findings.some((f) => f.check === "VEP-X01" && f.resource.startsWith("shop-platform/env-staging/"))).toBe(false);
  });
});

describe("VEP-G04: the terraform policy's sudo", () => {
  it("is allowed on each exact root-protected path it applies, and refused on a glob, another root path or any other policy", async () => {
    const s = structuredClone(await base("reference"));
    const vault = s.terraform.stacks["vault-core"].resource.vault_policy;
    vault.policy_terraform.policy += '\npath "sys/auth/*" {\n  capabilities = ["update", "sudo"]\n}\npath "sys/raw/*" {\n  capabilities = ["read", "sudo"]\n}\n';
    vault.policy_developer.policy += '\npath "sys/audit" {\n  capabilities = ["read", "sudo"]\n}\n';
    const report = await runChecks(s, { checks: CHECKS.filter((c) => c.id === "VEP-G04") });
    expect(report.findings.map((f) => f.message).sort()).toEqual(["policy developer grants sudo on sys/audit", "policy terraform grants sudo on sys/auth/*", "policy terraform grants sudo on sys/raw/*"]);
  });
});

describe("the issue's breakages, each caught by its check", () => {
  const findings = async (edit: (s: Synthesis) => void, id: string) => {
    const s = structuredClone(await base("reference"));
    edit(s);
    return (await runChecks(s, { checks: CHECKS.filter((c) => c.id === id) })).findings.map((f) => `${f.resource}: ${f.message}`);
  };

  it("a role rebound to another service account (VEP-X01)", async () => {
    const found = await findings((s) => void (s.terraform.stacks["vault-dev"].resource.vault_kubernetes_auth_backend_role.auth_kubernetes_role_eso_dev.bound_service_account_names = ["default"]), "VEP-X01");
    expect(found).toContain("shop-platform/env-dev/externalsecret-payment-service-stripe.yaml: role eso-dev binds service accounts [default] in [dev], not ClusterSecretStore vault-dev's serviceAccountRef dev/eso-vault-store");
  });

  it("a policy naming secret/apps/... instead of secret/data/apps/... (VEP-X01)", async () => {
    const found = await findings((s) => {
      const p = s.terraform.stacks["vault-dev"].resource.vault_policy.policy_eso_dev;
      p.policy = p.policy.replace('path "secret/data/apps/dev/*"', 'path "secret/apps/dev/*"');
    }, "VEP-X01");
    expect(found).toContain(
      "shop-platform/env-dev/externalsecret-payment-service-stripe.yaml: role eso-dev's policies [eso-dev] do not grant read on secret/data/apps/dev/payment-service/stripe (grants nothing there): add it to policy eso-dev, or point the read at a path the role may read",
    );
  });

  it("a generator asking for a database role Vault does not have (VEP-X01)", async () => {
    const found = await findings((s) => void (s.kubernetes.manifests["shop-platform/env-dev/vaultdynamicsecret-payment-service-payments-db.yaml"].spec.path = "/database/creds/dev-payment-service-orders"), "VEP-X01");
    expect(found).toContain("shop-platform/env-dev/vaultdynamicsecret-payment-service-payments-db.yaml: database/creds/dev-payment-service-orders is not declared in the Vault stack (no KV metadata entry or database role): the read finds nothing");
  });

  it("an IRSA trust naming another namespace (VEP-X05)", async () => {
    const found = await findings(
      (s) =>
        fxEditTrust(s, "vault_snapshot_role", "system:serviceaccount:backup:vault-snapshot"),
      "VEP-X05",
    );
    expect(found).toEqual([
      "aws/aws_iam_role.vault_snapshot_role: trusts system:serviceaccount:backup:vault-snapshot, a service account the manifests of shop-platform do not render",
      "shop-platform/vault-backup/serviceaccount-vault-snapshot.yaml: annotated with role shop-vault-snapshot, whose trust admits [system:serviceaccount:backup:vault-snapshot], not system:serviceaccount:vault:vault-snapshot",
    ]);
  });

  it("a second principal allowed to use the unseal key (VEP-X09)", async () => {
    const found = await findings((s) => {
      const key = s.terraform.stacks.aws.resource.aws_kms_key.vault_unseal_key;
      const doc = JSON.parse(key.policy);
      doc.Statement[1].Principal.AWS = ["arn:aws:iam::111122223333:role/shop-vault-server", "arn:aws:iam::111122223333:role/ops"];
      key.policy = JSON.stringify(doc);
    }, "VEP-X09");
    expect(found).toEqual(["aws/aws_kms_key.vault_unseal_key: the seal key's policy lets arn:aws:iam::111122223333:role/ops use the key; only the Vault server role (shop-vault-server) may"]);
  });
});

function fxEditTrust(s: Synthesis, role: string, sub: string): void {
  const r = s.terraform.stacks.aws.resource.aws_iam_role[role];
  const doc = JSON.parse(r.assume_role_policy);
  const eq = doc.Statement[0].Condition.StringEquals;
  eq[Object.keys(eq).find((k) => k.endsWith(":sub"))!] = sub;
  r.assume_role_policy = JSON.stringify(doc);
}

describe("least privilege on specs beyond the examples", () => {
  it("an environment whose services keep no static secret: its store gets no KV grant, and every check passes", async () => {
    const spec = specByName("reference");
    spec.environments!.push({ name: "qa" });
    (spec.sharedServices![0].endpoints as Record<string, unknown>).qa = { host: "postgres.qa.shop.internal", port: 5432, cidrs: ["10.40.120.0/24"] };
    spec.services!.push({ name: "batch", environments: ["qa"], databases: [{ name: "users" }] });
    const s = await synthesisOf(spec);
    expect(s.terraform.stacks["vault-qa"].resource.vault_policy.policy_eso_qa.policy).not.toContain("secret/data/apps/qa");
    expect(actionableIn(await runChecks(s)).map((f) => `${f.check} ${f.resource}: ${f.message}`)).toEqual([]);
  });
});

/** The spec's options beyond the examples: the checks stay silent on every valid combination (no false positives). */
describe.each([
  ["the reference spec with Pod Identity", () => ({ ...specByName("reference"), workloadIdentity: "pod-identity" as const })],
  ["the vcluster example with IRSA", () => ({ ...specByName("examples/vcluster-oidc.yaml"), workloadIdentity: "irsa" as const })],
  ["without the certificate probe", () => ({ ...specByName("reference"), monitoring: { certificateProbe: { enabled: false } } })],
  ["with a remote socket audit device", () => { const s = specByName("reference"); s.vault!.audit = { socket: { address: "audit.logging.internal:9090", cidrs: ["10.40.200.0/24"] } }; return s; }],
  ["five replicas and the UI", () => { const s = specByName("reference"); s.vault = { ...s.vault!, replicas: 5, ui: true }; return s; }],
  ["without the Secrets Manager store", () => ({ ...specByName("reference"), externalSecrets: {} })],
  [
    "staging in a dedicated EKS cluster",
    () => {
      const s = specByName("examples/vcluster-oidc.yaml");
      const staging = s.environments![1];
      staging.cluster = { type: "eks", name: "staging-eks", apiServerUrl: "https://ABC.gr7.eu-west-1.eks.amazonaws.com", caCertificate: (staging.cluster as { caCertificate: string }).caCertificate, apiServerCidrs: ["10.70.0.0/24"] };
      return s;
    },
  ],
] as const)("%s", (_, spec) => {
  it("passes every check", async () => {
    expect(actionableIn(await runChecks(await synthesisOf(spec()))).map((f) => `${f.check} ${f.resource}: ${f.message}`)).toEqual([]);
  });
});
