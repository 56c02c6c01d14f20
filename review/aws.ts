import type { CheckContext } from "../checks/context";
import { same } from "./fields";
import { policyBroadening } from "./iam";
import { tfResources } from "./terraform";
import type { ResourceChange, ReviewFinding } from "./types";

/** Attributes holding IAM policy documents, per resource type. */
const POLICY_ATTRIBUTES: Record<string, string[]> = {
  aws_iam_role: ["assume_role_policy"],
  aws_iam_role_policy: ["policy"],
  aws_iam_policy: ["policy"],
  aws_iam_user_policy: ["policy"],
  aws_iam_group_policy: ["policy"],
  aws_kms_key: ["policy"],
  aws_kms_key_policy: ["policy"],
  aws_s3_bucket_policy: ["policy"],
  aws_secretsmanager_secret_policy: ["policy"],
  aws_sqs_queue_policy: ["policy"],
  aws_sns_topic_policy: ["policy"],
};

/** Resources that grant by existing: a new one broadens (cdk diff lists managed policies and security group rules too). */
const GRANTING_TYPES = new Set(["aws_iam_role_policy_attachment", "aws_iam_policy_attachment", "aws_iam_user_policy_attachment", "aws_eks_pod_identity_association", "aws_kms_grant", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"]);

/** The seal's key and alias (vault.hcl `seal "awskms"` → alias → key), on either side. */
function unsealKey(ctx: CheckContext): Set<string> {
  const out = new Set<string>();
  for (const { hcl } of ctx.hclFiles()) {
    for (const seal of hcl?.seal?.awskms ?? []) {
      const alias = ctx.resources("aws_kms_alias").find((a) => a.value.name === seal.kms_key_id);
      if (!alias) continue;
      out.add(alias.resource);
      const key = ctx.referenced(alias.value.target_key_id);
      if (key) out.add(key.resource);
    }
  }
  return out;
}

/**
 * The AWS layer's findings: IAM and resource-policy broadening, new grants, and every change to the
 * unseal key or its policy (with a plan, its replacements count too).
 */
export function awsFindings(base: CheckContext, head: CheckContext, changes: ResourceChange[]): ReviewFinding[] {
  const out: ReviewFinding[] = [];
  const b = tfResources(base.synthesis);
  const h = tfResources(head.synthesis);
  for (const [key, now] of h) {
    if (now.stack !== "aws") continue;
    const was = b.get(key);
    for (const attr of POLICY_ATTRIBUTES[now.type] ?? []) {
      if (was && same(was.value[attr], now.value[attr])) continue;
      for (const line of policyBroadening(was?.value[attr] ?? "", now.value[attr])) out.push({ layer: "aws", kind: now.type === "aws_kms_key" || now.type === "aws_kms_key_policy" ? "key-policy" : "iam", weight: "broadening", resource: key, message: `${attr}: ${line}` });
    }
    if (!was && GRANTING_TYPES.has(now.type)) out.push({ layer: "aws", kind: "iam", weight: "broadening", resource: key, message: `new ${now.type}: grants access by existing` });
  }
  const sealKeys = new Set([...unsealKey(base), ...unsealKey(head)]);
  for (const c of changes.filter((c) => c.layer === "aws" && sealKeys.has(c.resource))) {
    const alias = c.resource.includes("/aws_kms_alias.");
    const fate: Record<string, string> = alias
      ? {
          replace: "is REPLACED: the seal names it, so a Vault pod restarted before its vault.hcl names the new alias cannot unseal",
          remove: "is DESTROYED: a Vault pod whose seal still names it cannot unseal after a restart",
        }
      : {
          replace: "is REPLACED: a new key cannot decrypt the existing seal wrapping, Vault stays sealed after its next restart",
          remove: "is DESTROYED (scheduled for deletion): Vault cannot unseal once it is gone",
        };
    const what = c.action === "change" ? `changes (${c.fields.join(", ")})` : c.action === "add" ? "is added" : fate[c.action];
    out.push({ layer: "aws", kind: "unseal-key", weight: c.action === "add" ? "info" : "attention", resource: c.resource, message: `the unseal key${alias ? "'s alias" : ""} ${what}` });
  }
  return out;
}
