/**
 * Argo CD delivery of dist/ as plain data (model/argocd/index.ts decides it, charts/argocd/ renders
 * it): per cluster one root Application (dist/argocd/bootstrap/) that syncs dist/argocd/<cluster>/,
 * which holds an AppProject and an Application per component folder, ordered by sync waves.
 */

export interface GitopsModel {
  repoUrl: string;
  revision: string;
  /** Folder of dist/ in the repository, "" for its root. */
  pathPrefix: string;
  /** Namespace of Argo CD (primary cluster): every Application and AppProject lives there. */
  namespace: string;
  /** Prefix of every Application and AppProject name. */
  project: string;
  /** Every cluster of the platform and the API server address Argo CD deploys to. */
  clusters: { name: string; primary: boolean; server: string }[];
  /** ESO as installed in dedicated clusters (the primary cluster's ESO is a prerequisite). */
  externalSecrets: { namespace: string; controllerServiceAccount: string };
}

export interface GroupKind {
  group: string;
  kind: string;
}

/** What a component folder renders, read from the synthesized manifests. */
export interface ComponentObjects {
  cluster: string;
  component: string;
  objects: { apiVersion: string; kind: string; namespace?: string }[];
}

export interface IgnoredDifference {
  group: string;
  kind: string;
  name?: string;
  namespace?: string;
  jsonPointers?: string[];
  jqPathExpressions?: string[];
  /** Which controller owns the field at run time, and why Git cannot hold its value. */
  reason: string;
}

export type ApplicationSource =
  | { type: "directory"; repoUrl: string; revision: string; path: string }
  | { type: "helm"; repoUrl: string; chart: string; version: string; releaseName: string; values: Record<string, unknown> };

export interface ApplicationModel {
  name: string;
  project: string;
  /** argocd.argoproj.io/sync-wave of the Application in its parent (the root). */
  wave: number;
  /** The component folder (dist/<cluster>/<component>) or "external-secrets-operator" for the Helm install. */
  component: string;
  source: ApplicationSource;
  destination: { server: string; namespace: string };
  syncOptions: string[];
  /** Labels of the namespace Argo CD creates (CreateNamespace=true). */
  managedNamespaceLabels?: Record<string, string>;
  ignoreDifferences: IgnoredDifference[];
}

export interface ProjectModel {
  name: string;
  description: string;
  sourceRepos: string[];
  destinations: { server: string; namespace: string }[];
  clusterResources: GroupKind[];
  namespacedResources: GroupKind[];
}

export interface ClusterDeliveryModel {
  cluster: string;
  /** Applied once by a person (dist/argocd/bootstrap/); it syncs dist/argocd/<cluster>/. */
  root: ApplicationModel;
  rootProject: ProjectModel;
  applications: ApplicationModel[];
  /** One per application, same name. */
  projects: ProjectModel[];
}

export interface ArgoCdModel {
  namespace: string;
  clusters: ClusterDeliveryModel[];
}
