import type { Check } from "../types";
import { putObjectDeniedBy, type RequestContext } from "../s3-policy";
import { keyOfAlias, snapshotBucket } from "../output";
import { asList, fx } from "../util";

/** Uploads that name their own encryption (AWS CLI --sse, --sse-kms-key-id): the bucket policy must refuse each. */
const FOREIGN_ENCRYPTION: [string, RequestContext][] = [
  ["SSE-S3 (AES256)", { "s3:x-amz-server-side-encryption": "AES256" }],
  ["SSE-KMS with the AWS managed key", { "s3:x-amz-server-side-encryption": "aws:kms" }],
  ["SSE-KMS with another key", { "s3:x-amz-server-side-encryption": "aws:kms", "s3:x-amz-server-side-encryption-aws-kms-key-id": "arn:aws:kms:us-east-1:000000000000:key/00000000-0000-0000-0000-000000000000" }],
];

/**
 * The snapshot bucket encrypts by default with the snapshot key (SSE-KMS), and its policy refuses
 * uploads that ask for any other encryption (evaluated: the policy's Deny statements against each
 * request, with IAM's condition operators).
 */
export const snapshotBucketEncryption: Check = {
  id: "VEP-G26",
  severity: "error",
  title: "The snapshot bucket encrypts with the snapshot key by default (SSE-KMS) and its policy refuses uploads with any other encryption",
  rationale: "A snapshot holds every secret; encrypted with S3's or AWS's managed key, anyone with s3:GetObject reads it without the snapshot key's policy saying so.",
  fix: "Keep the rendered aws_s3_bucket_server_side_encryption_configuration (aws:kms, the snapshot key) and the bucket policy's Deny statements on other encryption.",
  appliesTo: ["aws_s3_bucket", "aws_s3_bucket_server_side_encryption_configuration", "aws_s3_bucket_policy", "aws_kms_alias"],
  run(ctx) {
    const { bucket, attached } = snapshotBucket(ctx);
    if (!bucket) return [];
    const out: { resource: string; message: string }[] = [];
    const name = String(bucket.value.bucket);
    const alias = ctx.model.aws.snapshotKey.alias;
    const key = keyOfAlias(ctx, alias);
    const keyRefs = key ? ["arn", "id", "key_id"].map((a) => `\${aws_kms_key.${key.name}.${a}}`) : [];
    const sse = attached("aws_s3_bucket_server_side_encryption_configuration");
    const defaults = sse.flatMap((r) => asList(r.value.rule)).flatMap((rule) => asList(rule.apply_server_side_encryption_by_default));
    if (!defaults.some((d) => ["aws:kms", "aws:kms:dsse"].includes(d.sse_algorithm) && keyRefs.includes(d.kms_master_key_id))) {
      const now = defaults.map((d) => `${d.sse_algorithm}${d.kms_master_key_id ? ` with ${d.kms_master_key_id}` : ""}`).join(", ") || "none";
      out.push({ resource: sse[0]?.resource ?? bucket.resource, message: `bucket ${name}: default encryption is ${now}, not SSE-KMS with the snapshot key (${alias})` });
    }
    const policy = attached("aws_s3_bucket_policy")[0];
    const doc = policy ? JSON.parse(String(policy.value.policy)) : { Statement: [] };
    const object = `arn:${ctx.model.aws.partition}:s3:::${name}/${ctx.model.aws.snapshotBucket.prefix}/vep-check.snap`;
    const admitted = FOREIGN_ENCRYPTION.filter(([, headers]) => putObjectDeniedBy(asList(doc.Statement), object, { "aws:SecureTransport": "true", "s3:TlsVersion": "1.3", ...headers }).length === 0);
    if (admitted.length > 0) out.push({ resource: policy?.resource ?? bucket.resource, message: `bucket ${name}: the policy lets uploads with ${admitted.map(([what]) => what).join(", ")} through` });
    return out;
  },
  fixtures: {
    pass: {
      does: "the default encryption names the snapshot key by its key id instead of its ARN",
      edit: (s) => void (fx.resource(s, "aws", "aws_s3_bucket_server_side_encryption_configuration", "snapshots_encryption").rule[0].apply_server_side_encryption_by_default.kms_master_key_id = "${aws_kms_key.vault_snapshots_key.key_id}"),
    },
    fail: {
      does: "the bucket policy loses its Deny of other KMS keys",
      edit: (s) => fx.editJson(fx.resource(s, "aws", "aws_s3_bucket_policy", "snapshots_policy"), "policy", (doc) => void (doc.Statement = doc.Statement.filter((st: { Sid?: string }) => st.Sid !== "DenyOtherKmsKey"))),
      expect: { resource: "aws/aws_s3_bucket_policy.snapshots_policy", message: "bucket shop-vault-snapshots-111122223333-eu-west-1: the policy lets uploads with SSE-KMS with another key through" },
    },
  },
};
