import { describe, expect, it } from "vitest";
import { policyBroadening } from "../review/iam";
import { COMMENT_LIMIT, reviewMarkdown } from "../review/markdown";
import { capabilityChanges } from "../review/vault-access";
import type { Review } from "../review/types";

/** The review's decisions on small inputs: IAM statements (cdk diff's semantics, sharpened), Vault ACL changes, the comment limit. */

const doc = (...Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const allow = (extra: object = {}) => ({ Sid: "Use", Effect: "Allow", Principal: { AWS: "arn:aws:iam::1:role/vault" }, Action: ["kms:Decrypt", "kms:Encrypt"], Resource: "*", ...extra });

describe("IAM broadening", () => {
  it("an added action, resource or principal broadens; each is named", () => {
    expect(policyBroadening(doc(allow()), doc(allow({ Action: ["kms:Decrypt", "kms:Encrypt", "kms:CreateGrant"] })))).toEqual(['statement Use adds actions ["kms:CreateGrant"]']);
    expect(policyBroadening(doc(allow({ Resource: "arn:a" })), doc(allow({ Resource: ["arn:a", "arn:b"] })))).toEqual(['statement Use adds resources ["arn:b"]']);
    expect(policyBroadening(doc(allow()), doc(allow({ Principal: { AWS: ["arn:aws:iam::1:role/vault", "arn:aws:iam::1:role/ops"] } })))).toEqual(['statement Use adds principals ["AWS:arn:aws:iam::1:role/ops"]']);
  });
  it("a removed Deny broadens", () => {
    const deny = { Sid: "NoDelete", Effect: "Deny", Principal: "*", Action: "s3:DeleteObject", Resource: "*" };
    expect(policyBroadening(doc(allow(), deny), doc(allow()))).toEqual(['removes or narrows Deny statement NoDelete (["s3:DeleteObject"])']);
  });
  it("narrowing or tightening is not broadening (a text diff would flag it; a covering base statement does not)", () => {
    expect(policyBroadening(doc(allow()), doc(allow({ Action: "kms:Decrypt" })))).toEqual([]);
    expect(policyBroadening(doc(allow()), doc(allow({ Condition: { StringEquals: { "aws:SourceAccount": "1" } } })))).toEqual([]);
    expect(policyBroadening(doc(allow({ Action: "kms:*" })), doc(allow({ Action: ["kms:Decrypt"] })))).toEqual([]);
  });
  it("a new policy: every Allow statement is added", () => {
    expect(policyBroadening("", doc(allow()))).toEqual(['adds Allow statement Use: ["kms:Decrypt","kms:Encrypt"] on ["*"] for ["AWS:arn:aws:iam::1:role/vault"]']);
  });
});

describe("Vault capability changes (ACL semantics, not text)", () => {
  it("a rule rewritten with the same effect is no change; a deny takes access away; a wider glob adds paths", () => {
    const base = [{ path: "secret/data/apps/dev/*", capabilities: ["read"] }];
    expect(capabilityChanges(base, [{ path: "secret/data/apps/dev/*", capabilities: ["read"] }, { path: "secret/data/apps/dev/+", capabilities: ["read"] }])).toEqual([]);
    expect(capabilityChanges(base, [...base, { path: "secret/data/apps/dev/x", capabilities: ["deny"] }])).toEqual([{ path: "secret/data/apps/dev/x", added: [], removed: ["read"] }]);
    expect(capabilityChanges(base, [{ path: "secret/data/apps/*", capabilities: ["read"] }])).toEqual([{ path: "secret/data/apps/*", added: ["read"], removed: [] }]);
  });
});

describe("review.md stays under GitHub's comment limit", () => {
  it("a review with thousands of findings is summarised and points to review.json", () => {
    const findings = Array.from({ length: 4000 }, (_, i) => ({ layer: "vault" as const, kind: "vault-policy", weight: "broadening" as const, resource: `policy p${i}`, message: `secret/data/apps/${"x".repeat(40)}/${i}: +read` }));
    const r: Review = { base: "main", head: "head", changes: [], findings, day2: [], notes: [] };
    const md = reviewMarkdown(r);
    expect(md.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(md).toContain("**4000 security broadenings**");
    expect(md).toContain("more in review.json");
    expect(reviewMarkdown({ ...r, findings: findings.slice(0, 5) })).not.toContain("more in review.json");
  });
});
