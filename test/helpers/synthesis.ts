import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { synthesizeYielding } from "../../lib/synthesize";
import { type Synthesis, vaultResources } from "../../lib/synthesis";
import type { PlatformSpecInput } from "../../spec/schema";
import { validateSpec } from "../../spec/validate";
import { referenceCopy, ROOT } from "./synth";

/** A spec of the repository: the reference spec or an example file. */
export function specByName(name: "reference" | `examples/${string}`): PlatformSpecInput {
  if (name === "reference") return referenceCopy();
  const text = readFileSync(join(ROOT, name), "utf8");
  return (name.endsWith(".json") ? JSON.parse(text) : parseYaml(text)) as PlatformSpecInput;
}

/** The in-memory synthesis of a spec (nothing written), yielding between the layers so the test worker stays responsive. */
export async function synthesisOf(input: PlatformSpecInput): Promise<Synthesis> {
  const result = validateSpec(input);
  if (!result.ok) throw new Error(`spec invalid: ${JSON.stringify(result.problems, null, 2)}`);
  return synthesizeYielding(result.spec);
}

/**
 * Every Vault stack's resources by type and name (the resource objects themselves: editing one
 * edits the synthesis; adding or deleting a name does not, use the owning stack for that).
 */
export const vaultOf = (s: Synthesis) => vaultResources(s.terraform.stacks).resource;
