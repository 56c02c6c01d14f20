import { App } from "cdk8s";
import { buildCharts } from "../charts";
import type { PlatformModel } from "../model";
import type { KubernetesSynthesis, Obj } from "./synthesis";

/** File name of an object inside its component folder: <kind>-<name>.yaml. */
export function manifestFileName(m: { kind: string; metadata: { name: string } }): string {
  return `${m.kind.toLowerCase()}-${m.metadata.name}.yaml`;
}

/** Renders every chart in memory: one object per `<cluster>/<component>/<kind>-<name>.yaml`. */
export function synthKubernetes(model: PlatformModel): KubernetesSynthesis {
  const app = new App();
  const manifests: Record<string, Obj> = {};
  for (const chart of buildCharts(app, model)) {
    for (const m of chart.toJson() as Obj[]) {
      const key = `${chart.cluster}/${chart.component}/${manifestFileName(m)}`;
      if (key in manifests) throw new Error(`two objects would be written to ${key}`);
      manifests[key] = m;
    }
  }
  return { manifests };
}
