/**
 * Sync waves: Argo CD applies a wave and waits until its objects are healthy before the next one
 * (docs/user-guide/sync-waves.md). Two levels:
 *
 * - Applications in a cluster's root: AppProjects, then ESO's CRDs and controller (dedicated
 *   clusters), then Vault, then what runs beside Vault (backups, monitoring, ESO's CA and the
 *   Secrets Manager store), then the environments. The root waits for a child's health only with
 *   the Application health check in argocd-cm (removed from Argo CD's defaults in 1.8; README).
 * - Objects inside one Application: namespaces, StorageClasses and PriorityClasses first, then
 *   everything else (service accounts, RBAC, workloads), then the ESO stores and generators (they
 *   log in with a service account of the same folder), then the ExternalSecrets that read them.
 *
 * An environment's Vault store logs in as the environment's own service account, so it belongs to
 * the environment's Application, in a wave between that account and the ExternalSecrets: a store in
 * an earlier Application would wait for an account a later one creates.
 */
export const APPLICATION_WAVES = {
  projects: -1,
  /** ESO's CRDs and controller installed from its Helm chart (dedicated clusters). */
  operators: 0,
  vault: 1,
  /** Backups, monitoring, the ESO namespace's CA and Secrets Manager store: they need Vault, nothing needs them. */
  platform: 2,
  environments: 3,
} as const;

/** Waves of objects inside an Application, by kind (0 for every other kind). */
export const RESOURCE_WAVES: Readonly<Record<string, number>> = {
  Namespace: -1,
  StorageClass: -1,
  PriorityClass: -1,
  CustomResourceDefinition: -1,
  ClusterSecretStore: 1,
  SecretStore: 1,
  VaultDynamicSecret: 1,
  ExternalSecret: 2,
};

export const SYNC_WAVE_ANNOTATION = "argocd.argoproj.io/sync-wave";

export function resourceWave(kind: string): number {
  return RESOURCE_WAVES[kind] ?? 0;
}
