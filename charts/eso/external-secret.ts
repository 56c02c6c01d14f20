import type { Construct } from "constructs";
import {
  ExternalSecret,
  ExternalSecretSpecDataFromSourceRefGeneratorRefKind,
  ExternalSecretSpecDataRemoteRefConversionStrategy,
  ExternalSecretSpecDataRemoteRefDecodingStrategy,
  ExternalSecretSpecDataRemoteRefMetadataPolicy,
  ExternalSecretSpecRefreshPolicy,
  ExternalSecretSpecSecretStoreRefKind,
  ExternalSecretSpecTargetCreationPolicy,
  ExternalSecretSpecTargetDeletionPolicy,
  ExternalSecretSpecTargetTemplateEngineVersion,
  ExternalSecretSpecTargetTemplateMergePolicy,
} from "../../imports/external-secrets.io";
import { VaultDynamicSecret, VaultDynamicSecretSpecResultType } from "../../imports/generators.external-secrets.io";
import type { ExternalSecretModel, VaultDynamicSecretModel } from "../../model/kubernetes/types";
import { vaultProviderSpec } from "./stores";

/**
 * An ExternalSecret with every field the API server or ESO would otherwise fill in, so a GitOps
 * controller compares like with like and shows no permanent drift.
 */
export function externalSecret(scope: Construct, es: ExternalSecretModel): void {
  const annotated = Object.keys(es.secretAnnotations).length > 0;
  // A template with metadata only keeps the fetched keys as they are (ESO copies them when no template data is given).
  const template =
    es.template || annotated
      ? {
          template: {
            type: es.secretType ?? "Opaque",
            engineVersion: ExternalSecretSpecTargetTemplateEngineVersion.V2,
            // Database credentials keep username/password next to the rendered URL; a certificate Secret holds only its three keys.
            mergePolicy: es.purpose === "database" ? ExternalSecretSpecTargetTemplateMergePolicy.MERGE : ExternalSecretSpecTargetTemplateMergePolicy.REPLACE,
            ...(annotated ? { metadata: { annotations: { ...es.secretAnnotations } } } : {}),
            ...(es.template ? { data: es.template } : {}),
          },
        }
      : {};
  new ExternalSecret(scope, `externalsecret-${es.namespace}-${es.name}`, {
    metadata: { name: es.name, namespace: es.namespace, labels: { "vault-eks-platform/service": es.service, "vault-eks-platform/environment": es.environment } },
    spec: {
      refreshInterval: es.refreshInterval,
      refreshPolicy: ExternalSecretSpecRefreshPolicy.PERIODIC,
      secretStoreRef: {
        kind: es.storeRef.kind === "ClusterSecretStore" ? ExternalSecretSpecSecretStoreRefKind.CLUSTER_SECRET_STORE : ExternalSecretSpecSecretStoreRefKind.SECRET_STORE,
        name: es.storeRef.name,
      },
      target: { name: es.target, creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER, deletionPolicy: ExternalSecretSpecTargetDeletionPolicy.RETAIN, ...template },
      ...(es.data.length > 0
        ? {
            data: es.data.map((d) => ({
              secretKey: d.secretKey,
              remoteRef: {
                key: d.key,
                property: d.property,
                conversionStrategy: ExternalSecretSpecDataRemoteRefConversionStrategy.DEFAULT,
                decodingStrategy: ExternalSecretSpecDataRemoteRefDecodingStrategy.NONE,
                metadataPolicy: ExternalSecretSpecDataRemoteRefMetadataPolicy.NONE,
              },
            })),
          }
        : {}),
      ...(es.generator
        ? {
            dataFrom: [
              {
                sourceRef: {
                  generatorRef: { apiVersion: "generators.external-secrets.io/v1alpha1", kind: ExternalSecretSpecDataFromSourceRefGeneratorRefKind.VAULT_DYNAMIC_SECRET, name: es.generator },
                },
              },
            ],
          }
        : {}),
    },
  });
}

/** Dynamic credentials and certificates: ESO calls the Vault path on every refresh. */
export function vaultDynamicSecret(scope: Construct, g: VaultDynamicSecretModel): void {
  new VaultDynamicSecret(scope, `vaultdynamicsecret-${g.namespace}-${g.name}`, {
    metadata: { name: g.name, namespace: g.namespace },
    spec: {
      path: g.path,
      method: g.method,
      ...(g.parameters ? { parameters: g.parameters } : {}),
      resultType: VaultDynamicSecretSpecResultType.DATA,
      allowEmptyResponse: false,
      provider: vaultProviderSpec(g.vault),
    },
  });
}
