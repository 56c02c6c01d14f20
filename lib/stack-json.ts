import { TerraformElement, TerraformOutput, TerraformStack, Token } from "cdktf";
import { resolve } from "cdktf/lib/_tokens";
import { deepMerge } from "cdktf/lib/util";
import type { IConstruct } from "constructs";

/** The stack's elements in construct order, not entering nested stacks (terraformElements, cdktf/lib/terraform-stack.js). */
function elementsOf(node: IConstruct, into: TerraformElement[] = []): TerraformElement[] {
  if (TerraformElement.isTerraformElement(node)) into.push(node);
  for (const child of node.node.children) if (!TerraformStack.isStack(child)) elementsOf(child, into);
  return into;
}

/**
 * The stack's Terraform JSON, as TerraformStack.toTerraform builds it (cdktf 0.21.0, pinned and
 * archived), at a fraction of the cost: without its last step, resolving the whole merged document
 * once more (every fragment is already resolved when it is merged; the stack's own overrides, the
 * one input merged unresolved, are resolved here), and with plain data copied instead of passed
 * through cdktf's resolver (`resolved` below). test/stack-json.test.ts compares it with
 * toTerraform for every spec and for tokens of every kind.
 */
export function stackJson(stack: TerraformStack): Record<string, unknown> {
  const rawOverrides = (stack as unknown as { rawOverrides: Record<string, unknown> }).rawOverrides;
  const metadata: Record<string, unknown> = {
    version: stack.node.tryGetContext("cdktfVersion"),
    stackName: stack.node.id,
    backend: "local",
    cloud: undefined,
    ...(Object.keys(rawOverrides).length > 0 ? { overrides: { stack: Object.keys(rawOverrides) } } : {}),
  };
  const elements = elementsOf(stack);
  for (const meta of elements.map((e) => resolved(stack, e.toMetadata()))) deepMerge(metadata, meta);
  const outputs: Record<string, unknown> = {};
  for (const item of elements) {
    if (!TerraformOutput.isTerraformOutput(item)) continue;
    deepMerge(outputs, item.node.path.split("/").reduceRight<Record<string, unknown>>((inner, part) => ({ [part]: Object.keys(inner).length === 0 ? item.friendlyUniqueId : inner }), {}));
  }
  const tf: Record<string, unknown> = { "//": resolve(stack, { metadata, outputs }) };
  for (const fragment of elements.map((e) => resolved(stack, e.toTerraform()))) deepMerge(tf, fragment);
  deepMerge(tf, resolve(stack, rawOverrides));
  return tf;
}

/** Whether cdktf's resolve could change a string: an encoded token, a map-token value, or a number that may be a token. */
function mayHoldToken(s: string): boolean {
  return s.includes("TfToken[") || s === Token.STRING_MAP_TOKEN_VALUE || s === Token.ANY_MAP_TOKEN_VALUE || /\d[eE][-+]?\d/.test(s);
}

/**
 * cdktf's resolve(stack, value) (tokens/private/resolve.js), which allocates a resolution context
 * and runs its token patterns for every key and value: here plain data is copied as resolve copies
 * it (undefined dropped from objects and arrays) and only what may hold a token goes to cdktf.
 * Resolve gives nested values no context of their own unless a token sets one, so resolving such a
 * part alone yields what resolving the whole yields.
 */
function resolved(stack: TerraformStack, value: unknown): unknown {
  if (value === undefined || value === null || typeof value === "boolean") return value;
  if (typeof value === "string") return mayHoldToken(value) ? resolve(stack, value) : value;
  if (typeof value === "number") return Token.isUnresolved(value) || value === Token.NUMBER_MAP_TOKEN_VALUE ? resolve(stack, value) : value;
  if (typeof value !== "object") return resolve(stack, value);
  if (Array.isArray(value)) {
    if (value.some((x) => (typeof x === "string" && x.includes("TfToken[")) || (typeof x === "number" && Token.isUnresolved(x)))) return resolve(stack, value);
    const out: unknown[] = [];
    for (const x of value) {
      const r = resolved(stack, x);
      if (r !== undefined) out.push(r);
    }
    return out;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype || typeof (value as { resolve?: unknown }).resolve === "function") return resolve(stack, value);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (mayHoldToken(key)) return resolve(stack, value);
    const r = resolved(stack, (value as Record<string, unknown>)[key]);
    if (r !== undefined) out[key] = r;
  }
  return out;
}
