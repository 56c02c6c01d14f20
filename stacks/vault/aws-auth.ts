import { AuthBackend } from "@cdktf/provider-vault/lib/auth-backend";
import { AwsAuthBackendClient } from "@cdktf/provider-vault/lib/aws-auth-backend-client";
import { AwsAuthBackendRole } from "@cdktf/provider-vault/lib/aws-auth-backend-role";
import { Construct } from "constructs";
import type { VaultModel } from "../../model/vault";

/** AWS IAM auth (the EKS pattern): each role is bound to one IAM role ARN derived from the spec. */
export class AwsAuth extends Construct {
  constructor(scope: Construct, id: string, aws: NonNullable<VaultModel["awsAuth"]> & { ownsMount: boolean }) {
    super(scope, id);
    const backend = aws.ownsMount ? new AuthBackend(this, "backend", { type: "aws", path: aws.path, description: "AWS IAM principals (IRSA / Pod Identity roles)" }).path : aws.path;
    // No access keys: Vault uses its own workload identity. The server-id header stops replay against another Vault.
    if (aws.ownsMount) new AwsAuthBackendClient(this, "client", {
      backend,
      stsEndpoint: `https://sts.${aws.region}.amazonaws.com`,
      stsRegion: aws.region,
      iamServerIdHeaderValue: aws.iamServerIdHeaderValue,
    });
    for (const r of aws.roles) {
      new AwsAuthBackendRole(this, `role_${r.name}`, {
        backend,
        role: r.name,
        authType: "iam",
        boundIamPrincipalArns: [r.boundIamRoleArn],
        resolveAwsUniqueIds: true,
        tokenPolicies: r.policies,
        tokenNoDefaultPolicy: true,
        tokenTtl: r.ttlSeconds,
        tokenMaxTtl: r.maxTtlSeconds,
      });
    }
  }
}
