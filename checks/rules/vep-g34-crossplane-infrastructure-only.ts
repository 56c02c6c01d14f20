import { kvPaths, vaultNames } from "../../model/names";
import type { Check } from "../types";
import { mountPaths, rulesBeyond } from "../output";
import { fx } from "../util";

/** What ESO's PushSecret calls for Crossplane (model/vault/writers.ts): no delete, no list, no patch. */
const ALLOWED = ["create", "read", "update"];

/** Crossplane's policy writes only below <kv>/data|metadata/infrastructure/, with create, read and update. */
export const crossplaneInfrastructureOnly: Check = {
  id: "VEP-G34",
  severity: "error",
  title: "Crossplane's Vault policy only creates, reads and updates below infrastructure/",
  rationale: "Crossplane's token publishes database credentials; anything beyond its own tree (or a delete, which on KV v2 metadata destroys every version) lets a compromised provider read or wipe other secrets.",
  fix: "Keep writer-crossplane to create, read and update on <kv>/data|metadata/infrastructure/databases/<env>/* (model/vault/writers.ts).",
  appliesTo: ["vault_policy (writer-crossplane)"],
  run(ctx) {
    const trees = mountPaths(ctx, "kv", "kv-v2").flatMap((m) => ["data", "metadata"].map((area) => `${m}/${area}/${kvPaths.infrastructure}/`));
    return rulesBeyond(ctx, vaultNames.writer("crossplane"), trees, ALLOWED, `Crossplane's pushes need only ${ALLOWED.join(", ")}`);
  },
  fixtures: {
    pass: {
      does: "writer-crossplane also pushes to another infrastructure folder",
      spec: "examples/platform-writers.yaml",
      edit: (s) => void (fx.resource(s, "vault-core", "vault_policy", "policy_writer_crossplane").policy += '\npath "secret/data/infrastructure/caches/dev/*" {\n  capabilities = ["create", "update"]\n}\n'),
    },
    fail: {
      does: "writer-crossplane gains delete on dev's database metadata (every version of every secret there)",
      spec: "examples/platform-writers.yaml",
      edit: (s) => void (fx.resource(s, "vault-core", "vault_policy", "policy_writer_crossplane").policy += '\npath "secret/metadata/infrastructure/databases/dev/*" {\n  capabilities = ["delete"]\n}\n'),
      expect: { resource: "vault-core/vault_policy.policy_writer_crossplane", message: "policy writer-crossplane grants [delete] on secret/metadata/infrastructure/databases/dev/*: Crossplane's pushes need only create, read, update" },
    },
  },
};
