import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import type { PlatformSpecInput } from "../spec/schema";
import { type RenderedObject, synthDist } from "./helpers/dist";
import { crdSchema, validateManifests } from "./helpers/k8s-validate";
import { kustomizeBuild } from "./helpers/kustomize";
import { referenceCopy, ROOT } from "./helpers/synth";

/**
 * Every rendered manifest, for the reference spec and for the vcluster and VSO examples: valid against the
 * real schemas (Kubernetes API for core kinds, the CRDs' openAPIV3Schema for the rest, unknown
 * fields rejected), buildable by `kubectl kustomize`, laid out for GitOps, deterministic.
 */
const vclusterSpec = () => parseYaml(readFileSync(join(ROOT, "examples/vcluster-oidc.yaml"), "utf8")) as PlatformSpecInput;

describe.each([
  ["reference spec", referenceCopy],
  ["vcluster example", vclusterSpec],
  ["platform writers example", () => parseYaml(readFileSync(join(ROOT, "examples/platform-writers.yaml"), "utf8")) as PlatformSpecInput],
  ["VSO example", () => parseYaml(readFileSync(join(ROOT, "examples/vso.yaml"), "utf8")) as PlatformSpecInput],
])("Kubernetes output (%s)", (_name, spec) => {
  let dir: string;
  let objects: RenderedObject[];
  let folders: string[];
  beforeAll(() => ({ dir, objects, folders } = synthDist(spec())));

  it("validates against the Kubernetes and CRD schemas", () => {
    expect(objects.length).toBeGreaterThan(20);
    expect(validateManifests(objects.map((o) => o.obj))).toEqual([]);
  });

  it("kubectl kustomize builds every folder, and each build has exactly the folder's objects", () => {
    for (const folder of folders) {
      const built = kustomizeBuild(join(dir, folder));
      expect(built.ok, `${folder}: ${built.stderr}`).toBe(true);
      const expected = objects.filter((o) => o.file.startsWith(`${folder}/`)).length;
      expect(built.objects.length, folder).toBe(expected);
    }
  });

  it("is laid out as dist/<cluster>/<component>/<kind>-<name>.yaml, one object per file, names without hashes", () => {
    for (const { file, obj } of objects) {
      expect(file.split("/"), file).toHaveLength(3);
      expect(file.split("/")[2]).toBe(`${obj.kind.toLowerCase()}-${obj.metadata.name}.yaml`);
      expect(obj.metadata.name, file).not.toMatch(/-c8[0-9a-f]{6,}$/);
      expect(obj.metadata.labels?.["app.kubernetes.io/managed-by"], file).toBe("vault-eks-platform");
    }
  });

  it("is deterministic: a second render is byte-identical", () => {
    const again = synthDist(spec());
    const hash = (d: string, files: RenderedObject[]) =>
      files.map((o) => `${o.file}:${createHash("sha256").update(readFileSync(join(d, o.file))).digest("hex")}`);
    expect(hash(again.dir, again.objects)).toEqual(hash(dir, objects));
  });

  it("emits every field the CRDs would default, so GitOps sees no drift", () => {
    const problems: string[] = [];
    for (const { file, obj } of objects) {
      const schema = crdSchema(obj.apiVersion, obj.kind);
      if (!schema) continue;
      const defaulted = applyDefaults(schema, structuredClone(obj));
      if (JSON.stringify(sortKeys(defaulted)) !== JSON.stringify(sortKeys(obj))) problems.push(file);
    }
    expect(problems).toEqual([]);
  });
});

describe("GitOps folders", () => {
  it("the reference platform renders the Vault components and one folder per environment in the primary cluster", () => {
    const { folders } = synthDist(referenceCopy());
    expect(folders).toEqual(
      [
        "argocd",
        "argocd/bootstrap",
        "argocd/shop-platform",
        "shop-platform",
        ...["env-dev", "env-production", "env-staging", "external-secrets", "monitoring", "vault", "vault-backup"].map((c) => `shop-platform/${c}`),
      ],
    );
  });

  it("an environment with its own cluster renders into that cluster's folder", () => {
    const { folders, objects } = synthDist(vclusterSpec());
    expect(folders).toContain("staging-vcluster/env-staging");
    expect(folders).not.toContain("shop-platform/env-staging");
    expect(objects.some((o) => o.obj.kind === "ClusterSecretStore" && o.obj.metadata.name === "vault-staging")).toBe(false);
  });
});

// --- CRD structural defaulting, as the API server applies it ---

// Schemas are plain JSON read from the CRD copies.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Schema = any;

function applyDefaults(schema: Schema, value: Schema): Schema {
  if (value === null || typeof value !== "object" || !schema) return value;
  if (Array.isArray(value)) return value.map((v) => applyDefaults(schema.items, v));
  for (const [key, prop] of Object.entries<Schema>(schema.properties ?? {})) {
    if (value[key] === undefined && prop.default !== undefined) value[key] = structuredClone(prop.default);
    if (value[key] !== undefined) value[key] = applyDefaults(prop, value[key]);
  }
  return value;
}

function sortKeys(v: Schema): Schema {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
  return v;
}
