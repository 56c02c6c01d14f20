import { describe, expect, it } from "vitest";
import { specRules } from "../spec/rules";
import type { PlatformSpecInput } from "../spec/schema";
import { validateSpec } from "../spec/validate";
import { referenceCopy } from "./helpers/synth";

/**
 * A corpus of invalid specs, one per rule: each case breaks one thing in the reference spec and
 * must be reported at exactly the expected field path (and, for cross-field rules, by that rule).
 */
// Specs here are deliberately wrong, so they are edited as plain data.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Mutable = any;
interface Case {
  name: string;
  break: (s: Mutable) => void;
  path: string;
  rule?: string;
  message?: RegExp;
}

const CERT = "-----BEGIN CERTIFICATE-----\nMIIBdzCCAR2gAwIBAgIBADAKBggqhkjOPQQDAjAjMSEwHwYDVQQDDBhrM3Mtc2VydmVyLWNhQDE3MDAwMDAwMDAw\n-----END CERTIFICATE-----\n";

const cases: Case[] = [
  // Field-level rules (schema.ts)
  { name: "account id must be 12 digits", break: (s) => (s.aws.accountId = "12345"), path: "aws.accountId", message: /12 digits/ },
  { name: "region must look like an AWS region", break: (s) => (s.aws.region = "europe"), path: "aws.region", message: /AWS region/ },
  { name: "platform name is a DNS label", break: (s) => (s.name = "Shop_Platform"), path: "name", message: /DNS label/ },
  { name: "platform name is at most 20 characters", break: (s) => (s.name = "a-very-long-platform-name"), path: "name", message: /20 characters/ },
  { name: "cluster name is required", break: (s) => delete s.cluster.name, path: "cluster.name", message: /required/ },
  { name: "OIDC issuer is an https URL", break: (s) => (s.cluster.oidcIssuerUrl = "http://oidc.example.com"), path: "cluster.oidcIssuerUrl", message: /https/ },
  { name: "VPC CIDR is an IPv4 CIDR", break: (s) => (s.cluster.vpcCidr = "10.40.0.0/33"), path: "cluster.vpcCidr", message: /CIDR/ },
  { name: "workload identity is irsa or pod-identity", break: (s) => (s.workloadIdentity = "kiam"), path: "workloadIdentity", message: /"irsa", "pod-identity"/ },
  { name: "TLS source is cert-manager or secret (TLS cannot be turned off)", break: (s) => (s.vault.tls = { source: "none" }), path: "vault.tls.source", message: /cert-manager/ },
  { name: "Vault image tag is an exact version", break: (s) => (s.vault.image.tag = "latest"), path: "vault.image.tag", message: /exact Vault version/ },
  { name: "KMS deletion window is 7 to 30 days", break: (s) => (s.kms.deletionWindowDays = 3), path: "kms.deletionWindowDays", message: /7 to 30/ },
  { name: "snapshot schedule is a five-field cron", break: (s) => (s.snapshots.schedule = "hourly"), path: "snapshots.schedule", message: /cron/ },
  { name: "unknown fields are rejected", break: (s) => (s.vault.replica = 3), path: "vault.replica", message: /unknown field/ },
  { name: "at least one environment", break: (s) => (s.environments = []), path: "environments", message: /at least one environment/ },
  { name: "dedicated cluster needs a CA certificate", break: (s) => (s.environments[1].cluster = { type: "vcluster", name: "staging", apiServerUrl: "https://staging.example.com" }), path: "environments[1].cluster.caCertificate", message: /required/ },
  { name: "the Vault CA is a PEM certificate", break: (s) => (s.vault.tls.caCertificate = "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n"), path: "vault.tls.caCertificate", message: /PEM certificate/ },
  { name: "durations are Go-style", break: (s) => (s.vault.auth = { kubernetes: { tokenTtl: "one hour" } }), path: "vault.auth.kubernetes.tokenTtl", message: /duration/ },
  { name: "secret keys are names, never values", break: (s) => (s.services[0].secrets[0].keys = ["sk_live 1234"]), path: "services[0].secrets[0].keys[0]", message: /key name/ },
  { name: "state bucket name is an S3 bucket name", break: (s) => (s.terraformState = { backend: "s3", bucket: "Bad_Bucket" }), path: "terraformState.bucket", message: /S3 bucket/ },
  { name: "key administrators are IAM ARNs", break: (s) => (s.kms.keyAdministratorArns = ["admin"]), path: "kms.keyAdministratorArns[0]", message: /ARN/ },
  // Cross-field rules (rules.ts)
  { name: "replicas odd and >= 3", break: (s) => (s.vault.replicas = 2), path: "vault.replicas", rule: "VEP-S01" },
  { name: "replicas even", break: (s) => (s.vault.replicas = 4), path: "vault.replicas", rule: "VEP-S01" },
  { name: "duplicate service name", break: (s) => (s.services[2].name = "user-service"), path: "services[2].name", rule: "VEP-S02" },
  { name: "duplicate secret key", break: (s) => s.services[0].secrets[0].keys.push("JWT_SIGNING_KEY"), path: "services[0].secrets[0].keys[2]", rule: "VEP-S02" },
  { name: "environment namespace collides with Vault's", break: (s) => (s.environments[0].namespace = "vault"), path: "environments[0].namespace", rule: "VEP-S03" },
  { name: "two environments share a namespace", break: (s) => (s.environments[1].namespace = "dev"), path: "environments[1].namespace", rule: "VEP-S03" },
  { name: "service names an unknown environment", break: (s) => s.services[1].environments.push("qa"), path: "services[1].environments[3]", rule: "VEP-S04" },
  { name: "service uses an undeclared database", break: (s) => s.services[0].databases.push({ name: "orders" }), path: "services[0].databases[1].name", rule: "VEP-S05" },
  { name: "service lists postgres as a shared service", break: (s) => s.services[0].sharedServices.push("postgres"), path: "services[0].sharedServices[1]", rule: "VEP-S06" },
  { name: "database on a non-postgres server", break: (s) => (s.databases[0].server = "redis"), path: "databases[0].server", rule: "VEP-S07" },
  { name: "shared service lacks an endpoint for an environment a service uses", break: (s) => delete s.sharedServices[1].endpoints.staging, path: "services[1].sharedServices[0]", rule: "VEP-S08" },
  { name: "endpoint for an unknown environment", break: (s) => (s.sharedServices[2].endpoints.qa = { host: "redis.qa", port: 6379 }), path: "sharedServices[2].endpoints.qa", rule: "VEP-S08" },
  { name: "unknown transit key", break: (s) => s.services[1].transitKeys.push("orders"), path: "services[1].transitKeys[1]", rule: "VEP-S09" },
  { name: "transit without vault login", break: (s) => (s.services[1].vaultLogin = "none"), path: "services[1].vaultLogin", rule: "VEP-S09" },
  { name: "OIDC issuer in another region", break: (s) => (s.cluster.oidcIssuerUrl = "https://oidc.eks.us-east-1.amazonaws.com/id/5E1B3A0C9D8F7E6A5B4C3D2E1F0A9B8C"), path: "cluster.oidcIssuerUrl", rule: "VEP-S10" },
  { name: "region outside the partition", break: (s) => (s.aws.partition = "aws-cn"), path: "aws.partition", rule: "VEP-S11" },
  { name: "derived IAM role name too long", break: (s) => { s.name = "shop-platform-europe"; s.services[2] = { ...s.services[2], name: "notification-service-v2-consumers", vaultLogin: "aws-iam" }; }, path: "name", rule: "VEP-S12" },
  { name: "token TTL longer than its max", break: (s) => (s.vault.auth = { kubernetes: { tokenTtl: "8h", tokenMaxTtl: "4h" } }), path: "vault.auth.kubernetes.tokenTtl", rule: "VEP-S13" },
  { name: "database default TTL longer than max", break: (s) => (s.environments[0].databaseCredentials = { defaultTtl: "48h", maxTtl: "24h" }), path: "environments[0].databaseCredentials.defaultTtl", rule: "VEP-S13" },
  { name: "production not marked production", break: (s) => (s.environments[2].production = false), path: "environments[2].production", rule: "VEP-S14" },
  { name: "two services share a service account", break: (s) => (s.services[1].serviceAccount = "user-service"), path: "services[1].serviceAccount", rule: "VEP-S15" },
  { name: "dedicated cluster named like the primary", break: (s) => (s.environments[0].cluster = { type: "vcluster", name: "shop-platform", apiServerUrl: "https://dev.example.com", caCertificate: CERT }), path: "environments[0].cluster.name", rule: "VEP-S16" },
  { name: "Secrets Manager prefix too broad", break: (s) => (s.externalSecrets.secretsManager.secretNamePrefix = "a/"), path: "externalSecrets.secretsManager.secretNamePrefix", rule: "VEP-S17" },
  { name: "environment name extends another's with '-'", break: (s) => s.environments.push({ name: "dev-eu" }), path: "environments[3].name", rule: "VEP-S19" },
  {
    name: "aws-iam login in a dedicated cluster",
    break: (s) => {
      s.environments[1].cluster = { type: "vcluster", name: "staging-vc", apiServerUrl: "https://staging.example.com", caCertificate: CERT };
      s.vault.externalAddress = "https://vault.shop.internal:8200";
      s.services[0].vaultLogin = "aws-iam";
    },
    path: "services[0].environments[1]",
    rule: "VEP-S20",
  },
  {
    name: "dedicated cluster without an external Vault address",
    break: (s) => (s.environments[1].cluster = { type: "vcluster", name: "staging-vc", apiServerUrl: "https://staging.example.com", caCertificate: CERT }),
    path: "vault.externalAddress",
    rule: "VEP-S21",
  },
  { name: "a KV secret named like a shared service the service uses", break: (s) => s.services[1].secrets.push({ name: "kafka", keys: ["X"] }), path: "services[1].secrets[1].name", rule: "VEP-S40" },
  { name: "CI consumer reads an unknown environment's cluster path", break: (s) => s.ciConsumers[0].extraReadPaths.push("clusters/qa"), path: "ciConsumers[0].extraReadPaths[3]", rule: "VEP-S18" },
];

function problemsOf(mutate: (s: Mutable) => void) {
  const spec = referenceCopy() as Mutable;
  mutate(spec);
  const result = validateSpec(spec as PlatformSpecInput);
  if (result.ok) throw new Error("the broken spec was accepted");
  return result.problems;
}

describe("invalid specs: each is rejected at its field path", () => {
  it("the corpus is large enough and covers every cross-field rule", () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
    const covered = new Set(cases.map((c) => c.rule).filter(Boolean));
    expect(specRules.map((r) => r.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  it.each(cases)("$name → $path", (c) => {
    const problems = problemsOf(c.break);
    const match = problems.find((p) => p.path === c.path && (c.rule === undefined || p.rule === c.rule) && (c.message === undefined || c.message.test(p.message)));
    expect(match, `problems were:\n${problems.map((p) => `  ${p.path}: ${p.message} [${p.rule ?? "field"}]`).join("\n")}`).toBeDefined();
  });
});

describe("every problem is reported at once", () => {
  it("field errors and cross-field errors from different sections come in one report", () => {
    const problems = problemsOf((s) => {
      s.aws.accountId = "1";
      s.vault.replicas = 2;
      s.services[0].environments.push("qa");
      s.databases[1].server = "kafka";
      s.unknownTopLevel = true;
    });
    expect(problems.map((p) => p.path).sort()).toEqual(
      ["aws.accountId", "databases[1].server", "services[0].environments[3]", "unknownTopLevel", "vault.replicas"].sort(),
    );
  });

  it("a rule still runs next to a field error in the same list", () => {
    const problems = problemsOf((s) => {
      s.services[0].name = "Bad Name";
      s.services[1].environments = ["qa"];
    });
    expect(problems.map((p) => p.path)).toEqual(expect.arrayContaining(["services[0].name", "services[1].environments[0]"]));
  });
});
