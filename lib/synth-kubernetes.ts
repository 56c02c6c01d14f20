import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { App } from "cdk8s";
import { stringify } from "yaml";
import { buildCharts } from "../charts";
import type { PlatformModel } from "../model";

export interface KubernetesSynthOptions {
  /** Where the manifests are written now (a temporary directory swapped in later). */
  writeDir: string;
}

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}

/** File name of an object inside its component folder: <kind>-<name>.yaml. */
export function manifestFileName(m: Manifest): string {
  return `${m.kind.toLowerCase()}-${m.metadata.name}.yaml`;
}

function kustomization(resources: string[]): string {
  return stringify({ apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", resources: [...resources].sort() }, { lineWidth: 0 });
}

/**
 * Renders every chart to dist/<cluster>/<component>/<kind>-<name>.yaml, one object per file,
 * with a kustomization.yaml in every folder (Argo CD and Flux apply a folder as is).
 */
export function synthKubernetes(model: PlatformModel, opts: KubernetesSynthOptions): void {
  const app = new App({ outdir: opts.writeDir });
  const byCluster = new Map<string, string[]>();
  for (const chart of buildCharts(app, model)) {
    const dir = join(opts.writeDir, chart.cluster, chart.component);
    mkdirSync(dir, { recursive: true });
    const files: string[] = [];
    for (const m of chart.toJson() as Manifest[]) {
      const file = manifestFileName(m);
      if (files.includes(file)) throw new Error(`two objects would be written to ${chart.cluster}/${chart.component}/${file}`);
      files.push(file);
      writeFileSync(join(dir, file), stringify(m, { lineWidth: 0 }));
    }
    writeFileSync(join(dir, "kustomization.yaml"), kustomization(files));
    byCluster.set(chart.cluster, [...(byCluster.get(chart.cluster) ?? []), chart.component]);
  }
  for (const [cluster, components] of byCluster) writeFileSync(join(opts.writeDir, cluster, "kustomization.yaml"), kustomization(components));
}
