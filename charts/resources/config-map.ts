import { KubeConfigMap, KubeSecret } from "cdk8s-plus-28/lib/imports/k8s";
import type { Construct } from "constructs";
import { CA_CONFIGMAP } from "../../model/kubernetes/external-secrets";

/** The Vault CA (public certificate) in a namespace whose clients verify Vault's TLS. */
export function vaultCaConfigMap(scope: Construct, namespace: string, pem: string): KubeConfigMap {
  return new KubeConfigMap(scope, `configmap-${namespace}-${CA_CONFIGMAP.name}`, {
    metadata: { name: CA_CONFIGMAP.name, namespace },
    data: { [CA_CONFIGMAP.key]: pem },
  });
}

/** The same public CA as a Secret, for clients that read it only from one (VSO's VaultConnection, the Vault Agent's tls-secret). */
export function vaultCaSecret(scope: Construct, namespace: string, ca: { name: string; pem: string }): KubeSecret {
  return new KubeSecret(scope, `secret-${namespace}-${ca.name}`, {
    metadata: { name: ca.name, namespace },
    type: "Opaque",
    data: { [CA_CONFIGMAP.key]: Buffer.from(ca.pem).toString("base64") },
  });
}
