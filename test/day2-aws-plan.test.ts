import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { day2Notes } from "../checks/day2";
import type { PlatformSpecInput } from "../spec/schema";
import { modelOf, referenceCopy, synthTerraformToTemp } from "./helpers/synth";
import { type DeployedBase, deployedBase, withoutLifecycle } from "./helpers/terraform-state";

/**
 * Issue 14, item 6: what `terraform apply` does to a deployed AWS stack when the spec changes, planned
 * by the real Terraform and hashicorp/aws 5.100.0 against a state built from the base spec
 * (test/helpers/terraform-state.ts). The unseal key, the snapshot key and the snapshot bucket carry
 * prevent_destroy: a change that would replace one of them fails the plan with Terraform's own error.
 */

const ACCOUNT = "111122223333";
const BUCKET_SETTINGS = [
  "aws_s3_bucket_lifecycle_configuration.snapshots_lifecycle",
  "aws_s3_bucket_ownership_controls.snapshots_ownership",
  "aws_s3_bucket_policy.snapshots_policy",
  "aws_s3_bucket_public_access_block.snapshots_public_access_block",
  "aws_s3_bucket_server_side_encryption_configuration.snapshots_encryption",
  "aws_s3_bucket_versioning.snapshots_versioning",
];
const PROTECTED = ["aws_kms_key.vault_snapshots_key", "aws_kms_key.vault_unseal_key", "aws_s3_bucket.snapshots_bucket"];

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const oneLine = (text: string) => text.replace(/\s+/g, " ");
const awsStack = (spec: PlatformSpecInput) => join(synthTerraformToTemp(spec), "stacks", "aws");
const renamed = () => ({ ...referenceCopy(), name: "shop2" });
const unprotected = withoutLifecycle;

describe("(issue 14.6) AWS stack: day-2 changes planned by Terraform against the deployed base", () => {
  let base: DeployedBase;
  beforeAll(async () => {
    base = await deployedBase(awsStack(referenceCopy()));
  }, 240_000);

  it("the deployed base is a fixed point: the base stack plans no change against it", async () => {
    expect(base.rounds).toBeLessThanOrEqual(3);
    expect(base.state.resources.map((r: Json) => `${r.type}.${r.name}`)).toEqual(expect.arrayContaining([...PROTECTED, ...BUCKET_SETTINGS]));
    const again = await base.planHead(awsStack(referenceCopy()));
    expect(again.status).toBe(0);
    expect(again.actions).toEqual({});
  });

  it("the rendered stack protects exactly the keys and the bucket", () => {
    const stack = JSON.parse(readFileSync(join(awsStack(referenceCopy()), "cdk.tf.json"), "utf8"));
    const withLifecycle = Object.entries<Json>(stack.resource).flatMap(([type, byName]) =>
      Object.entries<Json>(byName)
        .filter(([, r]) => r.lifecycle)
        .map(([name, r]) => [`${type}.${name}`, r.lifecycle]),
    );
    expect(Object.fromEntries(withLifecycle)).toEqual(Object.fromEntries(PROTECTED.map((a) => [a, { prevent_destroy: true }])));
  });

  it("renaming the platform: Terraform refuses the plan (prevent_destroy on the snapshot bucket)", async () => {
    const head = await base.planHead(awsStack(renamed()));
    expect(head.status).not.toBe(0);
    expect(head.stderr).toContain("Error: Instance cannot be destroyed");
    // Terraform wraps its messages; compare with single spaces.
    expect(oneLine(head.stderr)).toContain("Resource aws_s3_bucket.snapshots_bucket has lifecycle.prevent_destroy set, but the plan calls for this resource to be destroyed.");
    // The keys are not replaced by a rename (their aliases are): no error names them.
    expect(oneLine(head.stderr)).not.toMatch(/Resource aws_kms_key\./);
  });

  it("what the protection stands between: unprotected, the rename replaces the bucket and strips its settings", async () => {
    const head = await base.planHead(awsStack(renamed()), { patch: unprotected });
    expect(head.status).toBe(0);
    expect(head.actions["aws_s3_bucket.snapshots_bucket"]).toBe("delete,create");
    for (const a of BUCKET_SETTINGS) expect(head.actions[a], a).toBe("delete,create");
    expect(head.actions["aws_kms_key.vault_unseal_key"]).toBe("update");
    expect(head.actions["aws_kms_key.vault_snapshots_key"]).toBe("update");
    expect(head.actions["aws_kms_alias.vault_unseal_alias"]).toBe("delete,create");
    const bucket = head.plan!.resource_changes.find((r) => r.address === "aws_s3_bucket.snapshots_bucket")!;
    expect([bucket.change.before?.bucket, bucket.change.after.bucket]).toEqual([`shop-vault-snapshots-${ACCOUNT}-eu-west-1`, `shop2-vault-snapshots-${ACCOUNT}-eu-west-1`]);
  });

  it("moving to another region is refused the same way", async () => {
    const spec = referenceCopy();
    spec.aws.region = "eu-central-1";
    spec.cluster.oidcIssuerUrl = spec.cluster.oidcIssuerUrl.replace("eu-west-1", "eu-central-1");
    const head = await base.planHead(awsStack(spec));
    expect(head.status).not.toBe(0);
    expect(oneLine(head.stderr)).toContain("Resource aws_s3_bucket.snapshots_bucket has lifecycle.prevent_destroy set");
  });

  it("a safe change applies in place: longer retention and a restore principal update, nothing is destroyed", async () => {
    const spec = referenceCopy();
    spec.snapshots = { ...spec.snapshots, retentionDays: 90, restorePrincipalArns: [`arn:aws:iam::${ACCOUNT}:role/vault-restore`] };
    const head = await base.planHead(awsStack(spec));
    expect(head.status).toBe(0);
    expect(head.actions).toEqual({
      "aws_kms_key.vault_snapshots_key": "update",
      "aws_s3_bucket_lifecycle_configuration.snapshots_lifecycle": "update",
    });
  });

  it("the review refuses the rename before anyone plans it, naming both buckets and the keys", () => {
    const notes = day2Notes(modelOf(referenceCopy()), modelOf(renamed()));
    expect(notes.map((n) => `${n.id} ${n.severity}`)).toContain("VEP-D01 error");
    const d01 = notes.find((n) => n.id === "VEP-D01")!;
    expect(d01.message).toContain(`name shop -> shop2 renames the snapshot bucket shop-vault-snapshots-${ACCOUNT}-eu-west-1 -> shop2-vault-snapshots-${ACCOUNT}-eu-west-1`);
    expect(d01.message).toContain("alias/shop-vault-unseal, alias/shop-vault-snapshots");
  });
});
