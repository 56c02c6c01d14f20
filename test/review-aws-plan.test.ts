import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { reviewJsonIn, runReviewAsync, writeTrees } from "./helpers/review";
import { referenceCopy, synthTerraformToTemp } from "./helpers/synth";
import { type DeployedBase, deployedBase, withoutLifecycle } from "./helpers/terraform-state";

/**
 * `npm run review --aws-plan`: the AWS actions come from a real `terraform plan` (hashicorp/aws
 * 5.100.0 from the offline mirror) of the head stack against a deployed base, read with
 * `terraform show -json`, including the replacements only the provider knows about.
 */

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const renamed = () => ({ ...referenceCopy(), name: "shop2" });

describe("review --aws-plan with a real terraform plan", () => {
  let base: DeployedBase;
  beforeAll(async () => {
    base = await deployedBase(join(synthTerraformToTemp(referenceCopy()), "stacks", "aws"));
  }, 240_000);

  it("replacements from the plan (a rename replaces the snapshot bucket and the unseal alias): listed as REPLACED, the unseal key called out", async () => {
    const head = await base.planHead(join(synthTerraformToTemp(renamed()), "stacks", "aws"), { patch: withoutLifecycle });
    expect(head.status).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), "vep-review-plan-"));
    writeFileSync(join(dir, "plan.json"), JSON.stringify(head.plan));
    const r = await runReviewAsync(["--base-dir", await writeTrees(referenceCopy()), "--head-dir", await writeTrees(renamed()), "--aws-plan", join(dir, "plan.json"), "--output", dir], { cwd: dir });
    expect(r.stderr).toBe("");
    const json = reviewJsonIn(dir);
    const aws = json.changes.filter((c: Json) => c.layer === "aws");
    const action = (resource: string) => aws.find((c: Json) => c.resource === resource)?.action;
    expect(action("aws/aws_s3_bucket.snapshots_bucket")).toBe("replace");
    expect(action("aws/aws_kms_alias.vault_unseal_alias")).toBe("replace");
    expect(action("aws/aws_kms_key.vault_unseal_key")).toBe("change");
    // Exactly the plan's changes: nothing the plan calls no-op.
    expect(aws.length).toBe(Object.keys(head.actions).length);
    expect(json.findings).toEqual(
      expect.arrayContaining([
        { layer: "aws", kind: "unseal-key", weight: "attention", resource: "aws/aws_kms_alias.vault_unseal_alias", message: "the unseal key's alias is REPLACED: the seal names it, so a Vault pod restarted before its vault.hcl names the new alias cannot unseal" },
        expect.objectContaining({ kind: "unseal-key", resource: "aws/aws_kms_key.vault_unseal_key", message: expect.stringMatching(/^the unseal key changes \(/) }),
      ]),
    );
    expect(json.notes).toContain("AWS actions come from the Terraform plan given with --aws-plan (terraform show -json).");
    expect(r.stdout).toContain("- REPLACED `aws/aws_s3_bucket.snapshots_bucket`");
  }, 300_000);
});
