import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import type { AwsModel } from "../model/aws";
import { EncryptionKey } from "./aws/encryption-key";
import { SnapshotBucket } from "./aws/snapshot-bucket";
import { WorkloadRoleConstruct } from "./aws/workload-role";
import { type BackendOptions, configureBackend } from "./backend";
import { PlatformStack } from "./platform-stack";

export const AWS_STACK = "aws";

export interface AwsStackProps {
  model: AwsModel;
  backend: Omit<BackendOptions, "stackName">;
}

/** AWS resources Vault needs: the auto-unseal key, workload IAM roles and the snapshot bucket. */
export class AwsStack extends PlatformStack {
  constructor(scope: Construct, props: AwsStackProps) {
    super(scope, AWS_STACK);
    const m = props.model;
    configureBackend(this, m.backend, { ...props.backend, stackName: AWS_STACK });
    new AwsProvider(this, "aws", {
      region: m.region,
      allowedAccountIds: [m.accountId],
      defaultTags: [{ tags: m.defaultTags }],
    });

    const roles = new Map(m.roles.map((r) => [r.id, new WorkloadRoleConstruct(this, r.id, { role: r, clusterName: m.clusterName })]));
    const rolesFor = (ids: string[]) => ids.map((id) => roles.get(id)!.role);

    const unseal = new EncryptionKey(this, "vault_unseal", { key: m.unsealKey, dependsOn: rolesFor(m.unsealKey.principalRoleIds) });
    const snapshotKey = new EncryptionKey(this, "vault_snapshots", { key: m.snapshotKey, dependsOn: rolesFor(m.snapshotKey.principalRoleIds) });
    const bucket = new SnapshotBucket(this, "snapshots", { bucket: m.snapshotBucket, key: snapshotKey.key });

    new TerraformOutput(this, "unseal_key_arn", { value: unseal.key.arn, description: "KMS key Vault auto-unseals with" });
    new TerraformOutput(this, "unseal_key_alias", { value: m.unsealKey.alias, description: "Alias the Vault seal stanza names" });
    new TerraformOutput(this, "snapshot_bucket", { value: bucket.bucket.bucket, description: "Bucket the raft snapshot job writes to" });
    new TerraformOutput(this, "snapshot_key_arn", { value: snapshotKey.key.arn, description: "KMS key encrypting the snapshot bucket" });
    for (const r of m.roles) {
      new TerraformOutput(this, `${r.id.replace(/-/g, "_")}_role_arn`, {
        value: roles.get(r.id)!.role.arn,
        description: `${r.description} (${r.serviceAccount.namespace}/${r.serviceAccount.name})`,
      });
    }
  }
}
