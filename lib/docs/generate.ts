import { readFileSync } from "node:fs";
import { join } from "node:path";
import { generatedReadme } from "../../scripts/readme-checks";
import { referenceSpec } from "../../spec/reference";
import { validateSpec } from "../../spec/validate";
import { synthesize } from "../synthesize";
import { specReferenceMarkdown } from "./spec-reference";
import { SCHEMA_FILE, specJsonSchema, specJsonSchemaText } from "./spec-schema";

export const ROOT = join(__dirname, "..", "..");

/** Every generated file of the repository (path relative to the root → content), from the reference spec and the schema. */
export async function generatedFiles(root = ROOT): Promise<Record<string, string>> {
  const valid = validateSpec(structuredClone(referenceSpec));
  if (!valid.ok) throw new Error(`the reference spec is invalid: ${JSON.stringify(valid.problems)}`);
  const synthesis = synthesize(valid.spec);
  void synthesis;
  return {
    [SCHEMA_FILE]: specJsonSchemaText(root),
    "docs/spec-reference.md": specReferenceMarkdown(specJsonSchema(root)),
    "README.md": await generatedReadme(readFileSync(join(root, "README.md"), "utf8")),
  };
}
