/**
 * Regenerates every generated file (npm run docs): spec/platform.schema.json, docs/spec-reference.md,
 * docs/architecture.md, docs/inventory.md and the README's generated parts. test/docs-generated.test.ts
 * fails when one is stale.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { generatedFiles, ROOT } from "../lib/docs/generate";

generatedFiles().then((files) => {
  for (const [path, text] of Object.entries(files)) writeFileSync(join(ROOT, path), text);
  console.log(`wrote ${Object.keys(files).join(", ")}`);
});
