import { readFileSync } from "node:fs";
import { join } from "node:path";
import { generatedReadme } from "../../scripts/readme-checks";
import { referenceSpec } from "../../spec/reference";
import { validateSpec } from "../../spec/validate";
import { buildPlatformModel } from "../../model";
import { overviewDiagram } from "./architecture-graph";
import { architectureMarkdown, mermaidBlock } from "./architecture-md";
import { specReferenceMarkdown } from "./spec-reference";
import { SCHEMA_FILE, specJsonSchema, specJsonSchemaText } from "./spec-schema";

export const ROOT = join(__dirname, "..", "..");

/** Every generated file of the repository (path relative to the root → content), from the reference spec and the schema. */
export async function generatedFiles(root = ROOT): Promise<Record<string, string>> {
  const valid = validateSpec(structuredClone(referenceSpec));
  if (!valid.ok) throw new Error(`the reference spec is invalid: ${JSON.stringify(valid.problems)}`);
  const model = buildPlatformModel(valid.spec);
  return {
    "docs/architecture.md": architectureMarkdown(valid.spec, model, "the reference spec (spec/reference.ts)"),
    [SCHEMA_FILE]: specJsonSchemaText(root),
    "docs/spec-reference.md": specReferenceMarkdown(specJsonSchema(root)),
    "README.md": withOverview(await generatedReadme(readFileSync(join(root, "README.md"), "utf8")), mermaidBlock(overviewDiagram(model))),
  };
}

/** The README with the overview picture between its `docs:overview` markers. */
export function withOverview(readme: string, block: string): string {
  const begin = "<!-- docs:overview:begin -->";
  const end = "<!-- docs:overview:end -->";
  const from = readme.indexOf(begin);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md: markers ${begin} ... ${end} missing`);
  return `${readme.slice(0, from + begin.length)}\n${block}\n${readme.slice(to)}`;
}
