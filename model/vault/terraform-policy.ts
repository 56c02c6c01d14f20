import { VAULT_AUDIT_DEVICES, VAULT_MOUNTS } from "../names";
import type { Capability, PolicyRule, VaultPolicy } from "./policy";
import type { VaultSlice } from "./types";

/**
 * What applying the Vault stack needs, path by path, derived from the same model the stack
 * renders (hashicorp/vault provider 5.8.0: the API calls each resource makes on create, read,
 * update and delete). Nothing a workload reads (secret data, credentials, decryption,
 * certificates), nothing that removes data (secrets engines, audit devices, CAs), nothing of the
 * PKI hierarchy: the root and the intermediate are created once, with the initial root token, and
 * re-signing is a break-glass ceremony. Terraform writes policies, so this identity is as strong as
 * what it may grant: it belongs to the reviewed pipeline, not to a person's daily login.
 */
// A write is `create` or `update` depending on whether the object exists (on paths with an existence check): both are granted.
const CRUD: Capability[] = ["create", "read", "update", "delete"];
const WRITE: Capability[] = ["create", "read", "update"];
const WRITE_ONLY: Capability[] = ["create", "update"];
const rule = (path: string, capabilities: Capability[], why: string): PolicyRule => ({ path, capabilities, why });

function secretsEngine(path: string, what: string): PolicyRule[] {
  return [
    rule(`sys/mounts/${path}`, WRITE, `mount ${what} (never unmount: that deletes its data)`),
    // The provider reads a mount's tuning back from sys/mounts/<path>, and writes it here.
    rule(`sys/mounts/${path}/tune`, WRITE_ONLY, `tune ${what}`),
  ];
}

function authMethod(path: string, what: string): PolicyRule[] {
  return [
    // sys/auth/* is root-protected: enabling, reading and disabling need sudo.
    rule(`sys/auth/${path}`, [...CRUD, "sudo"], `enable ${what}`),
    rule(`sys/mounts/auth/${path}/tune`, WRITE, `tune ${what}`),
  ];
}

export interface PipelinePolicyOptions {
  /** The policy's name (terraform, terraform-<env>). */
  name: string;
  /** The core stack: mounts, auth methods, CAs, audit and autopilot, and its own policy. */
  core: boolean;
  /** The stack it applies. */
  stack: string;
}

/** The policy of the pipeline that applies one Vault stack (model/vault/stacks.ts): exactly that stack's API calls. */
export function terraformPolicy(vault: VaultSlice, opts: PipelinePolicyOptions): VaultPolicy {
  const { kv, database, pki, pkiRoot, transit } = VAULT_MOUNTS;
  const { core } = opts;
  const rules: PolicyRule[] = [
    rule("auth/token/lookup-self", ["read"], "the provider checks its token"),
    rule("auth/token/create", WRITE_ONLY, "the provider's short-lived child token (a subset of this policy)"),
  ];
  for (const name of [...vault.policies.map((p) => p.name), ...(core ? [opts.name] : [])].sort()) {
    rules.push(rule(`sys/policies/acl/${name}`, CRUD, `policy ${name}`));
  }

  if (core) rules.push(
    rule("sys/audit", ["read", "sudo"], "list audit devices"),
    ...[VAULT_AUDIT_DEVICES.file, ...(vault.audit.stdout ? [VAULT_AUDIT_DEVICES.stdout] : []), ...(vault.audit.socketAddress ? [VAULT_AUDIT_DEVICES.socket] : [])].map((d) =>
      // No delete: an audit device is added, never removed, by the pipeline.
      rule(`sys/audit/${d}`, [...WRITE_ONLY, "sudo"], `enable audit device ${d}`),
    ),
    ...vault.audit.requestHeaders.map((h) => rule(`sys/config/auditing/request-headers/${h}`, [...CRUD, "sudo"], `audit request header ${h}`)),
    rule("sys/storage/raft/autopilot/configuration", WRITE, "raft autopilot"),
  );

  if (core) rules.push(...secretsEngine(vault.kv.mount, "KV v2"), rule(`${kv}/config`, WRITE, "KV settings"));
  for (const s of vault.kv.secrets) rules.push(rule(`${kv}/metadata/${s.path}`, WRITE, `metadata of ${s.path} (never its data)`));

  for (const m of vault.kubernetesAuth) {
    if (core) rules.push(...authMethod(m.path, `Kubernetes auth of ${m.cluster}`), rule(`auth/${m.path}/config`, WRITE, `${m.path} configuration`));
    for (const r of m.roles) rules.push(rule(`auth/${m.path}/role/${r.name}`, CRUD, `role ${r.name}`));
  }
  if (vault.awsAuth) {
    const a = vault.awsAuth;
    if (core) rules.push(...authMethod(a.path, "AWS auth"), rule(`auth/${a.path}/config/client`, CRUD, "AWS auth client"));
    for (const r of a.roles) rules.push(rule(`auth/${a.path}/role/${r.name}`, CRUD, `role ${r.name}`));
  }
  if (vault.appRole) {
    const a = vault.appRole;
    rules.push(...authMethod(a.path, "AppRole"));
    for (const r of a.roles) {
      rules.push(rule(`auth/${a.path}/role/${r.name}`, CRUD, `role ${r.name}`), rule(`auth/${a.path}/role/${r.name}/role-id`, ["read"], `the provider reads ${r.name}'s role id`));
    }
  }
  if (vault.oidc) {
    const o = vault.oidc;
    rules.push(...authMethod(o.path, "OIDC"), rule(`auth/${o.path}/config`, WRITE, "OIDC configuration"));
    for (const r of o.roles) rules.push(rule(`auth/${o.path}/role/${r.name}`, CRUD, `role ${r.name}`));
    if (o.mfa) {
      rules.push(
        rule("identity/mfa/method/totp", WRITE_ONLY, "create the TOTP method (Vault assigns its id)"),
        rule("identity/mfa/method/totp/+", CRUD, "the TOTP method, by id"),
        rule("identity/mfa/method/totp/admin-generate", ["deny"], "enrolling people is the administrators'"),
        rule("identity/mfa/method/totp/admin-destroy", ["deny"], "resetting people's secrets is the administrators'"),
        rule("identity/mfa/method/totp/generate", ["deny"], "the pipeline has no TOTP secret of its own"),
        rule(`identity/mfa/login-enforcement/${o.mfa.enforcement}`, CRUD, "enforce MFA on OIDC logins"),
      );
    }
  }

  if (vault.database) {
    const d = vault.database;
    if (core) rules.push(...secretsEngine(d.mount, "the database engine"), rule(`sys/policies/password/${d.passwordPolicy.name}`, CRUD, "generated-password policy"));
    for (const c of d.connections) {
      rules.push(rule(`${database}/config/${c.name}`, CRUD, `connection ${c.name}`), rule(`${database}/rotate-root/${c.name}`, WRITE_ONLY, `rotate ${c.name}'s bootstrap password`));
    }
    for (const r of d.roles) rules.push(rule(`${database}/roles/${r.name}`, CRUD, `role ${r.name}`));
  }

  if (core) {
    rules.push(...secretsEngine(vault.pki.rootMount, "the root CA"), ...secretsEngine(vault.pki.mount, "the issuing CA"));
    for (const m of [pkiRoot, pki]) {
      rules.push(rule(`${m}/config/urls`, WRITE, `${m} issuer and CRL URLs`), rule(`${m}/config/auto-tidy`, WRITE, `${m} automatic tidy`));
    }
    rules.push(rule(`${pki}/config/crl`, WRITE, "CRL settings"), rule(`${pki}/config/issuers`, WRITE, "the default issuer"));
  }
  for (const r of vault.pki.roles) rules.push(rule(`${pki}/roles/${r.name}`, CRUD, `role ${r.name}`));

  if (vault.transit) {
    if (core) rules.push(...secretsEngine(vault.transit.mount, "transit"));
    for (const k of vault.transit.keys) {
      // Vault refuses to delete a key without deletion_allowed; the policy agrees.
      rules.push(rule(`${transit}/keys/${k.name}`, k.deletionAllowed ? CRUD : WRITE, `transit key ${k.name}`), rule(`${transit}/keys/${k.name}/config`, WRITE_ONLY, `${k.name}'s rotation and version settings`));
    }
  }

  rules.push(
    rule(`${kv}/data/*`, ["deny"], "never secret values"),
    rule(`${database}/creds/*`, ["deny"], "never database credentials"),
    rule(`${pki}/issue/*`, ["deny"], "never certificates"),
    rule(`${transit}/decrypt/*`, ["deny"], "never plaintext"),
    rule(`${transit}/export/*`, ["deny"], "never key material"),
  );
  const what = core ? "configuration only" : "this environment's roles, policies, connections and secret metadata only";
  return { name: opts.name, description: `applies the ${opts.stack} stack: ${what}, never secret values; no unmount, no audit removal, no CA signing`, rules };
}
