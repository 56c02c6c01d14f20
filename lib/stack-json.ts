import { TerraformElement, TerraformOutput, TerraformStack } from "cdktf";
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
 * archived), without its last step: resolving the whole merged document once more. Every fragment
 * is already resolved when it is merged, so that pass only re-resolved resolved values (a third of
 * the Terraform layer's time at 1000 services); the stack's own overrides, the one input that is
 * merged unresolved, are resolved here. test/stack-json.test.ts compares it with toTerraform.
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
  for (const meta of elements.map((e) => resolve(stack, e.toMetadata()))) deepMerge(metadata, meta);
  const outputs: Record<string, unknown> = {};
  for (const item of elements) {
    if (!TerraformOutput.isTerraformOutput(item)) continue;
    deepMerge(outputs, item.node.path.split("/").reduceRight<Record<string, unknown>>((inner, part) => ({ [part]: Object.keys(inner).length === 0 ? item.friendlyUniqueId : inner }), {}));
  }
  const tf: Record<string, unknown> = { "//": resolve(stack, { metadata, outputs }) };
  for (const fragment of elements.map((e) => resolve(stack, e.toTerraform()))) deepMerge(tf, fragment);
  deepMerge(tf, resolve(stack, rawOverrides));
  return tf;
}
