import { EksPodIdentityAssociation } from "@cdktf/provider-aws/lib/eks-pod-identity-association";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";
import type { WorkloadRole } from "../../model/aws";

export interface WorkloadRoleProps {
  role: WorkloadRole;
  /** The EKS cluster a pod-identity role is associated in. */
  clusterName: string;
}

/** An IAM role trusted by exactly one Kubernetes service account, with its least-privilege inline policy. */
export class WorkloadRoleConstruct extends Construct {
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: WorkloadRoleProps) {
    super(scope, id);
    const { role } = props;
    this.role = new IamRole(this, "role", {
      name: role.name,
      description: role.description,
      assumeRolePolicy: JSON.stringify(role.trustPolicy),
      maxSessionDuration: 3600,
    });
    if (role.inlinePolicy) {
      new IamRolePolicy(this, "policy", {
        name: "least-privilege",
        role: this.role.name,
        policy: JSON.stringify(role.inlinePolicy),
      });
    }
    if (role.identity === "pod-identity") {
      new EksPodIdentityAssociation(this, "pod_identity", {
        clusterName: props.clusterName,
        namespace: role.serviceAccount.namespace,
        serviceAccount: role.serviceAccount.name,
        roleArn: this.role.arn,
      });
    }
  }
}
