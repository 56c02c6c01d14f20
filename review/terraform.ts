import { compareStrings } from "../lib/compare";
import type { Synthesis } from "../lib/synthesis";
import { changedFields, type Obj } from "./fields";
import type { Action, Layer, ResourceChange } from "./types";

/** A Terraform resource of one side: `<stack>/<type>.<name>`. */
export interface TfEntry {
  resource: string;
  stack: string;
  type: string;
  name: string;
  value: Obj;
}

export function tfResources(s: Synthesis): Map<string, TfEntry> {
  const out = new Map<string, TfEntry>();
  for (const [stack, json] of Object.entries(s.terraform.stacks)) {
    for (const [type, byName] of Object.entries<Obj>(json?.resource ?? {})) {
      for (const [name, value] of Object.entries<Obj>(byName ?? {})) out.set(`${stack}/${type}.${name}`, { resource: `${stack}/${type}.${name}`, stack, type, name, value });
    }
  }
  return out;
}

/** Terraform's resource_changes of `terraform show -json` (the fields read here). */
export interface PlanJson {
  resource_changes?: { address: string; type: string; change: { actions: string[]; before?: Obj; after?: Obj } }[];
}

const layerOf = (stack: string): Layer => (stack === "aws" ? "aws" : "vault");

/** Plan actions as the review names them: ["delete","create"] and ["create","delete"] replace. */
export function planAction(actions: string[]): Action | undefined {
  if (actions.includes("delete") && actions.includes("create")) return "replace";
  if (actions.includes("create")) return "add";
  if (actions.includes("delete")) return "remove";
  if (actions.includes("update")) return "change";
  return undefined;
}

/**
 * Resources added, changed and removed between the two syntheses, per stack. With a real plan of
 * the AWS stack, its actions replace the synthesized comparison for that stack (replacements and
 * updates the provider computes, e.g. a changed name forcing a new bucket).
 */
export function terraformChanges(base: Synthesis, head: Synthesis, awsPlan?: PlanJson): ResourceChange[] {
  const b = tfResources(base);
  const h = tfResources(head);
  const out: ResourceChange[] = [];
  for (const key of [...new Set([...b.keys(), ...h.keys()])].sort()) {
    const stack = key.slice(0, key.indexOf("/"));
    if (awsPlan && stack === "aws") continue;
    const before = b.get(key)?.value;
    const after = h.get(key)?.value;
    if (!before) out.push({ layer: layerOf(stack), action: "add", resource: key, fields: [] });
    else if (!after) out.push({ layer: layerOf(stack), action: "remove", resource: key, fields: [] });
    else {
      const fields = changedFields(before, after);
      if (fields.length > 0) out.push({ layer: layerOf(stack), action: "change", resource: key, fields });
    }
  }
  for (const rc of awsPlan?.resource_changes ?? []) {
    const action = planAction(rc.change.actions);
    if (action) out.push({ layer: "aws", action, resource: `aws/${rc.address}`, fields: action === "change" || action === "replace" ? changedFields(rc.change.before, rc.change.after) : [] });
  }
  return out.sort((x, y) => compareStrings(x.resource, y.resource));
}
