import { KubePriorityClass } from "cdk8s-plus-28/lib/imports/k8s";
import type { Construct } from "constructs";
import type { VaultServerModel } from "../../model/kubernetes/types";

/** Above every workload that depends on Vault, below the system-* classes. */
const VAULT_PRIORITY = 1_000_000;

export function vaultPriorityClass(scope: Construct, vault: VaultServerModel): KubePriorityClass {
  return new KubePriorityClass(scope, `priorityclass-${vault.priorityClassName}`, {
    metadata: { name: vault.priorityClassName },
    value: VAULT_PRIORITY,
    globalDefault: false,
    preemptionPolicy: "PreemptLowerPriority",
    description: "Vault servers: every secret consumer of the platform depends on them.",
  });
}
