import { podTemplates } from "../context";
import type { Check } from "../types";
import { comparePriority, patternMatches } from "../vault-acl";
import { containers, fx } from "../util";
import { VaultIndex } from "./vault-index";

interface Use {
  path: string;
  capability: string;
}

/** Every token's own lookup/renew/revoke: granted to every machine role on purpose (model/vault/policy.ts). */
const TOKEN_SELF = new Set(["auth/token/lookup-self", "auth/token/renew-self", "auth/token/revoke-self"]);

/** Vault CLI commands in rendered scripts and the request each makes. */
const CLI: [RegExp, (m: RegExpMatchArray) => Use][] = [
  [/vault operator raft snapshot save\b/g, () => ({ path: "sys/storage/raft/snapshot", capability: "read" })],
  [/vault (?:read|kv get -mount=(\S+)) ([\w./-]+)/g, (m) => ({ path: m[1] ? `${m[1]}/data/${m[2]}` : m[2], capability: "read" })],
];

/**
 * Least privilege: every grant of a machine consumer's policies is used. Uses come from the rendered
 * output (the reads of ESO's stores and generators, the Vault CLI calls of scripts that log in) and,
 * for consumers the output does not show (services logging in themselves, CI tools), from what the
 * spec declares for them (model.vault.declaredNeeds). People's policies (OIDC) are out of scope.
 */
export const leastPrivilege: Check = {
  id: "VEP-X02",
  severity: "error",
  title: "No machine consumer's policy grants what it never uses",
  rationale: "An unused grant is a free escalation: whoever steals that token reads more than the workload ever needed.",
  fix: "Drop the grant from the policy (in the model: model/vault/policies.ts), or declare the use in the spec.",
  appliesTo: ["vault_policy", "vault_kubernetes_auth_backend_role", "vault_aws_auth_backend_role", "vault_approle_auth_backend_role", "ExternalSecret", "VaultDynamicSecret", "CronJob"],
  run(ctx) {
    const v = VaultIndex.of(ctx);
    const uses = new Map<string, Use[]>();
    const add = (role: string, u: Use) => (uses.get(role) ?? uses.set(role, []).get(role)!).push(u);
    for (const q of v.requests) add(q.login.role, q);
    for (const [role, needs] of Object.entries(ctx.model.vault.declaredNeeds)) for (const n of needs) for (const c of n.capabilities) add(role, { path: n.path, capability: c });
    for (const { template } of podTemplates(ctx)) {
      for (const { c } of containers(template.spec)) {
        const script = [...(c.command ?? []), ...(c.args ?? [])].join("\n");
        const role = /auth\/[\w-]+\/login role=([\w-]+)/.exec(script)?.[1];
        if (!role) continue;
        add(role, { path: "auth/token/lookup-self", capability: "read" });
        for (const [re, use] of CLI) for (const m of script.matchAll(re)) add(role, use(m));
      }
    }
    const machineRoles = [
      ...v.roles.map((r) => ({ name: r.name, policies: r.policies })),
      ...ctx.resources("vault_aws_auth_backend_role").map((r) => ({ name: String(r.value.role), policies: r.value.token_policies ?? [] })),
      ...ctx.resources("vault_approle_auth_backend_role").map((r) => ({ name: String(r.value.role_name), policies: r.value.token_policies ?? [] })),
    ];
    const byPolicy = new Map<string, { roles: string[]; uses: Use[] }>();
    for (const r of machineRoles) {
      for (const p of r.policies) {
        const e = byPolicy.get(p) ?? byPolicy.set(p, { roles: [], uses: [] }).get(p)!;
        e.roles.push(r.name);
        e.uses.push(...(uses.get(r.name) ?? []));
      }
    }
    const out: { resource: string; message: string }[] = [];
    for (const [name, { roles, uses: used }] of byPolicy) {
      const policy = ctx.policies.get(name);
      if (!policy) continue;
      const paths = policy.rules.map((r) => r.path);
      for (const rule of policy.rules) {
        if (TOKEN_SELF.has(rule.path)) continue;
        const unused = rule.capabilities.filter((c) => c !== "deny" && !used.some((u) => u.capability === c && justifies(rule.path, u.path, paths)));
        if (unused.length > 0) out.push({ resource: policy.resource, message: `policy ${name} grants [${unused.join(", ")}] on ${rule.path}, which ${roles.length > 1 ? `none of roles ${roles.join(", ")} uses` : `role ${roles[0]} never uses`}` });
      }
    }
    return out;
  },
  fixtures: {
    pass: {
      does: "the snapshot policy as rendered: read on sys/storage/raft/snapshot, used by the CronJob's script",
      edit: (s) => void fx.resource(s, "vault-core", "vault_policy", "policy_raft_snapshot"),
    },
    fail: {
      does: "the eso-dev policy gains a read on every team's CI secrets",
      edit: (s) => void (fx.resource(s, "vault-dev", "vault_policy", "policy_eso_dev").policy += '\npath "secret/data/ci-cd/*" {\n  capabilities = ["read"]\n}\n'),
      expect: { resource: "vault-dev/vault_policy.policy_eso_dev", message: "policy eso-dev grants [read] on secret/data/ci-cd/*, which role eso-dev never uses" },
    },
  },
};

/**
 * A use justifies a rule when the rule is what Vault applies to it: the use's path matches the rule
 * and no other rule of the policy wins (priority matching). A declared glob (`ci-cd/argocd/*`)
 * justifies rules at or below it.
 */
function justifies(rule: string, use: string, paths: string[]): boolean {
  if (use.endsWith("*")) return rule === use || (!rule.includes("+") && rule.startsWith(use.slice(0, -1)));
  if (!patternMatches(rule, use)) return false;
  const winner = paths.filter((p) => patternMatches(p, use)).sort(comparePriority).at(-1);
  return winner === rule;
}
