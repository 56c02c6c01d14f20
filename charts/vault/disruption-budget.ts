import { IntOrString, KubePodDisruptionBudget } from "cdk8s-plus-28/lib/imports/k8s";
import type { Construct } from "constructs";
import type { VaultServerModel } from "../../model/kubernetes/types";
import { VAULT_POD_LABELS, VAULT_STATEFULSET } from "./pods";

/** One voter at a time during drains; pods that are not ready anyway (sealed, crashing) never block one. */
export function vaultDisruptionBudget(scope: Construct, vault: VaultServerModel): KubePodDisruptionBudget {
  return new KubePodDisruptionBudget(scope, `poddisruptionbudget-${vault.namespace}-${VAULT_STATEFULSET}`, {
    metadata: { name: VAULT_STATEFULSET, namespace: vault.namespace },
    spec: {
      maxUnavailable: IntOrString.fromNumber(1),
      unhealthyPodEvictionPolicy: "AlwaysAllow",
      selector: { matchLabels: { ...VAULT_POD_LABELS } },
    },
  });
}
