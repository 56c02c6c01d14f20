import { quantityBytes } from "../../spec/primitives";
import { k8sNames } from "../../model/names";
import { type Day2Check, type Day2Note, runbook } from "./types";

/**
 * Changes the API server refuses on an existing object, and the order of a scale-down. A StatefulSet
 * accepts updates to replicas, ordinals, template, updateStrategy, revisionHistoryLimit,
 * persistentVolumeClaimRetentionPolicy and minReadySeconds only ("spec: Forbidden: updates to
 * statefulset spec for fields other than ..."), and a StorageClass's parameters are immutable: GitOps
 * would retry such a sync forever. These need a person; spec validation cannot see them (it has no
 * base), so they live here.
 */
export const vaultServerChanges: Day2Check = (base, head) => {
  const notes: Day2Note[] = [];
  const b = base.kubernetes.vault;
  const h = head.kubernetes.vault;
  if (b.namespace !== h.namespace) return notes; // refused by VEP-D02
  const ns = h.namespace;
  const sts = k8sNames.vaultStatefulSet;
  const orphanDelete = `kubectl -n ${ns} delete statefulset ${sts} --cascade=orphan`;

  const before = new Map(b.volumeClaims.map((c) => [c.name, c]));
  for (const claim of h.volumeClaims) {
    const was = before.get(claim.name);
    if (was && JSON.stringify(was) === JSON.stringify(claim)) continue;
    if (was && quantityBytes(claim.size) < quantityBytes(was.size)) {
      notes.push({
        id: "VEP-D03",
        severity: "error",
        message: `refused: ${claim.sizeField} ${was.size} -> ${claim.size} shrinks the ${claim.name} volumes; Kubernetes never shrinks a PersistentVolumeClaim and EBS volumes cannot shrink. Keep ${was.size}.`,
      });
      continue;
    }
    const sizeOnly = was !== undefined && JSON.stringify({ ...was, size: claim.size }) === JSON.stringify(claim);
    notes.push({
      id: "VEP-D03",
      severity: "warning",
      message:
        `${sizeOnly ? `${claim.sizeField} ${was!.size} -> ${claim.size}` : `the ${claim.name} claim template changes`}: the StatefulSet's volumeClaimTemplates ` +
        `cannot be updated, so the GitOps sync of StatefulSet ${ns}/${sts} fails until a person ` +
        `${sizeOnly ? `expands the existing ${claim.name} claims (kubectl patch; the StorageClass allows expansion) and ` : ""}` +
        `orphan-deletes the StatefulSet (${orphanDelete}); the sync then recreates it and the pods keep running.`,
      runbook: runbook("vault-volume-resize"),
    });
  }

  if (JSON.stringify(b.storageClass) !== JSON.stringify(h.storageClass)) {
    notes.push({
      id: "VEP-D04",
      severity: "warning",
      message:
        `vault.storage.ebsKmsKeyArn ${b.storageClass.kmsKeyArn ?? "(aws/ebs)"} -> ${h.storageClass.kmsKeyArn ?? "(aws/ebs)"} changes the parameters of StorageClass ` +
        `${h.storageClass.name}, which are immutable: the sync fails until the StorageClass is deleted (kubectl delete storageclass ${h.storageClass.name}) and ` +
        `recreated by the sync; existing volumes keep their old key until each Vault pod's volumes are replaced one at a time.`,
      runbook: runbook("vault-storage-class"),
    });
  }

  if (h.replicas < b.replicas) {
    const gone = Array.from({ length: b.replicas - h.replicas }, (_, i) => `${sts}-${h.replicas + i}.${k8sNames.vaultServices.internal}:8201`);
    notes.push({
      id: "VEP-D05",
      severity: "warning",
      message:
        `vault.replicas ${b.replicas} -> ${h.replicas}: apply the vault stack before the manifests sync (terraform apply lowers the autopilot ` +
        `min_quorum ${base.vault.autopilot.minQuorum} -> ${head.vault.autopilot.minQuorum}); then let the StatefulSet scale down and remove the departed ` +
        `voters at once (vault operator raft remove-peer <node id> for the peers at ${gone.join(", ")}). If the StatefulSet scales first, autopilot ` +
        `never removes the dead voters (it keeps min_quorum), and the cluster runs with a failure tolerance of 0.`,
      runbook: runbook("vault-scale-down"),
    });
  } else if (h.replicas > b.replicas) {
    notes.push({
      id: "VEP-D05",
      severity: "info",
      message: `vault.replicas ${b.replicas} -> ${h.replicas}: new pods join through retry_join as non-voters and autopilot promotes them once stable; the vault stack raises min_quorum to ${head.vault.autopilot.minQuorum} in either order.`,
    });
  }
  return notes;
};
