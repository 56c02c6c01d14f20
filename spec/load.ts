import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { importEsm } from "../lib/import-esm";
import { referenceSpec } from "./reference";
import type { PlatformSpec } from "./schema";
import { parseJsonText, parseYamlText, SourceErrorList, tsTransformProblems } from "./source-errors";
import { SpecError, validateSpec } from "./validate";

/** Environment variable naming the spec file when no path is given on the command line. */
export const SPEC_ENV_VAR = "VAULT_EKS_SPEC";
export const REFERENCE_SOURCE = "reference spec (spec/reference.ts)";
/** Project file naming the spec, so npm run synth, cdktf and cdk8s render the same one: { "spec": "platform.yaml" }. */
export const CONFIG_FILE = "vault-eks.config.json";

export interface LoadedSpec {
  source: string;
  spec: PlatformSpec;
}

export interface SpecPath {
  path: string;
  via: "argument" | "environment" | "config";
}

/**
 * Which spec to render: the path given, else $VAULT_EKS_SPEC, else the `spec` of vault-eks.config.json
 * in the working directory (relative to that file), else none (the bundled reference spec).
 */
export function resolveSpecPath(arg: string | undefined, env: NodeJS.ProcessEnv, cwd: string = process.cwd()): SpecPath | undefined {
  if (arg) return { path: arg, via: "argument" };
  if (env[SPEC_ENV_VAR]) return { path: env[SPEC_ENV_VAR], via: "environment" };
  const config = resolve(cwd, CONFIG_FILE);
  if (!existsSync(config)) return undefined;
  const problem = (message: string) => new SpecError(CONFIG_FILE, [{ path: "(file)", message }]);
  let parsed: unknown;
  try {
    parsed = parseJsonText(readFileSync(config, "utf8"));
  } catch (e) {
    throw e instanceof SourceErrorList ? new SpecError(CONFIG_FILE, e.problems) : problem(String(e));
  }
  const keys = parsed && typeof parsed === "object" && !Array.isArray(parsed) ? Object.keys(parsed) : undefined;
  const spec = (parsed as { spec?: unknown } | null)?.spec;
  if (!keys || keys.some((k) => k !== "spec") || typeof spec !== "string" || spec === "") {
    throw problem(`expected { "spec": "<path to the platform spec, relative to ${CONFIG_FILE}>" } and nothing else`);
  }
  return { path: resolve(dirname(config), spec), via: "config" };
}

/**
 * Reads a spec from a .ts/.js module (default export or `spec`), a .json or a .yaml/.yml file,
 * or the bundled reference spec when no path is given. Throws SpecError with every problem.
 */
export async function loadSpec(path?: string, env: NodeJS.ProcessEnv = {}): Promise<LoadedSpec> {
  if (path === undefined || path === "") return checked(REFERENCE_SOURCE, referenceSpec, env);
  const abs = resolve(path);
  const fileProblem = (message: string) => new SpecError(path, [{ path: "(file)", message }]);
  if (!existsSync(abs)) throw fileProblem(`no such file: ${abs}`);
  if (statSync(abs).isDirectory()) throw fileProblem(`${path} is a directory: give the spec file in it (.ts, .js, .json, .yaml or .yml)`);
  return checked(path, await readSpecFile(path, abs), env);
}

/** Identifies a validated spec in output records: same spec, same digest. */
export function specDigest(spec: PlatformSpec): string {
  return `sha256:${createHash("sha256").update(JSON.stringify(spec)).digest("hex")}`;
}

/** Environment variables that move Terraform state to S3 without editing the spec (e.g. in CI). */
export const STATE_ENV = {
  bucket: "VAULT_EKS_STATE_BUCKET",
  region: "VAULT_EKS_STATE_REGION",
  keyPrefix: "VAULT_EKS_STATE_KEY_PREFIX",
  dynamodbTable: "VAULT_EKS_STATE_DYNAMODB_TABLE",
} as const;

function withStateFromEnv(input: unknown, env: NodeJS.ProcessEnv): unknown {
  const bucket = env[STATE_ENV.bucket];
  if (!bucket || typeof input !== "object" || input === null) return input;
  const state: Record<string, string> = { backend: "s3", bucket };
  for (const key of ["region", "keyPrefix", "dynamodbTable"] as const) {
    const value = env[STATE_ENV[key]];
    if (value) state[key] = value;
  }
  return { ...input, terraformState: state };
}

function checked(source: string, input: unknown, env: NodeJS.ProcessEnv): LoadedSpec {
  const result = validateSpec(withStateFromEnv(input, env));
  if (!result.ok) throw new SpecError(source, result.problems);
  return { source, spec: result.spec };
}

const isBlank = (text: string, comments: RegExp | undefined) => (comments ? text.replace(comments, "") : text).trim() === "";

async function readSpecFile(path: string, abs: string): Promise<unknown> {
  const ext = extname(abs).toLowerCase();
  const parseText = (parse: (text: string) => unknown, comments?: RegExp) => {
    const text = readFileSync(abs, "utf8");
    if (isBlank(text, comments)) throw new SpecError(path, [{ path: "(file)", message: `${path} is empty: write the platform spec in it (examples/minimal.json is the smallest one)` }]);
    try {
      return parse(text);
    } catch (e) {
      if (e instanceof SourceErrorList) throw new SpecError(path, e.problems);
      throw e;
    }
  };
  switch (ext) {
    case ".json":
      return parseText(parseJsonText);
    case ".yaml":
    case ".yml":
      return parseText(parseYamlText, /^\s*#.*$/gm);
    case ".ts":
    case ".mts":
    case ".cts":
    case ".js":
    case ".mjs":
    case ".cjs": {
      let mod: Record<string, unknown>;
      try {
        // tsx's loader, started only for a TypeScript or JavaScript spec (main.ts itself runs under tsx/cjs).
        const { tsImport } = await importEsm<typeof import("tsx/esm/api")>("tsx/esm/api");
        mod = (await tsImport(pathToFileURL(abs).href, __filename)) as Record<string, unknown>;
      } catch (e) {
        throw new SpecError(path, tsTransformProblems(e, abs));
      }
      const inner = mod.default as Record<string, unknown> | undefined;
      const spec = inner?.spec ?? mod.spec ?? (inner && "name" in inner ? inner : undefined) ?? inner?.default;
      if (spec === undefined) throw new SpecError(path, [{ path: "(file)", message: "the module exports neither `spec` nor a default spec object" }]);
      return spec;
    }
    default:
      throw new SpecError(path, [{ path: "(file)", message: `unsupported file type "${ext}": use .ts, .js, .json, .yaml or .yml` }]);
  }
}
