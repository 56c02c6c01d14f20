import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import stringify from "json-stable-stringify";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { sortedJson } from "../lib/sorted-json";
import { synthesize } from "../lib/synthesize";
import type { PlatformSpecInput } from "../spec/schema";
import { validateSpec } from "../spec/validate";
import { referenceCopy, ROOT } from "./helpers/synth";

/** lib/sorted-json.ts must write exactly what json-stable-stringify (cdktf's layout) writes. */
const specs: [string, () => PlatformSpecInput][] = [
  ["reference", referenceCopy],
  ...readdirSync(join(ROOT, "examples"))
    .filter((f) => /\.(json|ya?ml)$/.test(f))
    .sort()
    .map((f): [string, () => PlatformSpecInput] => [
      `examples/${f}`,
      () => {
        const text = readFileSync(join(ROOT, "examples", f), "utf8");
        return (f.endsWith(".json") ? JSON.parse(text) : parseYaml(text)) as PlatformSpecInput;
      },
    ]),
];

describe.each(specs)("sortedJson equals json-stable-stringify on every Terraform file (%s)", (_name, spec) => {
  it("each stack's cdk.tf.json and manifest.json", () => {
    const result = validateSpec(spec());
    if (!result.ok) throw new Error("spec invalid");
    const tf = synthesize(result.spec).terraform;
    const docs = [...Object.values(tf.stacks), tf.manifest];
    expect(docs.length).toBeGreaterThan(2);
    for (const doc of docs) expect(sortedJson(doc)).toBe(stringify(doc, { space: 2 }));
  });
});

describe("sortedJson on edge cases", () => {
  const cases: [string, unknown][] = [
    ["empty array", []],
    ["empty object", {}],
    ["nested empties", { b: {}, a: [1, {}, []] }],
    ["undefined and function members", { a: undefined, b: 1, c: () => 1 }],
    ["undefined and function items", [undefined, () => 1, 2]],
    ["key order: digits, capitals, underscore, non-ASCII", { z: 1, A: 2, _: 3, é: 4, "10": 5, "9": 6, "": 7 }],
    ["strings needing escapes", { s: 'quote " backslash \\ newline \n tab \t unicode ☃ \u0001' }],
    ["numbers", { i: 0, n: -1.5, e: 1e21, big: 2 ** 53 }],
    ["toJSON", { d: new Date(0), nested: { toJSON: () => ({ y: 1, x: [2] }) } }],
    ["booleans and null", [true, false, null]],
    ["a bare string", "x"],
    ["a bare number", 3],
    ["null", null],
  ];
  it.each(cases)("%s", (_what, value) => {
    expect(sortedJson(value)).toBe(stringify(value, { space: 2 }));
  });
});
