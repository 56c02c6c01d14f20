import { describe, expect, it } from "vitest";
import { CHECKS } from "../checks/catalogue";
import { actionableIn, runChecks } from "../checks/run";
import type { Synthesis } from "../lib/synthesis";
import { specByName, synthesisOf, vaultOf } from "./helpers/synthesis";

/**
 * The issue-15 guardrails (VEP-G19..G32) beyond their fixtures: Vault's ACL matching decides
 * (priority of "+" and "*" rules, exact rules over globs), every family a rule names is probed,
 * and the options the spec offers stay clean. Expected findings are written out.
 */

const reference = synthesisOf(specByName("reference"));

async function findings(edit: (s: Synthesis) => void, ...ids: string[]): Promise<string[]> {
  const s = structuredClone(await reference);
  edit(s);
  return (await runChecks(s, { checks: CHECKS.filter((c) => ids.includes(c.id)) })).findings.map((f) => `${f.check} ${f.resource}: ${f.message}`);
}

const addRules = (s: Synthesis, policy: string, ...rules: [string, string[]][]) =>
  void (vaultOf(s).vault_policy[policy].policy += rules.map(([p, caps]) => `\npath "${p}" {\n  capabilities = [${caps.map((c) => `"${c}"`).join(", ")}]\n}\n`).join(""));

describe("VEP-G19: transit keys stay in their environment", () => {
  it("a legacy shared key: production may decrypt with it and passes every check; dev may not, production may not encrypt with it", async () => {
    const spec = specByName("reference");
    spec.vault!.transit = { keys: [{ name: "payments", legacySharedKey: true }] };
    const s = await synthesisOf(spec);
    expect(s.terraform.stacks["vault-production"].resource.vault_policy.policy_svc_production_payment_service.policy).toContain('path "transit/decrypt/payments"');
    expect(actionableIn(await runChecks(s)).map((f) => `${f.check} ${f.resource}: ${f.message}`)).toEqual([]);
    addRules(s, "policy_svc_dev_payment_service", ["transit/decrypt/payments", ["update"]]);
    addRules(s, "policy_svc_production_payment_service", ["transit/encrypt/payments", ["update"]]);
    const found = (await runChecks(s, { checks: CHECKS.filter((c) => c.id === "VEP-G19") })).findings.map((f) => f.message).sort();
    expect(found).toEqual([
      'policy svc-dev-payment-service (environment dev) may decrypt with payments (the legacy shared key, decrypt is for production only) through rule "transit/decrypt/payments"',
      'policy svc-production-payment-service (environment production) may encrypt with payments (the legacy shared key, decrypt only) through rule "transit/encrypt/payments"',
    ]);
  });

  it("a glob over the transit mount names every foreign key it reaches, once per rule; an ESO store policy is held to it too", async () => {
    const found = await findings((s) => {
      addRules(s, "policy_svc_staging_payment_service", ["transit/decrypt/*", ["update"]]);
      addRules(s, "policy_eso_dev", ["transit/+/staging-payments", ["update"]]);
    }, "VEP-G19");
    expect(found.sort()).toEqual([
      'VEP-G19 vault-staging/vault_policy.policy_svc_staging_payment_service: policy svc-staging-payment-service (environment staging) may decrypt with dev-payments (environment dev\'s key); decrypt with production-payments (environment production\'s key); decrypt with payments (not named for environment staging); decrypt with any key through rule "transit/decrypt/*"',
      'VEP-G19 vault-dev/vault_policy.policy_eso_dev: policy eso-dev (environment dev) may encrypt with staging-payments (environment staging\'s key); decrypt with staging-payments (environment staging\'s key); rewrap with staging-payments (environment staging\'s key); sign with staging-payments (environment staging\'s key); verify with staging-payments (environment staging\'s key); hmac with staging-payments (environment staging\'s key) through rule "transit/+/staging-payments"',
    ].sort());
  });
});

describe("VEP-G20: no policy can grant itself more", () => {
  it("writes on identity groups, login roles, auth configuration, plugins and snapshot restore are refused for every policy; admin's sys/raw deny is beaten by an exact rule", async () => {
    const found = await findings((s) => {
      addRules(s, "policy_developer", ["identity/group/name/*", ["create", "update"]]);
      addRules(s, "policy_eso_dev", ["auth/kubernetes/role/+", ["create", "update"]], ["auth/kubernetes/config", ["update"]]);
      addRules(s, "policy_ci_argocd", ["sys/plugins/catalog/*", ["update"]], ["sys/storage/raft/snapshot-force", ["update"]]);
      addRules(s, "policy_admin", ["sys/raw/core/keyring", ["read"]]);
    }, "VEP-G20");
    expect(found.sort()).toEqual(
      [
        'VEP-G20 vault-core/vault_policy.policy_admin: policy admin may use raw storage: [read] on sys/raw/core/keyring through rule "sys/raw/core/keyring"',
        'VEP-G20 vault-core/vault_policy.policy_ci_argocd: policy ci-argocd may register plugins: [update] on sys/plugins/catalog/auth/vep-check-probe through rule "sys/plugins/catalog/*"',
        'VEP-G20 vault-core/vault_policy.policy_ci_argocd: policy ci-argocd may restore raft snapshots: [update] on sys/storage/raft/snapshot-force through rule "sys/storage/raft/snapshot-force"',
        'VEP-G20 vault-core/vault_policy.policy_developer: policy developer may write identity groups or entities (group policies, aliases): [create, update] on identity/group/name/vep-check-probe through rule "identity/group/name/*"',
        'VEP-G20 vault-dev/vault_policy.policy_eso_dev: policy eso-dev may reconfigure an auth method\'s identity source: [update] on auth/kubernetes/config through rule "auth/kubernetes/config"',
        'VEP-G20 vault-dev/vault_policy.policy_eso_dev: policy eso-dev may write login roles (a role names the policies its logins get): [create, update] on auth/kubernetes/role/vep-check-probe through rule "auth/kubernetes/role/+"',
      ].sort(),
    );
  });

  it("the terraform policy: exact grants on what the stack applies pass; a name the stack does not apply, an auth-method glob or a token role is refused", async () => {
    const found = await findings((s) => {
      addRules(s, "policy_terraform", ["sys/policies/acl/break-glass", ["create", "update"]], ["sys/auth/*", ["create", "update"]], ["auth/token/roles/ci", ["create", "update"]]);
    }, "VEP-G20");
    expect(found.sort()).toEqual(
      [
        'VEP-G20 vault-core/vault_policy.policy_terraform: policy terraform may enable auth methods: [create, update] on sys/auth/vep-check-probe through rule "sys/auth/*"',
        'VEP-G20 vault-core/vault_policy.policy_terraform: policy terraform may write ACL policies: [create, update] on sys/policies/acl/break-glass through rule "sys/policies/acl/break-glass", a name vault-core does not apply',
        'VEP-G20 vault-core/vault_policy.policy_terraform: policy terraform may write login roles (a role names the policies its logins get): [create, update] on auth/token/roles/ci through rule "auth/token/roles/ci", a name vault-core does not apply',
      ].sort(),
    );
  });

  it("(issue 17) an environment's pipeline policy: its own stack's exact names pass; another environment's policy or role, or a core mount's configuration, is refused", async () => {
    const clean = await findings(() => undefined, "VEP-G20");
    expect(clean).toEqual([]);
    const found = await findings((s) => {
      addRules(
        s,
        "policy_terraform_dev",
        ["sys/policies/acl/eso-production", ["create", "update"]],
        ["auth/kubernetes/role/eso-production", ["create", "update"]],
        ["auth/kubernetes/config", ["update"]],
        // Its own stack's names: already granted, and allowed.
        ["sys/policies/acl/eso-dev", ["create", "update"]],
      );
    }, "VEP-G20");
    expect(found.sort()).toEqual(
      [
        'VEP-G20 vault-core/vault_policy.policy_terraform_dev: policy terraform-dev may reconfigure an auth method\'s identity source: [update] on auth/kubernetes/config through rule "auth/kubernetes/config", a name vault-dev does not apply',
        'VEP-G20 vault-core/vault_policy.policy_terraform_dev: policy terraform-dev may write ACL policies: [create, update] on sys/policies/acl/eso-production through rule "sys/policies/acl/eso-production", a name vault-dev does not apply',
        'VEP-G20 vault-core/vault_policy.policy_terraform_dev: policy terraform-dev may write login roles (a role names the policies its logins get): [create, update] on auth/kubernetes/role/eso-production through rule "auth/kubernetes/role/eso-production", a name vault-dev does not apply',
      ].sort(),
    );
  });
});

describe("VEP-G21: the terraform policy reads no data, by Vault's priority matching", () => {
  it("a '+' rule that Vault ranks below the deny on transit/decrypt/* grants nothing; one ranked above the deny on secret/data/* is refused", async () => {
    const found = await findings((s) => {
      addRules(s, "policy_terraform", ["transit/+/dev-payments", ["update"]], ["secret/data/apps/+/payment-service/*", ["read"]]);
    }, "VEP-G21");
    expect(found).toEqual(['VEP-G21 vault-core/vault_policy.policy_terraform: policy terraform may read secret values: [read] on secret/data/apps/vep-check-probe/payment-service/vep-check-probe through rule "secret/data/apps/+/payment-service/*"']);
  });

  it("(issue 17) an environment's pipeline policy is held to the same: its database credentials are refused", async () => {
    const found = await findings((s) => addRules(s, "policy_terraform_production", ["database/creds/production-payment-service-payments", ["read"]]), "VEP-G21");
    expect(found).toEqual([
      'VEP-G21 vault-core/vault_policy.policy_terraform_production: policy terraform-production may issue database credentials: [read] on database/creds/production-payment-service-payments through rule "database/creds/production-payment-service-payments"',
    ]);
  });

  it("a raft snapshot save and a certificate issue are refused", async () => {
    const found = await findings((s) => addRules(s, "policy_terraform", ["sys/storage/raft/snapshot", ["read"]], ["pki/issue/+", ["update"]]), "VEP-G21");
    expect(found.sort()).toEqual(
      [
        'VEP-G21 vault-core/vault_policy.policy_terraform: policy terraform may issue certificates: [update] on pki/issue/vep-check-probe through rule "pki/issue/+"',
        'VEP-G21 vault-core/vault_policy.policy_terraform: policy terraform may save raft snapshots (every secret, encrypted only by the seal): [read] on sys/storage/raft/snapshot through rule "sys/storage/raft/snapshot"',
      ].sort(),
    );
  });
});

describe("ESO PKI grants no generator uses: VEP-X02 already refuses them (no separate guardrail)", () => {
  it("eso-dev with create/update on pki/issue/dev-cert and no certificate generator in dev is an error of VEP-X02", async () => {
    const found = await findings((s) => addRules(s, "policy_eso_dev", ["pki/issue/dev-cert", ["create", "update"]]), "VEP-X02");
    expect(found).toEqual(["VEP-X02 vault-dev/vault_policy.policy_eso_dev: policy eso-dev grants [create, update] on pki/issue/dev-cert, which role eso-dev never uses"]);
  });
});

describe("VEP-G22, G26, G29, G30: more ways the output can go wrong", () => {
  it("a socket device alone leaves the pod; a syslog device does not count", async () => {
    const off = await findings((s) => {
      const audit = s.terraform.stacks["vault-core"].resource.vault_audit;
      audit.audit_stdout = { type: "syslog", path: "syslog", options: { tag: "vault" } };
    }, "VEP-G22");
    expect(off).toEqual(["VEP-G22 vault-core/vault_audit: every audit device writes to the Vault pods' volume (file: /vault/audit/vault-audit.log, syslog: syslog): none leaves the pod"]);
  });

  it("SSE-S3 as the bucket's default encryption, and a policy without any encryption Deny", async () => {
    const found = await findings((s) => {
      const aws = s.terraform.stacks.aws.resource;
      aws.aws_s3_bucket_server_side_encryption_configuration.snapshots_encryption.rule[0].apply_server_side_encryption_by_default = { sse_algorithm: "AES256" };
      const doc = JSON.parse(aws.aws_s3_bucket_policy.snapshots_policy.policy);
      doc.Statement = doc.Statement.filter((st: { Sid: string }) => st.Sid.startsWith("DenyInsecure") || st.Sid.startsWith("DenyTls"));
      aws.aws_s3_bucket_policy.snapshots_policy.policy = JSON.stringify(doc);
    }, "VEP-G26");
    expect(found.sort()).toEqual([
      "VEP-G26 aws/aws_s3_bucket_policy.snapshots_policy: bucket shop-vault-snapshots-111122223333-eu-west-1: the policy lets uploads with SSE-S3 (AES256), SSE-KMS with the AWS managed key, SSE-KMS with another key through",
      "VEP-G26 aws/aws_s3_bucket_server_side_encryption_configuration.snapshots_encryption: bucket shop-vault-snapshots-111122223333-eu-west-1: default encryption is AES256, not SSE-KMS with the snapshot key (alias/shop-vault-snapshots)",
    ]);
  });

  it("PROXY protocol from a /8 and X-Forwarded-For from ::/0 (lists or comma-separated strings)", async () => {
    const key = "shop-platform/vault/configmap-vault-config.yaml";
    const found = await findings((s) => {
      const cm = s.kubernetes.manifests[key];
      cm.data["vault.hcl"] = cm.data["vault.hcl"].replace('tls_min_version = "tls12"\n', 'tls_min_version = "tls12"\n  proxy_protocol_behavior = "allow_authorized"\n  proxy_protocol_authorized_addrs = ["10.0.0.0/8", "10.40.1.10"]\n  x_forwarded_for_authorized_addrs = "::/0"\n');
    }, "VEP-G29");
    expect(found.sort()).toEqual([
      `VEP-G29 ${key}: vault.hcl: listener [::]:8200 proxy_protocol_authorized_addrs admits 10.0.0.0/8: peers there may name any client address`,
      `VEP-G29 ${key}: vault.hcl: listener [::]:8200 x_forwarded_for_authorized_addrs admits ::/0: peers there may name any client address`,
    ]);
  });

  it("an intermediate without name constraints, a root mount without auto-tidy, a role allowing any name", async () => {
    const found = await findings((s) => {
      const v = s.terraform.stacks["vault-core"].resource;
      delete v.vault_pki_secret_backend_root_sign_intermediate.pki_intermediate_signed.permitted_dns_domains;
      delete v.vault_pki_secret_backend_config_auto_tidy.pki_root_auto_tidy;
      s.terraform.stacks["vault-production"].resource.vault_pki_secret_backend_role.pki_role_production_cert.allow_any_name = true;
    }, "VEP-G30");
    expect(found.sort()).toEqual(
      [
        "VEP-G30 vault-core/vault_mount.pki_root_mount: PKI mount pki-root has no auto-tidy: expired and revoked certificates stay in storage",
        "VEP-G30 vault-production/vault_pki_secret_backend_role.pki_role_production_cert: role production-cert allows allow_any_name",
        "VEP-G30 vault-core/vault_pki_secret_backend_root_sign_intermediate.pki_intermediate_signed: intermediate shop Intermediate CA is signed without permitted_dns_domains: it may sign any name",
      ].sort(),
    );
  });
});

describe("VEP-G31 reads the spec's production flag through the model", () => {
  it("an environment that opts production out of check-and-set is a warning there, and dev's cas_required false is not", async () => {
    const spec = specByName("reference");
    spec.environments = spec.environments!.map((e) => (e.name === "production" ? { ...e, casRequired: false } : e));
    const report = await runChecks(await synthesisOf(spec), { checks: CHECKS.filter((c) => c.id === "VEP-G31") });
    expect(report.findings.map((f) => f.resource).sort()).toEqual([
      "vault-production/vault_generic_endpoint.kv_metadata_apps__production__notification_service__providers",
      "vault-production/vault_generic_endpoint.kv_metadata_apps__production__payment_service__stripe",
      "vault-production/vault_generic_endpoint.kv_metadata_apps__production__user_service__auth",
      "vault-production/vault_generic_endpoint.kv_metadata_shared_services__kafka__production",
      "vault-production/vault_generic_endpoint.kv_metadata_shared_services__redis__production",
    ]);
  });
});

describe("info findings fail nothing", () => {
  it("the reference's notes (VEP-G28, VEP-G32) are not errors: synth's error-level run reports nothing", async () => {
    const report = await runChecks(await reference, { severity: "error" });
    expect(report.findings).toEqual([]);
    expect(report.checks.some((c) => c.severity === "info")).toBe(false);
  });
});
