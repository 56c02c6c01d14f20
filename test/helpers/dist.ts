import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { synthKubernetes } from "../../lib/synth-kubernetes";
import { kubernetesFiles, writeFiles } from "../../lib/write-synthesis";
import type { PlatformSpecInput } from "../../spec/schema";
import { modelOf } from "./synth";

export interface RenderedObject {
  /** Path below dist/, e.g. shop-platform/env-dev/externalsecret-user-service-auth.yaml */
  file: string;
  // Manifests are read back as plain data.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  obj: any;
}

/**
 * Renders a spec's Kubernetes layer: the objects as Argo CD reads them (each file's YAML text
 * parsed), and the tree written to a fresh directory for the engines that read folders (kustomize).
 */
export function synthDist(spec: PlatformSpecInput): { dir: string; objects: RenderedObject[]; folders: string[] } {
  const dir = join(mkdtempSync(join(tmpdir(), "vep-dist-")), "dist");
  const files = kubernetesFiles(synthKubernetes(modelOf(spec)));
  writeFiles(dir, files);
  const paths = Object.keys(files).sort();
  const objects = paths.filter((f) => !f.endsWith("/kustomization.yaml")).map((file) => ({ file, obj: parse(files[file]) }));
  const folders = [...new Set(paths.flatMap((f) => f.split("/").slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join("/"))))].sort();
  return { dir, objects, folders };
}

export function find(objects: RenderedObject[], kind: string, name: string, namespace?: string): RenderedObject["obj"] {
  const hit = objects.find((o) => o.obj.kind === kind && o.obj.metadata.name === name && (namespace === undefined || o.obj.metadata.namespace === namespace));
  if (!hit) throw new Error(`no ${kind} ${namespace ? `${namespace}/` : ""}${name} rendered`);
  return hit.obj;
}
