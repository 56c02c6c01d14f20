import { readFileSync } from "node:fs";

/**
 * SchemaStore's GitHub workflow schema (https://json.schemastore.org/github-workflow.json), as the
 * pinned @action-validator/core 0.6.0 ships it: the package's WebAssembly embeds SchemaStore's file
 * verbatim (its Rust source includes the schemastore repository as a submodule). Read from there at
 * test time, so the pinned package is the only copy; provenance and licences in test/schemas/README.md.
 */
export function githubWorkflowSchema(): Record<string, unknown> {
  const wasm = readFileSync(require.resolve("@action-validator/core/action_validator_bg.wasm")).toString("latin1");
  const id = wasm.indexOf('"$id": "https://json.schemastore.org/github-workflow.json"');
  if (id < 0) throw new Error("@action-validator/core no longer embeds SchemaStore's github-workflow.json");
  const start = wasm.lastIndexOf("\n{\n", id) + 1;
  // The document ends where its outermost brace closes (strings may hold braces).
  let depth = 0;
  let inString = false;
  for (let i = start; i < wasm.length; i++) {
    const c = wasm[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return JSON.parse(Buffer.from(wasm.slice(start, i + 1), "latin1").toString("utf8"));
  }
  throw new Error("the embedded github-workflow.json does not close");
}
