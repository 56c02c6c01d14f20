import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { benchmarkSpec } from "../bench/specs";
import { vaultStateSplitNotes } from "../checks/day2/vault-state-split";
import { synthTerraform } from "../lib/synth-terraform";
import { run } from "../review/spawn";
import { modelOf, referenceCopy, ROOT } from "./helpers/synth";
import { type StackJson, synthStacks } from "./helpers/vault-stack";

/**
 * Issue 17: the Vault layer in one Terraform state per stack. The core (mounts, auth methods, CAs,
 * audit, autopilot) and one stack per environment; nothing crosses stacks but names.
 */
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const addresses = (stack: StackJson) => Object.entries(stack.resource ?? {}).flatMap(([type, rs]) => Object.keys(rs).map((name) => `${type}.${name}`));
const yieldToWorker = () => new Promise((resolve) => setImmediate(resolve));

describe("the Vault stacks of the reference spec", () => {
  let stacks: Record<string, StackJson>;
  let dir: string;
  beforeAll(() => ({ stacks, dir } = synthStacks(referenceCopy())));

  it("are vault-core and one per environment, each with its own local state file; cdktf deploys the core first", () => {
    expect(Object.keys(stacks).sort()).toEqual(["aws", "vault-core", "vault-dev", "vault-production", "vault-staging"]);
    for (const name of ["vault-core", "vault-dev", "vault-production", "vault-staging"]) {
      expect((stacks[name].terraform as Json).backend, name).toEqual({ local: { path: `../../../terraform.${name}.tfstate` } });
    }
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    expect(manifest.stacks["vault-core"].dependencies).toEqual([]);
    for (const env of ["dev", "staging", "production"]) expect(manifest.stacks[`vault-${env}`].dependencies, env).toEqual(["vault-core"]);
  });

  it("the S3 backend gives each stack its own state key", () => {
    const spec = { ...referenceCopy(), terraformState: { backend: "s3" as const, bucket: "shop-tf-state", dynamodbTable: "shop-tf-locks" } };
    const s3 = synthTerraform(modelOf(spec), { outDir: join(mkdtempSync(join(tmpdir(), "vep-s3-")), "cdktf.out") }).stacks;
    const keys = Object.fromEntries(Object.entries<Json>(s3).map(([n, j]) => [n, j.terraform.backend.s3.key]));
    expect(keys).toEqual({
      aws: "shop/aws.tfstate",
      "vault-core": "shop/vault-core.tfstate",
      "vault-dev": "shop/vault-dev.tfstate",
      "vault-staging": "shop/vault-staging.tfstate",
      "vault-production": "shop/vault-production.tfstate",
    });
  });

  it("the core holds the mounts, auth methods, CAs, audit and autopilot; an environment's stack holds only its own roles, policies, connections and secret metadata", () => {
    const types = (name: string) => [...new Set(addresses(stacks[name]).map((a) => a.split(".")[0]))].sort();
    expect(types("vault-core")).toEqual(
      expect.arrayContaining(["vault_audit", "vault_auth_backend", "vault_kubernetes_auth_backend_config", "vault_mount", "vault_password_policy", "vault_pki_secret_backend_root_cert", "vault_raft_autopilot"]),
    );
    expect(types("vault-production")).toEqual([
      "vault_database_secret_backend_connection",
      "vault_database_secret_backend_role",
      "vault_generic_endpoint",
      "vault_kubernetes_auth_backend_role",
      "vault_pki_secret_backend_role",
      "vault_policy",
      "vault_transit_secret_backend_key",
    ]);
    const named = (name: string) => JSON.stringify(stacks[name].resource);
    for (const env of ["dev", "staging", "production"]) {
      for (const other of ["dev", "staging", "production"].filter((e) => e !== env)) {
        // eso-<env>, svc-<env>-..., <env>-users, apps/<env>/..., <env>-cert, <env>-payments: no other environment's name.
        expect(named(`vault-${env}`), `${env} holds ${other}`).not.toMatch(new RegExp(`"(eso-${other}|svc-${other}-[a-z-]+|${other}-(users|payments|cert))"|apps/${other}/`));
      }
    }
    expect(Object.values(stacks["vault-production"].resource.vault_policy).map((p) => p.name).sort()).toEqual(["eso-production", "svc-production-payment-service"]);
  });

  it("no stack reads another's state: no terraform_remote_state, no output, no reference to a resource it does not hold", () => {
    for (const [name, stack] of Object.entries(stacks).filter(([n]) => n.startsWith("vault-"))) {
      const text = JSON.stringify(stack);
      expect(text, name).not.toContain("terraform_remote_state");
      expect((stack as Json).data ?? {}, name).toEqual({});
      const own = new Set(addresses(stack));
      const references = [...text.matchAll(/\$\{(?:[^}]*?\b)?((?:vault|terraform)_[a-z_]+\.[a-z0-9_]+)\.[a-z_]+/g)].map((m) => m[1]);
      const bare = [...text.matchAll(/"((?:vault|terraform)_[a-z_]+\.[a-z0-9_]+)"/g)].map((m) => m[1]).filter((a) => !a.startsWith("vault_policy.") || own.has(a));
      expect([...references, ...bare].filter((a) => !own.has(a)), name).toEqual([]);
    }
    // Only the database connections' preparation SQL is an output, per environment, for the DBA.
    expect(Object.keys(stacks["vault-core"].output ?? {})).toEqual([]);
    expect(Object.keys(stacks["vault-dev"].output ?? {})).toEqual(["database_preparation_sql"]);
  });
});

describe("(issue 17) the 1000-service benchmark spec: no state above 5,000 resources, production in its own", () => {
  it("resources per stack", async () => {
    await yieldToWorker();
    const tf = synthTerraform(modelOf(benchmarkSpec({ services: 1000 })), { outDir: join(mkdtempSync(join(tmpdir(), "vep-1000-")), "cdktf.out") });
    await yieldToWorker();
    const counts = Object.fromEntries(Object.entries<Json>(tf.stacks).map(([n, j]) => [n, Object.values<Json>(j.resource ?? {}).reduce((a, rs) => a + Object.keys(rs).length, 0)]));
    expect(Object.keys(counts).sort()).toEqual(["aws", "vault-core", "vault-dev", "vault-production", "vault-staging"]);
    for (const [name, n] of Object.entries(counts)) expect(n, name).toBeLessThanOrEqual(5000);
    // Before the split: one stack of 7,457.
    expect(counts["vault-core"] + counts["vault-dev"] + counts["vault-staging"] + counts["vault-production"]).toBeGreaterThan(7400);
    expect(counts["vault-production"]).toBeGreaterThan(2000);
  }, 120_000);
});

describe("day 2: from the single vault state to one per stack", () => {
  const script = join(ROOT, "scripts/split-vault-state.sh");
  let dir: string;
  let stacks: Record<string, StackJson>;
  beforeAll(() => ({ dir, stacks } = synthStacks(referenceCopy())));

  /** A deployed single-stack state: every address the Vault stacks render (ids kept to prove nothing is lost), plus extras. */
  function oldState(extra: string[]): string {
    const all = Object.entries(stacks).filter(([n]) => n.startsWith("vault-")).flatMap(([, s]) => addresses(s));
    const resources = [...all, ...extra].map((address) => {
      const [type, name] = address.split(".");
      const provider = type === "terraform_data" ? 'provider["terraform.io/builtin/terraform"]' : 'provider["registry.terraform.io/hashicorp/vault"]';
      return { mode: "managed", type, name, provider, instances: [{ schema_version: 0, attributes: { id: `id of ${address}` }, sensitive_attributes: [] }] };
    });
    const file = join(mkdtempSync(join(tmpdir(), "vep-split-")), "terraform.vault.tfstate");
    writeFileSync(file, JSON.stringify({ version: 4, terraform_version: "1.11.4", serial: 42, lineage: "0f6c1d2e-3a4b-4c5d-8e6f-708192a3b4c5", outputs: {}, resources, check_results: null }));
    return file;
  }

  it("the runbook's script moves every resource to the stack that renders it, keeps its object, and names what no stack renders", async () => {
    const old = oldState(["vault_policy.policy_retired"]);
    const dest = join(old, "..", "split");
    const r = await run("bash", [script, old, dir, dest], { cwd: ROOT });
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toContain("vault_policy.policy_retired");
    for (const name of ["vault-core", "vault-dev", "vault-staging", "vault-production"]) {
      const state = JSON.parse(readFileSync(join(dest, `${name}.tfstate`), "utf8"));
      const moved = state.resources.map((x: Json) => `${x.type}.${x.name}`).sort();
      expect(moved, name).toEqual(addresses(stacks[name]).sort());
      for (const x of state.resources) expect(x.instances[0].attributes.id).toBe(`id of ${x.type}.${x.name}`);
    }
    const dev = JSON.parse(readFileSync(join(dest, "vault-dev.tfstate"), "utf8")).resources.map((x: Json) => `${x.type}.${x.name}`);
    expect(dev).toEqual(expect.arrayContaining(["vault_policy.policy_eso_dev", "vault_kubernetes_auth_backend_role.auth_kubernetes_role_eso_dev", "vault_database_secret_backend_connection.database_connection_dev_users"]));
    expect(dev).not.toContain("vault_policy.policy_eso_production");
    const left = JSON.parse(readFileSync(old, "utf8")).resources.map((x: Json) => `${x.type}.${x.name}`);
    expect(left).toEqual(["vault_policy.policy_retired"]);
  }, 240_000);

  it("VEP-D12: a base with the single vault stack and a split head is a warning naming the runbook", () => {
    const merged: Json = { resource: {} };
    for (const [n, s] of Object.entries(stacks).filter(([k]) => k.startsWith("vault-"))) {
      for (const [type, rs] of Object.entries(s.resource)) {
        // The environments' pipeline policies are new with the split.
        const kept = Object.fromEntries(Object.entries(rs).filter(([name]) => !(n === "vault-core" && /^policy_terraform_/.test(name))));
        merged.resource[type] = { ...merged.resource[type], ...kept };
      }
    }
    const head = Object.fromEntries(Object.entries(stacks)) as Json;
    const notes = vaultStateSplitNotes({ aws: stacks.aws, vault: merged }, head);
    expect(notes).toEqual([
      {
        id: "VEP-D12",
        severity: "warning",
        message:
          "the Vault layer moves from one Terraform state (stack vault, 87 resources) to one per stack: vault-core 33, vault-dev 18, vault-production 18, vault-staging 18. " +
          "Move each resource's state to its new stack before any apply (nothing in Vault changes); applying the new stacks first would create objects that exist (mounts fail, policies and roles are overwritten) while the old state still owns them.",
        runbook: "docs/runbooks/split-vault-state.md",
      },
    ]);
    expect(vaultStateSplitNotes(head, head)).toEqual([]);
  });
});
