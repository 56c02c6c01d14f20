import type { PlatformSpec } from "../../spec/schema";
import type { AwsModel } from "../aws";
import { type AddressBook, awsApiCidrs } from "../network";
import type { VaultModel } from "../vault";
import { derivedAwsNames, k8sNames, kmsAliasArn, SNAPSHOT_SERVICE_ACCOUNT, VAULT_MOUNTS, vaultActiveAddress, vaultNames } from "../names";
import { buildEnvironment, esoServiceAccounts, secretsManagerStore, storeFor } from "./external-secrets";
import type { AlertRule, ClusterModel, KubernetesModel, MonitoringModel, SnapshotJobModel } from "./types";
import { buildVaultServer, vaultImage, workloadIdentityAnnotations } from "./vault-server";

export type { KubernetesModel } from "./types";

export function buildKubernetesModel(spec: PlatformSpec, aws: AwsModel, vault: VaultModel, book: AddressBook): KubernetesModel {
  const environments = spec.environments.map((env) => buildEnvironment(spec, aws, env));
  const clusters = new Map<string, ClusterModel>([[spec.cluster.name, { name: spec.cluster.name, primary: true, environments: [] }]]);
  for (const env of environments) {
    if (!clusters.has(env.cluster)) clusters.set(env.cluster, { name: env.cluster, primary: false, environments: [] });
    clusters.get(env.cluster)!.environments.push(env);
  }
  const secretsManager = secretsManagerStore(spec);
  return {
    primaryCluster: spec.cluster.name,
    vault: buildVaultServer(spec, aws, vault, book),
    snapshots: buildSnapshotJob(spec, aws),
    monitoring: buildMonitoring(spec),
    externalSecrets: {
      namespace: spec.externalSecrets.namespace,
      caCertificatePem: spec.vault.tls.caCertificate,
      clusterStores: spec.environments.filter((e) => e.cluster.type === "primary").map((e) => storeFor(spec, e)),
      ...(secretsManager ? { secretsManager } : {}),
      serviceAccounts: esoServiceAccounts(spec, aws),
    },
    clusters: [...clusters.values()],
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
    kmsKeyArn: kmsAliasArn(spec, names.snapshotKeyAlias),
    prefix: spec.snapshots.prefix,
    region: spec.aws.region,
    awsApiCidrs: awsApiCidrs(spec),
  };
}

function buildMonitoring(spec: PlatformSpec): MonitoringModel {
  const ns = spec.vault.namespace;
  const sel = `namespace="${ns}"`;
  const rule = (alert: string, expr: string, forDuration: string, severity: AlertRule["severity"], summary: string, description: string): AlertRule => ({
    alert,
    expr,
    for: forDuration,
    severity,
    summary,
    description,
  });
  return {
    namespace: ns,
    selectorLabels: spec.monitoring.selectorLabels,
    tlsServerName: `${k8sNames.vaultServices.client}.${ns}.svc`,
    alertGroups: [
      {
        name: "vault.availability",
        rules: [
          rule("VaultDown", `up{${sel}, service="${k8sNames.vaultServices.internal}"} == 0`, "5m", "critical", "Vault pod {{ $labels.pod }} is not serving metrics", "The pod is down, sealed or unreachable; check `kubectl -n " + ns + " get pods` and the seal status."),
          rule("VaultSealed", `vault_core_unsealed{${sel}} == 0`, "1m", "critical", "Vault pod {{ $labels.pod }} is sealed", "KMS auto-unseal failed: check the KMS key, the IRSA/Pod Identity role and egress to KMS."),
          rule("VaultNoActiveNode", `sum(vault_core_active{${sel}}) < 1`, "2m", "critical", "No active Vault node", "The Raft cluster has no leader."),
          rule("VaultLeadershipChanges", `sum(increase(vault_core_leadership_lost_count{${sel}}[1h])) > 2`, "0m", "warning", "Vault leadership changed more than twice in an hour", "Frequent elections: check node health, network and storage latency."),
        ],
      },
      {
        name: "vault.performance",
        rules: [
          rule("VaultRequestLatencyHigh", `max(vault_core_handle_request{${sel}, quantile="0.99"}) > 500`, "10m", "warning", "Vault p99 request latency above 500 ms", "Requests are slow; check CPU, storage and raft commit times."),
        ],
      },
      {
        name: "vault.raft",
        rules: [
          rule("VaultAutopilotUnhealthy", `max(vault_autopilot_healthy{${sel}}) == 0`, "5m", "critical", "Raft autopilot reports the cluster unhealthy", "A voter is unhealthy or lagging."),
          rule("VaultRaftFailureToleranceZero", `min(vault_autopilot_failure_tolerance{${sel}}) < 1`, "10m", "warning", "Raft cannot lose another node", `Fewer than ${spec.vault.replicas} healthy voters.`),
          rule("VaultSnapshotFailed", `max(kube_job_status_failed{${sel}, job_name=~"vault-snapshot-.*"}) > 0`, "0m", "warning", "A raft snapshot job failed", "Inspect the job's logs; the last good snapshot is in the snapshot bucket."),
        ],
      },
      {
        name: "external-secrets",
        rules: [
          rule("ExternalSecretSyncError", `sum by (namespace, name) (externalsecret_status_condition{condition="Ready", status="False"}) > 0`, "15m", "warning", "ExternalSecret {{ $labels.namespace }}/{{ $labels.name }} is not syncing", "Check the store's Vault role, the policy and that the secret exists in Vault."),
        ],
      },
      {
        name: "certificates",
        rules: [
          rule("VaultCertificateExpiresSoon", `min(certmanager_certificate_expiration_timestamp_seconds{${sel}, name="${k8sNames.vaultTlsSecret}"}) - time() < 7 * 24 * 3600`, "1h", "critical", "Vault's server certificate expires within 7 days", "cert-manager has not renewed it; check the Certificate and its issuer."),
          rule("VaultCertificateNotReady", `max(certmanager_certificate_ready_status{${sel}, name="${k8sNames.vaultTlsSecret}", condition="False"}) == 1`, "15m", "warning", "Vault's Certificate is not ready", "Check `kubectl describe certificate` in the Vault namespace."),
        ],
      },
    ],
  };
}
