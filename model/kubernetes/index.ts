import type { PlatformSpec } from "../../spec/schema";
import type { AwsModel } from "../aws";
import { type AddressBook, awsApiCidrs } from "../network";
import type { VaultModel } from "../vault";
import { derivedAwsNames, k8sNames, kmsAliasArn, SNAPSHOT_SERVICE_ACCOUNT, VAULT_AUDIT_CLAIM, VAULT_MOUNTS, vaultActiveAddress, vaultNames } from "../names";
import { buildEnvironment, esoServiceAccounts, secretsManagerStore, storeFor } from "./external-secrets";
import type { AlertRule, CertificateProbeModel, ClusterModel, KubernetesModel, MonitoringModel, SnapshotJobModel } from "./types";
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

/** The blackbox exporter that verifies each Vault pod's served certificate the way clients do. */
function buildCertificateProbe(spec: PlatformSpec): CertificateProbeModel | undefined {
  const probe = spec.monitoring.certificateProbe;
  if (!probe.enabled) return undefined;
  const ns = spec.vault.namespace;
  const internal = k8sNames.vaultServices.internal;
  return {
    name: k8sNames.certificateProbe,
    namespace: ns,
    image: probe.image,
    monitoringNamespace: spec.monitoring.namespace,
    targets: Array.from({ length: spec.vault.replicas }, (_, i) => {
      const pod = `${k8sNames.vaultStatefulSet}-${i}`;
      return { pod, address: `${pod}.${internal}.${ns}.svc:8200` };
    }),
    module: "vault_tls",
    serviceAccount: {
      namespace: ns,
      name: k8sNames.certificateProbe,
      annotations: {},
      automountToken: false,
      purpose: "blackbox exporter probing the TLS certificate each Vault pod serves; no API access",
    },
    port: 9115,
    resources: { cpu: "50m", memory: "64Mi" },
  };
}

function buildMonitoring(spec: PlatformSpec): MonitoringModel {
  const ns = spec.vault.namespace;
  const sel = `namespace="${ns}"`;
  const certificateProbe = buildCertificateProbe(spec);
  const probeSel = `${sel}, job="${k8sNames.certificateProbe}"`;
  const auditClaims = `${sel}, persistentvolumeclaim=~"${VAULT_AUDIT_CLAIM}-${k8sNames.vaultStatefulSet}-[0-9]+"`;
  const secretCertificate = `certmanager_certificate_expiration_timestamp_seconds{${sel}, name="${k8sNames.vaultTlsSecret}"}`;
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
        name: "vault.audit",
        rules: [
          rule(
            "VaultAuditVolumeAlmostFull",
            `min by (persistentvolumeclaim) (kubelet_volume_stats_available_bytes{${auditClaims}} / kubelet_volume_stats_capacity_bytes{${auditClaims}}) < 0.1`,
            "5m",
            "critical",
            "Audit volume {{ $labels.persistentvolumeclaim }} has less than 10% free",
            "Rotation keeps the audit files within 70% of the volume, so this means rotation stopped (check the housekeeping container's log) or something else writes there. When the file audit device cannot write, Vault refuses every request.",
          ),
          rule(
            "VaultAuditWriteFailures",
            `sum(increase({__name__=~"vault_audit_log_(request|response)_failure", ${sel}}[5m])) > 0`,
            "0m",
            "critical",
            "Vault failed to write audit entries",
            "No audit device could log a request or response, so Vault failed those requests. Check the audit volume's free space and the Vault log.",
          ),
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
          ...(certificateProbe
            ? [
                rule(
                  "VaultServedCertificateExpiresSoon",
                  `min by (instance) (probe_ssl_earliest_cert_expiry{${probeSel}}) - time() < 7 * 24 * 3600`,
                  "1h",
                  "critical",
                  "The certificate {{ $labels.instance }} serves expires within 7 days",
                  "This is the certificate clients see, whatever the Secret holds: renew it, and if the Secret is already renewed, check the housekeeping container's log (it sends Vault SIGHUP to reload).",
                ),
                rule(
                  "VaultServedCertificateStale",
                  `min by (instance) (probe_ssl_earliest_cert_expiry{${probeSel}}) < scalar(max(${secretCertificate})) - 3600`,
                  "30m",
                  "warning",
                  "{{ $labels.instance }} still serves the certificate cert-manager replaced",
                  "The Secret holds a renewed certificate but Vault did not reload it. Check the housekeeping container's log; `kill -HUP $(pidof vault)` in the pod reloads it by hand.",
                ),
                rule(
                  "VaultTlsProbeFailing",
                  `max by (instance) (probe_success{${probeSel}}) == 0`,
                  "10m",
                  "critical",
                  "No verified TLS handshake with {{ $labels.instance }}",
                  "The served certificate is expired, not signed by the Vault CA or lacks the pod's name, or the pod is not listening.",
                ),
                rule(
                  "VaultCertificateProbeMissing",
                  `absent(probe_success{${probeSel}})`,
                  "30m",
                  "warning",
                  "The Vault certificate probe reports nothing",
                  `The ${k8sNames.certificateProbe} exporter or its scrape is down, so the served-certificate alerts are blind.`,
                ),
              ]
            : []),
        ],
      },
    ],
    ...(certificateProbe ? { certificateProbe } : {}),
  };
}
