import { existsSync, readFileSync } from "node:fs";
import { extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseDocument } from "yaml";
import { referenceSpec } from "./reference";
import type { PlatformSpec } from "./schema";
import { SpecError, validateSpec } from "./validate";

/** Environment variable naming the spec file when no path is given on the command line. */
export const SPEC_ENV_VAR = "VAULT_EKS_SPEC";
export const REFERENCE_SOURCE = "reference spec (spec/reference.ts)";

export interface LoadedSpec {
  source: string;
  spec: PlatformSpec;
}

/**
 * Reads a spec from a .ts/.js module (default export or `spec`), a .json or a .yaml/.yml file,
 * or the bundled reference spec when no path is given. Throws SpecError with every problem.
 */
export async function loadSpec(path?: string, env: NodeJS.ProcessEnv = {}): Promise<LoadedSpec> {
  if (path === undefined || path === "") return checked(REFERENCE_SOURCE, referenceSpec, env);
  const abs = resolve(path);
  if (!existsSync(abs)) throw new SpecError(path, [{ path: "(file)", message: `no such file: ${abs}` }]);
  return checked(path, await readSpecFile(path, abs), env);
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

async function readSpecFile(path: string, abs: string): Promise<unknown> {
  const ext = extname(abs).toLowerCase();
  switch (ext) {
    case ".json":
      try {
        return JSON.parse(readFileSync(abs, "utf8"));
      } catch (e) {
        throw new SpecError(path, [{ path: "(file)", message: `not valid JSON: ${(e as Error).message}` }]);
      }
    case ".yaml":
    case ".yml": {
      const doc = parseDocument(readFileSync(abs, "utf8"), { prettyErrors: true, uniqueKeys: true });
      if (doc.errors.length > 0) {
        throw new SpecError(
          path,
          doc.errors.map((e) => ({ path: `(file line ${e.linePos?.[0]?.line ?? "?"})`, message: e.message.split("\n")[0] })),
        );
      }
      return doc.toJS();
    }
    case ".ts":
    case ".mts":
    case ".cts":
    case ".js":
    case ".mjs":
    case ".cjs": {
      let mod: Record<string, unknown>;
      try {
        // tsx's loader, started only for a TypeScript or JavaScript spec (main.ts itself runs under tsx/cjs).
        const { tsImport } = await import("tsx/esm/api");
        mod = (await tsImport(pathToFileURL(abs).href, __filename)) as Record<string, unknown>;
      } catch (e) {
        throw new SpecError(path, [{ path: "(file)", message: `could not load module: ${(e as Error).message.split("\n")[0]}` }]);
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
