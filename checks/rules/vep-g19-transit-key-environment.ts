import type { Check } from "../types";
import { fx } from "../util";
import { environmentPrefix, environments, grantOn, mountPaths, PROBE, policyEnvironment } from "../output";

/** Transit endpoints that use a key (transit/<op>/<key>), with the capability each request needs: each reads, forges or exports data under it. */
const WRITE = ["create", "update"];
const OPERATIONS: [string, string[]][] = [
  ...["encrypt", "decrypt", "rewrap", "datakey/plaintext", "datakey/wrapped", "sign", "verify", "hmac"].map((op): [string, string[]] => [op, WRITE]),
  ...["export/encryption-key", "export/hmac-key", "export/signing-key", "backup"].map((op): [string, string[]] => [op, ["read"]]),
];

/**
 * A machine policy of one environment (eso-<env>, svc-<env>-<service>) may use only that
 * environment's transit keys (<env>-<key>); production may also decrypt with a retained legacy
 * shared key the spec declares. Evaluated with Vault's ACL matching on every key the output holds,
 * every environment's name for each key, and a key no spec names (globs).
 */
export const transitKeyEnvironment: Check = {
  id: "VEP-G19",
  severity: "error",
  title: "No environment's policy uses another environment's transit key (production may only decrypt with a declared legacy shared key)",
  rationale: "Whoever runs pods as a service in dev could otherwise decrypt or forge production data with a shared or foreign key.",
  fix: "Grant transit/<op>/<env>-<key> of the policy's own environment only (the model does: vault.transit.keys); keep a legacy shared key for production decryption with legacySharedKey.",
  appliesTo: ["vault_policy", "vault_transit_secret_backend_key"],
  run(ctx) {
    const mounts = mountPaths(ctx, "transit");
    if (mounts.length === 0) return [];
    const envs = environments(ctx);
    const rendered = ctx.resources("vault_transit_secret_backend_key").map((r) => String(r.value.name));
    const specKeys = new Set(ctx.model.vault.transit?.keys.map((k) => k.specKey) ?? []);
    for (const k of rendered) specKeys.add(environmentPrefix(ctx, k) ? k.slice(environmentPrefix(ctx, k)!.length + 1) : k);
    const legacy = new Set(ctx.model.vault.transit?.keys.filter((k) => !k.environment).map((k) => k.name) ?? []);
    const probes = [...new Set([...rendered, ...[...specKeys].flatMap((k) => [k, ...envs.map((e) => `${e.name}-${k}`)]), PROBE])];
    const out: { resource: string; message: string }[] = [];
    for (const [name, p] of ctx.policies) {
      const env = policyEnvironment(ctx, name);
      if (!env) continue;
      const production = envs.find((e) => e.name === env)?.production === true;
      const byRule = new Map<string, string[]>();
      for (const mount of mounts) {
        for (const [op, needs] of OPERATIONS) {
          for (const key of probes) {
            const path = `${mount}/${op}/${key}`;
            const { caps, rule } = grantOn(p.rules, path);
            if (!rule || !caps.some((c) => needs.includes(c))) continue;
            const owner = environmentPrefix(ctx, key);
            if (owner === env) continue;
            if (production && op === "decrypt" && legacy.has(key)) continue;
            const whose = key === PROBE ? "any key" : owner ? `${key} (environment ${owner}'s key)` : legacy.has(key) ? `${key} (the legacy shared key${op === "decrypt" ? ", decrypt is for production only" : ", decrypt only"})` : `${key} (not named for environment ${env})`;
            (byRule.get(rule) ?? byRule.set(rule, []).get(rule)!).push(`${op} with ${whose}`);
          }
        }
      }
      for (const [rule, uses] of byRule) out.push({ resource: p.resource, message: `policy ${name} (environment ${env}) may ${[...new Set(uses)].join("; ")} through rule "${rule}"` });
    }
    return out;
  },
  fixtures: {
    pass: {
      does: "svc-dev-payment-service gains hmac with every key of its own environment (transit/hmac/dev-*)",
      edit: (s) => void (fx.resource(s, "vault-dev", "vault_policy", "policy_svc_dev_payment_service").policy += '\npath "transit/hmac/dev-*" {\n  capabilities = ["update"]\n}\n'),
    },
    fail: {
      does: "svc-dev-payment-service gains decrypt with production's key",
      edit: (s) => void (fx.resource(s, "vault-dev", "vault_policy", "policy_svc_dev_payment_service").policy += '\npath "transit/decrypt/production-payments" {\n  capabilities = ["update"]\n}\n'),
      expect: { resource: "vault-dev/vault_policy.policy_svc_dev_payment_service", message: 'policy svc-dev-payment-service (environment dev) may decrypt with production-payments (environment production\'s key) through rule "transit/decrypt/production-payments"' },
    },
  },
};
