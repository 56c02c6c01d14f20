/**
 * What a GitOps controller may delete on its own. Argo CD prunes an object that left Git and deletes
 * the objects of a deleted Application; Flux's kustomize-controller garbage-collects the same way.
 * A namespace takes everything inside it (workloads this tool never rendered, volumes) when it goes,
 * and the Vault StatefulSet holds the raft data. Argo CD v3.5 sync options, per object
 * (docs/user-guide/sync-options.md): Prune=false / Delete=false never delete, Prune=confirm /
 * Delete=confirm wait for a person (UI "Confirm Pruning", or the argocd.argoproj.io/deletion-approved
 * annotation on the Application). Flux has no confirmation: prune disabled is the only safe setting.
 */
export const ARGO_SYNC_OPTIONS = "argocd.argoproj.io/sync-options";
export const FLUX_PRUNE = "kustomize.toolkit.fluxcd.io/prune";

export type DeletionGuard = "never" | "confirm";

export function deletionGuardAnnotations(guard: DeletionGuard): Record<string, string> {
  return {
    [ARGO_SYNC_OPTIONS]: guard === "never" ? "Prune=false,Delete=false" : "Prune=confirm,Delete=confirm",
    [FLUX_PRUNE]: "disabled",
  };
}

/** Vault's namespace and StatefulSet: never deleted by a sync (the raft data and the unseal path live there). */
export const VAULT_DELETION_GUARD: DeletionGuard = "never";
/** An environment's namespace: removing an environment from the spec is legitimate, but a person confirms its workloads are gone. */
export const ENVIRONMENT_DELETION_GUARD: DeletionGuard = "confirm";
