import type { Check } from "../types";
import { fx } from "../util";
import { grantOn, instantiate, mountPaths, pipelinePolicies, PROBE } from "../output";

const READ = ["read", "list"];
const WRITE = ["create", "update", "patch"];

/**
 * The terraform policy configures; it never reads what Vault protects. Each family is probed on
 * every mount of its engine, with a name no spec generates and with the policy's own rules there
 * (exact paths as written, a glob instantiated), with Vault's ACL matching.
 */
export const terraformReadsData: Check = {
  id: "VEP-G21",
  severity: "error",
  title: "The pipeline policies (terraform, terraform-<env>) read no data: no secret values, database credentials, certificates, transit decryption or export, raft snapshots",
  rationale: "The pipeline's token sits in CI logs and runners: if it can read secrets or decrypt, stealing it is stealing the data, not only the configuration.",
  fix: "Drop the grant (the model's terraform policy denies these families explicitly); people who need data use their own policies.",
  appliesTo: ["vault_policy (terraform)", "vault_mount"],
  run(ctx) {
    const families: { what: string; caps: string[]; member: RegExp; paths: string[] }[] = [
      ...mountPaths(ctx, "kv", "kv-v2").map((m) => ({ what: "read secret values", caps: READ, member: new RegExp(`^${m}/data/`), paths: [`${m}/data/${PROBE}`] })),
      ...mountPaths(ctx, "database").map((m) => ({ what: "issue database credentials", caps: READ, member: new RegExp(`^${m}/(creds|static-creds)/`), paths: [`${m}/creds/${PROBE}`, `${m}/static-creds/${PROBE}`] })),
      ...mountPaths(ctx, "pki").map((m) => ({ what: "issue certificates", caps: WRITE, member: new RegExp(`^${m}/(issue|issuer/[^/]+/issue)/`), paths: [`${m}/issue/${PROBE}`] })),
      ...mountPaths(ctx, "transit").flatMap((m) => [
        { what: "decrypt with transit keys", caps: WRITE, member: new RegExp(`^${m}/decrypt/`), paths: [`${m}/decrypt/${PROBE}`] },
        { what: "export transit keys", caps: READ, member: new RegExp(`^${m}/export/`), paths: [`${m}/export/encryption-key/${PROBE}`] },
      ]),
      { what: "save raft snapshots (every secret, encrypted only by the seal)", caps: READ, member: /^sys\/storage\/raft\/snapshot$/, paths: ["sys/storage/raft/snapshot"] },
    ];
    return [...pipelinePolicies(ctx).keys()].flatMap((name) => {
      const p = ctx.policies.get(name);
      if (!p) return [];
      const own = p.rules.map((r) => (r.path.includes("+") || r.path.endsWith("*") ? instantiate(r.path) : r.path));
      const found = new Map<string, string>();
      for (const f of families) {
        for (const path of new Set([...f.paths, ...own.filter((o) => f.member.test(o))])) {
          const { caps, rule } = grantOn(p.rules, path);
          const used = caps.filter((c) => f.caps.includes(c));
          if (rule && used.length > 0 && !found.has(rule)) found.set(rule, `policy ${name} may ${f.what}: [${used.join(", ")}] on ${path} through rule "${rule}"`);
        }
      }
      return [...found.values()].map((message) => ({ resource: p.resource, message }));
    });
  },
  fixtures: {
    pass: {
      does: "the terraform policy gains read on a KV secret's metadata (not its data)",
      edit: (s) => void (fx.resource(s, "vault-core", "vault_policy", "policy_terraform").policy += '\npath "secret/metadata/apps/dev/payment-service/*" {\n  capabilities = ["read"]\n}\n'),
    },
    fail: {
      does: "the terraform policy gains read on one production database role's credentials (an exact path beats its deny on database/creds/*)",
      edit: (s) => void (fx.resource(s, "vault-core", "vault_policy", "policy_terraform").policy += '\npath "database/creds/production-payment-service-payments" {\n  capabilities = ["read"]\n}\n'),
      expect: { resource: "vault-core/vault_policy.policy_terraform", message: 'policy terraform may issue database credentials: [read] on database/creds/production-payment-service-payments through rule "database/creds/production-payment-service-payments"' },
    },
  },
};
