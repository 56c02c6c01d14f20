import type { EnvironmentSpec, PlatformSpec, ServiceSpec } from "../../spec/schema";
import { k8sNames, kubernetesAuthMount, serviceAccountName, vaultActiveAddress, vaultLoginAudiences, vaultNames } from "../names";
import { deliveredSecrets } from "./delivered-secrets";
import type { SecretProviderClassModel } from "./types";

/**
 * The SecretProviderClass of a csi service. The Vault CSI provider (hashicorp/vault-csi-provider)
 * writes one Vault field per file (no templates), reads KV v2 through <mount>/data/ (it descends
 * into data.data itself), and logs in with a token of the mounting pod's service account for
 * `audience`. Only KV secrets are delivered: keys composed from fields (DATABASE_URL, REDIS_URL, a
 * certificate chain) cannot be rendered, and the provider never renews a lease (rule VEP-S52).
 */
export function buildSecretProviderClass(spec: PlatformSpec, env: EnvironmentSpec, svc: ServiceSpec): SecretProviderClassModel {
  const objects = deliveredSecrets(spec, env, svc).flatMap((d) => {
    const s = d.source;
    if (s.kind !== "kv" || d.template) throw new Error(`${d.name}: the Vault CSI provider delivers only KV secrets (rule VEP-S52)`);
    return [...s.keys].sort().map((key) => ({ objectName: `${d.name}/${key}`, secretPath: `${s.mount}/data/${s.path}`, secretKey: key }));
  });
  return {
    name: k8sNames.secretProviderClass(svc.name),
    service: svc.name,
    serviceAccount: serviceAccountName(svc),
    providerNamespace: spec.csiProvider.namespace,
    parameters: {
      vaultAddress: vaultActiveAddress(spec.vault.namespace),
      roleName: vaultNames.service(env.name, svc.name),
      vaultKubernetesMountPath: kubernetesAuthMount(env),
      audience: vaultLoginAudiences(spec, env)[0],
      vaultCACertPath: spec.csiProvider.vaultCaCertPath,
    },
    objects,
  };
}
