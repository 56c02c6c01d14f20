import { KubeClusterRoleBinding } from "cdk8s-plus-28/lib/imports/k8s";
import type { Construct } from "constructs";
import type { PlatformModel } from "../model";
import type { EnvironmentModel } from "../model/kubernetes/types";
import { k8sNames } from "../model/names";
import { externalSecret, vaultDynamicSecret } from "./eso/external-secret";
import { vaultStore } from "./eso/stores";
import { PlatformChart } from "./platform-chart";
import { vaultCaConfigMap, vaultCaSecret } from "./resources/config-map";
import { vaultSecretsOperator } from "./vso/vault-secrets-operator";
import { secretProviderClass } from "./csi/secret-provider-class";
import { restrictedNamespace } from "./resources/namespace";
import { cidrs, DNS_EGRESS, defaultDeny, networkPolicy, podsInNamespace, tcp } from "./resources/network-policy";
import { serviceAccount } from "./resources/service-account";
import { https, workloadIdentityEgress } from "./vault/network-policies";
import { VAULT_POD_LABELS, VAULT_PORTS } from "./vault/pods";

/**
 * One environment namespace: restricted Pod Security, default-deny networking, the service
 * accounts Vault roles bind to, and the ExternalSecrets that deliver each service's secrets.
 */
export class EnvironmentChart extends PlatformChart {
  constructor(scope: Construct, model: PlatformModel, env: EnvironmentModel) {
    super(scope, { cluster: env.cluster, component: k8sNames.environmentComponent(env.name), platform: model.name });
    const ns = env.namespace;
    restrictedNamespace(this, ns, { "vault-eks-platform/environment": env.name }, env.namespaceDeletionGuard);
    vaultCaConfigMap(this, ns, env.caCertificatePem);
    for (const sa of env.serviceAccounts) serviceAccount(this, sa);
    vaultStore(this, env.secretStore);
    // Vault reviews tokens of a remote cluster with the client's own JWT, which needs this right.
    for (const sa of env.tokenReviewers) {
      new KubeClusterRoleBinding(this, `clusterrolebinding-${ns}-${sa}-auth-delegator`, {
        metadata: { name: `${ns}-${sa}-auth-delegator` },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:auth-delegator" },
        subjects: [{ kind: "ServiceAccount", name: sa, namespace: ns }],
      });
    }
    for (const g of env.generators) vaultDynamicSecret(this, g);
    for (const es of env.externalSecrets) externalSecret(this, es);
    if (env.caSecret) vaultCaSecret(this, ns, env.caSecret);
    if (env.vso) vaultSecretsOperator(this, ns, env.vso);
    for (const spc of env.secretProviderClasses) secretProviderClass(this, ns, spc);

    defaultDeny(this, ns);
    const toVault = !env.vaultEgress
      ? []
      : env.vaultEgress.kind === "in-cluster"
        ? [{ to: [podsInNamespace(env.vaultEgress.vaultNamespace, { "app.kubernetes.io/name": VAULT_POD_LABELS["app.kubernetes.io/name"] })], ports: tcp(VAULT_PORTS.api.port) }]
        : [{ to: cidrs(env.vaultEgress.cidrs), ports: tcp(env.vaultEgress.port) }];
    networkPolicy(this, { namespace: ns, name: env.vaultEgress ? "allow-dns-and-vault-egress" : "allow-dns-egress", podLabels: {}, egress: [DNS_EGRESS, ...toVault] });
    if (env.awsEgress) {
      // Services logging in with AWS IAM sign an STS request with credentials they must first obtain.
      networkPolicy(this, {
        namespace: ns,
        name: "allow-aws-credentials-egress",
        podLabels: {},
        egress: [...(env.awsEgress.cidrs.length > 0 ? [https(env.awsEgress.cidrs)] : []), ...workloadIdentityEgress(env.awsEgress)],
      });
    }
  }
}
