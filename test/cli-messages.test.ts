import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runCliAsync as runCli } from "./helpers/synth";

/**
 * What a user sees when a spec file is wrong: the real command line on real files, each message
 * pointing at the user's own input (line, column, the line itself, or the field meant).
 */
const freshDir = () => mkdtempSync(join(tmpdir(), "vep-msg-"));

async function specError(file: string, content: string | null, env: NodeJS.ProcessEnv = {}) {
  const cwd = freshDir();
  if (content === null) mkdirSync(join(cwd, file));
  else writeFileSync(join(cwd, file), content);
  const r = await runCli([file], { cwd, env });
  expect(r.status).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr).not.toMatch(/^\s+at /m);
  return r.stderr;
}

describe("spec file errors point at the user's input", () => {
  it("a TypeScript spec that does not compile: the compiler's message with file, line, column and the line (also with VAULT_EKS_DEBUG)", async () => {
    const source = 'const s = {\n  name: "shop",\n  aws: { accountId: "1" ,, },\n};\nexport default s;\n';
    for (const env of [{}, { VAULT_EKS_DEBUG: "1" }]) {
      const err = await specError("platform.ts", source, env);
      expect(err).toContain('(file line 3, column 26): Expected identifier but found ","');
      expect(err).toContain('3 |   aws: { accountId: "1" ,, },');
      expect(err).not.toContain("Transform failed");
    }
  });

  it("JSON syntax errors give line and column, not a character offset", async () => {
    const err = await specError("platform.json", '{\n  "name": "shop",\n  "aws": }\n');
    expect(err).toContain("(file line 3, column 10): not valid JSON: value expected");
    expect(err).toContain('3 |   "aws": }');
    expect(err).not.toMatch(/position \d+/);
  });

  it.each([
    ["platform.json", ""],
    ["platform.yaml", "# the platform\n\n"],
    ["platform.yml", "   \n"],
  ])("an empty spec file (%s) is called empty", async (file, content) => {
    expect(await specError(file, content)).toContain(`(file): ${file} is empty: write the platform spec in it`);
  });

  it("a directory given as the spec is called a directory", async () => {
    expect(await specError("platform.yaml", null)).toContain("(file): platform.yaml is a directory: give the spec file in it");
  });

  it("an unclosed [ in YAML is reported on its own line, with the whole line shown", async () => {
    const err = await specError("platform.yaml", "name: shop\naws:\n  accountId: [\n  region: eu-west-1\ncluster:\n  name: shop\n");
    expect(err).toContain('(file line 3, column 14): "[" is never closed: end the list with "]"');
    expect(err).toContain("3 |   accountId: [");
    // The caret sits under the [ (column 14).
    expect(err).toMatch(/^ {8}\| {14}\^$/m);
  });

  it("a misspelt field: one problem, the closest real field suggested, no cascade from rules whose input is missing", async () => {
    const yaml = readFileSync(join(ROOT, "examples/shop.yaml"), "utf8").replace(/^environments:/m, "enviroments:");
    const err = await specError("platform.yaml", yaml);
    expect(err).toBe('platform.yaml: the spec has 1 problem:\n  enviroments: unknown field; did you mean "environments"? (environments is required)\n');
  });

  it("a misspelt nested field is suggested from that object's own fields", async () => {
    const yaml = readFileSync(join(ROOT, "examples/shop.yaml"), "utf8").replace(/^ {2}replicas: 3$/m, "  replcas: 3");
    const err = await specError("platform.yaml", yaml);
    expect(err).toContain('vault.replcas: unknown field; did you mean "replicas"?');
  });

  it("an unknown field nothing resembles lists the fields known there", async () => {
    const yaml = readFileSync(join(ROOT, "examples/shop.yaml"), "utf8").replace(/^kms:$/m, "kms:\n  colour: blue");
    expect(await specError("platform.yaml", yaml)).toContain("kms.colour: unknown field (known here: deletionWindowDays, keyAdministratorArns)");
  });
});

describe("--help", () => {
  it("lists every option and the output-folder rule", async () => {
    const r = await runCli(["--help"], { cwd: freshDir() });
    expect(r.status).toBe(0);
    for (const option of ["--out", "--dist", "--only", "--help", "VAULT_EKS_SPEC", "vault-eks.config.json", ".vault-eks-platform"]) expect(r.stdout).toContain(option);
  });
});
