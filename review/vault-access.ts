import type { CheckContext } from "../checks/context";
import { VaultIndex } from "../checks/cross/vault-index";
import { type AclRule, capabilitiesFor } from "../checks/vault-acl";
import { compareStrings } from "../lib/compare";
import { asList, type Obj } from "./fields";
import type { ReviewFinding } from "./types";

/**
 * Vault policies compared by what they allow, with Vault's ACL rules (checks/vault-acl.ts), never
 * by their text: per policy and path the capabilities added and removed, and per consumer (an auth
 * role and the union of its policies) which paths it can now reach or no longer reach. A lost
 * capability that a running service uses (an ESO read, a declared need) names that service.
 */

/** A path standing for a pattern: "+" segments and the "*" suffix become "{any}". */
export const representative = (pattern: string) => pattern.split("/").map((s) => (s === "+" ? "{any}" : s)).join("/").replace(/\*$/, "{any}");

/** Capabilities in effect: a winning deny grants nothing. */
const effective = (rules: AclRule[], path: string) => {
  const caps = capabilitiesFor(rules, path);
  return caps.has("deny") ? new Set<string>() : caps;
};

interface CapabilityChange {
  path: string;
  added: string[];
  removed: string[];
}

/** Per pattern of either side, the capabilities the rules give there before and after. */
export function capabilityChanges(before: AclRule[], after: AclRule[], extraPaths: string[] = []): CapabilityChange[] {
  const probes = new Map<string, string>();
  for (const r of [...before, ...after]) probes.set(r.path, representative(r.path));
  for (const p of extraPaths) probes.set(p, p);
  const out: CapabilityChange[] = [];
  for (const [shown, path] of [...probes].sort(([a], [b]) => compareStrings(a, b))) {
    const b = effective(before, path);
    const a = effective(after, path);
    const added = [...a].filter((c) => !b.has(c)).sort();
    const removed = [...b].filter((c) => !a.has(c)).sort();
    if (added.length || removed.length) out.push({ path: shown, added, removed });
  }
  return out;
}

const describe = (c: CapabilityChange) => [c.added.length ? `+${c.added.join(" +")}` : "", c.removed.length ? `-${c.removed.join(" -")}` : ""].filter(Boolean).join(" ");

export function policyFindings(base: CheckContext, head: CheckContext): ReviewFinding[] {
  const out: ReviewFinding[] = [];
  for (const name of [...new Set([...base.policies.keys(), ...head.policies.keys()])].sort()) {
    const b = base.policies.get(name);
    const h = head.policies.get(name);
    const resource = `policy ${name}`;
    if (h?.error) out.push({ layer: "vault", kind: "vault-policy", weight: "broadening", resource, message: `Vault's parser refuses the policy: ${h.error}` });
    for (const c of capabilityChanges(b?.rules ?? [], h?.rules ?? [])) {
      out.push({ layer: "vault", kind: "vault-policy", weight: c.added.length ? "broadening" : "narrowing", resource, message: `${c.path}: ${describe(c)}${!b ? " (new policy)" : !h ? " (policy removed)" : ""}` });
    }
  }
  return out;
}

/** An auth role: who logs in (its bindings) and which policies its tokens carry. */
export interface Consumer {
  id: string;
  type: string;
  mount: string;
  name: string;
  resource: string;
  policies: string[];
  value: Obj;
}

const ROLE_NAME: Record<string, string> = {
  vault_kubernetes_auth_backend_role: "role_name",
  vault_jwt_auth_backend_role: "role_name",
  vault_aws_auth_backend_role: "role",
  vault_approle_auth_backend_role: "role_name",
  vault_cert_auth_backend_role: "name",
};

export function consumers(ctx: CheckContext): Map<string, Consumer> {
  const out = new Map<string, Consumer>();
  for (const [type, nameField] of Object.entries(ROLE_NAME)) {
    for (const r of ctx.resources(type)) {
      const mount = String(ctx.referenced(r.value.backend)?.value.path ?? r.value.backend ?? r.value.path ?? type.split("_")[1]);
      const name = String(r.value[nameField]);
      const id = `auth/${mount}/role/${name}`;
      out.set(id, { id, type, mount, name, resource: r.resource, policies: asList<string>(r.value.token_policies ?? r.value.policies).map(String), value: r.value });
    }
  }
  return out;
}

const rulesOf = (ctx: CheckContext, policies: string[]) => policies.flatMap((p) => ctx.policies.get(p)?.rules ?? []);

/** What a running service (an ESO read or generator, a declared need) uses, per role name. */
interface Use {
  who: string;
  /** The manifest that reads, when the output shows it. */
  key?: string;
  path: string;
  capability: string;
}

function usesOf(ctx: CheckContext): Map<string, Use[]> {
  const out = new Map<string, Use[]>();
  const add = (role: string, u: Use) => (out.get(role) ?? out.set(role, []).get(role)!).push(u);
  const manifests = ctx.synthesis.kubernetes.manifests;
  for (const q of VaultIndex.of(ctx).requests) {
    const m = manifests[q.resource];
    const service = m?.metadata?.labels?.["vault-eks-platform/service"];
    add(`${q.login.mount}/${q.login.role}`, { who: `${m?.kind ?? "manifest"} ${m?.metadata?.namespace}/${m?.metadata?.name}${service ? ` (service ${service})` : ""}`, key: q.resource, path: q.path, capability: q.capability });
  }
  for (const [role, needs] of Object.entries(ctx.model.vault.declaredNeeds ?? {})) for (const n of needs) for (const c of n.capabilities) add(`*/${role}`, { who: `${role} (declared in the spec)`, path: n.path, capability: c });
  return out;
}

/**
 * Per consumer: paths it can now reach (broadening) and paths it lost (narrowing); a lost capability
 * that a service of the base uses is named, with whether the head still renders that reader.
 */
export function consumerFindings(base: CheckContext, head: CheckContext): ReviewFinding[] {
  const out: ReviewFinding[] = [];
  const b = consumers(base);
  const h = consumers(head);
  const uses = usesOf(base);
  const headManifests = head.synthesis.kubernetes.manifests;
  for (const id of [...new Set([...b.keys(), ...h.keys()])].sort()) {
    const was = b.get(id);
    const now = h.get(id);
    const before = was ? rulesOf(base, was.policies) : [];
    const after = now ? rulesOf(head, now.policies) : [];
    const used = [...(uses.get(`${(was ?? now)!.mount}/${(was ?? now)!.name}`) ?? []), ...(uses.get(`*/${(was ?? now)!.name}`) ?? [])];
    for (const c of capabilityChanges(before, after)) {
      if (c.added.length) out.push({ layer: "vault", kind: "vault-access", weight: "broadening", resource: id, message: `can now ${c.added.join(", ")} ${c.path}${was ? "" : " (new role)"}` });
      if (c.removed.length) out.push({ layer: "vault", kind: "vault-access", weight: "narrowing", resource: id, message: `can no longer ${c.removed.join(", ")} ${c.path}${now ? "" : " (role removed)"}` });
    }
    for (const u of used) {
      if (!effective(before, u.path).has(u.capability) || effective(after, u.path).has(u.capability)) continue;
      const fate = u.key === undefined ? ": it logs in itself and its requests will be refused (403)" : headManifests[u.key] !== undefined ? ": it is still rendered and will stop syncing (the running Secret keeps its last value until then)" : ": its reader is removed in this change too";
      out.push({
        layer: "vault",
        kind: "vault-access-lost",
        weight: "narrowing",
        resource: id,
        message: `${u.who} loses ${u.capability} on ${u.path}${fate}`,
      });
    }
  }
  return out;
}
