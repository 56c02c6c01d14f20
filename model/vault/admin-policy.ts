import { VAULT_MOUNTS, vaultNames } from "../names";
import type { Capability, PolicyRule, VaultPolicy } from "./policy";

/**
 * People who operate Vault: inspect everything, act on leases, tokens, raft and certificates in an
 * incident, maintain KV secrets; never change what Terraform owns (mounts, auth methods, roles,
 * policies, audit), never reach what only a recovery-key quorum should (generate-root, rekey,
 * raw storage, forced restores), never sign with the root CA. Break-glass beyond this is a root
 * token made with generate-root and the recovery keys (README runbook).
 */
const rule = (path: string, capabilities: Capability[], why: string): PolicyRule => ({ path, capabilities, why });
const deny = (path: string, why: string): PolicyRule => rule(path, ["deny"], why);

const { kv, database, pki, pkiRoot, transit } = VAULT_MOUNTS;

const OPERATE: PolicyRule[] = [
  rule("sys/mounts", ["read"], "list secrets engines"),
  rule("sys/mounts/*", ["read"], "read a secrets engine's configuration and tuning (changing it is Terraform's)"),
  rule("sys/auth", ["read"], "list auth methods"),
  rule("sys/policies/acl", ["list"], "list policies"),
  rule("sys/policies/acl/*", ["read"], "read policies (writing them is Terraform's)"),
  rule("sys/leases/lookup", ["update"], "look up a lease"),
  rule("sys/leases/lookup/*", ["list", "sudo"], "list the leases under a prefix"),
  rule("sys/leases/revoke", ["update"], "revoke one lease"),
  rule("sys/leases/revoke-prefix/*", ["update", "sudo"], "revoke every credential of a role at once (incident response)"),
  rule("sys/leases/tidy", ["update"], "clean up the lease index"),
  rule("sys/storage/raft/configuration", ["read"], "raft peers"),
  rule("sys/storage/raft/autopilot/state", ["read"], "raft health and failure tolerance"),
  rule("sys/storage/raft/autopilot/configuration", ["read"], "autopilot settings (Terraform sets them)"),
  rule("sys/storage/raft/snapshot", ["read"], "take a snapshot; restoring one is break-glass"),
  rule("sys/step-down", ["update", "sudo"], "step the active node down before restarting it (rolling restarts)"),
  rule("sys/audit", ["read", "sudo"], "list audit devices"),
  rule("sys/audit-hash/*", ["update"], "hash a value to find it in the audit log"),
  rule("sys/config/auditing/request-headers", ["read", "sudo"], "list audited request headers"),
  rule("sys/capabilities", ["update"], "check what a token may do on a path"),
  rule("sys/capabilities-accessor", ["update"], "check what a token (by accessor) may do on a path"),
  rule("sys/metrics", ["read"], "telemetry"),
  rule("sys/internal/counters/*", ["read"], "client and token counts"),
  rule("sys/host-info", ["read"], "host information"),
  rule("sys/key-status", ["read"], "barrier key term and rotation time"),
  rule("sys/rotate/config", ["read"], "automatic barrier key rotation settings"),
];

const NEVER: PolicyRule[] = [
  deny("sys/audit/*", "enabling or disabling an audit device silences or redirects the audit log"),
  deny("sys/config/auditing/request-headers/*", "which request headers are audited (and whether they are hashed)"),
  deny("sys/raw", "raw storage bypasses every policy"),
  deny("sys/raw/*", "raw storage bypasses every policy"),
  // Vault serves these without a token (a quorum of recovery keys is the credential); denied here too
  // so the policy says what it means if a later Vault authenticates them.
  deny("sys/generate-root/*", "root tokens come only from the recovery-key quorum (break-glass)"),
  deny("sys/rekey/*", "rekeying needs the recovery-key quorum"),
  deny("sys/rekey-recovery-key/*", "rekeying needs the recovery-key quorum"),
  deny("sys/storage/raft/snapshot-force", "a forced restore replaces all data with a snapshot of any cluster"),
  deny("sys/remount", "moving a mount moves its data and breaks every policy that names it"),
  deny("sys/seal", "sealing stops Vault for everyone; with auto-unseal only a restart brings it back"),
];

const SECRETS: PolicyRule[] = [
  rule(`${kv}/data/*`, ["create", "read", "update", "patch", "delete"], "maintain every application secret, production included"),
  rule(`${kv}/metadata/*`, ["read", "list"], "browse secrets and their versions"),
  rule(`${kv}/delete/*`, ["update"], "soft-delete a version"),
  rule(`${kv}/undelete/*`, ["update"], "restore a soft-deleted version"),
  rule(`${kv}/config`, ["read"], "KV settings"),
  rule(`${database}/config/*`, ["read", "list"], "database connections (Vault never returns their passwords)"),
  rule(`${database}/roles/*`, ["read", "list"], "database roles"),
  rule(`${database}/creds/*`, ["read"], "debug with database credentials"),
  rule(`${database}/reset/*`, ["update"], "reconnect after a database outage"),
  rule(`${pki}/*`, ["read", "list"], "issuing CA, certificates, CRL, roles"),
  rule(`${pki}/revoke`, ["update"], "revoke a workload certificate"),
  rule(`${pki}/tidy`, ["update"], "tidy the certificate store now"),
  rule(`${pkiRoot}/*`, ["read", "list"], "root CA certificate and CRL"),
  deny(`${pkiRoot}/root/sign-intermediate`, "a new intermediate is a root-key ceremony (break-glass)"),
  deny(`${pkiRoot}/root/sign-self-issued`, "root-key ceremony only"),
  deny(`${pkiRoot}/sign-verbatim`, "the root signs nothing but the intermediate"),
  deny(`${pkiRoot}/sign-verbatim/*`, "the root signs nothing but the intermediate"),
  deny(`${pkiRoot}/sign/*`, "the root signs nothing but the intermediate"),
  deny(`${pkiRoot}/issuer/+/sign-intermediate`, "root-key ceremony only"),
  deny(`${pkiRoot}/issuer/+/sign-self-issued`, "root-key ceremony only"),
  deny(`${pkiRoot}/issuer/+/sign-verbatim`, "the root signs nothing but the intermediate"),
  deny(`${pkiRoot}/issuer/+/sign-verbatim/*`, "the root signs nothing but the intermediate"),
  deny(`${pkiRoot}/issuer/+/sign/*`, "the root signs nothing but the intermediate"),
  deny(`${pkiRoot}/root`, "deleting the root CA breaks every certificate chain"),
  rule(`${transit}/keys`, ["list"], "list transit keys"),
  rule(`${transit}/keys/*`, ["read"], "transit key versions and settings"),
  rule(`${transit}/keys/+/rotate`, ["update"], "rotate a transit key now (suspected exposure)"),
  deny(`${transit}/export/*`, "transit keys never leave Vault"),
  deny(`${transit}/backup/*`, "transit keys never leave Vault"),
];

const IDENTITY: PolicyRule[] = [
  rule("auth/+/config", ["read"], "auth method settings"),
  rule("auth/+/role", ["list"], "list an auth method's roles"),
  rule("auth/+/role/*", ["read"], "read a role (writing roles is Terraform's)"),
  rule("auth/token/lookup-accessor", ["update"], "look up a token by accessor"),
  rule("auth/token/revoke-accessor", ["update"], "revoke a token by accessor (incident response)"),
  rule("identity/entity/*", ["read", "list"], "people and machines Vault knows"),
  rule("identity/entity-alias/*", ["read", "list"], "their logins"),
  rule("identity/group/*", ["read", "list"], "identity groups"),
  rule("identity/mfa/method/*", ["read", "list"], "login MFA methods"),
  rule("identity/mfa/method/totp/admin-generate", ["update"], "enrol a person in TOTP login MFA"),
  rule("identity/mfa/method/totp/admin-destroy", ["update"], "reset a person's TOTP secret (lost device)"),
];

export function adminPolicy(): VaultPolicy {
  return {
    name: vaultNames.admin,
    description: "platform administrators (OIDC group): operate and inspect; Terraform owns the configuration, the recovery keys own root",
    rules: [...OPERATE, ...NEVER, ...SECRETS, ...IDENTITY],
  };
}
