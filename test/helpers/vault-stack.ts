import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "@cdktf/hcl2json";
import { type AclRule, rulesFromParsedHcl } from "../../checks/vault-acl";
import type { PlatformSpecInput } from "../../spec/schema";
import { synthTerraformToTemp } from "./synth";

/** A synthesized stack's cdk.tf.json, read back from disk (what Terraform will see). */
export type StackJson = { resource: Record<string, Record<string, Record<string, unknown>>>; variable?: Record<string, Record<string, unknown>>; output?: Record<string, unknown>; terraform?: unknown; provider?: unknown };

/**
 * The written stacks: aws, every Vault stack by name (`stacks`), and `vault`, the Vault stacks'
 * resources, variables and outputs together with the core's provider and backend (no address
 * repeats across them), for tests about the Vault layer as a whole.
 */
export function synthStacks(spec: PlatformSpecInput): { aws: StackJson; vault: StackJson; stacks: Record<string, StackJson>; dir: string } {
  const dir = synthTerraformToTemp(spec);
  // What Terraform reads: the written cdk.tf.json (tests that run terraform use dir).
  const read = (name: string) => JSON.parse(readFileSync(join(dir, "stacks", name, "cdk.tf.json"), "utf8")) as StackJson;
  const names = Object.keys(JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")).stacks as Record<string, unknown>);
  const stacks = Object.fromEntries(names.map((n) => [n, read(n)]));
  return { aws: stacks.aws, vault: mergedVaultStacks(stacks), stacks, dir };
}

export function mergedVaultStacks(stacks: Record<string, StackJson>): StackJson {
  const vault = Object.entries(stacks).filter(([n]) => n.startsWith("vault-"));
  const merged: StackJson = { terraform: stacks["vault-core"]?.terraform, provider: stacks["vault-core"]?.provider, resource: {} };
  for (const [, j] of vault) {
    for (const [type, byName] of Object.entries(j.resource ?? {})) merged.resource[type] = { ...merged.resource[type], ...byName };
    if (j.variable) merged.variable = { ...merged.variable, ...j.variable };
    if (j.output) merged.output = { ...merged.output, ...j.output };
  }
  return merged;
}

/** Resources of one type, keyed by an argument (e.g. role_name), metadata stripped. */
export function byArg(stack: StackJson, type: string, arg: string): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const r of Object.values(stack.resource[type] ?? {})) {
    const { "//": _meta, ...rest } = r;
    out[String(rest[arg])] = rest;
  }
  return out;
}

/** Every vault_policy of a stack, parsed by HashiCorp's HCL parser. */
export async function parsedPolicies(stack: StackJson): Promise<Map<string, { hcl: string; parsed: Record<string, unknown>; rules: AclRule[] }>> {
  const out = new Map<string, { hcl: string; parsed: Record<string, unknown>; rules: AclRule[] }>();
  for (const [name, p] of Object.entries(byArg(stack, "vault_policy", "name"))) {
    const hcl = String(p.policy);
    const parsed = await parse(`${name}.hcl`, hcl);
    out.set(name, { hcl, parsed, rules: rulesFromParsedHcl(parsed) });
  }
  return out;
}
