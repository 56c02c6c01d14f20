import type { PlatformModel } from "../model";

/**
 * Everything a synth produces, in memory: the model, the Terraform JSON of each cdktf stack (with
 * cdktf's manifest) and the Kubernetes manifests. `lib/write-synthesis.ts` writes it to disk,
 * `lib/load-synthesis.ts` reads an existing output back, and checks, reviews and docs read it.
 */

// Terraform JSON and manifests are plain data.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = any;

/** cdktf's manifest.json (cdktf/lib/manifest.js): the cdktf CLI's diff and deploy read it. */
export interface CdktfManifest {
  version: string;
  stacks: Record<string, { name: string; constructPath: string; workingDirectory: string; synthesizedStackPath: string; stackMetadataPath: string; annotations: unknown[]; dependencies: string[] }>;
}

export interface TerraformSynthesis {
  manifest: CdktfManifest;
  /** Terraform JSON per stack name (what cdktf.out/stacks/<name>/cdk.tf.json holds). */
  stacks: Record<string, Obj>;
}

export interface KubernetesSynthesis {
  /** One object per manifest, keyed `<cluster>/<component>/<kind>-<name>.yaml` (its path below dist/). */
  manifests: Record<string, Obj>;
  /**
   * Text files beside the manifests that no GitOps controller applies, keyed by their path below
   * dist/: the kustomize Components with each agent-injector service's pod-template patch
   * (`<cluster>/env-<env>/agent-injector/<service>/kustomization.yaml`). Not read back by load-synthesis.
   */
  files?: Record<string, string>;
}

export interface Synthesis {
  model: PlatformModel;
  terraform: TerraformSynthesis;
  kubernetes: KubernetesSynthesis;
}

/** The cluster a manifest key belongs to. */
export const clusterOfManifest = (key: string): string => key.slice(0, key.indexOf("/"));

/** A stack of the Vault layer: vault-core, vault-<env>, or the single `vault` stack of an output from before the split. */
export const isVaultStack = (name: string): boolean => name === "vault" || name.startsWith("vault-");

/**
 * The resources of every Vault stack as one stack's JSON, for readers that follow Vault's own
 * links (a role's mount, a connection's engine): no address repeats across the Vault stacks.
 */
export function vaultResources(stacks: Record<string, Obj>): { resource: Record<string, Record<string, Obj>> } {
  const resource: Record<string, Record<string, Obj>> = {};
  for (const [name, json] of Object.entries(stacks)) {
    if (!isVaultStack(name)) continue;
    for (const [type, byName] of Object.entries<Record<string, Obj>>(json?.resource ?? {})) resource[type] = { ...resource[type], ...byName };
  }
  return { resource };
}
