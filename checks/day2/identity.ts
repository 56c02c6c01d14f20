import type { Day2Check, Day2Note } from "./types";

/**
 * Names that carry data: the snapshot bucket (its backups), the KMS keys (found by alias) and the Vault
 * namespace (the raft volumes). The AWS stack protects the keys and the bucket with prevent_destroy,
 * so Terraform refuses the plan; this note says why before anyone runs it.
 */
export const identityChanges: Day2Check = (base, head) => {
  const notes: Day2Note[] = [];
  const b = base.aws;
  const h = head.aws;
  const identity = [
    ["name", base.name, head.name],
    ["aws.accountId", b.accountId, h.accountId],
    ["aws.region", b.region, h.region],
    ["aws.partition", b.partition, h.partition],
  ].filter(([, from, to]) => from !== to);
  if (identity.length > 0 || b.snapshotBucket.name !== h.snapshotBucket.name) {
    const what = identity.map(([field, from, to]) => `${field} ${from} -> ${to}`).join(", ");
    notes.push({
      id: "VEP-D01",
      severity: "error",
      message:
        `refused: ${what} renames the snapshot bucket ${b.snapshotBucket.name} -> ${h.snapshotBucket.name}. S3 cannot rename a bucket, so ` +
        `Terraform would replace it: it removes the bucket's policy, public access block, encryption and versioning first, then DeleteBucket ` +
        `fails on the snapshots it holds. The bucket and the KMS keys (${b.unsealKey.alias}, ${b.snapshotKey.alias}) have prevent_destroy, ` +
        `so terraform plan stops with "Instance cannot be destroyed". Keep the platform's name, account and region.`,
    });
  }
  if (base.kubernetes.vault.namespace !== head.kubernetes.vault.namespace) {
    notes.push({
      id: "VEP-D02",
      severity: "error",
      message:
        `refused: vault.namespace ${base.kubernetes.vault.namespace} -> ${head.kubernetes.vault.namespace} starts a new, empty Vault cluster ` +
        `(new StatefulSet, new raft volumes) and every Vault role and IAM trust moves to the new namespace; the running cluster's data stays ` +
        `behind in ${base.kubernetes.vault.namespace} (its namespace and StatefulSet are never pruned). Keep the namespace.`,
    });
  }
  return notes;
};
