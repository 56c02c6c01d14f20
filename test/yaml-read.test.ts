import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { kubernetesFiles } from "../lib/write-synthesis";
import { readOwnYaml } from "../lib/yaml-read";
import { ROOT } from "./helpers/synth";
import { specByName, synthesisOf } from "./helpers/synthesis";

const specs = ["reference", ...readdirSync(join(ROOT, "examples")).filter((f) => /\.(ya?ml|json)$/.test(f)).map((f) => `examples/${f}` as const)] as const;

/** What loadSynthesis read before lib/yaml-read.ts, and reads for anything it refuses: the yaml library. */
function viaLibrary(text: string): unknown {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs) || docs.length !== 1) throw new Error("expected one document");
  return docs[0].toJS();
}

describe("reading back the manifests this tool wrote (lib/yaml-read.ts)", () => {
  let fast = 0;
  let all = 0;
  it.each(specs)("every manifest file of %s reads as the yaml library reads it, key order included", async (name) => {
    const { kubernetes } = await synthesisOf(specByName(name));
    for (const [path, text] of Object.entries(kubernetesFiles(kubernetes)).filter(([p]) => p.endsWith(".yaml") && !p.endsWith("kustomization.yaml"))) {
      all++;
      const own = readOwnYaml(text);
      if (own === undefined) continue;
      fast++;
      const library = viaLibrary(text);
      expect(own, path).toStrictEqual(library);
      expect(JSON.stringify(own), path).toBe(JSON.stringify(library));
    }
  });

  it("most files take the direct path (else this compares the library with itself)", () => {
    expect(all).toBeGreaterThan(500);
    expect(fast / all).toBeGreaterThan(0.8);
  });

  it("reads nested sequences, sequences of mappings, empty collections, quoted strings and scalars", () => {
    const text = [
      "apiVersion: v1",
      "kind: X",
      "data:",
      '  "8080": "8200"',
      "  port: 8200",
      "  negative: -3",
      "  on: true",
      "  nothing: null",
      "  yes: yes",
      "  empty: {}",
      "  none: []",
      "  list:",
      "    - a",
      "    - - b",
      "      - c",
      "    - name: d",
      "      ports:",
      "        - 1",
      "    - []",
      "    - {}",
      "",
    ].join("\n");
    expect(readOwnYaml(text)).toStrictEqual(parse(text));
  });

  it.each([
    ["a comment", "kind: X\n# hand-written\nmetadata: {}\n"],
    ["a second document", "kind: X\n---\nkind: Y\n"],
    ["flow style", "kind: X\nmetadata: {name: a}\n"],
    ["four-space indentation", "kind: X\nmetadata:\n    name: a\n"],
    ["a duplicate key", "kind: X\nkind: Y\n"],
    ["a __proto__ key", "kind: X\n__proto__:\n  polluted: true\n"],
    ["a number yaml reads but this reader does not", "kind: X\nvalue: 0x10\n"],
    ["a float", "kind: X\nvalue: 1.5\n"],
    ["an escape in a quoted string", 'kind: X\nvalue: "a\\tb"\n'],
    ["a single-quoted string", "kind: X\nvalue: 'a'\n"],
    ["an anchor and alias", "kind: X\na: &x b\nc: *x\n"],
    ["a block scalar", "kind: X\nscript: |\n  echo hi\n"],
    ["no final line break", "kind: X"],
    ["quotes the emitter would not write", 'kind: X\nvalue: "plain"\n'],
    ["a top-level sequence", "- a\n- b\n"],
  ])("%s: left to the yaml library", (_, text) => {
    expect(readOwnYaml(text)).toBeUndefined();
  });
});
