import type { Check } from "../types";
import { snapshotBucket } from "../output";
import { asList, fx } from "../util";

export const snapshotObjectLock: Check = {
  id: "VEP-G27",
  severity: "warning",
  title: "The snapshot bucket has S3 Object Lock with a default retention",
  rationale: "Without it a stolen credential that may delete objects (or a lifecycle rule edited by an intruder) destroys the backups a recovery needs.",
  fix: "Keep snapshots.objectLock enabled (the default: GOVERNANCE, 14 days); COMPLIANCE keeps even the account root out.",
  appliesTo: ["aws_s3_bucket", "aws_s3_bucket_object_lock_configuration"],
  run(ctx) {
    const { bucket, attached } = snapshotBucket(ctx);
    if (!bucket) return [];
    const lock = attached("aws_s3_bucket_object_lock_configuration")[0];
    const retention = lock && (lock.value.object_lock_enabled ?? "Enabled") === "Enabled" ? asList(lock.value.rule).flatMap((r) => asList(r.default_retention))[0] : undefined;
    if (retention && ["GOVERNANCE", "COMPLIANCE"].includes(retention.mode) && (Number(retention.days) > 0 || Number(retention.years) > 0)) return [];
    return [{ resource: lock?.resource ?? bucket.resource, message: `bucket ${bucket.value.bucket}: no Object Lock default retention, so snapshots can be deleted or overwritten at once` }];
  },
  fixtures: {
    pass: {
      does: "the retention mode becomes COMPLIANCE",
      edit: (s) => void (fx.resource(s, "aws", "aws_s3_bucket_object_lock_configuration", "snapshots_object_lock").rule.default_retention.mode = "COMPLIANCE"),
    },
    fail: {
      does: "the Object Lock configuration loses its default retention",
      edit: (s) => void delete fx.resource(s, "aws", "aws_s3_bucket_object_lock_configuration", "snapshots_object_lock").rule,
      expect: { resource: "aws/aws_s3_bucket_object_lock_configuration.snapshots_object_lock", message: "bucket shop-vault-snapshots-111122223333-eu-west-1: no Object Lock default retention" },
    },
  },
};
