import type { PlatformSpec } from "../../spec/schema";
import type { AwsModel } from "../aws";
import { type AddressBook, awsApiCidrs } from "../network";
import type { VaultModel } from "../vault";
import { DEFAULT_API_AUDIENCE, derivedAwsNames, kubernetesApiAudience, SNAPSHOT_SERVICE_ACCOUNT, VAULT_MOUNTS, vaultActiveAddress, vaultNames } from "../names";
import { buildEnvironment, esoServiceAccounts, secretsManagerStore } from "./external-secrets";
import { buildMonitoring } from "./monitoring";
import { buildPlatformWriters } from "./platform-writers";
import type { ClusterModel, KubernetesModel, SnapshotJobModel } from "./types";
import { buildVaultServer, vaultImage, workloadIdentityAnnotations } from "./vault-server";

export type { KubernetesModel } from "./types";

export function buildKubernetesModel(spec: PlatformSpec, aws: AwsModel, vault: VaultModel, book: AddressBook): KubernetesModel {
  const environments = spec.environments.map((env) => buildEnvironment(spec, aws, env));
  // The audiences each API server authenticates tokens for (--api-audiences): EKS's default, or the spec's apiAudience.
  const clusters = new Map<string, ClusterModel>([[spec.cluster.name, { name: spec.cluster.name, primary: true, apiAudiences: [DEFAULT_API_AUDIENCE.eks], environments: [] }]]);
  for (const env of environments) {
    const dedicated = spec.environments.find((e) => e.name === env.name)!.cluster;
    if (!clusters.has(env.cluster)) clusters.set(env.cluster, { name: env.cluster, primary: false, apiAudiences: dedicated.type === "primary" ? [] : [kubernetesApiAudience(dedicated)], environments: [] });
    clusters.get(env.cluster)!.environments.push(env);
  }
  const secretsManager = secretsManagerStore(spec);
  const platformWriters = buildPlatformWriters(spec);
  return {
    primaryCluster: spec.cluster.name,
    vault: buildVaultServer(spec, aws, vault, book),
    snapshots: buildSnapshotJob(spec, aws),
    monitoring: buildMonitoring(spec, environments),
    externalSecrets: {
      namespace: spec.externalSecrets.namespace,
      caCertificatePem: spec.vault.tls.caCertificate,
      ...(secretsManager ? { secretsManager } : {}),
      serviceAccounts: esoServiceAccounts(spec, aws),
    },
    clusters: [...clusters.values()],
    ...(platformWriters ? { platformWriters } : {}),
  };
}

function buildSnapshotJob(spec: PlatformSpec, aws: AwsModel): SnapshotJobModel {
  const ns = spec.vault.namespace;
  const names = derivedAwsNames(spec);
  return {
    namespace: ns,
    schedule: spec.snapshots.schedule,
    serviceAccount: {
      namespace: ns,
      name: SNAPSHOT_SERVICE_ACCOUNT,
      annotations: workloadIdentityAnnotations(aws, "vault-snapshot"),
      // The job logs in with a projected, audience-bound token instead of the default one.
      automountToken: false,
      purpose: "raft snapshot job: Vault role raft-snapshot, S3 write to the snapshot prefix",
    },
    vaultImage: vaultImage(spec),
    uploaderImage: spec.snapshots.uploaderImage,
    vaultAddress: vaultActiveAddress(ns),
    authMount: VAULT_MOUNTS.kubernetes,
    vaultRole: vaultNames.snapshot,
    audience: spec.vault.auth.kubernetes.audience,
    bucket: names.snapshotBucket,
    prefix: spec.snapshots.prefix,
    region: spec.aws.region,
    awsApiCidrs: awsApiCidrs(spec),
  };
}
