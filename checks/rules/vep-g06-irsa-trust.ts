import type { Check } from "../types";
import { asList, fx, iamDocuments } from "../util";

/** IRSA trust: the OIDC provider's token must be pinned to one service account (sub) and to STS (aud). */
export const irsaTrust: Check = {
  id: "VEP-G06",
  severity: "error",
  title: "IRSA trust names one service account (:sub, no wildcard) and the STS audience (:aud)",
  rationale: "Without :sub every service account of the cluster (or a wildcard's worth) can assume the role; without :aud a token minted for another audience is accepted.",
  fix: "StringEquals on <issuer>:sub = system:serviceaccount:<ns>:<sa> and <issuer>:aud = sts.amazonaws.com.",
  appliesTo: ["aws_iam_role assume_role_policy"],
  run(ctx) {
    const out: { resource: string; message: string }[] = [];
    for (const { resource, kind, doc } of iamDocuments(ctx)) {
      if (kind !== "trust") continue;
      for (const s of asList(doc.Statement)) {
        if (s.Effect !== "Allow" || !asList<string>(s.Action).includes("sts:AssumeRoleWithWebIdentity")) continue;
        const eq: Record<string, string | string[]> = s.Condition?.StringEquals ?? {};
        const like: Record<string, string | string[]> = s.Condition?.StringLike ?? {};
        const subs = [...Object.entries(eq), ...Object.entries(like)].filter(([k]) => k.endsWith(":sub")).flatMap(([, v]) => asList(v));
        const auds = Object.entries(eq).filter(([k]) => k.endsWith(":aud")).flatMap(([, v]) => asList(v));
        if (subs.length === 0) out.push({ resource, message: "web-identity trust without a :sub condition: every service account of the cluster may assume the role" });
        for (const sub of subs) if (/[*?]/.test(sub)) out.push({ resource, message: `web-identity trust with a wildcard subject ${sub}` });
        if (!auds.includes("sts.amazonaws.com") || auds.length !== 1) out.push({ resource, message: `web-identity trust without StringEquals :aud = sts.amazonaws.com (has ${auds.length ? auds.join(", ") : "none"})` });
      }
    }
    return out;
  },
  fixtures: {
    pass: {
      does: "the snapshot role's trust names two exact service accounts",
      edit: (s) =>
        fx.editJson(fx.resource(s, "aws", "aws_iam_role", "vault_snapshot_role"), "assume_role_policy", (d) => {
          const eq = d.Statement[0].Condition.StringEquals;
          const sub = Object.keys(eq).find((k) => k.endsWith(":sub"))!;
          eq[sub] = [eq[sub], "system:serviceaccount:vault:vault-restore"];
        }),
    },
    fail: {
      does: "the snapshot role's trust matches sub system:serviceaccount:vault:* with StringLike and drops :aud",
      edit: (s) =>
        fx.editJson(fx.resource(s, "aws", "aws_iam_role", "vault_snapshot_role"), "assume_role_policy", (d) => {
          const eq = d.Statement[0].Condition.StringEquals;
          const sub = Object.keys(eq).find((k) => k.endsWith(":sub"))!;
          d.Statement[0].Condition = { StringLike: { [sub]: "system:serviceaccount:vault:*" } };
        }),
      expect: { resource: "aws/aws_iam_role.vault_snapshot_role", message: "web-identity trust with a wildcard subject system:serviceaccount:vault:*" },
    },
  },
};
