import { AuthBackend } from "@cdktf/provider-vault/lib/auth-backend";
import { KubernetesAuthBackendConfig } from "@cdktf/provider-vault/lib/kubernetes-auth-backend-config";
import { KubernetesAuthBackendRole } from "@cdktf/provider-vault/lib/kubernetes-auth-backend-role";
import { Construct } from "constructs";
import type { KubernetesAuthMount } from "../../model/vault/types";
import { vaultConstructIds } from "../../model/names";

/** A Kubernetes auth mount for one cluster and its roles, each bound to exactly one service account. */
export class KubernetesAuth extends Construct {
  constructor(scope: Construct, id: string, m: KubernetesAuthMount & { ownsMount: boolean }) {
    super(scope, id);
    const backend = m.ownsMount ? new AuthBackend(this, "backend", { type: "kubernetes", path: m.path, description: `Service accounts of cluster ${m.cluster}` }).path : m.path;
    if (m.ownsMount) new KubernetesAuthBackendConfig(this, "config", {
      backend,
      kubernetesHost: m.host,
      ...(m.caCertificate ? { kubernetesCaCert: m.caCertificate } : {}),
      // Set explicitly: the provider always sends it. EKS issuers are not the API server URL.
      disableIssValidation: true,
      // In-cluster, Vault's own token reviews; for a remote cluster the client's JWT reviews itself
      // (its service account holds system:auth-delegator there), so no long-lived reviewer token exists.
      disableLocalCaJwt: !m.inCluster,
    });
    for (const r of m.roles) {
      new KubernetesAuthBackendRole(this, vaultConstructIds.role(r.name), {
        backend,
        roleName: r.name,
        boundServiceAccountNames: [r.serviceAccount.name],
        boundServiceAccountNamespaces: [r.serviceAccount.namespace],
        audience: r.audience,
        tokenPolicies: r.policies,
        tokenNoDefaultPolicy: true,
        tokenTtl: r.ttlSeconds,
        tokenMaxTtl: r.maxTtlSeconds,
      });
    }
  }
}
