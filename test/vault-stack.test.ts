import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import type { PlatformSpecInput } from "../spec/schema";
import { referenceCopy, ROOT, vclusterExample } from "./helpers/synth";
import { byArg, type StackJson, synthStacks } from "./helpers/vault-stack";

/**
 * The synthesized Vault stack (what `terraform apply` will send to Vault), for the reference spec
 * and for examples/vcluster-oidc.yaml (a vcluster environment and every optional auth method).
 * Expected values are written out from the specs.
 */
/** Resources of a type without metadata and without the depends_on on the terraform policy every resource carries (tested on its own). */
const resources = (stack: StackJson, type: string) => Object.values(stack.resource[type] ?? {}).map(({ "//": _m, depends_on: _d, ...r }) => r);

describe("vault stack: reference spec", () => {
  let vault: StackJson;
  let stacks: Record<string, StackJson>;
  let dir: string;
  beforeAll(() => ({ vault, stacks, dir } = synthStacks(referenceCopy())));

  it("uses the pinned provider and takes address and token only from the environment", () => {
    const json = JSON.parse(readFileSync(join(dir, "stacks/vault-core/cdk.tf.json"), "utf8"));
    // 5.8.0, not the bindings' 5.6.0: the first release with the connection's top-level password_policy.
    expect(json.terraform.required_providers.vault).toEqual({ source: "hashicorp/vault", version: "5.8.0" });
    expect(json.provider.vault).toEqual([{}]);
  });

  it("(issue 15.2) the terraform policy is written before every other resource of the core stack, so what an apply adds is already allowed to the pipeline", () => {
    const addresses = (stack: StackJson) => Object.entries(stack.resource).filter(([type]) => type.startsWith("vault_")).flatMap(([type, rs]) => Object.entries(rs).map(([name, r]) => ({ address: `${type}.${name}`, dependsOn: (r.depends_on as string[] | undefined) ?? [] })));
    const core = addresses(stacks["vault-core"]);
    expect(core.length).toBeGreaterThan(20);
    for (const r of core) {
      if (r.address === "vault_policy.policy_terraform") expect(r.dependsOn, r.address).toEqual([]);
      else expect(r.dependsOn, r.address).toContain("vault_policy.policy_terraform");
    }
    // An environment's pipeline policy (terraform-<env>) is the core's: nothing in its own stack orders before it.
    for (const env of ["dev", "staging", "production"]) {
      for (const r of addresses(stacks[`vault-${env}`])) expect(r.dependsOn.filter((d) => d.startsWith("vault_policy.")), r.address).toEqual([]);
    }
  });

  it("mounts KV v2 at secret/ with string options and integer TTLs", () => {
    const mounts = byArg(vault, "vault_mount", "path");
    expect(mounts.secret).toMatchObject({ type: "kv", options: { version: "2" } });
    expect(resources(vault, "vault_kv_secret_backend_v2")).toEqual([
      { mount: "${vault_mount.kv_mount.path}", max_versions: 10, cas_required: false, delete_version_after: 0 },
    ]);
    expect(Object.keys(mounts).sort()).toEqual(["database", "pki", "pki-root", "secret", "transit"]);
  });

  it("declares the secret tree as KV metadata (key names, never values) that is never deleted", () => {
    const meta = byArg(vault, "vault_generic_endpoint", "path");
    const entry = meta["secret/metadata/apps/dev/payment-service/stripe"];
    expect(JSON.parse(String(entry.data_json))).toEqual({ cas_required: false, custom_metadata: { "managed-by": "vault-eks-platform", owner: "payment-service", keys: "STRIPE_API_KEY,STRIPE_WEBHOOK_SECRET", rotation_period: "2160h" } });
    expect(entry.disable_delete).toBe(true);
    // A JWT secret rotates every 180 days by default, shared-service credentials every 90.
    expect(JSON.parse(String(meta["secret/metadata/apps/production/user-service/auth"].data_json)).custom_metadata.rotation_period).toBe("4320h");
    expect(JSON.parse(String(meta["secret/metadata/shared-services/kafka/dev"].data_json)).custom_metadata.rotation_period).toBe("2160h");
    expect(Object.keys(meta).filter((p) => p.startsWith("secret/metadata/shared-services/")).sort()).toEqual(
      ["kafka/dev", "kafka/production", "kafka/staging", "redis/dev", "redis/production", "redis/staging"].map((p) => `secret/metadata/shared-services/${p}`),
    );
  });

  it("one in-cluster Kubernetes auth mount, reviewing tokens with Vault's own service account", () => {
    expect(resources(vault, "vault_auth_backend").map((b) => [b.type, b.path])).toEqual([["kubernetes", "kubernetes"]]);
    expect(resources(vault, "vault_kubernetes_auth_backend_config")).toEqual([
      { backend: "${vault_auth_backend.auth_kubernetes_backend.path}", kubernetes_host: "https://kubernetes.default.svc", disable_iss_validation: true, disable_local_ca_jwt: false },
    ]);
  });

  it("each Kubernetes role binds exactly one service account in one namespace, with audience and TTLs", () => {
    const roles = byArg(vault, "vault_kubernetes_auth_backend_role", "role_name");
    expect(Object.keys(roles).sort()).toEqual(["ci-argocd", "ci-tekton", "eso-dev", "eso-production", "eso-staging", "raft-snapshot", "svc-dev-payment-service", "svc-production-payment-service", "svc-staging-payment-service"]);
    expect(roles["eso-dev"]).toMatchObject({
      bound_service_account_names: ["eso-vault-store"],
      bound_service_account_namespaces: ["dev"],
      audience: "vault",
      token_policies: ["eso-dev"],
      token_no_default_policy: true,
      token_ttl: 3600,
      token_max_ttl: 14400,
    });
    expect(roles["raft-snapshot"]).toMatchObject({ bound_service_account_names: ["vault-snapshot"], bound_service_account_namespaces: ["vault"], token_policies: ["raft-snapshot"] });
    expect(roles["ci-argocd"]).toMatchObject({ bound_service_account_names: ["argocd-repo-server"], bound_service_account_namespaces: ["argocd"] });
    expect(roles["svc-staging-payment-service"]).toMatchObject({ bound_service_account_names: ["payment-service"], bound_service_account_namespaces: ["staging"] });
    for (const r of Object.values(roles)) {
      expect([...(r.bound_service_account_names as string[]), ...(r.bound_service_account_namespaces as string[])].some((v) => v.includes("*"))).toBe(false);
    }
  });

  it("PostgreSQL connections: explicit allowed roles, verified TLS, bounded pool, write-only password from an ephemeral variable", () => {
    const conns = byArg(vault, "vault_database_secret_backend_connection", "name");
    expect(Object.keys(conns).sort()).toEqual(["dev-payments", "dev-users", "production-payments", "production-users", "staging-payments", "staging-users"]);
    expect(conns["dev-users"]).toMatchObject({
      allowed_roles: ["dev-payment-service-users", "dev-user-service-users"],
      verify_connection: true,
      postgresql: {
        connection_url: "postgresql://{{username}}:{{password}}@postgres.dev.shop.internal:5432/users?sslmode=verify-full",
        username: "vault",
        // (issue 14.4) only keys for connections this apply creates or re-bootstraps are needed.
        password_wo: '${lookup(var.database_admin_passwords, "dev-users", null)}',
        password_wo_version: 1,
        max_open_connections: 4,
        password_authentication: "scram-sha-256",
      },
    });
    expect(conns["dev-users"].postgresql).not.toHaveProperty("password");
    expect(vault.variable?.database_admin_passwords).toMatchObject({ sensitive: true, ephemeral: true, type: "map(string)", default: {}, nullable: false });
    const rotations = Object.keys(byArg(vault, "vault_generic_endpoint", "path")).filter((p) => p.startsWith("database/rotate-root/"));
    expect(rotations.sort()).toEqual(Object.keys(conns).sort().map((c) => `database/rotate-root/${c}`));
  });

  it("(issue 7.5) every connection names the password policy in the top-level password_policy argument, nothing in data", () => {
    const conns = byArg(vault, "vault_database_secret_backend_connection", "name");
    const policy = byArg(vault, "vault_password_policy", "name")["database-password"];
    expect(String(policy.policy)).toMatch(/^length = 32\n/);
    for (const [name, c] of Object.entries(conns)) {
      // hashicorp/vault 5.8.0 vault/resource_database_secret_backend_connection.go: s[consts.FieldPasswordPolicy] (top level).
      // By name: the policy is the core stack's, the connection its environment's (no reference crosses stacks).
      expect(c.password_policy, name).toBe("database-password");
      // 5.6.0 copied only `password` out of `data`; nothing may rely on it.
      expect(c, name).not.toHaveProperty("data");
      expect(c.postgresql, name).not.toHaveProperty("password_policy");
    }
  });

  it("(issue 7.6) every connection verifies its server against the spec's database CA (tls_ca)", () => {
    const ca = String(referenceCopy().sharedServices![0].caCertificate);
    expect(ca).toMatch(/^-----BEGIN CERTIFICATE-----\nMIIByjCCAXGg/);
    const conns = byArg(vault, "vault_database_secret_backend_connection", "name");
    for (const [name, c] of Object.entries(conns)) {
      expect((c.postgresql as Record<string, unknown>).tls_ca, name).toBe(ca);
      expect((c.postgresql as Record<string, unknown>).connection_url, name).toMatch(/\?sslmode=verify-full$/);
    }
  });

  it("database roles: one per environment, service and database, integer TTLs (1 h / 24 h, production 1 h / 8 h)", () => {
    const roles = byArg(vault, "vault_database_secret_backend_role", "name");
    expect(Object.keys(roles).sort()).toEqual(
      ["dev", "staging", "production"].flatMap((e) => [`${e}-payment-service-payments`, `${e}-payment-service-users`, `${e}-user-service-users`]).sort(),
    );
    expect(roles["dev-user-service-users"]).toMatchObject({ db_name: "dev-users", default_ttl: 3600, max_ttl: 86400 });
    expect(roles["production-user-service-users"]).toMatchObject({ db_name: "production-users", default_ttl: 3600, max_ttl: 28800 });
    expect((roles["dev-payment-service-users"].creation_statements as string[]).join("\n")).toContain('GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{{name}}"');
    for (const r of Object.values(roles)) {
      expect(r.revocation_statements).toContain('DROP ROLE IF EXISTS "{{name}}";');
      expect(r.renew_statements).toEqual([`ALTER ROLE "{{name}}" VALID UNTIL '{{expiration}}';`]);
    }
  });

  it("(issue 15, KV) production secrets require check-and-set writes; other environments follow vault.kv.casRequired", () => {
    const meta = byArg(vault, "vault_generic_endpoint", "path");
    const cas = (path: string) => JSON.parse(String(meta[`secret/metadata/${path}`].data_json)).cas_required;
    expect(cas("apps/production/payment-service/stripe")).toBe(true);
    expect(cas("shared-services/kafka/production")).toBe(true);
    expect(cas("apps/staging/payment-service/stripe")).toBe(false);
    expect(cas("shared-services/redis/dev")).toBe(false);
    const spec = referenceCopy();
    spec.environments![2].casRequired = false;
    spec.environments![0].casRequired = true;
    const other = byArg(synthStacks(spec).vault, "vault_generic_endpoint", "path");
    expect(JSON.parse(String(other["secret/metadata/apps/production/payment-service/stripe"].data_json)).cas_required).toBe(false);
    expect(JSON.parse(String(other["secret/metadata/apps/dev/payment-service/stripe"].data_json)).cas_required).toBe(true);
  });

  it("PKI: root and intermediate CAs, role TTLs in seconds (as Vault reads them back), one role per environment limited to its namespace", () => {
    expect(resources(vault, "vault_pki_secret_backend_root_cert")[0]).toMatchObject({ type: "internal", common_name: "shop Root CA", ttl: "87600h", key_type: "ec", organization: "Shop Platform" });
    expect(resources(vault, "vault_pki_secret_backend_root_sign_intermediate")[0]).toMatchObject({ ttl: "43800h", max_path_length: 0, backend: "${vault_mount.pki_root_mount.path}" });
    const roles = byArg(vault, "vault_pki_secret_backend_role", "name");
    expect(Object.keys(roles).sort()).toEqual(["dev-cert", "production-cert", "staging-cert"]);
    expect(roles["dev-cert"]).toMatchObject({ allowed_domains: ["dev.svc", "dev.svc.cluster.local"], allow_subdomains: true, allow_any_name: false, allow_localhost: false, allow_ip_sans: false, ttl: "259200", max_ttl: "2592000" });
    const urls = byArg(vault, "vault_pki_secret_backend_config_urls", "backend");
    expect(urls["${vault_mount.pki_mount.path}"].issuing_certificates).toEqual(["https://vault.vault.svc:8200/v1/pki/ca"]);
  });

  it("(issue 15, PKI) the root allows one CA below it, the intermediate issues only in-cluster service names, both tidy themselves; upgrades never replace a CA", () => {
    const root = resources(vault, "vault_pki_secret_backend_root_cert")[0];
    expect(root.max_path_length).toBe(1);
    expect(root.lifecycle).toEqual({ ignore_changes: ["max_path_length"], prevent_destroy: true });
    const signed = resources(vault, "vault_pki_secret_backend_root_sign_intermediate")[0];
    expect(signed.permitted_dns_domains).toEqual(["svc", "svc.cluster.local"]);
    expect(signed.lifecycle).toMatchObject({ ignore_changes: ["permitted_dns_domains"] });
    // Every role's domains lie inside the intermediate's name constraints (X.509: a constraint covers its subdomains).
    for (const r of resources(vault, "vault_pki_secret_backend_role")) {
      for (const d of r.allowed_domains as string[]) expect(d, String(r.name)).toMatch(/\.svc(\.cluster\.local)?$/);
    }
    const tidy = byArg(vault, "vault_pki_secret_backend_config_auto_tidy", "backend");
    expect(Object.keys(tidy).sort()).toEqual(["${vault_mount.pki_mount.path}", "${vault_mount.pki_root_mount.path}"]);
    for (const t of Object.values(tidy)) {
      expect(t).toMatchObject({ enabled: true, tidy_cert_store: true, tidy_revoked_certs: true, interval_duration: "43200", safety_buffer: "259200" });
    }
  });

  it("(issue 15, PKI) with an external address the CA and CRL URLs name it too, so dedicated clusters and external clients can fetch them", () => {
    const urls = byArg(synthStacks(vclusterExample()).vault, "vault_pki_secret_backend_config_urls", "backend");
    expect(urls["${vault_mount.pki_mount.path}"]).toMatchObject({
      issuing_certificates: ["https://vault.vault.svc:8200/v1/pki/ca", "https://vault.shop.internal:8200/v1/pki/ca"],
      crl_distribution_points: ["https://vault.vault.svc:8200/v1/pki/crl", "https://vault.shop.internal:8200/v1/pki/crl"],
    });
    expect(urls["${vault_mount.pki_root_mount.path}"].crl_distribution_points).toEqual(["https://vault.vault.svc:8200/v1/pki-root/crl", "https://vault.shop.internal:8200/v1/pki-root/crl"]);
  });

  it("transit keys cannot be deleted by default, one per environment that uses them; audit goes to the pods' audit volume and to stdout; autopilot keeps a full quorum", () => {
    const keys = byArg(vault, "vault_transit_secret_backend_key", "name");
    expect(Object.keys(keys).sort()).toEqual(["dev-payments", "production-payments", "staging-payments"]);
    for (const k of Object.values(keys)) {
      expect(k).toMatchObject({ type: "aes256-gcm96", deletion_allowed: false, exportable: false, allow_plaintext_backup: false, auto_rotate_period: 2592000, lifecycle: { prevent_destroy: true } });
      expect(k).not.toHaveProperty("min_decryption_version");
    }
    expect(resources(vault, "vault_audit")).toEqual([
      expect.objectContaining({ type: "file", path: "file", options: { file_path: "/vault/audit/vault-audit.log", format: "json", log_raw: "false", mode: "0600" } }),
      expect.objectContaining({ type: "file", path: "stdout", options: { file_path: "stdout", format: "json", log_raw: "false" } }),
    ]);
    expect(resources(vault, "vault_audit_request_header")).toEqual([{ name: "X-Forwarded-For", hmac: false }]);
    expect(resources(vault, "vault_raft_autopilot")).toEqual([{ cleanup_dead_servers: true, dead_server_last_contact_threshold: "10m0s", min_quorum: 3 }]);
  });

  it("optional auth methods are absent when the spec does not ask for them", () => {
    for (const t of ["vault_jwt_auth_backend", "vault_approle_auth_backend_role", "vault_aws_auth_backend_role"]) expect(vault.resource[t], t).toBeUndefined();
  });
});

describe("vault stack: vcluster environment and every optional auth method (examples/vcluster-oidc.yaml)", () => {
  let vault: StackJson;
  let aws: StackJson;
  beforeAll(() => {
    const spec = parseYaml(readFileSync(join(ROOT, "examples/vcluster-oidc.yaml"), "utf8")) as PlatformSpecInput;
    ({ vault, aws } = synthStacks(spec));
  });

  it("the vcluster gets its own Kubernetes auth mount with its API server and CA, reviewed by the client's own JWT", () => {
    const configs = byArg(vault, "vault_kubernetes_auth_backend_config", "kubernetes_host");
    expect(configs["https://staging-vcluster.vcluster-staging.svc:443"]).toMatchObject({
      disable_local_ca_jwt: true,
      disable_iss_validation: true,
      kubernetes_ca_cert: expect.stringMatching(/^-----BEGIN CERTIFICATE-----\n/),
    });
    expect(configs["https://staging-vcluster.vcluster-staging.svc:443"]).not.toHaveProperty("token_reviewer_jwt");
    expect(byArg(vault, "vault_auth_backend", "path")["kubernetes-staging-vcluster"]).toMatchObject({ type: "kubernetes" });
    const roles = Object.values(vault.resource.vault_kubernetes_auth_backend_role ?? {});
    const esoStaging = roles.find((r) => r.role_name === "eso-staging")!;
    // Environment roles name the core's mounts by path; the core's own roles (raft-snapshot) reference them.
    expect(esoStaging.backend).toBe("kubernetes-staging-vcluster");
    expect(roles.find((r) => r.role_name === "eso-dev")!.backend).toBe("kubernetes");
    expect(roles.find((r) => r.role_name === "raft-snapshot")!.backend).toBe("${vault_auth_backend.auth_kubernetes_backend.path}");
  });

  it("AWS IAM auth roles are bound to exactly the IAM roles the AWS stack creates", () => {
    const roles = byArg(vault, "vault_aws_auth_backend_role", "role");
    expect(Object.keys(roles).sort()).toEqual(["svc-dev-analytics-service", "svc-production-analytics-service"]);
    expect(roles["svc-dev-analytics-service"]).toMatchObject({
      auth_type: "iam",
      bound_iam_principal_arns: ["arn:aws:iam::111122223333:role/shop-dev-analytics-service"],
      resolve_aws_unique_ids: true,
      token_policies: ["svc-dev-analytics-service"],
    });
    expect(byArg(aws, "aws_iam_role", "name")["shop-dev-analytics-service"]).toBeDefined();
    expect(resources(vault, "vault_aws_auth_backend_client")[0]).toMatchObject({ sts_region: "eu-west-1", iam_server_id_header_value: "vault-active.vault.svc" });
    expect(resources(vault, "vault_aws_auth_backend_client")[0]).not.toHaveProperty("secret_key");
  });

  it("AppRole for the external CI: short-lived single-use secret ids bound to the runners' CIDRs", () => {
    expect(byArg(vault, "vault_approle_auth_backend_role", "role_name")["ci-jenkins"]).toMatchObject({
      bind_secret_id: true,
      secret_id_ttl: 600,
      secret_id_num_uses: 1,
      secret_id_bound_cidrs: ["10.60.0.0/24"],
      token_bound_cidrs: ["10.60.0.0/24"],
      token_policies: ["ci-jenkins"],
    });
  });

  it("OIDC maps identity-provider groups to admin and developer; the client secret is a sensitive variable", () => {
    expect(resources(vault, "vault_jwt_auth_backend")[0]).toMatchObject({
      type: "oidc",
      oidc_discovery_url: "https://login.example.com/realms/shop",
      oidc_client_id: "vault",
      oidc_client_secret: "${var.oidc_client_secret}",
      default_role: "developer",
    });
    expect(vault.variable?.oidc_client_secret).toMatchObject({ sensitive: true });
    const roles = byArg(vault, "vault_jwt_auth_backend_role", "role_name");
    expect(roles.admin).toMatchObject({ role_type: "oidc", bound_claims: { groups: "platform-admins" }, token_policies: ["admin"] });
    expect(roles.developer).toMatchObject({ bound_claims: { groups: "developers" }, token_policies: ["developer"] });
  });

  it("(issue 15.3) people are identified by the stable sub claim; email only travels as alias metadata", () => {
    for (const r of Object.values(byArg(vault, "vault_jwt_auth_backend_role", "role_name"))) {
      expect(r.user_claim, String(r.role_name)).toBe("sub");
      expect(r.claim_mappings, String(r.role_name)).toEqual({ email: "email" });
    }
  });

  it("(issue 15.2, 17) a separate OIDC role gives the terraform groups the pipeline policies (each stack is applied with a child token of its own); login MFA (TOTP) is enforced on the OIDC mount when asked", () => {
    const stack = vault;
    const roles = byArg(stack, "vault_jwt_auth_backend_role", "role_name");
    expect(roles.terraform).toMatchObject({ bound_claims: { groups: "vault-operators" }, token_policies: ["terraform", "terraform-dev", "terraform-staging", "terraform-production"], token_ttl: 3600, token_max_ttl: 28800 });
    expect(roles.admin.token_policies).toEqual(["admin"]);
    expect(resources(stack, "vault_identity_mfa_totp")).toEqual([{ issuer: "shop Vault", digits: 6, max_validation_attempts: 5, algorithm: "SHA256", period: 30, key_size: 20, skew: 1 }]);
    expect(resources(stack, "vault_identity_mfa_login_enforcement")).toEqual([
      { name: "oidc-totp", mfa_method_ids: ["${vault_identity_mfa_totp.auth_oidc_mfa_totp.method_id}"], auth_method_accessors: ["${vault_jwt_auth_backend.auth_oidc_backend.accessor}"] },
    ]);
    const spec = vclusterExample();
    delete spec.vault.auth!.oidc!.mfa;
    spec.vault.auth!.oidc!.terraformGroups = [];
    const without = synthStacks(spec).vault;
    expect(without.resource.vault_identity_mfa_totp).toBeUndefined();
    expect(without.resource.vault_identity_mfa_login_enforcement).toBeUndefined();
    expect(byArg(without, "vault_jwt_auth_backend_role", "role_name").terraform).toBeUndefined();
  });

  it("(issue 15.1) a retained shared key keeps its Terraform address and stays undeletable; min_decryption_version per environment's key", () => {
    const spec = referenceCopy();
    spec.vault.transit = { keys: [{ name: "payments", legacySharedKey: true, deletionAllowed: true, minDecryptionVersion: { dev: 3 } }] };
    const keys = synthStacks(spec).vault.resource.vault_transit_secret_backend_key!;
    expect(Object.keys(keys).sort()).toEqual(["transit_key_dev-payments", "transit_key_payments", "transit_key_production-payments", "transit_key_staging-payments"].map((k) => k.replace(/-/g, "_")).sort());
    // The address the single shared key had before keys were per environment.
    expect(keys.transit_key_payments).toMatchObject({ name: "payments", deletion_allowed: false });
    expect(keys.transit_key_payments).not.toHaveProperty("min_decryption_version");
    expect(keys.transit_key_dev_payments).toMatchObject({ name: "dev-payments", deletion_allowed: true, min_decryption_version: 3 });
    expect(keys.transit_key_production_payments).not.toHaveProperty("min_decryption_version");
  });

  it("(issue 7.11) OIDC roles request the scopes that carry the email and groups claims (Vault adds openid)", () => {
    const roles = byArg(vault, "vault_jwt_auth_backend_role", "role_name");
    expect(roles.admin.oidc_scopes).toEqual(["email", "profile", "groups"]);
    expect(roles.developer.oidc_scopes).toEqual(["email", "profile", "groups"]);
    const spec = referenceCopy();
    spec.vault.auth = { oidc: { discoveryUrl: "https://login.microsoftonline.com/0b3f0c9e-0000-4000-8000-000000000000/v2.0", providerCidrs: ["20.190.128.0/18"], clientId: "vault", allowedRedirectUris: ["http://localhost:8250/oidc/callback"], adminGroups: ["4f0c7a51-0000-4000-8000-000000000000"] } };
    const defaults = byArg(synthStacks(spec).vault, "vault_jwt_auth_backend_role", "role_name");
    // The default requests no "groups" scope: Entra ID rejects it (AADSTS650053).
    expect(defaults.admin.oidc_scopes).toEqual(["email", "profile"]);
  });
});

describe("vault stack: database TLS without a CA of its own", () => {
  const connections = (mutate: (s: PlatformSpecInput) => void) => {
    const spec = referenceCopy();
    mutate(spec);
    return Object.values(byArg(synthStacks(spec).vault, "vault_database_secret_backend_connection", "name")).map((c) => c.postgresql as Record<string, unknown>);
  };

  it("trustSystemRoots: verify-full against the image's roots, no tls_ca", () => {
    const conns = connections((s) => {
      delete s.sharedServices![0].caCertificate;
      s.sharedServices![0].trustSystemRoots = true;
    });
    expect(conns).toHaveLength(6);
    for (const c of conns) {
      expect(c).not.toHaveProperty("tls_ca");
      expect(c.connection_url).toMatch(/\?sslmode=verify-full$/);
    }
  });

  it("sslMode require: no tls_ca, since pgx checks no certificate in that mode", () => {
    const conns = connections((s) => (s.databases = s.databases!.map((d) => ({ ...d, sslMode: "require" as const }))));
    for (const c of conns) {
      expect(c).not.toHaveProperty("tls_ca");
      expect(c.connection_url).toMatch(/\?sslmode=require$/);
    }
  });
});

describe("no secret value reaches the synthesized output", () => {
  it("no password, token or key material appears in any synthesized file", () => {
    const spec = parseYaml(readFileSync(join(ROOT, "examples/vcluster-oidc.yaml"), "utf8")) as PlatformSpecInput;
    const { dir } = synthStacks(spec);
    const files: string[] = [];
    const walk = (d: string) => readdirSync(d).forEach((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : files.push(join(d, f))));
    walk(dir);
    for (const f of files) {
      const text = readFileSync(f, "utf8");
      expect(text, f).not.toMatch(/"(password|token|secret_key|secret_id|token_reviewer_jwt|client_secret)"\s*:/);
      expect(text, f).not.toMatch(/PRIVATE KEY/);
      expect(text, f).not.toMatch(/hvs\.[A-Za-z0-9]{20,}/);
    }
  });
});
