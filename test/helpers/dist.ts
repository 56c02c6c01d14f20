import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
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

/** Renders a spec's Kubernetes layer into a fresh directory and reads every manifest back from disk. */
export function synthDist(spec: PlatformSpecInput): { dir: string; objects: RenderedObject[]; folders: string[] } {
  const dir = join(mkdtempSync(join(tmpdir(), "vep-dist-")), "dist");
  writeFiles(dir, kubernetesFiles(synthKubernetes(modelOf(spec))));
  const objects: RenderedObject[] = [];
  const folders: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        folders.push(relative(dir, p));
        walk(p);
      } else if (name !== "kustomization.yaml") objects.push({ file: relative(dir, p), obj: parse(readFileSync(p, "utf8")) });
    }
  };
  walk(dir);
  return { dir, objects, folders };
}

export function find(objects: RenderedObject[], kind: string, name: string, namespace?: string): RenderedObject["obj"] {
  const hit = objects.find((o) => o.obj.kind === kind && o.obj.metadata.name === name && (namespace === undefined || o.obj.metadata.namespace === namespace));
  if (!hit) throw new Error(`no ${kind} ${namespace ? `${namespace}/` : ""}${name} rendered`);
  return hit.obj;
}
