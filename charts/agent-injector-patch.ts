import { stringify } from "yaml";
import type { PlatformModel } from "../model";
import { k8sNames } from "../model/names";
import type { AgentInjectorPatchModel } from "../model/kubernetes/types";

/**
 * The pod-template patch of one agent-injector service as a kustomize Component: the service's own
 * kustomization adds `components: [<path>]` and kustomize strategic-merges it into the Deployment
 * (annotations merge, the token volume merges by name). A Component folder is never applied by
 * itself, so Argo CD and Flux, which build the environment folder, leave it alone.
 */
function component(p: AgentInjectorPatchModel): string {
  const patch = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: p.deployment },
    spec: {
      template: {
        metadata: { annotations: p.annotations },
        spec: {
          serviceAccountName: p.serviceAccount,
          volumes: [{ name: p.tokenVolume.name, projected: { sources: [{ serviceAccountToken: { audience: p.tokenVolume.audience, expirationSeconds: p.tokenVolume.expirationSeconds, path: "token" } }] } }],
        },
      },
    },
  };
  const doc = {
    apiVersion: "kustomize.config.k8s.io/v1alpha1",
    kind: "Component",
    patches: [{ target: { group: "apps", version: "v1", kind: "Deployment", name: p.deployment }, patch: stringify(patch, { lineWidth: 0 }) }],
  };
  return `# Vault Agent injector for ${p.service}: add this folder to the service's kustomization under components:.\n${stringify(doc, { lineWidth: 0 })}`;
}

/** Every agent-injector Component, keyed by its path below dist/. */
export function agentInjectorComponents(model: PlatformModel): Record<string, string> {
  const files: Record<string, string> = {};
  for (const cluster of model.kubernetes.clusters) {
    for (const env of cluster.environments) {
      for (const p of env.agentInjector) files[`${cluster.name}/${k8sNames.environmentComponent(env.name)}/${p.folder}/kustomization.yaml`] = component(p);
    }
  }
  return files;
}
