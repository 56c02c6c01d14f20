import { KubeServiceAccount } from "cdk8s-plus-28/lib/imports/k8s";
import type { Construct } from "constructs";
import type { ServiceAccountModel } from "../../model/kubernetes/types";

export function serviceAccount(scope: Construct, sa: ServiceAccountModel): KubeServiceAccount {
  return new KubeServiceAccount(scope, `serviceaccount-${sa.namespace}-${sa.name}`, {
    metadata: {
      name: sa.name,
      namespace: sa.namespace,
      annotations: { "vault-eks-platform/purpose": sa.purpose, ...sa.annotations },
    },
    automountServiceAccountToken: sa.automountToken,
  });
}
