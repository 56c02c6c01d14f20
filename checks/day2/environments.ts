import type { EnvironmentModel } from "../../model/kubernetes/types";
import type { PlatformModel } from "../../model";
import { k8sNames, vaultStackNames } from "../../model/names";
import { type Day2Check, type Day2Note, runbook } from "./types";

const environments = (m: PlatformModel): EnvironmentModel[] => m.kubernetes.clusters.flatMap((c) => c.environments);

/**
 * An environment that leaves the spec (or moves to another namespace) takes its component folder
 * dist/<cluster>/env-<env>/ with it. Its namespace carries Prune=confirm,Delete=confirm (Flux: prune
 * disabled), so GitOps deletes it only after a person confirms; its Vault roles, policies and database
 * roles go with the next vault apply, after the leases are revoked.
 */
export const environmentChanges: Day2Check = (base, head) => {
  const headByName = new Map(environments(head).map((e) => [e.name, e]));
  return environments(base).flatMap((env): Day2Note[] => {
    const now = headByName.get(env.name);
    if (now && now.namespace === env.namespace && now.cluster === env.cluster) return [];
    const what = now ? `moves from ${env.cluster}/${env.namespace} to ${now.cluster}/${now.namespace}` : "is removed";
    return [
      {
        id: "VEP-D11",
        severity: "warning",
        message:
          `environment ${env.name} ${what}: GitOps stops managing ${env.cluster}/${k8sNames.environmentComponent(env.name)}. Namespace ${env.namespace} ` +
          `is pruned only after a person confirms it (Argo CD Prune=confirm; Flux never prunes it), and deleting it deletes every workload and ` +
          `volume in it. Move or retire the workloads, revoke the environment's database leases, ` +
          (now ? "apply its Vault stack, " : `destroy its Vault stack ${vaultStackNames.environment(env.name)} while the base still renders it (the head does not), `) +
          `then confirm the prune.`,
        runbook: runbook("retire-environment"),
      },
    ];
  });
};
