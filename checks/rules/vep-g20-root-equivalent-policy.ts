import type { CheckContext } from "../context";
import type { Check } from "../types";
import { fx } from "../util";
import { backendPath, grantOn, instantiate, pipelinePolicies, PROBE } from "../output";

const WRITE = ["create", "update", "patch"];

/** What the Vault stack applies, by name: the terraform policy may write exactly these. */
interface Applied {
  policies: Set<string>;
  authMounts: Set<string>;
  roles: Set<string>;
}

/**
 * Requests that let a token give itself more than its policies: write a policy, enable an auth
 * method, point one at another identity source, write a login role or token role (roles carry
 * policies), change identity groups and entities (group policies; Vault's identity docs), read or
 * write raw storage, register a plugin (code inside Vault), restore a snapshot (replaces every
 * policy). Child tokens (auth/token/create) are not among them: Vault gives a child a subset of
 * its parent's policies (the token create documentation).
 */
interface Family {
  what: string;
  /** A request path of this family. */
  member: RegExp;
  caps: string[];
  probes(a: Applied): string[];
  /** The terraform policy's exact grants on what the stack applies. */
  applied?(a: Applied, path: string): boolean;
}

const mountsAndProbe = (a: Applied) => [...a.authMounts, PROBE];

const FAMILIES: Family[] = [
  {
    what: "write ACL policies",
    member: /^sys\/(policies\/acl|policy)\/[^/]+$/,
    caps: WRITE,
    probes: () => [`sys/policies/acl/${PROBE}`, `sys/policy/${PROBE}`],
    applied: (a, path) => path.startsWith("sys/policies/acl/") && a.policies.has(path.slice("sys/policies/acl/".length)),
  },
  {
    what: "enable auth methods",
    member: /^sys\/auth\/(?!.*\/tune$).+$/,
    caps: WRITE,
    probes: (a) => mountsAndProbe(a).map((m) => `sys/auth/${m}`),
    applied: (a, path) => a.authMounts.has(path.slice("sys/auth/".length)),
  },
  {
    what: "reconfigure an auth method's identity source",
    member: /^auth\/.+\/config$/,
    caps: WRITE,
    probes: (a) => mountsAndProbe(a).map((m) => `auth/${m}/config`),
    applied: (a, path) => a.authMounts.has(path.slice("auth/".length, -"/config".length)),
  },
  {
    what: "write login roles (a role names the policies its logins get)",
    member: /^auth\/(.+\/role\/[^/]+|token\/roles\/[^/]+)$/,
    caps: WRITE,
    probes: (a) => [...mountsAndProbe(a).map((m) => `auth/${m}/role/${PROBE}`), `auth/token/roles/${PROBE}`],
    applied: (a, path) => a.roles.has(path),
  },
  {
    what: "write identity groups or entities (group policies, aliases)",
    member: /^identity\/(group|group-alias|entity|entity-alias)(\/|$)/,
    caps: WRITE,
    probes: () => ["identity/group", `identity/group/name/${PROBE}`, `identity/group/id/${PROBE}`, "identity/group-alias", "identity/entity", `identity/entity/name/${PROBE}`, `identity/entity/id/${PROBE}`, "identity/entity-alias", "identity/entity/merge"],
  },
  { what: "use raw storage", member: /^sys\/raw(\/|$)/, caps: ["create", "read", "update", "patch", "delete", "list"], probes: () => ["sys/raw", `sys/raw/${PROBE}`, "sys/raw/core/keyring"] },
  {
    what: "register plugins",
    member: /^sys\/plugins\/catalog\//,
    caps: WRITE,
    probes: () => ["auth", "secret", "database"].map((t) => `sys/plugins/catalog/${t}/${PROBE}`).concat(`sys/plugins/catalog/${PROBE}`),
  },
  { what: "restore raft snapshots", member: /^sys\/storage\/raft\/snapshot(-force)?$/, caps: WRITE, probes: () => ["sys/storage/raft/snapshot", "sys/storage/raft/snapshot-force"] },
];

/** What one Vault stack applies (all of them when stack is undefined). */
function applied(ctx: CheckContext, stack?: string): Applied {
  const authMounts = new Set([
    ...ctx.resources("vault_auth_backend", stack).map((r) => String(r.value.path ?? r.value.type)),
    ...ctx.resources("vault_jwt_auth_backend", stack).map((r) => String(r.value.path ?? "jwt")),
  ]);
  const roles = new Set<string>();
  for (const type of ["vault_kubernetes_auth_backend_role", "vault_jwt_auth_backend_role", "vault_aws_auth_backend_role", "vault_approle_auth_backend_role"]) {
    const fallback = type.slice("vault_".length, -"_auth_backend_role".length);
    for (const r of ctx.resources(type, stack)) roles.add(`auth/${backendPath(ctx, r.value.backend, fallback)}/role/${r.value.role_name ?? r.value.role}`);
  }
  const policies = stack === undefined ? [...ctx.policies.keys()] : ctx.resources("vault_policy", stack).map((r) => String(r.value.name));
  return { policies: new Set(policies), authMounts, roles };
}

/**
 * No policy lets its holder grant itself more. A pipeline policy (terraform, terraform-<env>)
 * applies one Vault stack, so it writes the policies, auth methods and roles that stack holds, each
 * by its exact name: a glob, or a name its stack does not apply (another environment's), is refused.
 */
export const rootEquivalentPolicy: Check = {
  id: "VEP-G20",
  severity: "error",
  title: "No policy is root-equivalent: none may write policies, auth methods, login roles or identity groups, use sys/raw, register plugins or restore snapshots (terraform: only what the stack applies, by exact name)",
  rationale: "A token that can write a policy, a role or a group membership can grant itself anything, audit changes included: it is root under another name.",
  fix: "Drop the grant; configuration changes go through the Vault stack (the terraform policy's exact paths), break-glass through generate-root with the recovery keys.",
  appliesTo: ["vault_policy", "vault_auth_backend", "vault_jwt_auth_backend", "vault_*_auth_backend_role"],
  run(ctx) {
    const a = applied(ctx);
    const pipelines = pipelinePolicies(ctx);
    const scoped = new Map([...pipelines].map(([name, stack]) => [name, applied(ctx, stack)]));
    const out: { resource: string; message: string }[] = [];
    for (const [name, p] of ctx.policies) {
      const pipeline = scoped.get(name);
      const own = p.rules.map((r) => (r.path.includes("+") || r.path.endsWith("*") ? instantiate(r.path) : r.path));
      const found = new Map<string, string>();
      for (const f of FAMILIES) {
        for (const path of new Set([...f.probes(a), ...own.filter((o) => f.member.test(o))])) {
          const { caps, rule } = grantOn(p.rules, path);
          const used = caps.filter((c) => f.caps.includes(c));
          if (!rule || used.length === 0) continue;
          if (pipeline && rule === path && f.applied?.(pipeline, path)) continue;
          const key = `${f.what}\0${rule}`;
          if (!found.has(key)) found.set(key, `policy ${name} may ${f.what}: [${used.join(", ")}] on ${path} through rule "${rule}"${pipeline && rule === path ? `, a name ${pipelines.get(name) ?? "the stack"} does not apply` : ""}`);
        }
      }
      for (const message of found.values()) out.push({ resource: p.resource, message });
    }
    return out;
  },
  fixtures: {
    pass: {
      does: "the developer policy gains read (not write) on every identity group and ACL policy",
      edit: (s) => void (fx.resource(s, "vault-core", "vault_policy", "policy_developer").policy += '\npath "identity/group/*" {\n  capabilities = ["read", "list"]\n}\npath "sys/policies/acl/*" {\n  capabilities = ["read"]\n}\n'),
    },
    fail: {
      does: "the terraform policy may write every ACL policy (sys/policies/acl/*) instead of the ones it applies",
      edit: (s) => void (fx.resource(s, "vault-core", "vault_policy", "policy_terraform").policy += '\npath "sys/policies/acl/*" {\n  capabilities = ["create", "read", "update", "delete"]\n}\n'),
      expect: { resource: "vault-core/vault_policy.policy_terraform", message: 'policy terraform may write ACL policies: [create, update] on sys/policies/acl/vep-check-probe through rule "sys/policies/acl/*"' },
    },
  },
};
