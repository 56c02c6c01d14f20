import { compareStrings } from "../../lib/compare";
import type { PlatformSpec } from "../../spec/schema";
import { argoNames, k8sNames } from "../names";
import { ESO_CHART, ESO_CHART_CLUSTER_KINDS, ESO_CHART_NAMESPACED_KINDS, esoChartValues, esoIgnoredDifferences, ESO_SYNC_OPTIONS } from "./external-secrets-operator";
import type { ApplicationModel, ArgoCdModel, ClusterDeliveryModel, ComponentObjects, GitopsModel, GroupKind, ProjectModel } from "./types";
import { APPLICATION_WAVES } from "./waves";

export type { ArgoCdModel, ComponentObjects, GitopsModel } from "./types";

/** The spec's gitops block with its defaults, and where each cluster's API server is; undefined without gitops. */
export function buildGitopsModel(spec: PlatformSpec): GitopsModel | undefined {
  if (!spec.gitops) return undefined;
  const dedicated = new Map<string, string>();
  for (const env of spec.environments) if (env.cluster.type !== "primary") dedicated.set(env.cluster.name, env.cluster.apiServerUrl);
  return {
    repoUrl: spec.gitops.repoUrl,
    revision: spec.gitops.revision,
    pathPrefix: spec.gitops.pathPrefix,
    namespace: spec.gitops.argocd.namespace,
    project: spec.gitops.argocd.project ?? spec.name,
    clusters: [{ name: spec.cluster.name, primary: true, server: argoNames.inClusterServer }, ...[...dedicated].map(([name, server]) => ({ name, primary: false, server }))],
    externalSecrets: { namespace: spec.externalSecrets.namespace, controllerServiceAccount: spec.externalSecrets.controllerServiceAccount },
  };
}

/**
 * Objects of every Application sync together, automated, with self-heal; nothing is deleted when an
 * Application is (no resources finalizer: deleting an Application orphans its objects); an object a
 * second Application also renders fails the sync instead of flapping between them; pruning happens
 * last, after everything else is healthy. A failed sync is retried with backoff, without limit.
 */
export const SYNC_OPTIONS = ["FailOnSharedResource=true", "PruneLast=true"];
export const SYNC_RETRY = { limit: -1, backoff: { duration: "30s", factor: 2, maxDuration: "10m" } } as const;

const join = (...parts: string[]) => parts.filter((p) => p !== "").join("/");

function componentWave(component: string): number {
  if (component === k8sNames.components.vault) return APPLICATION_WAVES.vault;
  if (Object.values(k8sNames.components).includes(component as never)) return APPLICATION_WAVES.platform;
  return APPLICATION_WAVES.environments;
}

const groupOf = (apiVersion: string) => (apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "");
const byGroupKind = (a: GroupKind, b: GroupKind) => compareStrings(a.group, b.group) || compareStrings(a.kind, b.kind);

function uniqueKinds(objects: ComponentObjects["objects"]): GroupKind[] {
  const seen = new Map<string, GroupKind>();
  for (const o of objects) seen.set(`${groupOf(o.apiVersion)}/${o.kind}`, { group: groupOf(o.apiVersion), kind: o.kind });
  return [...seen.values()].sort(byGroupKind);
}

/** The namespace most of a component's namespaced objects live in (ties: the first by name): the Application's destination namespace. */
function mainNamespace(objects: ComponentObjects["objects"]): string {
  const counts = new Map<string, number>();
  for (const o of objects) if (o.namespace) counts.set(o.namespace, (counts.get(o.namespace) ?? 0) + 1);
  return [...counts].sort(([a, x], [b, y]) => y - x || compareStrings(a, b))[0]?.[0] ?? "default";
}

/** An Application per component folder, and an AppProject that permits exactly what the folder renders, where it renders it. */
function componentDelivery(g: GitopsModel, server: string, c: ComponentObjects): { app: ApplicationModel; project: ProjectModel } {
  const name = argoNames.application(g.project, c.cluster, c.component);
  const namespaced = c.objects.filter((o) => o.namespace);
  const namespace = mainNamespace(c.objects);
  const namespaces = [...new Set([namespace, ...namespaced.map((o) => o.namespace!)])].sort();
  return {
    app: {
      name,
      project: name,
      wave: componentWave(c.component),
      component: c.component,
      source: { type: "directory", repoUrl: g.repoUrl, revision: g.revision, path: join(g.pathPrefix, c.cluster, c.component) },
      destination: { server, namespace },
      syncOptions: SYNC_OPTIONS,
      ignoreDifferences: [],
    },
    project: {
      name,
      description: `dist/${c.cluster}/${c.component}: only the kinds it renders, only where it renders them`,
      sourceRepos: [g.repoUrl],
      destinations: namespaces.map((ns) => ({ server, namespace: ns })),
      clusterResources: uniqueKinds(c.objects.filter((o) => !o.namespace)),
      namespacedResources: uniqueKinds(namespaced),
    },
  };
}

function esoDelivery(g: GitopsModel, cluster: string, server: string): { app: ApplicationModel; project: ProjectModel } {
  const name = argoNames.application(g.project, cluster, argoNames.esoOperatorComponent);
  const ns = g.externalSecrets.namespace;
  return {
    app: {
      name,
      project: name,
      wave: APPLICATION_WAVES.operators,
      component: argoNames.esoOperatorComponent,
      source: { type: "helm", repoUrl: ESO_CHART.repoUrl, chart: ESO_CHART.chart, version: ESO_CHART.version, releaseName: ESO_CHART.releaseName, values: esoChartValues(g) },
      destination: { server, namespace: ns },
      syncOptions: [...SYNC_OPTIONS, ...ESO_SYNC_OPTIONS],
      managedNamespaceLabels: { "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "latest" },
      ignoreDifferences: esoIgnoredDifferences(ns),
    },
    project: {
      name,
      description: `ESO ${ESO_CHART.version} from its Helm chart in cluster ${cluster}: the chart's kinds, in ${ns} only`,
      sourceRepos: [ESO_CHART.repoUrl],
      destinations: [{ server, namespace: ns }],
      clusterResources: [...ESO_CHART_CLUSTER_KINDS].sort(byGroupKind),
      namespacedResources: [...ESO_CHART_NAMESPACED_KINDS].sort(byGroupKind),
    },
  };
}

/**
 * Argo CD delivery of a synthesized dist/: decided from what each component folder renders, so an
 * AppProject never permits a kind or namespace its folder does not use.
 */
export function buildArgoCd(g: GitopsModel, components: ComponentObjects[]): ArgoCdModel {
  const clusters: ClusterDeliveryModel[] = g.clusters.map(({ name: cluster, primary, server }) => {
    const deliveries = components
      .filter((c) => c.cluster === cluster)
      .sort((a, b) => compareStrings(a.component, b.component))
      .map((c) => componentDelivery(g, server, c));
    if (!primary) deliveries.unshift(esoDelivery(g, cluster, server));
    const rootName = argoNames.root(g.project, cluster);
    const argocd = { server: argoNames.inClusterServer, namespace: g.namespace };
    return {
      cluster,
      root: {
        name: rootName,
        project: rootName,
        wave: 0,
        component: argoNames.folder,
        source: { type: "directory", repoUrl: g.repoUrl, revision: g.revision, path: join(g.pathPrefix, argoNames.folder, cluster) },
        destination: argocd,
        syncOptions: SYNC_OPTIONS,
        ignoreDifferences: [],
      },
      rootProject: {
        name: rootName,
        description: `the root of cluster ${cluster}: the Applications and AppProjects of dist/${argoNames.folder}/${cluster}, in ${g.namespace} only`,
        sourceRepos: [g.repoUrl],
        destinations: [argocd],
        clusterResources: [],
        namespacedResources: [
          { group: "argoproj.io", kind: "AppProject" },
          { group: "argoproj.io", kind: "Application" },
        ],
      },
      applications: deliveries.map((d) => d.app),
      projects: deliveries.map((d) => d.project),
    };
  });
  return { namespace: g.namespace, clusters };
}
