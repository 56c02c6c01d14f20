import type { Check } from "../types";
import { snapshotBucket } from "../output";
import { fx } from "../util";

/**
 * Info, not a warning: the log bucket must exist already and admit the S3 logging service, so the
 * spec cannot default one; CloudTrail data events are the alternative (snapshots.accessLogBucket).
 */
export const snapshotAccessLogs: Check = {
  id: "VEP-G28",
  severity: "info",
  title: "The snapshot bucket's server access logs go to a log bucket",
  rationale: "Who read, overwrote or tried to delete a snapshot shows only in access logs or CloudTrail data events; neither is on by default in an AWS account.",
  fix: "Name an existing log bucket in snapshots.accessLogBucket, or enable CloudTrail data events for the snapshot bucket.",
  appliesTo: ["aws_s3_bucket", "aws_s3_bucket_logging"],
  run(ctx) {
    const { bucket, attached } = snapshotBucket(ctx);
    if (!bucket || attached("aws_s3_bucket_logging").some((l) => l.value.target_bucket)) return [];
    return [{ resource: bucket.resource, message: `bucket ${bucket.value.bucket}: no server access logs (snapshots.accessLogBucket); reads and deletions show only in CloudTrail data events, if enabled` }];
  },
  fixtures: {
    pass: {
      spec: "examples/vcluster-oidc.yaml",
      does: "the access logs go under another prefix of the log bucket",
      edit: (s) => void (fx.resource(s, "aws", "aws_s3_bucket_logging", "snapshots_logging").target_prefix = "s3/snapshots/"),
    },
    fail: {
      spec: "examples/vcluster-oidc.yaml",
      does: "the access logging resource deleted",
      edit: (s) => void delete s.terraform.stacks.aws.resource.aws_s3_bucket_logging,
      expect: { resource: "aws/aws_s3_bucket.snapshots_bucket", message: "bucket shop-vault-snapshots-111122223333-eu-west-1: no server access logs" },
    },
  },
};
