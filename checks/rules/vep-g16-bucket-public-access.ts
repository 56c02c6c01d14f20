import type { Check } from "../types";
import { fx } from "../util";

const FLAGS = ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"];

export const bucketPublicAccess: Check = {
  id: "VEP-G16",
  severity: "error",
  title: "Every S3 bucket has a full public access block",
  rationale: "Snapshots hold every secret of Vault (encrypted with the unseal key's protection only): a public ACL or policy must be impossible.",
  fix: "An aws_s3_bucket_public_access_block for the bucket with all four settings true.",
  appliesTo: ["aws_s3_bucket", "aws_s3_bucket_public_access_block"],
  run(ctx) {
    const blocks = ctx.resources("aws_s3_bucket_public_access_block");
    return ctx.resources("aws_s3_bucket").flatMap((b) => {
      const block = blocks.find((p) => p.stack === b.stack && [`\${aws_s3_bucket.${b.name}.id}`, `\${aws_s3_bucket.${b.name}.bucket}`, b.value.bucket].includes(p.value.bucket));
      if (!block) return [{ resource: b.resource, message: `bucket ${b.value.bucket ?? b.name} has no public access block` }];
      const off = FLAGS.filter((f) => block.value[f] !== true);
      return off.length ? [{ resource: block.resource, message: `bucket ${b.value.bucket ?? b.name}: ${off.join(", ")} not true` }] : [];
    });
  },
  fixtures: {
    pass: { does: "the block names the bucket by its name instead of its id", edit: (s) => void (fx.resource(s, "aws", "aws_s3_bucket_public_access_block", "snapshots_public_access_block").bucket = fx.resource(s, "aws", "aws_s3_bucket", "snapshots_bucket").bucket) },
    fail: {
      does: "the public access block deleted",
      edit: (s) => void delete s.terraform.stacks.aws.resource.aws_s3_bucket_public_access_block,
      expect: { resource: "aws/aws_s3_bucket.snapshots_bucket", message: "bucket shop-vault-snapshots-111122223333-eu-west-1 has no public access block" },
    },
  },
};
