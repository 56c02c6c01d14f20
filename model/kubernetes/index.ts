import type { PlatformSpec } from "../../spec/schema";
import type { AwsModel } from "../aws";
import { derivedAwsNames, k8sNames, kmsAliasArn, SNAPSHOT_SERVICE_ACCOUNT, VAULT_MOUNTS, vaultActiveAddress, vaultNames } from "../names";
import { buildEnvironment, esoServiceAccounts, secretsManagerStore, storeFor } from "./external-secrets";
import type { AlertRule, ClusterModel, KubernetesModel, MonitoringModel, SnapshotJobModel } from "./types";
import { awsApiCidrs, buildVaultServer, vaultImage, workloadIdentityAnnotations } from "./vault-server";

export type { KubernetesModel } from "./types";

export function buildKubernetesModel(spec: PlatformSpec, aws: AwsModel): KubernetesModel {
  const environments = spec.environments.map((env) => buildEnvironment(spec, aws, env));
  const clusters = new Map<string, ClusterModel>([[spec.cluster.name, { name: spec.cluster.name, primary: true, environments: [] }]]);
  for (const env of environments) {
    if (!clusters.has(env.cluster)) clusters.set(env.cluster, { name: env.cluster, primary: false, environments: [] });
    clusters.get(env.cluster)!.environments.push(env);
  }
  const secretsManager = secretsManagerStore(spec);
  return {
    primaryCluster: spec.cluster.name,
    vault: buildVaultServer(spec, aws),
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

/**
 * A selector for a metric about a Kubernetes object in `namespace`, exported by a controller
 * (cert-manager, ESO, kube-state-metrics) in either label layout: scraped with `honorLabels: true`
 * the object's namespace is `namespace`; without it (the cert-manager and ESO charts' default)
 * Prometheus renames the metric's own label to `exported_namespace` and sets `namespace` to the
 * controller's namespace.
 */
function objectMetric(metric: string, namespace: string, matchers: string): string {
  return `(${metric}{exported_namespace="${namespace}", ${matchers}} or ${metric}{namespace="${namespace}", exported_namespace="", ${matchers}})`;
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
  const up = `up{${sel}, service="${k8sNames.vaultServices.internal}"}`;
  // Vault's telemetry (prometheus_retention_time 30s) drops a series 30 s after its last update.
  // vault.core.unsealed and vault.core.active are refreshed every second by the metrics loop,
  // which runs only on unsealed nodes: a sealed pod still serves /v1/sys/metrics but without them.
  const groups: MonitoringModel["alertGroups"] = [
    {
      name: "vault.availability",
      rules: [
        rule("VaultDown", `${up} == 0`, "5m", "critical", "Vault pod {{ $labels.pod }} is not serving metrics", "The pod is down or unreachable; check `kubectl -n " + ns + " get pods` and its logs."),
        rule("VaultSealed", `${up} == 1 unless on (namespace, pod) vault_core_unsealed{${sel}} == 1`, "1m", "critical", "Vault pod {{ $labels.pod }} is sealed", "KMS auto-unseal failed: check the KMS key, the IRSA/Pod Identity role and egress to KMS."),
        rule("VaultNoActiveNode", `absent(vault_core_active{${sel}} == 1)`, "2m", "critical", "No active Vault node", "No unsealed Vault pod reports itself active: the Raft cluster has no leader or every pod is sealed."),
        // A node turning active (0 one minute ago, 1 now) is one election won; leadership_lost's
        // summary cannot be counted: each loss starts a fresh series that expires after 30 s.
        rule("VaultLeadershipChanges", `sum(count_over_time((vault_core_active{${sel}} > vault_core_active{${sel}} offset 1m)[1h:1m])) > 2`, "0m", "warning", "Vault leadership changed more than twice in an hour", "Frequent elections: check node health, network and storage latency."),
      ],
    },
    {
      name: "vault.performance",
      rules: [
        // go-metrics timers are in milliseconds; its Prometheus summaries have quantiles 0.5, 0.9, 0.99.
        rule("VaultRequestLatencyHigh", `max(vault_core_handle_request{${sel}, quantile="0.99"}) > 500`, "10m", "warning", "Vault p99 request latency above 500 ms", "Requests are slow; check CPU, storage and raft commit times."),
      ],
    },
    {
      name: "vault.raft",
      rules: [
        rule("VaultAutopilotUnhealthy", `max(vault_autopilot_healthy{${sel}}) == 0`, "5m", "critical", "Raft autopilot reports the cluster unhealthy", "A voter is unhealthy or lagging."),
        rule("VaultRaftFailureToleranceZero", `min(vault_autopilot_failure_tolerance{${sel}}) < 1`, "10m", "warning", "Raft cannot lose another node", `Fewer than ${spec.vault.replicas} healthy voters.`),
        // kube_job_failed is the Job's Failed condition; kube_job_status_failed counts failed pods,
        // which includes a first attempt that a retry (backoffLimit) then made good.
        rule("VaultSnapshotFailed", `${objectMetric("kube_job_failed", ns, `job_name=~"${k8sNames.snapshotCronJob}-.*", condition="true"`)} == 1`, "0m", "warning", "Raft snapshot job {{ $labels.job_name }} failed", "Inspect the job's logs; the last good snapshot is in the snapshot bucket."),
      ],
    },
    {
      name: "external-secrets",
      rules: [
        // Group by the ExternalSecret's own namespace in both label layouts (see objectMetric).
        rule("ExternalSecretSyncError", `sum by (namespace, name) (label_replace(externalsecret_status_condition{condition="Ready", status="False"}, "namespace", "$1", "exported_namespace", "(.+)")) > 0`, "15m", "warning", "ExternalSecret {{ $labels.namespace }}/{{ $labels.name }} is not syncing", "Check the store's Vault role, the policy and that the secret exists in Vault."),
      ],
    },
  ];
  if (spec.vault.tls.source === "cert-manager") {
    // cert-manager labels its metrics with the Certificate's name, which the chart gives the secret's name.
    const cert = `name="${k8sNames.vaultTlsSecret}"`;
    groups.push({
      name: "certificates",
      rules: [
        rule("VaultCertificateExpiresSoon", `min(${objectMetric("certmanager_certificate_expiration_timestamp_seconds", ns, cert)}) - time() < 7 * 24 * 3600`, "1h", "critical", "Vault's server certificate expires within 7 days", "cert-manager has not renewed it; check the Certificate and its issuer."),
        rule("VaultCertificateNotReady", `max(${objectMetric("certmanager_certificate_ready_status", ns, `${cert}, condition="False"`)}) == 1`, "15m", "warning", "Vault's Certificate is not ready", "Check `kubectl describe certificate` in the Vault namespace."),
      ],
    });
  }
  return {
    namespace: ns,
    selectorLabels: spec.monitoring.selectorLabels,
    tlsServerName: `${k8sNames.vaultServices.client}.${ns}.svc`,
    alertGroups: groups,
  };
}
