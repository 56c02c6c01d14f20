import { vaultNames } from "../../model/names";
import type { Check } from "../types";
import { instantiate } from "../output";
import { fx } from "../util";
import { VaultIndex } from "./vault-index";

const WRITER = vaultNames.writer("");

/**
 * A platform writer (Crossplane, Backstage) can do nothing on any path another machine consumer
 * reads: the stores' and generators' reads in the output, what services and CI tools declare, every
 * KV entry and database role the Vault stack declares. Judged with Vault's ACL rules on the
 * writer's policies as rendered.
 */
export const writersReadNothingConsumersRead: Check = {
  id: "VEP-X11",
  severity: "error",
  title: "No platform writer reaches a path that services, stores or CI tools read",
  rationale: "Crossplane and Backstage run with broad Kubernetes rights and plugins: a token of theirs that could read or overwrite an application secret turns a platform tool into a way around every service's isolation.",
  fix: "Drop the writer's grant on that path (model/vault/writers.ts); writers stay under infrastructure/databases/<env>/ (Crossplane) and KV metadata (Backstage).",
  appliesTo: ["vault_kubernetes_auth_backend_role (writer-*)", "vault_policy", "ExternalSecret", "VaultDynamicSecret", "vault_generic_endpoint", "vault_database_secret_backend_role"],
  run(ctx) {
    const v = VaultIndex.of(ctx);
    const writers = v.roles.filter((r) => r.name.startsWith(WRITER));
    if (writers.length === 0) return [];
    const readers = new Map<string, string>();
    const read = (path: string, who: string) => void (readers.has(path) || readers.set(path, who));
    for (const q of v.requests) read(q.path, `role ${q.login.role} (${q.login.via})`);
    for (const [role, needs] of Object.entries(ctx.model.vault.declaredNeeds)) {
      if (!role.startsWith(WRITER)) for (const n of needs) read(n.path.endsWith("*") ? instantiate(n.path) : n.path, `role ${role} (declared in the spec)`);
    }
    for (const r of ctx.resources("vault_generic_endpoint")) {
      const m = /^([^/]+)\/metadata\/(.+)$/.exec(String(r.value.path ?? ""));
      if (m) read(`${m[1]}/data/${m[2]}`, `the consumers of KV entry ${m[2]}`);
    }
    for (const r of ctx.resources("vault_database_secret_backend_role")) read(`${ctx.referenced(r.value.backend)?.value.path ?? r.value.backend}/creds/${r.value.name}`, `the services of database role ${r.value.name}`);
    const out: { resource: string; message: string }[] = [];
    for (const writer of writers) {
      for (const [path, who] of readers) {
        const caps = [...v.grants(writer.policies, path)].filter((c) => c !== "deny");
        if (caps.length > 0) out.push({ resource: writer.resource, message: `writer role ${writer.name}'s policies [${writer.policies}] grant [${caps.join(", ")}] on ${path}, which ${who} reads: a writer never reaches what consumers read` });
      }
    }
    return out;
  },
  fixtures: {
    pass: {
      does: "writer-crossplane gains read on an infrastructure path nobody else reads",
      spec: "examples/platform-writers.yaml",
      edit: (s) => void (fx.resource(s, "vault-core", "vault_policy", "policy_writer_crossplane").policy += '\npath "secret/data/infrastructure/clusters/dev" {\n  capabilities = ["read"]\n}\n'),
    },
    fail: {
      does: "writer-backstage gains read on the data of dev's application secrets",
      spec: "examples/platform-writers.yaml",
      edit: (s) => void (fx.resource(s, "vault-core", "vault_policy", "policy_writer_backstage").policy += '\npath "secret/data/apps/dev/*" {\n  capabilities = ["read", "list"]\n}\n'),
      expect: {
        resource: "vault-core/vault_kubernetes_auth_backend_role.auth_kubernetes_role_writer_backstage",
        message: "writer role writer-backstage's policies [writer-backstage] grant [read, list] on secret/data/apps/dev/api/config, which role eso-dev (ClusterSecretStore vault-dev) reads",
      },
    },
  },
};
