import type { Check } from "../types";
import { asList, fx, iamDocuments } from "../util";

/**
 * An Allow statement with a wildcard action ("*", "svc:*"), NotAction, or a "*" resource. In a KMS
 * key policy "Resource": "*" means the key itself (AWS KMS docs: key policies), so it is not one;
 * Deny statements may be broad (the bucket's TLS-only policy denies s3:*).
 */
export const iamWildcard: Check = {
  id: "VEP-G05",
  severity: "error",
  title: "No IAM wildcard action or resource in an Allow statement",
  rationale: "A wildcard grants every current and future action or resource: least privilege cannot be reviewed.",
  fix: "Name the actions and the resource ARNs the workload needs.",
  appliesTo: ["aws_iam_role (trust and inline)", "aws_iam_role_policy", "aws_iam_policy", "aws_kms_key policy", "aws_s3_bucket_policy"],
  run(ctx) {
    const out: { resource: string; message: string }[] = [];
    for (const { resource, kind, doc } of iamDocuments(ctx)) {
      for (const s of asList(doc.Statement)) {
        if (s.Effect !== "Allow") continue;
        const sid = s.Sid ? `statement ${s.Sid}` : "a statement";
        for (const a of asList<string>(s.Action)) if (a === "*" || /^[a-z0-9-]+:\*$/i.test(a)) out.push({ resource, message: `${sid} allows every action (${a})` });
        if (s.NotAction) out.push({ resource, message: `${sid} allows everything but NotAction` });
        if (s.NotResource) out.push({ resource, message: `${sid} allows every resource but NotResource` });
        if (kind !== "key" && kind !== "trust" && asList(s.Resource).includes("*")) out.push({ resource, message: `${sid} allows its actions on every resource ("*")` });
        if (asList(s.Principal?.AWS ?? (s.Principal === "*" ? "*" : undefined)).includes("*")) out.push({ resource, message: `${sid} allows any principal ("*")` });
      }
    }
    return out;
  },
  fixtures: {
    pass: {
      does: "as rendered: the bucket policy denies s3:* (Deny), the key policies allow on Resource \"*\" (this key)",
      edit: (s) => void fx.resource(s, "aws", "aws_s3_bucket_policy", "snapshots_policy"),
    },
    fail: {
      does: "the snapshot role's policy allows s3:* on *",
      edit: (s) =>
        fx.editJson(fx.resource(s, "aws", "aws_iam_role_policy", "vault_snapshot_policy"), "policy", (d) => {
          d.Statement[0].Action = ["s3:*"];
          d.Statement[0].Resource = "*";
        }),
      expect: { resource: "aws/aws_iam_role_policy.vault_snapshot_policy", message: "statement WriteSnapshots allows every action (s3:*)" },
    },
  },
};
