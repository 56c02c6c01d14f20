import { vaultNames } from "../../model/names";
import type { Check } from "../types";
import { mountPaths, rulesBeyond } from "../output";
import { fx } from "../util";

/** Backstage's policy lists and reads KV metadata and nothing else: no data/, no writes, no other engine. */
export const backstageMetadataOnly: Check = {
  id: "VEP-G33",
  severity: "error",
  title: "Backstage's Vault policy only lists and reads KV metadata",
  rationale: "A developer portal shows which secrets exist and when they rotate; a grant on data/ or a write would let every portal plugin read or replace the secrets themselves.",
  fix: "Keep writer-backstage to read and list on <kv>/metadata/... (model/vault/writers.ts); services read their values through their own roles.",
  appliesTo: ["vault_policy (writer-backstage)"],
  run(ctx) {
    const metadata = mountPaths(ctx, "kv", "kv-v2").map((m) => `${m}/metadata/`);
    return rulesBeyond(ctx, vaultNames.writer("backstage"), metadata, ["read", "list"], "Backstage only reads and lists metadata");
  },
  fixtures: {
    pass: {
      does: "writer-backstage also lists production's metadata",
      spec: "examples/platform-writers.yaml",
      edit: (s) => void (fx.resource(s, "vault-core", "vault_policy", "policy_writer_backstage").policy += '\npath "secret/metadata/apps/production/*" {\n  capabilities = ["read", "list"]\n}\n'),
    },
    fail: {
      does: "writer-backstage gains read on a secret's data",
      spec: "examples/platform-writers.yaml",
      edit: (s) => void (fx.resource(s, "vault-core", "vault_policy", "policy_writer_backstage").policy += '\npath "secret/data/apps/dev/api/config" {\n  capabilities = ["read"]\n}\n'),
      expect: { resource: "vault-core/vault_policy.policy_writer_backstage", message: "policy writer-backstage grants [read] on secret/data/apps/dev/api/config, outside secret/metadata/" },
    },
  },
};
