import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import Ajv from "ajv";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { SCHEMA_FILE, specJsonSchemaText } from "../lib/docs/spec-schema";
import { referenceSpec } from "../spec/reference";
import type { PlatformSpecInput } from "../spec/schema";
import { validateSpec } from "../spec/validate";
import { ROOT } from "./helpers/synth";

/**
 * spec/platform.schema.json: generated from the zod schema, checked by a JSON Schema validator (ajv,
 * strict mode, draft-07 as the file declares) on every example, and kept in step with the zod schema.
 */

const schemaPath = join(ROOT, SCHEMA_FILE);
const schema = JSON.parse(readFileSync(schemaPath, "utf8"));
const validate = new Ajv({ strict: true, allErrors: true }).compile(schema);
const examples = readdirSync(join(ROOT, "examples")).filter((f) => /\.(ya?ml|json)$/.test(f));
const parseExample = (file: string): PlatformSpecInput => {
  const text = readFileSync(join(ROOT, "examples", file), "utf8");
  return file.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
};
const errors = (value: unknown) => (validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));

describe("the spec's JSON Schema", () => {
  it("is what npm run docs generates from the zod schema now", () => {
    expect(readFileSync(schemaPath, "utf8")).toBe(specJsonSchemaText());
  });

  it("declares draft-07, the draft the editors' YAML and JSON language servers support", () => {
    expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
  });

  it.each(examples)("examples/%s names the schema for editors and validates against it", (file) => {
    const text = readFileSync(join(ROOT, "examples", file), "utf8");
    const named = file.endsWith(".json") ? (JSON.parse(text) as { $schema?: string }).$schema : /^# yaml-language-server: \$schema=(\S+)\n/.exec(text)?.[1];
    expect(named, "the first line (YAML) or the $schema field (JSON)").toBe("../spec/platform.schema.json");
    expect(resolve(dirname(join(ROOT, "examples", file)), named!)).toBe(schemaPath);
    expect(errors(parseExample(file))).toEqual([]);
  });

  it("validates the reference spec", () => {
    expect(errors(structuredClone(referenceSpec))).toEqual([]);
  });

  // Each mistake is refused by the JSON Schema (what an editor shows while typing) and by the zod schema (what synth says).
  const mistakes: [string, (s: Record<string, any>) => void, string][] = [
    ["a misspelt field", (s) => (s.vault.replica = 3), "/vault must NOT have additional properties"],
    ["an unknown enum value", (s) => (s.workloadIdentity = "kiam"), "/workloadIdentity must be equal to one of the allowed values"],
    ["a malformed account id", (s) => (s.aws.accountId = "12"), '/aws/accountId must match pattern "^\\d{12}$"'],
    ["a missing required field", (s) => delete s.environments, " must have required property 'environments'"],
    ["a number as a string", (s) => (s.vault.replicas = "3"), "/vault/replicas must be integer"],
    ["a vcluster without its API server", (s) => (s.environments[1].cluster = { type: "vcluster", name: "stage" }), "/environments/1/cluster must match exactly one schema in oneOf"],
    ["an unknown service field", (s) => (s.services[0].secret = []), "/services/0 must NOT have additional properties"],
  ];

  it.each(mistakes)("refuses %s, as the zod schema does", (_, edit, message) => {
    const spec = structuredClone(referenceSpec) as Record<string, any>;
    edit(spec);
    expect(errors(spec)).toContain(message);
    expect(validateSpec(spec).ok).toBe(false);
  });
});
