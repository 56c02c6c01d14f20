import type { Construct } from "constructs";
import {
  ClusterSecretStore,
  ClusterSecretStoreSpecProviderAwsService,
  ClusterSecretStoreSpecProviderAwsSessionTagsPolicy,
  type ClusterSecretStoreSpecProviderVault,
  SecretStore,
  type SecretStoreSpecProviderVault,
} from "../../imports/external-secrets.io";
import type { VaultDynamicSecretSpecProvider } from "../../imports/generators.external-secrets.io";
import type { SecretStoreModel, SecretsManagerStoreModel, VaultProviderModel } from "../../model/kubernetes/types";
import { VAULT_MOUNTS } from "../../model/names";

/** Each generated kind has its own (identical) enum types; the provider block is the same JSON for all three. */
type AnyVaultProvider = ClusterSecretStoreSpecProviderVault & SecretStoreSpecProviderVault & VaultDynamicSecretSpecProvider;

/** The Vault provider of a store or generator: KV v2 at secret/, Kubernetes auth with an audience-bound token. */
export function vaultProviderSpec(v: VaultProviderModel): AnyVaultProvider {
  const spec = {
    server: v.server,
    path: VAULT_MOUNTS.kv,
    version: "v2",
    caProvider: { type: "ConfigMap", name: v.caConfigMap.name, key: v.caConfigMap.key, ...(v.caConfigMap.namespace ? { namespace: v.caConfigMap.namespace } : {}) },
    auth: {
      kubernetes: {
        mountPath: v.authMount,
        role: v.role,
        serviceAccountRef: { name: v.serviceAccount.name, ...(v.serviceAccount.namespace ? { namespace: v.serviceAccount.namespace } : {}), audiences: v.serviceAccount.audiences },
      },
    },
  };
  return spec as AnyVaultProvider;
}

export function vaultStore(scope: Construct, store: SecretStoreModel): void {
  const metadata = { name: store.name, labels: { "vault-eks-platform/environment": store.environment } };
  const provider = { vault: vaultProviderSpec(store.vault) };
  if (store.kind === "ClusterSecretStore") {
    new ClusterSecretStore(scope, `clustersecretstore-${store.name}`, { metadata, spec: { conditions: [{ namespaces: store.allowedNamespaces ?? [] }], provider } });
  } else {
    new SecretStore(scope, `secretstore-${store.namespace}-${store.name}`, { metadata: { ...metadata, namespace: store.namespace }, spec: { provider } });
  }
}

/** The design's AWS Secrets Manager store: read-only through the prefix-scoped IAM role. */
export function secretsManagerStore(scope: Construct, store: SecretsManagerStoreModel): void {
  const auth = { jwt: { serviceAccountRef: { name: store.serviceAccount.name, namespace: store.serviceAccount.namespace } } };
  new ClusterSecretStore(scope, `clustersecretstore-${store.name}`, {
    metadata: { name: store.name },
    spec: {
      conditions: [{ namespaces: store.allowedNamespaces }],
      provider: {
        aws: { service: ClusterSecretStoreSpecProviderAwsService.SECRETS_MANAGER, region: store.region, sessionTagsPolicy: ClusterSecretStoreSpecProviderAwsSessionTagsPolicy.NONE, auth },
      },
    },
  });
}
