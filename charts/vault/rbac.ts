import { KubeClusterRoleBinding, KubeRole, KubeRoleBinding } from "cdk8s-plus-28/lib/imports/k8s";
import type { Construct } from "constructs";
import type { VaultServerModel } from "../../model/kubernetes/types";
import { vaultPodNames } from "./pods";

const SERVICE_REGISTRATION = "vault-service-registration";

/** Vault reviews the JWTs clients log in with (Kubernetes auth) through the TokenReview API. */
export function authDelegatorBinding(scope: Construct, vault: VaultServerModel): KubeClusterRoleBinding {
  const sa = vault.serviceAccount;
  return new KubeClusterRoleBinding(scope, `clusterrolebinding-${sa.namespace}-${sa.name}-auth-delegator`, {
    metadata: { name: `${sa.namespace}-${sa.name}-auth-delegator` },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:auth-delegator" },
    subjects: [{ kind: "ServiceAccount", name: sa.name, namespace: sa.namespace }],
  });
}

/**
 * service_registration "kubernetes": each pod reads and labels itself (vault-active, vault-sealed,
 * ...). Limited to the StatefulSet's own pods, and no list/watch: Vault never needs other pods.
 */
export function serviceRegistrationRbac(scope: Construct, vault: VaultServerModel): void {
  const ns = vault.namespace;
  new KubeRole(scope, `role-${ns}-${SERVICE_REGISTRATION}`, {
    metadata: { name: SERVICE_REGISTRATION, namespace: ns },
    rules: [{ apiGroups: [""], resources: ["pods"], resourceNames: vaultPodNames(vault.replicas), verbs: ["get", "update", "patch"] }],
  });
  new KubeRoleBinding(scope, `rolebinding-${ns}-${SERVICE_REGISTRATION}`, {
    metadata: { name: SERVICE_REGISTRATION, namespace: ns },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: SERVICE_REGISTRATION },
    subjects: [{ kind: "ServiceAccount", name: vault.serviceAccount.name, namespace: ns }],
  });
}
