import type { Construct } from "constructs";
import {
  CompositeResourceDefinitionV2,
  CompositeResourceDefinitionV2SpecDefaultCompositionUpdatePolicy,
  CompositeResourceDefinitionV2SpecScope,
  Composition,
  CompositionSpecMode,
} from "../../imports/apiextensions.crossplane.io";
import { SecretStore } from "../../imports/external-secrets.io";
import type { CrossplaneCompositionModel } from "../../model/kubernetes/platform-writers";
import { vaultProviderSpec } from "../eso/stores";

/** provider-sql's namespaced (Crossplane v2) PostgreSQL managed resources. */
const SQL = "postgresql.sql.m.crossplane.io/v1alpha1";
/** The composed Secret holding a Role's connection details (in the XR's namespace). */
const CONNECTION_SECRET = "%s-postgresql";

const fromXr = (fromFieldPath: string, toFieldPath: string, fmt?: string) => ({
  type: "FromCompositeFieldPath",
  fromFieldPath,
  toFieldPath,
  ...(fmt ? { transforms: [{ type: "string", string: { type: "Format", fmt } }] } : {}),
});
const providerConfig = fromXr("spec.environment", "spec.providerConfigRef.name");
const externalName = fromXr("metadata.name", "metadata.annotations[crossplane.io/external-name]");

/**
 * The SecretStore Crossplane's pushes go through, the XRD and the Composition. Crossplane v2
 * publishes connection details only as Kubernetes Secrets, so the Composition (a function
 * pipeline) composes the database, its role, a grant and an ESO PushSecret that copies the role's
 * connection Secret to KV infrastructure/databases/<env>/<name>.
 */
export function crossplaneDatabaseComposition(scope: Construct, m: CrossplaneCompositionModel): void {
  new SecretStore(scope, `secretstore-${m.store.namespace}-${m.store.name}`, {
    metadata: { name: m.store.name, namespace: m.store.namespace },
    spec: { provider: { vault: vaultProviderSpec(m.store.vault) } },
  });

  new CompositeResourceDefinitionV2(scope, `xrd-${m.xrd.name}`, {
    metadata: { name: m.xrd.name },
    spec: {
      group: m.xrd.group,
      names: { kind: m.xrd.kind, plural: m.xrd.plural },
      scope: CompositeResourceDefinitionV2SpecScope.NAMESPACED,
      defaultCompositionRef: { name: m.composition.name },
      defaultCompositionUpdatePolicy: CompositeResourceDefinitionV2SpecDefaultCompositionUpdatePolicy.AUTOMATIC,
      versions: [
        {
          name: m.xrd.version,
          served: true,
          referenceable: true,
          schema: {
            openApiv3Schema: {
              type: "object",
              required: ["spec"],
              properties: {
                spec: {
                  type: "object",
                  required: ["environment"],
                  properties: {
                    environment: {
                      type: "string",
                      description: "Environment whose PostgreSQL server (provider-sql ProviderConfig of that name) hosts the database; its connection details go to KV infrastructure/databases/<environment>/<name>.",
                      enum: m.environments,
                      "x-kubernetes-validations": [{ rule: "self == oldSelf", message: "environment is immutable" }],
                    },
                  },
                },
              },
            },
          },
        },
      ],
    },
  });

  const resources = [
    { name: "database", base: { apiVersion: SQL, kind: "Database", spec: { forProvider: {}, providerConfigRef: { kind: "ProviderConfig" } } }, patches: [providerConfig, externalName] },
    {
      name: "role",
      base: { apiVersion: SQL, kind: "Role", spec: { forProvider: { privileges: { login: true } }, providerConfigRef: { kind: "ProviderConfig" }, writeConnectionSecretToRef: {} } },
      patches: [providerConfig, externalName, fromXr("metadata.name", "spec.writeConnectionSecretToRef.name", CONNECTION_SECRET)],
    },
    {
      name: "grant",
      base: { apiVersion: SQL, kind: "Grant", spec: { forProvider: { privileges: ["ALL"], roleSelector: { matchControllerRef: true }, databaseSelector: { matchControllerRef: true } }, providerConfigRef: { kind: "ProviderConfig" } } },
      patches: [providerConfig],
    },
    {
      name: "push-to-vault",
      base: {
        apiVersion: "external-secrets.io/v1alpha1",
        kind: "PushSecret",
        spec: {
          refreshInterval: m.refreshInterval,
          // Never delete from Vault: the writer's policy grants no delete (model/vault/writers.ts).
          deletionPolicy: "None",
          secretStoreRefs: [{ kind: "SecretStore", name: m.store.name }],
          selector: { secret: {} },
          data: [{ match: { remoteRef: {} } }],
        },
      },
      patches: [
        fromXr("metadata.name", "spec.selector.secret.name", CONNECTION_SECRET),
        {
          type: "CombineFromComposite",
          combine: { variables: [{ fromFieldPath: "spec.environment" }, { fromFieldPath: "metadata.name" }], strategy: "string", string: { fmt: m.remoteKeyFormat } },
          toFieldPath: "spec.data[0].match.remoteRef.remoteKey",
        },
      ],
    },
  ];

  new Composition(scope, `composition-${m.composition.name}`, {
    metadata: { name: m.composition.name },
    spec: {
      compositeTypeRef: { apiVersion: `${m.xrd.group}/${m.xrd.version}`, kind: m.xrd.kind },
      mode: CompositionSpecMode.PIPELINE,
      pipeline: [{ step: "compose", functionRef: { name: m.composition.functionName }, input: { apiVersion: "pt.fn.crossplane.io/v1beta1", kind: "Resources", resources } }],
    },
  });
}
