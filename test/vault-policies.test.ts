import { parse } from "@cdktf/hcl2json";
import { beforeAll, describe, expect, it } from "vitest";
import { allows, type AclRule, VALID_CAPABILITIES } from "../checks/vault-acl";
import { referenceCopy } from "./helpers/synth";
import { byArg, parsedPolicies, type StackJson, synthStacks } from "./helpers/vault-stack";

/**
 * Every policy of the synthesized Vault stack, parsed by HashiCorp's HCL parser (@cdktf/hcl2json,
 * the parser cdktf-cli uses) and evaluated with Vault's ACL matching rules.
 */
type Policies = Awaited<ReturnType<typeof parsedPolicies>>;
let stack: StackJson;
let policies: Policies;
const rules = (name: string): AclRule[] => {
  const p = policies.get(name);
  if (!p) throw new Error(`no policy ${name}; have ${[...policies.keys()].join(", ")}`);
  return p.rules;
};

beforeAll(async () => {
  stack = synthStacks(referenceCopy()).vault;
  policies = await parsedPolicies(stack);
});

describe("generated policies are valid HCL with valid semantics", () => {
  it("there is a policy per consumer", () => {
    expect([...policies.keys()].sort()).toEqual(
      ["admin", "ci-argocd", "ci-tekton", "developer", "eso-dev", "eso-production", "eso-staging", "raft-snapshot", "svc-dev-payment-service", "svc-production-payment-service", "svc-staging-payment-service", "terraform", "terraform-dev", "terraform-production", "terraform-staging"].sort(),
    );
  });

  it("each path block holds only valid capabilities", () => {
    for (const [name, p] of policies) {
      expect(Object.keys(p.parsed), name).toEqual(["path"]);
      for (const blocks of Object.values(p.parsed.path as Record<string, Record<string, unknown>[]>)) {
        for (const block of blocks) {
          expect(Object.keys(block), name).toEqual(["capabilities"]);
          for (const c of block.capabilities as string[]) expect(VALID_CAPABILITIES, `${name}: ${c}`).toContain(c);
        }
      }
    }
  });

  it("'*' only at the end of a path, KV v2 paths under data/ or metadata/", () => {
    for (const [name, p] of policies) {
      for (const r of p.rules) {
        expect(r.path.indexOf("*"), `${name}: ${r.path}`).toBeOneOf([-1, r.path.length - 1]);
        if (r.path.startsWith("secret/") && name !== "admin" && name !== "terraform") expect(r.path, name).toMatch(/^secret\/(data|metadata)\//);
      }
    }
  });

  it("no sudo and no mount-wide or bare '*' path outside admin; sudo only on the root-protected paths each needs", () => {
    for (const [name, p] of policies) {
      if (name === "admin" || name === "terraform") continue;
      for (const r of p.rules) {
        expect(r.capabilities, `${name}: ${r.path}`).not.toContain("sudo");
        expect(r.path, name).not.toMatch(/^(\*|[^/]+\/\*)$/);
      }
    }
    // No grant on a whole mount or on everything: every admin path names what it is for.
    for (const r of rules("admin")) if (!r.capabilities.includes("deny")) expect(r.path).not.toMatch(/^(\*|(sys|auth|identity)\/\*)$/);
    expect(rules("admin").filter((r) => r.capabilities.includes("sudo")).map((r) => r.path).sort()).toEqual(
      ["sys/audit", "sys/config/auditing/request-headers", "sys/leases/lookup/*", "sys/leases/revoke-prefix/*", "sys/step-down"].sort(),
    );
    expect(rules("terraform").filter((r) => r.capabilities.includes("sudo")).map((r) => r.path).sort()).toEqual(
      ["sys/audit", "sys/audit/file", "sys/audit/stdout", "sys/auth/kubernetes", "sys/config/auditing/request-headers/X-Forwarded-For"].sort(),
    );
  });

  it("machine policies let the token look up and renew itself", () => {
    for (const name of ["eso-dev", "ci-argocd", "raft-snapshot", "svc-dev-payment-service"]) {
      expect(allows(rules(name), "auth/token/lookup-self", "read"), name).toBe(true);
      expect(allows(rules(name), "auth/token/renew-self", "update"), name).toBe(true);
      expect(allows(rules(name), "auth/token/create", "update"), name).toBe(false);
    }
  });

  it("the database password policy parses: 32 characters from three alphanumeric classes", async () => {
    const pp = Object.values(byArg(stack, "vault_password_policy", "name"))[0];
    const parsed = await parse("password.hcl", String(pp.policy));
    expect(parsed.length).toBe(32);
    expect((parsed.rule as { charset: { charset: string; "min-chars": number }[] }).charset.map((c) => c.charset)).toEqual([
      "abcdefghijklmnopqrstuvwxyz",
      "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
      "0123456789",
    ]);
  });
});

describe("least privilege, evaluated", () => {
  it("a service reads its own secret, not its neighbour's, not another environment's", () => {
    const svc = rules("svc-dev-payment-service");
    expect(allows(svc, "secret/data/apps/dev/payment-service/stripe", "read")).toBe(true);
    expect(allows(svc, "secret/data/apps/dev/user-service/auth", "read")).toBe(false);
    expect(allows(svc, "secret/data/apps/staging/payment-service/stripe", "read")).toBe(false);
    expect(allows(svc, "secret/data/apps/dev/payment-service/stripe", "update")).toBe(false);
    expect(allows(svc, "secret/metadata/apps/dev/payment-service/stripe", "list")).toBe(false);
    expect(allows(svc, "database/creds/dev-payment-service-payments", "read")).toBe(true);
    expect(allows(svc, "database/creds/dev-user-service-users", "read")).toBe(false);
    expect(allows(svc, "transit/encrypt/dev-payments", "update")).toBe(true);
    expect(allows(svc, "transit/decrypt/dev-payments", "update")).toBe(true);
    expect(allows(svc, "transit/rewrap/dev-payments", "update")).toBe(true);
    expect(allows(svc, "transit/keys/dev-payments", "update")).toBe(false);
  });

  it("an environment's ESO store reads its environment only", () => {
    const eso = rules("eso-dev");
    expect(allows(eso, "secret/data/apps/dev/user-service/auth", "read")).toBe(true);
    expect(allows(eso, "secret/data/apps/staging/user-service/auth", "read")).toBe(false);
    expect(allows(eso, "secret/data/apps/production/user-service/auth", "read")).toBe(false);
    expect(allows(eso, "secret/data/apps/dev/user-service/auth", "create")).toBe(false);
    expect(allows(eso, "secret/data/shared-services/kafka/dev", "read")).toBe(true);
    expect(allows(eso, "secret/data/shared-services/kafka/production", "read")).toBe(false);
    expect(allows(eso, "database/creds/dev-user-service-users", "read")).toBe(true);
    expect(allows(eso, "database/creds/production-user-service-users", "read")).toBe(false);
    // No service asks for a certificate in the reference spec (issue 15.6).
    expect(allows(eso, "pki/issue/dev-cert", "update")).toBe(false);
    expect(allows(eso, "pki/issue/dev-cert", "create")).toBe(false);
    expect(allows(eso, "secret/data/ci-cd/argocd/repo", "read")).toBe(false);
  });

  it("an ESO store reads only the shared services its environment uses", async () => {
    const spec = referenceCopy();
    spec.services![0].environments = ["dev", "staging"]; // user-service: redis
    spec.services![2].environments = ["dev"]; // notification-service: kafka, redis
    const prod = (await parsedPolicies(synthStacks(spec).vault)).get("eso-production")!.rules;
    expect(allows(prod, "secret/data/shared-services/kafka/production", "read")).toBe(true);
    expect(allows(prod, "secret/data/shared-services/redis/production", "read")).toBe(false);
  });

  it("developers work in non-production and are denied production", () => {
    const dev = rules("developer");
    expect(allows(dev, "secret/data/apps/dev/user-service/auth", "update")).toBe(true);
    expect(allows(dev, "secret/metadata/apps/staging/user-service/auth", "list")).toBe(true);
    expect(allows(dev, "secret/data/apps/production/user-service/auth", "read")).toBe(false);
    expect(allows(dev, "secret/metadata/apps/production/user-service/auth", "list")).toBe(false);
    expect(allows(dev, "database/creds/production-user-service-users", "read")).toBe(false);
    expect(allows(dev, "sys/policies/acl/developer", "update")).toBe(false);
  });

  it("the snapshot job can take raft snapshots and nothing else", () => {
    const snap = rules("raft-snapshot");
    expect(allows(snap, "sys/storage/raft/snapshot", "read")).toBe(true);
    expect(allows(snap, "sys/storage/raft/snapshot-force", "update")).toBe(false);
    expect(allows(snap, "sys/storage/raft/snapshot", "update")).toBe(false);
    expect(allows(snap, "secret/data/apps/dev/user-service/auth", "read")).toBe(false);
  });

  it("a CI tool reads its own tree and its listed extra paths", () => {
    const argo = rules("ci-argocd");
    expect(allows(argo, "secret/data/ci-cd/argocd/repo-creds", "read")).toBe(true);
    expect(allows(argo, "secret/data/clusters/production", "read")).toBe(true);
    expect(allows(argo, "secret/data/ci-cd/tekton/registry", "read")).toBe(false);
    expect(allows(rules("ci-tekton"), "secret/data/clusters/production", "read")).toBe(false);
  });
});
