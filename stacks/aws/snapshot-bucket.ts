import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { S3BucketObjectLockConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import type { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Construct } from "constructs";
import { SNAPSHOT_KEY_ARN, type SnapshotBucketModel } from "../../model/aws";

export interface SnapshotBucketProps {
  bucket: SnapshotBucketModel;
  /** The bucket's own key (never the unseal key). */
  key: KmsKey;
}

/** Raft snapshot bucket: SSE-KMS, versioned, private, owner-enforced, TLS-only, expiring. */
export class SnapshotBucket extends Construct {
  readonly bucket: S3Bucket;

  constructor(scope: Construct, id: string, props: SnapshotBucketProps) {
    super(scope, id);
    const m = props.bucket;
    this.bucket = new S3Bucket(this, "bucket", { bucket: m.name, lifecycle: { preventDestroy: m.preventDestroy } });
    const bucket = this.bucket.id;
    new S3BucketPublicAccessBlock(this, "public_access_block", {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "ownership", { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } });
    const versioning = new S3BucketVersioningA(this, "versioning", { bucket, versioningConfiguration: { status: "Enabled" } });
    if (m.objectLock) {
      // Enables Object Lock on a new or an existing versioned bucket (S3 allows both since 2023), without replacing it.
      new S3BucketObjectLockConfigurationA(this, "object_lock", {
        bucket,
        objectLockEnabled: "Enabled",
        rule: { defaultRetention: { mode: m.objectLock.mode, days: m.objectLock.days } },
        dependsOn: [versioning],
      });
    }
    if (m.accessLogs) new S3BucketLoggingA(this, "logging", { bucket, targetBucket: m.accessLogs.bucket, targetPrefix: m.accessLogs.prefix });
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: props.key.arn }, bucketKeyEnabled: true }],
    });
    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      bucket,
      rule: [
        {
          id: "expire-snapshots",
          status: "Enabled",
          filter: [{ prefix: `${m.prefix}/` }],
          expiration: [{ days: m.retentionDays }],
          noncurrentVersionExpiration: [{ noncurrentDays: m.noncurrentRetentionDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        },
      ],
    });
    new S3BucketPolicy(this, "policy", { bucket, policy: JSON.stringify(m.policy).split(SNAPSHOT_KEY_ARN).join(props.key.arn) });
  }
}
