import type { CheckContext } from "../checks/context";
import { asList, type Obj, same, show } from "./fields";
import { consumerFindings, consumers, policyFindings } from "./vault-access";
import { isVaultStack } from "../lib/synthesis";
import { type TfEntry, tfResources } from "./terraform";
import type { ReviewFinding } from "./types";

/** Role fields that restrict who may log in: an added value, or a dropped restriction, admits more. */
const BINDINGS = [
  "bound_service_account_names",
  "bound_service_account_namespaces",
  "bound_service_account_namespace_selector",
  "audience",
  "bound_audiences",
  "bound_subject",
  "bound_claims",
  "bound_iam_principal_arns",
  "bound_account_ids",
  "bound_iam_role_arns",
  "bound_ec2_instance_ids",
  "token_bound_cidrs",
  "secret_id_bound_cidrs",
  "allowed_redirect_uris",
  "allowed_common_names",
];

const values = (v: Obj): string[] => (v && typeof v === "object" && !Array.isArray(v) ? Object.entries(v).flatMap(([k, x]) => String(x).split(",").map((y) => `${k}=${y.trim()}`)) : asList(v).map(String));

/** Vault durations in seconds (parseutil.ParseDurationSecond: a bare number is seconds); unset or 0 is the system default, 768h. */
const SYSTEM_DEFAULT = 768 * 3600;
export function seconds(v: unknown): number {
  if (v === undefined || v === null || v === "" || v === 0 || v === "0") return SYSTEM_DEFAULT;
  if (typeof v === "number") return v;
  const units: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };
  let total = 0;
  const s = String(v);
  if (/^\d+$/.test(s)) return Number(s);
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)([smhd])/g)) total += Number(m[1]) * units[m[2]];
  return total || SYSTEM_DEFAULT;
}
const isTtl = (attr: string) => /(^|_)(ttl|max_ttl|period|lease_ttl_seconds|ttl_seconds)$/.test(attr);

const MOUNTS = new Set(["vault_mount", "vault_auth_backend", "vault_jwt_auth_backend", "vault_database_secrets_mount", "vault_gcp_auth_backend", "vault_github_auth_backend", "vault_ldap_auth_backend", "vault_okta_auth_backend"]);
const isAuthMount = (type: string) => type !== "vault_mount" && type !== "vault_database_secrets_mount";

/** Auth role bindings, TTLs, mounts and audit devices. */
function configurationFindings(base: CheckContext, head: CheckContext): ReviewFinding[] {
  const out: ReviewFinding[] = [];
  const b = consumers(base);
  const h = consumers(head);
  for (const [id, now] of h) {
    const was = b.get(id);
    if (!was) {
      out.push({ layer: "vault", kind: "vault-auth", weight: "broadening", resource: id, message: `new role: ${BINDINGS.filter((f) => now.value[f] !== undefined).map((f) => `${f} ${show(now.value[f])}`).join("; ") || "no bindings"}; policies ${show(now.policies)}` });
      continue;
    }
    for (const f of BINDINGS) {
      const before = values(was.value[f]);
      const after = values(now.value[f]);
      const added = after.filter((x) => !before.includes(x));
      if (before.length > 0 && after.length === 0) out.push({ layer: "vault", kind: "vault-auth", weight: "broadening", resource: id, message: `${f} dropped (was ${show(before)}): the role no longer restricts it` });
      else if (added.length > 0) out.push({ layer: "vault", kind: "vault-auth", weight: "broadening", resource: id, message: `${f} now also admits ${show(added)}${added.includes("*") ? " (a wildcard)" : ""}` });
    }
    const addedPolicies = now.policies.filter((p) => !was.policies.includes(p));
    if (addedPolicies.length) out.push({ layer: "vault", kind: "vault-auth", weight: "broadening", resource: id, message: `token policies add ${show(addedPolicies)}` });
  }
  const bt = vaultByAddress(base);
  const ht = vaultByAddress(head);
  for (const [address, now] of ht) {
    const key = now.resource;
    const was = bt.get(address);
    if (was) {
      for (const attr of Object.keys(now.value).filter(isTtl)) {
        if (seconds(now.value[attr]) > seconds(was.value[attr])) out.push({ layer: "vault", kind: "vault-ttl", weight: "broadening", resource: key, message: `${attr} longer: ${show(was.value[attr] ?? "(system default)")} -> ${show(now.value[attr] ?? "(system default)")}` });
      }
    }
    if (!was && MOUNTS.has(now.type)) {
      const auth = isAuthMount(now.type);
      out.push({ layer: "vault", kind: "vault-mount", weight: auth ? "broadening" : "info", resource: key, message: `new ${auth ? "auth method" : "secrets engine"} mount ${auth ? "auth/" : ""}${now.value.path} (${now.value.type ?? now.type.replace(/^vault_|_auth_backend$/g, "")})` });
    }
    if (now.type === "vault_audit") {
      if (!was) out.push({ layer: "vault", kind: "vault-audit", weight: "info", resource: key, message: `new audit device ${now.value.path ?? now.value.type} (${now.value.type})` });
      else if (!same(was.value, now.value)) {
        out.push({ layer: "vault", kind: "vault-audit", weight: "attention", resource: key, message: `audit device ${now.value.path ?? now.value.type} changes: every argument of vault_audit forces replacement, so Terraform disables the device and enables a new one (requests in between are audited only by the other devices; if the new one cannot write, Vault refuses every request)` });
      }
    }
  }
  for (const [address, was] of bt) {
    if (ht.has(address)) continue;
    const key = was.resource;
    if (was.type === "vault_audit") out.push({ layer: "vault", kind: "vault-audit", weight: "broadening", resource: key, message: `audit device ${was.value.path ?? was.value.type} removed: requests are no longer recorded there` });
    if (MOUNTS.has(was.type)) out.push({ layer: "vault", kind: "vault-mount", weight: "attention", resource: key, message: `mount ${was.value.path} removed: Vault deletes everything stored under it and revokes its leases` });
  }
  for (const [id, was] of b) if (!h.has(id)) out.push({ layer: "vault", kind: "vault-auth", weight: "narrowing", resource: id, message: `role removed (policies ${show(was.policies)})` });
  return out;
}

/**
 * The Vault stacks' resources by address: addresses do not repeat across the Vault stacks, and a
 * resource moved between them (the split of the single `vault` state) is the same object in Vault.
 */
function vaultByAddress(ctx: CheckContext): Map<string, TfEntry> {
  return new Map([...tfResources(ctx.synthesis).values()].filter((e) => isVaultStack(e.stack)).map((e) => [`${e.type}.${e.name}`, e]));
}

/** Every Vault finding: policies by capability, consumers by reachable path, roles, TTLs, mounts, audit. */
export function vaultFindings(base: CheckContext, head: CheckContext): ReviewFinding[] {
  return [...policyFindings(base, head), ...consumerFindings(base, head), ...configurationFindings(base, head)];
}
