import type { Check } from "../types";
import { fx } from "../util";

export const kmsRotation: Check = {
  id: "VEP-G15",
  severity: "error",
  title: "Symmetric KMS keys rotate",
  rationale: "Rotation limits how much is encrypted under one key version; AWS rotates yearly when asked, at no downtime.",
  fix: "enable_key_rotation = true (symmetric keys).",
  appliesTo: ["aws_kms_key"],
  run(ctx) {
    return ctx
      .resources("aws_kms_key")
      .filter((r) => (r.value.customer_master_key_spec ?? r.value.key_spec ?? "SYMMETRIC_DEFAULT") === "SYMMETRIC_DEFAULT" && r.value.enable_key_rotation !== true)
      .map((r) => ({ resource: r.resource, message: `key ${r.value.description ?? r.name}: enable_key_rotation is not true` }));
  },
  fixtures: {
    pass: { does: "an asymmetric signing key without rotation (AWS cannot rotate those)", edit: (s) => void (s.terraform.stacks.aws.resource.aws_kms_key.signing = { customer_master_key_spec: "ECC_NIST_P256", key_usage: "SIGN_VERIFY" }) },
    fail: {
      does: "rotation switched off on the unseal key",
      edit: (s) => void (fx.resource(s, "aws", "aws_kms_key", "vault_unseal_key").enable_key_rotation = false),
      expect: { resource: "aws/aws_kms_key.vault_unseal_key", message: "key shop: Vault auto-unseal (awskms seal): enable_key_rotation is not true" },
    },
  },
};
