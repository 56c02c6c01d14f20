import type { Check } from "../types";
import { fx } from "../util";

/** Vault's AWS auth roles are bound to the exact IAM roles the AWS stack creates, in its account. */
export const awsAuthBinding: Check = {
  id: "VEP-X06",
  severity: "error",
  title: "Vault AWS auth roles bind the IAM roles the AWS stack creates",
  rationale: "A bound_iam_principal_arn naming a role that does not exist (or another account's) makes every login fail, or admits a stranger's role.",
  fix: "Keep the login role name in one place (model/names.ts serviceLoginRole); in the spec: services[].vaultLogin aws-iam.",
  appliesTo: ["vault_aws_auth_backend_role", "aws_iam_role"],
  run(ctx) {
    const accounts: string[] = Object.values(ctx.synthesis.terraform.stacks).flatMap((j) => (j?.provider?.aws ?? []).flatMap((p: { allowed_account_ids?: string[] }) => p.allowed_account_ids ?? []));
    const roles = new Set(ctx.resources("aws_iam_role").map((r) => String(r.value.name)));
    const out: { resource: string; message: string }[] = [];
    for (const r of ctx.resources("vault_aws_auth_backend_role")) {
      for (const arn of r.value.bound_iam_principal_arns ?? []) {
        const m = /^arn:[\w-]+:iam::(\d{12}):role\/(?:.*\/)?([\w+=,.@-]+)$/.exec(String(arn));
        if (!m) out.push({ resource: r.resource, message: `role ${r.value.role} binds ${arn}, not an IAM role ARN` });
        else if (!roles.has(m[2]) || (accounts.length > 0 && !accounts.includes(m[1]))) out.push({ resource: r.resource, message: `role ${r.value.role} binds ${arn}, which the AWS stack does not create (account ${accounts.join(", ")})` });
      }
    }
    return out;
  },
  fixtures: {
    pass: { spec: "examples/vcluster-oidc.yaml", does: "the analytics-service role as rendered", edit: (s) => void fx.resource(s, "vault", "vault_aws_auth_backend_role", "auth_aws_role_svc_dev_analytics_service") },
    fail: {
      spec: "examples/vcluster-oidc.yaml",
      does: "the dev analytics-service role bound to a role of another account",
      edit: (s) => void (fx.resource(s, "vault", "vault_aws_auth_backend_role", "auth_aws_role_svc_dev_analytics_service").bound_iam_principal_arns = ["arn:aws:iam::999988887777:role/shop-dev-analytics-service"]),
      expect: { resource: "vault/vault_aws_auth_backend_role.auth_aws_role_svc_dev_analytics_service", message: "role svc-dev-analytics-service binds arn:aws:iam::999988887777:role/shop-dev-analytics-service, which the AWS stack does not create" },
    },
  },
};
