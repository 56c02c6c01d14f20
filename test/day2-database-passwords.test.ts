import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { day2Notes } from "../checks/day2";
import type { PlatformSpecInput } from "../spec/schema";
import { modelOf, referenceCopy, yieldToWorker } from "./helpers/synth";
import { terraformWorkdir } from "./helpers/terraform";
import { byArg, type StackJson, synthStacks } from "./helpers/vault-stack";

/**
 * Issue 14, item 4: later applies of the Vault stack need passwords only for connections they create
 * or re-bootstrap. The hashicorp/vault provider is not in the offline mirror, so the rendered
 * expressions are evaluated by Terraform itself in a stub with no provider: the stack's
 * `database_admin_passwords` variable exactly as rendered (ephemeral, sensitive) and, per connection,
 * a terraform_data whose precondition asks whether the connection's rendered `password_wo` expression
 * is null. A failed precondition names a connection that would be sent a password.
 *
 * What the provider does with it (hashicorp/vault 5.8.0 resource_database_secret_backend_connection.go,
 * setDatabaseConnectionDataWithUserPass): it sends `password_wo` only for a new resource or when
 * `password_wo_version` changed, and only if the value is not null; otherwise Vault keeps the password
 * it rotated to.
 */

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const connections = (vault: StackJson) => byArg(vault, "vault_database_secret_backend_connection", "name");

/** A Terraform configuration with the stack's variable and one precondition per connection's password expression. */
function passwordStub(vault: StackJson): Json {
  const resources: Record<string, Json> = {};
  for (const [name, conn] of Object.entries(connections(vault))) {
    const expr = String((conn.postgresql as Json).password_wo);
    const inner = /^\$\{(.*)\}$/s.exec(expr)?.[1];
    if (!inner) throw new Error(`${name}: password_wo is not an expression: ${expr}`);
    resources[name.replace(/-/g, "_")] = {
      input: (conn.postgresql as Json).password_wo_version,
      lifecycle: { precondition: [{ condition: `\${(${inner}) == null}`, error_message: `password sent to ${name}` }] },
    };
  }
  return { variable: vault.variable, resource: { terraform_data: resources } };
}

/** Plans the stub with the given -var value (none: the variable is not set at all); returns the connections sent a password, or Terraform's error. */
async function passwordsSent(vault: StackJson, value?: Record<string, string>): Promise<{ sent: string[]; errors: string }> {
  const dir = mkdtempSync(join(tmpdir(), "vep-pw-"));
  writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(passwordStub(vault)));
  const tf = terraformWorkdir(dir);
  await tf.runAsync(["init", "-input=false"]);
  const r = await tf.runAsync(["plan", "-input=false", ...(value ? ["-var", `database_admin_passwords=${JSON.stringify(value)}`] : [])], { allowFailure: true });
  // Each failed precondition prints its error_message on a line of its own (the config excerpt quotes it too).
  const sent = [...new Set([...r.stderr.matchAll(/^password sent to ([a-z0-9-]+)$/gm)].map((m) => m[1]))].sort();
  const errors = r.stderr.split("\n").filter((l) => /^Error: /.test(l) && !/Resource precondition failed/.test(l)).join("\n");
  return { sent, errors };
}

/** The reference spec plus an orders database that payment-service uses in every environment. */
function withOrders(): PlatformSpecInput {
  const spec = referenceCopy();
  spec.databases!.push({ name: "orders", server: "postgres" });
  spec.services![1].databases!.push({ name: "orders", access: "read-write" });
  return spec;
}

describe("(issue 14.4) database_admin_passwords: later applies need only new keys", () => {
  it("the variable stays ephemeral and sensitive, and is optional and never null", () => {
    const { vault } = synthStacks(referenceCopy());
    expect(vault.variable?.database_admin_passwords).toMatchObject({ type: "map(string)", sensitive: true, ephemeral: true, default: {}, nullable: false });
  });

  it("base -> head adding a database: with only the three new keys, exactly the new connections get a password (no Invalid index)", async () => {
    const { vault } = synthStacks(withOrders());
    expect(Object.keys(connections(vault)).filter((c) => c.endsWith("-orders")).sort()).toEqual(["dev-orders", "production-orders", "staging-orders"]);
    const { sent, errors } = await passwordsSent(vault, { "dev-orders": "a", "staging-orders": "b", "production-orders": "c" });
    expect(errors).toBe("");
    expect(sent).toEqual(["dev-orders", "production-orders", "staging-orders"]);
  });

  it("an apply that creates no connection needs no value at all (no 'No value for required variable')", async () => {
    const { sent, errors } = await passwordsSent(synthStacks(referenceCopy()).vault);
    expect(errors).toBe("");
    expect(sent).toEqual([]);
  });

  it("the review names exactly the keys an apply needs: new connections and raised bootstrap versions", () => {
    const base = modelOf(referenceCopy());
    expect(day2Notes(base, modelOf(withOrders())).filter((n) => n.id === "VEP-D07").map((n) => n.message)).toEqual([
      expect.stringContaining("for dev-orders (new), production-orders (new), staging-orders (new): set TF_VAR_database_admin_passwords with exactly these keys"),
    ]);
    const restored = referenceCopy();
    restored.databases![0].bootstrapVersion = { production: 2 };
    const notes = day2Notes(base, modelOf(restored)).filter((n) => n.id === "VEP-D07");
    expect(notes).toEqual([expect.objectContaining({ severity: "info", runbook: "docs/runbooks/database-bootstrap.md" })]);
    expect(notes[0].message).toContain("for production-users (bootstrap version 1 -> 2)");
  });
});

describe("(issue 14.4) a bootstrap version per database and environment drives password_wo_version", () => {
  it("base -> head raising production's users bootstrap version: only production-users changes, to 2", async () => {
    const base = connections(synthStacks(referenceCopy()).vault);
    await yieldToWorker();
    const spec = referenceCopy();
    spec.databases![0].bootstrapVersion = { production: 2 };
    const head = connections(synthStacks(spec).vault);
    const versions = (c: typeof base) => Object.fromEntries(Object.entries(c).map(([n, x]) => [n, (x.postgresql as Json).password_wo_version]));
    expect(versions(base)).toEqual({ "dev-payments": 1, "dev-users": 1, "production-payments": 1, "production-users": 1, "staging-payments": 1, "staging-users": 1 });
    expect(versions(head)).toEqual({ "dev-payments": 1, "dev-users": 1, "production-payments": 1, "production-users": 2, "staging-payments": 1, "staging-users": 1 });
  });

  it("a number raises every environment's connection of that database", () => {
    const spec = referenceCopy();
    spec.databases![1].bootstrapVersion = 3;
    const conns = connections(synthStacks(spec).vault);
    expect(["dev-payments", "staging-payments", "production-payments"].map((n) => (conns[n].postgresql as Json).password_wo_version)).toEqual([3, 3, 3]);
    expect((conns["dev-users"].postgresql as Json).password_wo_version).toBe(1);
  });

  it("rotate-root runs again after a re-bootstrap: it is replaced whenever its connection changes", () => {
    const { vault } = synthStacks(referenceCopy());
    const rotate = Object.entries(vault.resource.vault_generic_endpoint).find(([, r]) => r.path === "database/rotate-root/production-users")!;
    expect((rotate[1] as Json).lifecycle.replace_triggered_by).toEqual(["vault_database_secret_backend_connection.database_connection_production_users"]);
  });
});
