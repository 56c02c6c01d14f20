import { beforeAll, describe, expect, it } from "vitest";
import { allows, type AclRule, comparePriority, patternMatches } from "../checks/vault-acl";
import type { PlatformSpecInput } from "../spec/schema";
import { referenceCopy, vclusterExample } from "./helpers/synth";
import { type ApiCall, apiCalls, PROVIDER_CALLS } from "./helpers/vault-api-calls";
import { byArg, parsedPolicies, type StackJson, synthStacks } from "./helpers/vault-stack";

/**
 * Issue 15: least privilege all the way down, evaluated on the synthesized Vault stack with
 * Vault's ACL rules (checks/vault-acl.ts) on the policies as HashiCorp's HCL parser reads them.
 */
type Policies = Awaited<ReturnType<typeof parsedPolicies>>;
const rulesOf = (policies: Policies, name: string): AclRule[] => {
  const p = policies.get(name);
  if (!p) throw new Error(`no policy ${name}; have ${[...policies.keys()].join(", ")}`);
  return p.rules;
};

/** Every transit operation that uses a key's material (data plane), besides managing the key. */
const TRANSIT_USE = ["encrypt", "decrypt", "rewrap", "datakey/plaintext", "datakey/wrapped", "sign", "verify", "hmac", "export/encryption-key", "backup"];

function canUse(rules: AclRule[], key: string): string[] {
  return TRANSIT_USE.filter((op) => allows(rules, `transit/${op}/${key}`, "update") || allows(rules, `transit/${op}/${key}`, "read"));
}

describe("(15.1) transit keys belong to one environment", () => {
  let stack: StackJson;
  let policies: Policies;
  beforeAll(async () => {
    const spec = referenceCopy();
    // An upgraded platform that keeps its old shared key for production's migration.
    spec.vault.transit = { keys: [{ name: "payments", legacySharedKey: true }] };
    stack = synthStacks(spec).vault;
    policies = await parsedPolicies(stack);
  });

  it("no policy of a non-production role (or of people and pipelines) can use a production key or the old shared key", () => {
    const keys = Object.keys(byArg(stack, "vault_transit_secret_backend_key", "name"));
    expect(keys.sort()).toEqual(["dev-payments", "payments", "production-payments", "staging-payments"]);
    const productionKeys = ["production-payments", "payments"];
    for (const [name, p] of policies) {
      if (name.startsWith("svc-production-")) continue;
      for (const key of productionKeys) expect(canUse(p.rules, key), `${name} on ${key}`).toEqual([]);
    }
  });

  it("each environment's service uses its own key only; production may still decrypt (never encrypt with) the old shared key", () => {
    for (const env of ["dev", "staging", "production"]) {
      const svc = rulesOf(policies, `svc-${env}-payment-service`);
      expect(canUse(svc, `${env}-payments`), env).toEqual(["encrypt", "decrypt", "rewrap"]);
      for (const other of ["dev", "staging", "production"].filter((e) => e !== env)) expect(canUse(svc, `${other}-payments`), `${env} on ${other}`).toEqual([]);
    }
    expect(canUse(rulesOf(policies, "svc-production-payment-service"), "payments")).toEqual(["decrypt"]);
  });

  it("without legacySharedKey the old shared key is neither rendered nor granted", async () => {
    const ref = synthStacks(referenceCopy()).vault;
    expect(Object.keys(byArg(ref, "vault_transit_secret_backend_key", "name")).sort()).toEqual(["dev-payments", "production-payments", "staging-payments"]);
    for (const [name, p] of await parsedPolicies(ref)) expect(canUse(p.rules, "payments"), name).toEqual([]);
  });
});

describe("(15.2) the admin policy operates Vault but is not root", () => {
  let admin: AclRule[];
  beforeAll(async () => {
    admin = rulesOf(await parsedPolicies(synthStacks(referenceCopy()).vault), "admin");
  });

  it.each([
    ["sys/audit/file", "update", "disable or replace an audit device"],
    ["sys/audit/file", "delete", "disable an audit device"],
    ["sys/audit/socket-evil", "update", "add an audit device that ships raw secrets elsewhere"],
    ["sys/config/auditing/request-headers/Authorization", "update", "audit a header in the clear"],
    ["sys/raw/sys/policy/admin", "sudo", "rewrite storage below the ACLs"],
    ["sys/raw/core/keyring", "read", "read raw storage"],
    ["sys/generate-root/attempt", "update", "start a root token generation"],
    ["sys/rekey/init", "update", "rekey"],
    ["sys/rekey-recovery-key/init", "update", "rekey the recovery keys"],
    ["sys/storage/raft/snapshot-force", "update", "force-restore a foreign snapshot"],
    ["sys/storage/raft/snapshot", "update", "restore a snapshot (rolls back audit and policies)"],
    ["sys/mounts/transit", "delete", "delete the transit mount and every key in it"],
    ["sys/mounts/secret", "delete", "delete every KV secret"],
    ["sys/mounts/transit/tune", "update", "retune the transit mount"],
    ["sys/remount", "update", "move a mount away from its policies"],
    ["sys/auth/kubernetes", "delete", "disable an auth method"],
    ["sys/policies/acl/admin", "update", "rewrite its own policy"],
    ["sys/policies/acl/default", "update", "widen the default policy every token carries"],
    ["sys/policies/acl/terraform", "update", "widen the pipeline's policy"],
    ["sys/seal", "update", "seal Vault"],
    ["auth/oidc/role/admin", "update", "rebind the admin role to other groups"],
    ["auth/kubernetes/role/eso-production", "update", "bind a role to another service account"],
    ["auth/token/create", "update", "mint tokens"],
    ["identity/group", "update", "create a group carrying any policy"],
    ["identity/entity-alias", "update", "attach its entity to another login"],
    ["pki-root/root/sign-intermediate", "update", "sign a new intermediate with the root CA"],
    ["pki-root/sign-verbatim", "update", "sign anything with the root CA"],
    ["pki-root/issuer/root/sign-verbatim", "update", "sign anything with the root issuer"],
    ["pki-root/issuer/default/sign-intermediate", "update", "sign a new intermediate with the default issuer"],
    ["pki-root/root", "delete", "delete the root CA"],
    ["pki/issue/production-cert", "update", "issue production workload certificates"],
    ["transit/decrypt/production-payments", "update", "decrypt production data"],
    ["transit/keys/production-payments", "delete", "delete a transit key"],
    ["transit/keys/production-payments/config", "update", "make a key exportable or deletable"],
    ["transit/export/encryption-key/production-payments", "read", "export key material"],
    ["secret/destroy/apps/production/payment-service/stripe", "update", "destroy secret versions for good"],
    ["secret/metadata/apps/production/payment-service/stripe", "delete", "delete a secret and all its versions"],
  ])("cannot %s (%s): %s", (path, capability) => {
    expect(allows(admin, path, capability)).toBe(false);
  });

  it.each([
    ["sys/mounts", "read"],
    ["sys/mounts/transit", "read"],
    ["sys/auth", "read"],
    ["sys/policies/acl", "list"],
    ["sys/policies/acl/admin", "read"],
    ["sys/leases/lookup", "update"],
    ["sys/leases/lookup/database/creds/production-payment-service-payments/", "list"],
    ["sys/leases/lookup/database/creds/production-payment-service-payments/", "sudo"],
    ["sys/leases/revoke", "update"],
    ["sys/leases/revoke-prefix/database/creds/production-payment-service-payments", "update"],
    ["sys/leases/revoke-prefix/database/creds/production-payment-service-payments", "sudo"],
    ["sys/storage/raft/configuration", "read"],
    ["sys/storage/raft/autopilot/state", "read"],
    ["sys/storage/raft/snapshot", "read"],
    ["sys/step-down", "update"],
    ["sys/step-down", "sudo"],
    ["sys/audit", "read"],
    ["sys/audit", "sudo"],
    ["sys/audit-hash/file", "update"],
    ["sys/metrics", "read"],
    ["sys/capabilities", "update"],
    ["auth/kubernetes/role/eso-production", "read"],
    ["auth/token/revoke-accessor", "update"],
    ["identity/entity/id/4f0c7a51-0000-4000-8000-000000000000", "read"],
    ["identity/mfa/method/totp/admin-generate", "update"],
    ["secret/data/apps/production/payment-service/stripe", "update"],
    ["secret/metadata/apps/production/payment-service/stripe", "list"],
    ["database/creds/production-payment-service-payments", "read"],
    ["pki/revoke", "update"],
    ["pki/cert/ca_chain", "read"],
    ["pki-root/cert/ca", "read"],
    ["transit/keys/production-payments", "read"],
    ["transit/keys/production-payments/rotate", "update"],
  ])("may %s (%s)", (path, capability) => {
    expect(allows(admin, path, capability)).toBe(true);
  });
});

/** Calls the terraform policy must refuse by design: they destroy data or are the PKI hierarchy's ceremony (break-glass, root token). */
function breakGlassOnly(stack: StackJson, c: ApiCall): boolean {
  const [type, name] = c.resource.split(".");
  if (c.phase === "delete" && (type === "vault_mount" || type === "vault_audit")) return true;
  if (c.phase === "delete" && type === "vault_transit_secret_backend_key") return stack.resource[type][name].deletion_allowed !== true;
  const hierarchy = ["vault_pki_secret_backend_root_cert", "vault_pki_secret_backend_intermediate_cert_request", "vault_pki_secret_backend_root_sign_intermediate", "vault_pki_secret_backend_intermediate_set_signed"];
  return hierarchy.includes(type) && (c.phase === "create" || c.phase === "delete");
}

function allowedCall(rules: AclRule[], c: ApiCall): boolean {
  const caps = c.op === "write" ? ["create", "update"] : [c.op];
  return caps.every((cap) => allows(rules, c.path, cap)) && (!c.sudo || allows(rules, c.path, "sudo"));
}

/** Every variant of the stack: reference, every optional auth method with MFA and a terraform group, and the smallest spec. */
function stackVariants(): [string, PlatformSpecInput][] {
  const full = vclusterExample();
  full.vault.audit = { socket: { address: "127.0.0.1:9090" } };
  full.vault.transit = { keys: [{ name: "payments", legacySharedKey: true, deletionAllowed: true, minDecryptionVersion: { dev: 2 } }] };
  const minimal = referenceCopy();
  minimal.services = [];
  minimal.databases = [];
  minimal.ciConsumers = [];
  minimal.vault.transit = { keys: [] };
  return [
    ["reference", referenceCopy()],
    ["vcluster example with terraform group, MFA, socket audit, legacy key, certificates", full],
    ["no services", minimal],
  ];
}

/** The pipeline policy that applies each Vault stack (issue 17: one state per environment). */
const pipelineOf = (stack: string): string => (stack === "vault-core" ? "terraform" : `terraform-${stack.slice("vault-".length)}`);
const vaultStacksOf = (stacks: Record<string, StackJson>) => Object.entries(stacks).filter(([n]) => n.startsWith("vault-"));
const describeCall = (stack: StackJson, c: ApiCall) => `${c.resource} ${c.phase} ${c.op} ${c.path}${c.sudo ? " (sudo)" : ""}: ${breakGlassOnly(stack, c) ? "allowed but must be refused" : "refused"}`;

describe("(15.2, 17) each Vault stack's pipeline policy allows exactly what applying that stack needs", () => {
  it.each(stackVariants())("%s: every API call of every resource is allowed to its stack's pipeline, except the break-glass ones, which are refused", async (_name, spec) => {
    const { vault, stacks } = synthStacks(spec);
    const policies = await parsedPolicies(vault);
    expect(vaultStacksOf(stacks).map(([n]) => n).sort()).toEqual(["vault-core", "vault-dev", "vault-production", "vault-staging"]);
    let total = 0;
    for (const [name, stack] of vaultStacksOf(stacks)) {
      const rules = rulesOf(policies, pipelineOf(name));
      const calls = apiCalls(stack);
      total += calls.length;
      const wrong = calls.filter((c) => allowedCall(rules, c) === breakGlassOnly(stack, c)).map((c) => `${name}: ${describeCall(stack, c)}`);
      expect(wrong).toEqual([]);
    }
    expect(total).toBeGreaterThan(100);
  });

  it.each(stackVariants())("%s: every capability a pipeline policy grants is one some call of its stack needs (nothing more)", async (_name, spec) => {
    const { vault, stacks } = synthStacks(spec);
    const policies = await parsedPolicies(vault);
    for (const [name, stack] of vaultStacksOf(stacks)) {
      const rules = rulesOf(policies, pipelineOf(name));
      // The capabilities each rule is the deciding (most specific) rule for.
      const used = new Map<string, Set<string>>();
      for (const c of apiCalls(stack).filter((call) => !breakGlassOnly(stack, call))) {
        const winner = rules.filter((r) => patternMatches(r.path, c.path)).map((r) => r.path).sort(comparePriority).at(-1);
        if (!winner) continue;
        const caps = used.get(winner) ?? new Set<string>();
        for (const cap of [...(c.op === "write" ? ["create", "update"] : [c.op]), ...(c.sudo ? ["sudo"] : [])]) caps.add(cap);
        used.set(winner, caps);
      }
      const unused = rules.filter((r) => !r.capabilities.includes("deny")).flatMap((r) => r.capabilities.filter((cap) => !used.get(r.path)?.has(cap)).map((cap) => `${name} ${r.path}: ${cap}`));
      expect(unused).toEqual([]);
    }
  });

  it.each(stackVariants())("%s: no pipeline may make any call of another stack (a dev pipeline cannot touch production, nor the core)", async (_name, spec) => {
    const { vault, stacks } = synthStacks(spec);
    const policies = await parsedPolicies(vault);
    const providerPaths = new Set(PROVIDER_CALLS.map((c) => c.path));
    const crossing: string[] = [];
    for (const [owner, stack] of vaultStacksOf(stacks)) {
      const calls = apiCalls(stack).filter((c) => !providerPaths.has(c.path));
      for (const [other] of vaultStacksOf(stacks).filter(([n]) => n !== owner)) {
        const rules = rulesOf(policies, pipelineOf(other));
        for (const c of calls) if (allowedCall(rules, c)) crossing.push(`${pipelineOf(other)} may ${c.op} ${c.path} (${owner}/${c.resource})`);
      }
    }
    expect(crossing).toEqual([]);
    // The pipelines' own policies are the core's to write: no environment pipeline may write one.
    for (const env of ["dev", "staging", "production"]) {
      for (const target of ["terraform", "terraform-dev", "terraform-production"]) expect(allows(rulesOf(policies, `terraform-${env}`), `sys/policies/acl/${target}`, "update"), `terraform-${env} on ${target}`).toBe(false);
    }
  });

  it("can read no secret value, credential, plaintext, certificate or snapshot", async () => {
    const [, spec] = stackVariants()[1];
    const terraform = rulesOf(await parsedPolicies(synthStacks(spec).vault), "terraform");
    const reads: [string, string][] = [
      ["secret/data/apps/production/payment-service/stripe", "read"],
      ["secret/data/ci-cd/argocd/repo", "read"],
      ["database/creds/production-payment-service-payments", "read"],
      ["transit/decrypt/production-payments", "update"],
      ["transit/decrypt/payments", "update"],
      ["transit/export/encryption-key/production-payments", "read"],
      ["pki/issue/production-cert", "update"],
      ["pki-root/root/sign-intermediate", "update"],
      ["sys/storage/raft/snapshot", "read"],
      ["sys/raw/core/keyring", "read"],
      ["auth/approle/role/ci-jenkins/secret-id", "update"],
      ["identity/mfa/method/totp/admin-generate", "update"],
      ["sys/audit/socket", "delete"],
    ];
    for (const [path, cap] of reads) expect(allows(terraform, path, cap), `${path} ${cap}`).toBe(false);
  });
});

describe("(15.6) an ESO store may issue certificates only where a service asks for them", () => {
  it("the certificate's environment gets update (the generator's PUT) on its own PKI role; other environments get nothing", async () => {
    const spec = referenceCopy();
    spec.services![0].certificates = [{ name: "tls", hosts: ["user-service", "users-api"] }];
    spec.services![0].environments = ["dev", "staging"];
    const policies = await parsedPolicies(synthStacks(spec).vault);
    expect(allows(rulesOf(policies, "eso-dev"), "pki/issue/dev-cert", "update")).toBe(true);
    expect(allows(rulesOf(policies, "eso-dev"), "pki/issue/dev-cert", "create")).toBe(false);
    expect(allows(rulesOf(policies, "eso-dev"), "pki/issue/staging-cert", "update")).toBe(false);
    expect(allows(rulesOf(policies, "eso-dev"), "pki/sign/dev-cert", "update")).toBe(false);
    expect(allows(rulesOf(policies, "eso-staging"), "pki/issue/staging-cert", "update")).toBe(true);
    expect(allows(rulesOf(policies, "eso-production"), "pki/issue/production-cert", "update")).toBe(false);
  });
});
