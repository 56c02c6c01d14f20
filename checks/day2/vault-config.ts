import { DATABASE_PASSWORDS_VARIABLE } from "../../model/names";
import { type Day2Check, type Day2Note, runbook } from "./types";

/**
 * Vault configuration changes that Terraform applies without complaint but that strand or lose
 * something: database roles destroyed with open leases, connections that need a bootstrap password in
 * this apply, CA changes, transit keys.
 */
export const vaultConfigChanges: Day2Check = (base, head) => [...databaseChanges(base, head), ...pkiChanges(base, head), ...transitChanges(base, head)];

const databaseChanges: Day2Check = (base, head) => {
  const notes: Day2Note[] = [];
  const mount = head.vault.database?.mount ?? base.vault.database?.mount ?? "database";
  const headRoles = new Set((head.vault.database?.roles ?? []).map((r) => r.name));
  const retired = (base.vault.database?.roles ?? []).filter((r) => !headRoles.has(r.name));
  if (retired.length > 0) {
    const headConnections = new Set((head.vault.database?.connections ?? []).map((c) => c.name));
    const gone = [...new Set(retired.map((r) => r.connection))].filter((c) => !headConnections.has(c));
    notes.push({
      id: "VEP-D06",
      severity: "warning",
      message:
        `database roles ${retired.map((r) => r.name).join(", ")} are removed${gone.length > 0 ? ` (and connections ${gone.join(", ")})` : ""}. ` +
        `Revoke their leases before terraform apply: ${retired.map((r) => `vault lease revoke -prefix ${mount}/creds/${r.name}`).join("; ")}. ` +
        `Revocation runs the role's revocation statements through its connection; once Terraform has deleted the role, every open lease fails ` +
        `to revoke and its PostgreSQL user stays. Stop the consumers first: revocation ends their sessions.`,
      runbook: runbook("retire-database-role"),
    });
  }

  const before = new Map((base.vault.database?.connections ?? []).map((c) => [c.name, c]));
  const needs = (head.vault.database?.connections ?? []).flatMap((c) => {
    const was = before.get(c.name);
    if (!was) return [`${c.name} (new)`];
    return was.bootstrapVersion !== c.bootstrapVersion ? [`${c.name} (bootstrap version ${was.bootstrapVersion} -> ${c.bootstrapVersion})`] : [];
  });
  if (needs.length > 0) {
    notes.push({
      id: "VEP-D07",
      severity: "info",
      message:
        `this vault apply sends a bootstrap admin password for ${needs.join(", ")}: set TF_VAR_${DATABASE_PASSWORDS_VARIABLE} with exactly these keys ` +
        `(other connections keep the password Vault rotated to and need none). Vault verifies the connection and rotates the password at once.`,
      runbook: runbook("database-bootstrap"),
    });
  }
  return notes;
};

const pkiChanges: Day2Check = (base, head) => {
  const notes: Day2Note[] = [];
  const b = base.vault.pki;
  const h = head.vault.pki;
  if (b.rootTtl !== h.rootTtl) {
    notes.push({
      id: "VEP-D08",
      severity: "error",
      message:
        `refused: vault.pki.rootTtl ${b.rootTtl} -> ${h.rootTtl} does nothing: the root CA's lifetime is fixed when it is generated, and the provider ` +
        `neither re-issues nor reads it back (vault_pki_secret_backend_root_cert: ttl is not ForceNew, update is a no-op). Keep ${b.rootTtl}; a longer-lived root is a CA rotation, not a setting.`,
    });
  }
  if (b.rootCommonName !== h.rootCommonName || b.organization !== h.organization) {
    notes.push({
      id: "VEP-D08",
      severity: "error",
      message:
        `refused: changing the root CA's subject (vault.pki.rootCommonName or organization) replaces the root, which deletes its key in ${b.rootMount}/ ` +
        `and the trust anchor every client holds; the root has prevent_destroy, so the plan stops. Keep the root's subject.`,
    });
  }
  if (b.intermediateTtl !== h.intermediateTtl || b.intermediateCommonName !== h.intermediateCommonName) {
    notes.push({
      id: "VEP-D09",
      severity: "warning",
      message:
        `break-glass apply: the issuing CA in ${h.mount}/ is re-issued (${b.intermediateTtl} -> ${h.intermediateTtl}${b.intermediateCommonName !== h.intermediateCommonName ? `, "${b.intermediateCommonName}" -> "${h.intermediateCommonName}"` : ""}) ` +
        `and becomes the mount's default issuer; certificates issued by the old one stay valid until they expire. ` +
        `Signing with the root is denied to the terraform policy: apply this change with a root token from generate-root (README, "Who may change Vault").`,
    });
  }
  return notes;
};

const transitChanges: Day2Check = (base, head) => {
  const headKeys = new Map((head.vault.transit?.keys ?? []).map((k) => [k.name, k]));
  return (base.vault.transit?.keys ?? []).flatMap((k): Day2Note[] => {
    const now = headKeys.get(k.name);
    if (!now && !k.deletionAllowed) {
      return [
        {
          id: "VEP-D10",
          severity: "error",
          message: `refused: transit key ${k.name} is removed while deletionAllowed is false: Vault refuses to delete it. Deleting it destroys everything encrypted with it; if that is intended, first apply deletionAllowed: true, then remove it.`,
        },
      ];
    }
    if (now && now.type !== k.type && !k.deletionAllowed) {
      return [{ id: "VEP-D10", severity: "error", message: `refused: transit key ${k.name} type ${k.type} -> ${now.type} would replace the key (type is ForceNew): everything encrypted with it would become unreadable. Create a new key instead.` }];
    }
    return [];
  });
};
