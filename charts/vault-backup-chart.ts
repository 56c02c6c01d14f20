import type { Construct } from "constructs";
import type { PlatformModel } from "../model";
import { k8sNames } from "../model/names";
import { PlatformChart } from "./platform-chart";
import { serviceAccount } from "./resources/service-account";
import { snapshotPolicy } from "./vault/network-policies";
import { snapshotCronJob } from "./vault/snapshot-cronjob";

/** Raft snapshots on a schedule, uploaded to the snapshot bucket under the snapshot key. */
export class VaultBackupChart extends PlatformChart {
  constructor(scope: Construct, model: PlatformModel) {
    super(scope, { cluster: model.kubernetes.primaryCluster, component: k8sNames.components.vaultBackup, platform: model.name });
    const job = model.kubernetes.snapshots;
    serviceAccount(this, job.serviceAccount);
    snapshotCronJob(this, job, {
      // A snapshot is at most as large as the raft data it is taken from.
      scratchSize: model.kubernetes.vault.storage.dataSize,
    });
    snapshotPolicy(this, job, model.aws);
  }
}
