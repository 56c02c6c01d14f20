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
    // ARNs of the roles the AWS stack creates: the account of allowed_account_ids (else the model's), the role's path.
    const accounts: string[] = Object.values(ctx.synthesis.terraform.stacks).flatMap((j) => (j?.provider?.aws ?? []).flatMap((p: { allowed_account_ids?: string[] }) => p.allowed_account_ids ?? []));
    const account = accounts[0] ?? ctx.model.aws.accountId;
    const created = new Set(ctx.resources("aws_iam_role").map((r) => `arn:${ctx.model.aws.partition}:iam::${account}:role${String(r.value.path ?? "/")}${r.value.name}`));
    const out: { resource: string; message: string }[] = [];
    for (const r of ctx.resources("vault_aws_auth_backend_role")) {
      for (const arn of r.value.bound_iam_principal_arns ?? []) {
        if (!created.has(String(arn))) out.push({ resource: r.resource, message: `role ${r.value.role} binds ${arn}, which is not the ARN of a role the AWS stack creates` });
      }
    }
    return out;
  },
  fixtures: {
    pass: {
      spec: "examples/vcluster-oidc.yaml",
      does: "the IAM role given a path, and the binding naming it with that path",
      edit: (s) => {
        fx.resource(s, "aws", "aws_iam_role", "login_dev_analytics_service_role").path = "/vault-login/";
        fx.resource(s, "vault-dev", "vault_aws_auth_backend_role", "auth_aws_role_svc_dev_analytics_service").bound_iam_principal_arns = ["arn:aws:iam::111122223333:role/vault-login/shop-dev-analytics-service"];
      },
    },
    fail: {
      spec: "examples/vcluster-oidc.yaml",
      does: "the dev analytics-service role bound to a role of another account",
      edit: (s) => void (fx.resource(s, "vault-dev", "vault_aws_auth_backend_role", "auth_aws_role_svc_dev_analytics_service").bound_iam_principal_arns = ["arn:aws:iam::999988887777:role/shop-dev-analytics-service"]),
      expect: { resource: "vault-dev/vault_aws_auth_backend_role.auth_aws_role_svc_dev_analytics_service", message: "role svc-dev-analytics-service binds arn:aws:iam::999988887777:role/shop-dev-analytics-service, which is not the ARN of a role the AWS stack creates" },
    },
  },
};
