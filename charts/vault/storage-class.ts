import { KubeStorageClass } from "cdk8s-plus-28/lib/imports/k8s";
import type { Construct } from "constructs";
import type { VaultServerModel } from "../../model/kubernetes/types";

/**
 * Encrypted gp3 for the raft and audit volumes. Retain: deleting a claim never deletes Vault's
 * data; WaitForFirstConsumer: the volume is created in the zone the pod was scheduled to.
 */
export function vaultStorageClass(scope: Construct, vault: VaultServerModel): KubeStorageClass {
  const { name, parameters } = vault.storageClass;
  return new KubeStorageClass(scope, `storageclass-${name}`, {
    metadata: { name },
    provisioner: "ebs.csi.aws.com",
    parameters: { ...parameters },
    volumeBindingMode: "WaitForFirstConsumer",
    reclaimPolicy: "Retain",
    allowVolumeExpansion: true,
  });
}
