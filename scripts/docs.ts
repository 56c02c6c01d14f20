/**
 * npm run docs: regenerates every generated file of the repository (spec/platform.schema.json,
 * docs/spec-reference.md, docs/architecture.md, the README's overview picture, check table and
 * sample report; test/docs-generated.test.ts fails when one is stale), or, given a spec, draws that
 * platform: its architecture.md (pictures and inventory) in --dir.
 *
 *   npm run docs [-- <spec> --dir <folder>]
 *
 * Exit codes: 0 written, 2 bad spec or usage, 1 unexpected failure.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { reportFailure, UsageError } from "../lib/cli";
import { architectureMarkdown } from "../lib/docs/architecture-md";
import { generatedFiles, ROOT } from "../lib/docs/generate";
import { buildPlatformModel } from "../model";
import { loadSpec } from "../spec/load";

const USAGE = `usage: npm run docs [-- <spec.(ts|json|yaml)> --dir <folder>]
  (no arguments)  regenerate the repository's generated files from the reference spec and the schema
  spec --dir      write <folder>/architecture.md (pictures and inventory) for that spec
  -h, --help      this text
Exit codes: 0 written, 2 bad spec or usage, 1 unexpected failure.`;

async function main(argv: string[]): Promise<string> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { dir: { type: "string" }, help: { type: "boolean", short: "h" } } });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (parsed.values.help) return USAGE;
  const [specFile, ...more] = parsed.positionals;
  if (more.length > 0) throw new UsageError(`expected at most one spec file, got ${parsed.positionals.length}`);
  if ((specFile === undefined) !== (parsed.values.dir === undefined)) throw new UsageError("a spec and --dir go together: the repository's own docs are regenerated without either");
  if (specFile !== undefined) {
    const { source, spec } = await loadSpec(specFile);
    mkdirSync(parsed.values.dir!, { recursive: true });
    const file = join(parsed.values.dir!, "architecture.md");
    writeFileSync(file, architectureMarkdown(spec, buildPlatformModel(spec), source));
    return `wrote ${file}`;
  }
  const files = await generatedFiles();
  for (const [path, text] of Object.entries(files)) writeFileSync(join(ROOT, path), text);
  return `wrote ${Object.keys(files).join(", ")}`;
}

main(process.argv.slice(2)).then(
  (message) => console.log(message),
  (e) => reportFailure(e, { usage: USAGE, command: "npm run docs" }),
);
