import { App } from "cdk8s";
import { buildCharts } from "../charts";
import { agentInjectorComponents } from "../charts/agent-injector-patch";
import { ArgoCdBootstrapChart, ArgoCdClusterChart } from "../charts/argocd-chart";
import type { PlatformChart } from "../charts/platform-chart";
import type { PlatformModel } from "../model";
import { buildArgoCd, type ComponentObjects } from "../model/argocd";
import { resourceWave, SYNC_WAVE_ANNOTATION } from "../model/argocd/waves";
import { chartObjects, validateConstructs } from "./kubernetes-json";
import type { KubernetesSynthesis, Obj } from "./synthesis";

/** File name of an object inside its component folder: <kind>-<name>.yaml. */
export function manifestFileName(m: { kind: string; metadata: { name: string } }): string {
  return `${m.kind.toLowerCase()}-${m.metadata.name}.yaml`;
}

/** How a chart becomes JSON objects: chartObjects, or cdk8s's own chart.toJson() (the tests compare the two). */
export type ChartRenderer = (chart: PlatformChart) => Obj[];

function collect(charts: PlatformChart[], manifests: Record<string, Obj>, render: ChartRenderer, each?: (m: Obj) => void): void {
  for (const chart of charts) {
    for (const m of render(chart)) {
      each?.(m);
      const key = `${chart.cluster}/${chart.component}/${manifestFileName(m)}`;
      if (key in manifests) throw new Error(`two objects would be written to ${key}`);
      manifests[key] = m;
    }
  }
}

/** Argo CD applies an object in its kind's wave (model/argocd/waves.ts); 0 is Argo CD's default and stays implicit. */
function annotateWave(m: Obj): void {
  const wave = resourceWave(m.kind);
  if (wave !== 0) m.metadata.annotations = { ...m.metadata.annotations, [SYNC_WAVE_ANNOTATION]: String(wave) };
}

/** What each component folder renders, as the Argo CD model reads it. */
function componentObjects(manifests: Record<string, Obj>): ComponentObjects[] {
  const byFolder = new Map<string, ComponentObjects>();
  for (const [key, m] of Object.entries(manifests)) {
    const [cluster, component] = key.split("/");
    const folder = `${cluster}/${component}`;
    if (!byFolder.has(folder)) byFolder.set(folder, { cluster, component, objects: [] });
    byFolder.get(folder)!.objects.push({ apiVersion: m.apiVersion, kind: m.kind, ...(m.metadata.namespace ? { namespace: m.metadata.namespace } : {}) });
  }
  return [...byFolder.values()];
}

/**
 * Renders every chart in memory: one object per `<cluster>/<component>/<kind>-<name>.yaml`, and with
 * spec.gitops the Argo CD objects that deliver them (`argocd/<cluster>/...`, `argocd/bootstrap/...`).
 */
export function synthKubernetes(model: PlatformModel, render: ChartRenderer = chartObjects): KubernetesSynthesis {
  const app = new App();
  const manifests: Record<string, Obj> = {};
  const charts = buildCharts(app, model);
  validateConstructs([app]);
  collect(charts, manifests, render, model.gitops ? annotateWave : undefined);
  if (model.gitops) {
    const argocd = buildArgoCd(model.gitops, componentObjects(manifests));
    const argocdCharts = [...argocd.clusters.map((d) => new ArgoCdClusterChart(app, model.name, argocd, d)), new ArgoCdBootstrapChart(app, model.name, argocd)];
    validateConstructs(argocdCharts);
    collect(argocdCharts, manifests, render);
  }
  const files = agentInjectorComponents(model);
  return { manifests, ...(Object.keys(files).length > 0 ? { files } : {}) };
}
