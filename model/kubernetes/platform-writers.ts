import type { PlatformSpec } from "../../spec/schema";
import { kvPaths, VAULT_MOUNTS, vaultActiveAddress, writerNames } from "../names";
import { platformWriters, type WriterKind } from "../vault/writers";
import { CA_CONFIGMAP } from "./external-secrets";
import type { ServiceAccountModel, VaultProviderModel } from "./types";

/** What Crossplane's database Composition renders and where it publishes. */
export interface CrossplaneCompositionModel {
  namespace: string;
  /** The SecretStore the composed PushSecrets push through (logs in as the writer). */
  store: { name: string; namespace: string; vault: VaultProviderModel };
  xrd: { name: string; group: string; version: string; kind: string; plural: string };
  composition: { name: string; functionName: string };
  /** Environments an XR may name (the XRD's enum): those the writer's policy covers. */
  environments: string[];
  /** KV path (below the mount) of a database's connection details, as a Go format of environment and XR name. */
  remoteKeyFormat: string;
  /** How often the PushSecrets compare Vault with the connection Secret (externalSecrets.refreshInterval). */
  refreshInterval: string;
}

/** One writer's GitOps component in the primary cluster (dist/<cluster>/<kind>/). */
export interface WriterComponentModel {
  kind: WriterKind;
  component: string;
  serviceAccount: ServiceAccountModel;
  /** The Vault CA for the writer's namespace; false when the other writer's component already renders it there. */
  caConfigMap: boolean;
}

/** Platform writers in the primary cluster: their service accounts, and Crossplane's Composition. */
export interface PlatformWritersModel {
  cluster: string;
  caCertificatePem: string;
  writers: WriterComponentModel[];
  crossplane?: CrossplaneCompositionModel;
}

export function buildPlatformWriters(spec: PlatformSpec): PlatformWritersModel | undefined {
  const writers = platformWriters(spec);
  if (writers.length === 0) return undefined;
  const crossplane = writers.find((w) => w.kind === "crossplane");
  const cp = spec.platformWriters?.crossplane;
  return {
    cluster: spec.cluster.name,
    caCertificatePem: spec.vault.tls.caCertificate,
    writers: writers.map((w, i) => ({
      kind: w.kind,
      component: writerNames.component(w.kind),
      serviceAccount: {
        ...w.serviceAccount,
        annotations: {},
        // Crossplane's account only lends ESO its token (TokenRequest); Backstage's pods log in with a projected token.
        automountToken: false,
        purpose: w.kind === "crossplane" ? `Vault role ${w.name}: ESO pushes Crossplane's database connection details as it` : `Vault role ${w.name}: Backstage reads KV metadata`,
      },
      caConfigMap: !writers.slice(0, i).some((o) => o.serviceAccount.namespace === w.serviceAccount.namespace),
    })),
    ...(crossplane && cp
      ? {
          crossplane: {
            namespace: crossplane.serviceAccount.namespace,
            store: {
              name: writerNames.crossplaneStore,
              namespace: crossplane.serviceAccount.namespace,
              vault: {
                server: vaultActiveAddress(spec.vault.namespace),
                caConfigMap: { ...CA_CONFIGMAP },
                authMount: VAULT_MOUNTS.kubernetes,
                role: crossplane.name,
                serviceAccount: { name: crossplane.serviceAccount.name, audiences: [crossplane.audience] },
              },
            },
            xrd: writerNames.databaseXrd(spec.name),
            composition: { name: writerNames.databaseComposition, functionName: cp.functionName },
            environments: crossplane.environments,
            remoteKeyFormat: `${kvPaths.infrastructureDatabases("%s")}/%s`,
            refreshInterval: spec.externalSecrets.refreshInterval,
          },
        }
      : {}),
  };
}
