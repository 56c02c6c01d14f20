import { readdirSync } from "node:fs";
import { join } from "node:path";
import { Mount } from "@cdktf/provider-vault/lib/mount";
import { VaultProvider } from "@cdktf/provider-vault/lib/provider";
import { Fn, TerraformOutput, TerraformStack, TerraformVariable, Token } from "cdktf";
import { Construct } from "constructs";
import { describe, expect, it } from "vitest";
import { benchmarkSpec } from "../bench/specs";
import { stackJson } from "../lib/stack-json";
import { synthTerraform, terraformStacks } from "../lib/synth-terraform";
import { modelOf, ROOT } from "./helpers/synth";
import { specByName } from "./helpers/synthesis";

const specs = ["reference", ...readdirSync(join(ROOT, "examples")).filter((f) => /\.(ya?ml|json)$/.test(f)).map((f) => `examples/${f}` as const), "benchmark spec, 20 services"] as const;

const modelNamed = (name: (typeof specs)[number]) => modelOf(name === "benchmark spec, 20 services" ? benchmarkSpec({ services: 20 }) : specByName(name));

type StackDoc = { resource?: Record<string, Record<string, unknown>>; data?: Record<string, Record<string, unknown>> };

/** Addresses a stack declares: `type.name` for resources, `data.type.name` for data sources. */
function declared(doc: StackDoc): Set<string> {
  const out = new Set<string>();
  for (const [type, byName] of Object.entries(doc.resource ?? {})) for (const name of Object.keys(byName)) out.add(`${type}.${name}`);
  for (const [type, byName] of Object.entries(doc.data ?? {})) for (const name of Object.keys(byName)) out.add(`data.${type}.${name}`);
  return out;
}

describe("stack JSON without cdktf's extra resolve passes (lib/stack-json.ts)", () => {
  it.each(specs)("%s: every stack renders exactly as App.synth's prepareStack + toTerraform", (name) => {
    const model = modelNamed(name);
    const stacks = terraformStacks(model, { outDir: "cdktf.out" });
    for (const stack of stacks) stack.prepareStack();
    for (const stack of stacks) expect(stackJson(stack), stack.node.id).toEqual(stack.toTerraform());
  });

  it("tokens of every kind (strings, numbers, lists, maps, in keys, inside plain data, in overrides) render as toTerraform renders them", () => {
    const root = new Construct(undefined as unknown as Construct, "");
    root.node.setContext("cdktfVersion", "0.21.0");
    const stack = new TerraformStack(root, "tokens");
    new VaultProvider(stack, "vault", {});
    const name = new TerraformVariable(stack, "name", { type: "string" });
    const ttl = new TerraformVariable(stack, "ttl", { type: "number" });
    const headers = new TerraformVariable(stack, "headers", { type: "list(string)" });
    const options = new TerraformVariable(stack, "options", { type: "map(string)" });
    const first = new Mount(stack, "first", { path: `kv-${name.stringValue}`, type: "kv", maxLeaseTtlSeconds: ttl.numberValue, allowedResponseHeaders: headers.listValue, options: options.value });
    const second = new Mount(stack, "second", {
      path: "plain",
      type: "kv",
      description: `after ${first.path} 1e3`,
      auditNonHmacRequestKeys: ["plain", first.accessor, Fn.lower(name.stringValue)],
      options: { version: "2", [name.stringValue]: "keyed", nested: Token.asString({ a: first.id }) },
      defaultLeaseTtlSeconds: Fn.sum([ttl.numberValue, 1]),
      dependsOn: [first],
    });
    second.addOverride("lifecycle.replace_triggered_by", [`${first.terraformResourceType}.${first.friendlyUniqueId}`]);
    stack.addOverride("locals.derived", `${second.path}-${ttl.numberValue}`);
    new TerraformOutput(stack, "out", { value: second.accessor });
    stack.prepareStack();
    const fast = stackJson(stack);
    expect(fast).toEqual(stack.toTerraform());
    expect(JSON.stringify(fast)).toContain("${var.name}");
    expect(JSON.stringify(fast)).toContain("${vault_mount.first.accessor}");
  });

  // Skipping prepareStack's preparing pass is sound only while no reference crosses stacks: cdktf would
  // have wired one through an output and remote state, here it would stay a dangling address.
  it.each(specs)("%s: every resource or data source a stack references is declared in that stack", (name) => {
    const { stacks } = synthTerraform(modelNamed(name), { outDir: "cdktf.out" });
    const { dangling, references } = crossStackReferences(stacks as Record<string, StackDoc>);
    expect(dangling).toEqual([]);
    expect(references).toBeGreaterThan(0);
  });

  it("finds a reference to what another stack declares", () => {
    const { stacks } = synthTerraform(modelNamed("reference"), { outDir: "cdktf.out" });
    const docs = structuredClone(stacks) as Record<string, StackDoc>;
    const [type, byName] = Object.entries(docs["vault-core"].resource!).find(([t]) => t === "vault_mount")!;
    const foreign = `${type}.${Object.keys(byName)[0]}`;
    const [, policies] = Object.entries(docs["vault-dev"].resource!).find(([t]) => t === "vault_policy")!;
    (Object.values(policies)[0] as Record<string, unknown>).depends_on = [foreign];
    expect(crossStackReferences(docs).dangling).toEqual([`vault-dev references ${foreign}`]);
  });
});

/** References (`${type.name...}`, depends_on, replace_triggered_by) to resources or data sources not declared in the same stack. */
function crossStackReferences(docs: Record<string, StackDoc>): { dangling: string[]; references: number } {
  const types = new Set(Object.values(docs).flatMap((doc) => [...Object.keys(doc.resource ?? {}), ...Object.keys(doc.data ?? {}).map((t) => `data.${t}`)]));
  const address = new RegExp(`(?<![\\w.])((?:${[...types].map((t) => t.replace(/\./g, "\\.")).join("|")})\\.[A-Za-z_][\\w-]*)`, "g");
  const dangling: string[] = [];
  let references = 0;
  for (const [id, doc] of Object.entries(docs)) {
    const own = declared(doc);
    const found = [...JSON.stringify({ ...doc, "//": undefined }).matchAll(address)].map((m) => m[1]);
    references += found.length;
    dangling.push(...found.filter((a) => !own.has(a)).map((a) => `${id} references ${a}`));
  }
  return { dangling, references };
}
