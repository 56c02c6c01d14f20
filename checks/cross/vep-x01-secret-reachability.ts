import type { Check } from "../types";
import { fx, K } from "../util";
import { boundTo, VaultIndex } from "./vault-index";

/**
 * Every ExternalSecret and generator reaches its secret: store (admitting the namespace) → auth
 * mount and role → bound service account = the store's serviceAccountRef, rendered → the role's
 * policies grant the capability on the exact path (Vault's ACL rules) → the path is declared in
 * the Vault stack (a KV entry, a database role).
 */
export const secretReachability: Check = {
  id: "VEP-X01",
  severity: "error",
  title: "Every ExternalSecret and generator can read what it asks for",
  rationale: "An ExternalSecret that never syncs leaves the workload without its secret: a wrong path (secret/apps vs secret/data/apps), a role bound to another service account, a policy of another environment.",
  fix: "Change the policy, role or store the message names so the login and the grant meet (in the spec: services, environments, vault.auth).",
  appliesTo: ["ExternalSecret", "VaultDynamicSecret", "SecretProviderClass", "SecretStore", "ClusterSecretStore", "ServiceAccount", "vault_kubernetes_auth_backend_role", "vault_policy", "vault_generic_endpoint", "vault_database_secret_backend_role"],
  run(ctx) {
    const v = VaultIndex.of(ctx);
    const out = [...v.storeProblems];
    const accounts = new Set(ctx.manifests("ServiceAccount").map((m) => `${m.cluster}/${m.obj.metadata?.namespace}/${m.obj.metadata?.name}`));
    const declared = new Set<string>();
    for (const r of ctx.resources("vault_generic_endpoint")) {
      const m = /^([^/]+)\/metadata\/(.+)$/.exec(String(r.value.path ?? ""));
      if (m) declared.add(`${m[1]}/data/${m[2]}`);
    }
    for (const r of ctx.resources("vault_database_secret_backend_role")) declared.add(`${ctx.referenced(r.value.backend)?.value.path ?? r.value.backend}/creds/${r.value.name}`);
    // Each login (role, service account, cluster) is judged once; its problems are reported for every read it serves.
    const logins = new Map<string, string[]>();
    for (const q of v.requests) {
      const sa = q.login.serviceAccount;
      const role = v.role(q.login.mount, q.login.role);
      if (!role) {
        out.push({ resource: q.resource, message: `${q.login.via} logs in as role ${q.login.role} on auth/${q.login.mount}, which the Vault stack does not define` });
        continue;
      }
      const loginKey = `${q.login.mount}|${role.name}|${q.cluster}/${sa.namespace}/${sa.name}|${q.login.via}`;
      let problems = logins.get(loginKey);
      if (!problems) {
        problems = [];
        if (!boundTo(role, sa)) problems.push(`role ${role.name} binds service accounts [${role.names}] in [${role.namespaces}], not ${q.login.via}'s serviceAccountRef ${sa.namespace}/${sa.name}`);
        if (!accounts.has(`${q.cluster}/${sa.namespace}/${sa.name}`)) problems.push(`service account ${sa.namespace}/${sa.name} (serviceAccountRef of ${q.login.via}) is not rendered in cluster ${q.cluster}`);
        for (const p of role.policies.filter((p) => !ctx.policies.has(p))) out.push({ resource: role.resource, message: `role ${role.name} names policy ${p}, which the Vault stack does not define` });
        logins.set(loginKey, problems);
      }
      for (const message of problems) out.push({ resource: q.resource, message });
      const caps = v.grants(role.policies, q.path);
      if (caps.has("deny") || !caps.has(q.capability)) {
        const has = caps.has("deny") ? "denies it" : caps.size ? `grants only [${[...caps].join(", ")}]` : "grants nothing there";
        out.push({ resource: q.resource, message: `role ${role.name}'s policies [${role.policies}] do not grant ${q.capability} on ${q.path} (${has}): add it to policy ${role.policies[0] ?? role.name}, or point the read at a path the role may read` });
      }
      if (!declared.has(q.path) && /^[^/]+\/(data|creds)\//.test(q.path)) out.push({ resource: q.resource, message: `${q.path} is not declared in the Vault stack (no KV metadata entry or database role): the read finds nothing` });
    }
    return out;
  },
  fixtures: {
    pass: { does: "an ExternalSecret of dev reads another secret of dev", edit: (s) => void (fx.manifest(s, K.stripeDev).spec.data[0].remoteRef.key = "apps/dev/user-service/auth") },
    fail: {
      does: "an ExternalSecret of dev points at staging's path",
      edit: (s) => void (fx.manifest(s, K.stripeDev).spec.data[0].remoteRef.key = "apps/staging/payment-service/stripe"),
      expect: { resource: K.stripeDev, message: "role eso-dev's policies [eso-dev] do not grant read on secret/data/apps/staging/payment-service/stripe (grants nothing there): add it to policy eso-dev" },
    },
  },
};
