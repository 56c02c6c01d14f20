import type { PromSeries } from "../helpers/promtool";

/**
 * Unit-test cases for every alert of the rendered PrometheusRule (reference spec: Vault in
 * namespace `vault`), run by `promtool test rules` in test/engines-alerts.test.ts. Series use the
 * exact names and labels their exporters publish:
 *
 * - Vault (`/v1/sys/metrics?format=prometheus`, `disable_hostname = true`): `vault_core_unsealed`
 *   and `vault_core_active` are refreshed every second by the metrics loop, which runs only on
 *   unsealed nodes (vault/core_metrics.go, vault/ha.go); `vault_core_handle_request` is a go-metrics
 *   summary in milliseconds with quantiles 0.5/0.9/0.99; `vault_autopilot_healthy` and
 *   `vault_autopilot_failure_tolerance` are set by the leader (physical/raft/raft_autopilot.go).
 *   The ServiceMonitor adds the target labels namespace, service, pod, job.
 * - kube-state-metrics: `kube_job_failed{namespace, job_name, condition="true|false|unknown"}`.
 * - ESO: `externalsecret_status_condition{name, namespace, condition, status}`.
 * - cert-manager: `certmanager_certificate_expiration_timestamp_seconds` and
 *   `certmanager_certificate_ready_status{condition}`, labelled with the Certificate's name and
 *   namespace (and issuer_*).
 *
 * Controllers scraped without `honorLabels: true` (the cert-manager and ESO charts' default) have
 * their `namespace` label renamed to `exported_namespace`; cases cover both layouts.
 *
 * A case with `fires` gives the minute its condition starts to hold: the test expects silence one
 * minute before the rule's `for:` has elapsed and exactly `alerts` (labels besides the rule's own,
 * and the rendered summary) once it has. A case with `silentAt` expects no alert at those times.
 */
export interface AlertCase {
  name: string;
  series: PromSeries[];
  fires?: { from: string; alerts: { labels: Record<string, string>; summary: string }[] };
  silentAt?: string[];
}

const vaultTarget = (pod: string) => `namespace="vault", service="vault-internal", pod="${pod}", job="vault-internal"`;
const PODS = ["vault-0", "vault-1", "vault-2"];
const upAll = (values: string) => PODS.map((p) => ({ series: `up{${vaultTarget(p)}}`, values }));
const gauge = (metric: string, pod: string, values: string, extra = "") => ({ series: `${metric}{${vaultTarget(pod)}${extra}}`, values });
const podLabels = (pod: string) => ({ namespace: "vault", service: "vault-internal", pod, job: "vault-internal" });

const CERT = 'name="vault-server-tls", issuer_name="platform-ca", issuer_kind="ClusterIssuer", issuer_group="cert-manager.io"';
const CERT_MANAGER_TARGET = 'job="cert-manager", namespace="cert-manager"';
const ESO_TARGET = 'job="external-secrets-metrics", pod="external-secrets-7d9f-abcde"';
const KSM = 'job="kube-state-metrics"';
const DAY = 86_400;
/** kubelet's volume stats (kube-prometheus-stack scrapes kubelet with honorLabels: the PVC's namespace). */
const KUBELET = 'job="kubelet", service="kubelet", metrics_path="/metrics"';
const volume = (namespace: string, pvc: string, availableOf1000: number) => [
  { series: `kubelet_volume_stats_available_bytes{${KUBELET}, namespace="${namespace}", persistentvolumeclaim="${pvc}"}`, values: `${availableOf1000}x30` },
  { series: `kubelet_volume_stats_capacity_bytes{${KUBELET}, namespace="${namespace}", persistentvolumeclaim="${pvc}"}`, values: "1000x30" },
];
/** The blackbox exporter's /probe scrape: ServiceMonitor target labels, instance relabelled to the probed pod. */
const probeTarget = (pod: string) => `namespace="vault", service="vault-cert-probe", job="vault-cert-probe", endpoint="http", pod="vault-cert-probe-6f7d9-x2x4q", instance="${pod}.vault-internal.vault.svc:8200"`;
const instance = (pod: string) => ({ instance: `${pod}.vault-internal.vault.svc:8200` });
/** cert-manager renewed the Secret: its certificate now expires in 90 days. */
const RENEWED_SECRET = { series: `certmanager_certificate_expiration_timestamp_seconds{${CERT_MANAGER_TARGET}, exported_namespace="vault", ${CERT}}`, values: `${90 * DAY}x120` };

export const ALERT_CASES: Record<string, AlertCase[]> = {
  VaultDown: [
    {
      name: "a pod whose metrics endpoint does not answer",
      series: [{ series: `up{${vaultTarget("vault-0")}}`, values: "0x30" }, ...["vault-1", "vault-2"].map((p) => ({ series: `up{${vaultTarget(p)}}`, values: "1x30" }))],
      fires: { from: "0m", alerts: [{ labels: podLabels("vault-0"), summary: "Vault pod vault-0 is not serving metrics" }] },
    },
    { name: "every pod answers (sealed ones too)", series: upAll("1x30"), silentAt: ["10m", "30m"] },
  ],
  VaultSealed: [
    {
      name: "a pod that never unsealed: it answers scrapes but reports no vault_core_unsealed",
      series: [...upAll("1x30"), gauge("vault_core_unsealed", "vault-1", "1x30"), gauge("vault_core_unsealed", "vault-2", "1x30")],
      fires: { from: "0m", alerts: [{ labels: podLabels("vault-0"), summary: "Vault pod vault-0 is sealed" }] },
    },
    {
      name: "a pod still reporting the 0 its core set at start-up",
      series: [...upAll("1x30"), gauge("vault_core_unsealed", "vault-0", "0x30"), gauge("vault_core_unsealed", "vault-1", "1x30"), gauge("vault_core_unsealed", "vault-2", "1x30")],
      fires: { from: "0m", alerts: [{ labels: podLabels("vault-0"), summary: "Vault pod vault-0 is sealed" }] },
    },
    {
      name: "every pod unsealed; a pod that is down is VaultDown's business",
      series: [
        { series: `up{${vaultTarget("vault-0")}}`, values: "0x30" },
        ...["vault-1", "vault-2"].map((p) => ({ series: `up{${vaultTarget(p)}}`, values: "1x30" })),
        ...PODS.map((p) => gauge("vault_core_unsealed", p, "1x30")),
      ],
      silentAt: ["5m", "30m"],
    },
  ],
  VaultNoActiveNode: [
    {
      name: "every pod sealed: no pod reports vault_core_active",
      series: upAll("1x30"),
      fires: { from: "0m", alerts: [{ labels: {}, summary: "No active Vault node" }] },
    },
    {
      name: "unsealed pods, all standby",
      series: [...upAll("1x30"), ...PODS.map((p) => gauge("vault_core_active", p, "0x30"))],
      fires: { from: "0m", alerts: [{ labels: {}, summary: "No active Vault node" }] },
    },
    {
      name: "one active node, two standbys",
      series: [...upAll("1x30"), gauge("vault_core_active", "vault-0", "1x30"), gauge("vault_core_active", "vault-1", "0x30"), gauge("vault_core_active", "vault-2", "0x30")],
      silentAt: ["5m", "30m"],
    },
  ],
  VaultLeadershipChanges: [
    {
      name: "three elections within the hour (vault-1 at 10m, vault-2 at 20m, vault-0 at 30m)",
      series: [gauge("vault_core_active", "vault-0", "1x9 0x19 1x30"), gauge("vault_core_active", "vault-1", "0x9 1x9 0x40"), gauge("vault_core_active", "vault-2", "0x19 1x9 0x30")],
      fires: { from: "30m", alerts: [{ labels: {}, summary: "Vault leadership changed more than twice in an hour" }] },
    },
    {
      name: "one election in the hour",
      series: [gauge("vault_core_active", "vault-0", "1x9 0x50"), gauge("vault_core_active", "vault-1", "0x9 1x50"), gauge("vault_core_active", "vault-2", "0x59")],
      silentAt: ["15m", "59m"],
    },
  ],
  VaultRequestLatencyHigh: [
    {
      name: "p99 at 800 ms on one pod",
      series: [
        gauge("vault_core_handle_request", "vault-0", "800x30", ', quantile="0.99"'),
        gauge("vault_core_handle_request", "vault-0", "40x30", ', quantile="0.5"'),
        gauge("vault_core_handle_request", "vault-1", "30x30", ', quantile="0.99"'),
      ],
      fires: { from: "0m", alerts: [{ labels: {}, summary: "Vault p99 request latency above 500 ms" }] },
    },
    {
      name: "p99 at 120 ms",
      series: [gauge("vault_core_handle_request", "vault-0", "120x30", ', quantile="0.99"'), gauge("vault_core_handle_request", "vault-0", "40x30", ', quantile="0.5"')],
      silentAt: ["15m", "30m"],
    },
  ],
  VaultAutopilotUnhealthy: [
    {
      name: "the leader reports the cluster unhealthy",
      series: [gauge("vault_autopilot_healthy", "vault-0", "0x30")],
      fires: { from: "0m", alerts: [{ labels: {}, summary: "Raft autopilot reports the cluster unhealthy" }] },
    },
    { name: "healthy cluster", series: [gauge("vault_autopilot_healthy", "vault-0", "1x30")], silentAt: ["10m", "30m"] },
  ],
  VaultRaftFailureToleranceZero: [
    {
      name: "two of three voters healthy: tolerance 0",
      series: [gauge("vault_autopilot_failure_tolerance", "vault-0", "1x4 0x30")],
      fires: { from: "5m", alerts: [{ labels: {}, summary: "Raft cannot lose another node" }] },
    },
    { name: "three healthy voters: tolerance 1", series: [gauge("vault_autopilot_failure_tolerance", "vault-0", "1x30")], silentAt: ["15m", "30m"] },
  ],
  VaultSnapshotFailed: [
    {
      name: "the Job failed (kube-state-metrics scraped with honorLabels)",
      series: [
        { series: `kube_job_failed{${KSM}, namespace="vault", job_name="vault-snapshot-29180460", condition="true"}`, values: "0 1x10" },
        { series: `kube_job_failed{${KSM}, namespace="vault", job_name="vault-snapshot-29180460", condition="false"}`, values: "0x10" },
      ],
      fires: {
        from: "1m",
        alerts: [{ labels: { job: "kube-state-metrics", namespace: "vault", job_name: "vault-snapshot-29180460", condition: "true" }, summary: "Raft snapshot job vault-snapshot-29180460 failed" }],
      },
    },
    {
      name: "the Job failed (kube-state-metrics scraped without honorLabels)",
      series: [{ series: `kube_job_failed{${KSM}, namespace="monitoring", exported_namespace="vault", job_name="vault-snapshot-29180460", condition="true"}`, values: "1x10" }],
      fires: {
        from: "0m",
        alerts: [
          {
            labels: { job: "kube-state-metrics", namespace: "monitoring", exported_namespace: "vault", job_name: "vault-snapshot-29180460", condition: "true" },
            summary: "Raft snapshot job vault-snapshot-29180460 failed",
          },
        ],
      },
    },
    {
      name: "a first pod failed, the retry succeeded; another namespace's snapshot job failed",
      series: [
        { series: `kube_job_status_failed{${KSM}, namespace="vault", job_name="vault-snapshot-29180460"}`, values: "1x10" },
        { series: `kube_job_failed{${KSM}, namespace="vault", job_name="vault-snapshot-29180460", condition="true"}`, values: "0x10" },
        { series: `kube_job_failed{${KSM}, namespace="vault", job_name="vault-snapshot-29180460", condition="false"}`, values: "1x10" },
        { series: `kube_job_failed{${KSM}, namespace="vault", exported_namespace="team-a", job_name="vault-snapshot-29180460", condition="true"}`, values: "1x10" },
        { series: `kube_job_failed{${KSM}, namespace="team-a", job_name="vault-snapshot-29180460", condition="true"}`, values: "1x10" },
      ],
      silentAt: ["0m", "10m"],
    },
  ],
  ExternalSecretSyncError: [
    {
      name: "not ready for 20 minutes (ESO scraped without honorLabels: namespace -> exported_namespace)",
      series: [
        { series: `externalsecret_status_condition{${ESO_TARGET}, namespace="external-secrets", exported_namespace="dev", name="user-service-auth", condition="Ready", status="False"}`, values: "1x30" },
        { series: `externalsecret_status_condition{${ESO_TARGET}, namespace="external-secrets", exported_namespace="dev", name="user-service-auth", condition="Ready", status="True"}`, values: "0x30" },
      ],
      fires: { from: "0m", alerts: [{ labels: { namespace: "dev", name: "user-service-auth" }, summary: "ExternalSecret dev/user-service-auth is not syncing" }] },
    },
    {
      name: "not ready for 20 minutes (ESO scraped with honorLabels)",
      series: [{ series: `externalsecret_status_condition{${ESO_TARGET}, namespace="production", name="payment-service-stripe", condition="Ready", status="False"}`, values: "1x30" }],
      fires: { from: "0m", alerts: [{ labels: { namespace: "production", name: "payment-service-stripe" }, summary: "ExternalSecret production/payment-service-stripe is not syncing" }] },
    },
    {
      name: "ready",
      series: [
        { series: `externalsecret_status_condition{${ESO_TARGET}, namespace="external-secrets", exported_namespace="dev", name="user-service-auth", condition="Ready", status="False"}`, values: "0x30" },
        { series: `externalsecret_status_condition{${ESO_TARGET}, namespace="external-secrets", exported_namespace="dev", name="user-service-auth", condition="Ready", status="True"}`, values: "1x30" },
      ],
      silentAt: ["20m", "30m"],
    },
  ],
  // One series per ExternalSecret: Ready status True is 1 after a successful sync, 0 after a failed one.
  SecretNotUpdatedWithinRotationPeriod: [
    {
      name: "database credentials (1 h TTL) synced until minute 30, then every refresh fails (without honorLabels)",
      series: [
        { series: `externalsecret_status_condition{${ESO_TARGET}, namespace="external-secrets", exported_namespace="dev", name="payment-service-payments-db", condition="Ready", status="True"}`, values: "1x30 0x120" },
        { series: `externalsecret_status_condition{${ESO_TARGET}, namespace="external-secrets", exported_namespace="dev", name="payment-service-stripe", condition="Ready", status="True"}`, values: "1x30 0x120" },
      ],
      fires: {
        from: "91m",
        alerts: [{ labels: { namespace: "dev", name: "payment-service-payments-db", rotation_period: "1h" }, summary: "ExternalSecret dev/payment-service-payments-db has not updated its Secret for its rotation period (1h)" }],
      },
    },
    {
      name: "a JWT secret with no successful sync in what Prometheus holds (with honorLabels): the window is capped by retention",
      series: [{ series: `externalsecret_status_condition{${ESO_TARGET}, namespace="production", name="user-service-auth", condition="Ready", status="True"}`, values: "0x30" }],
      fires: {
        from: "0m",
        alerts: [{ labels: { namespace: "production", name: "user-service-auth", rotation_period: "4320h" }, summary: "ExternalSecret production/user-service-auth has not updated its Secret for its rotation period (4320h)" }],
      },
    },
    {
      name: "synced within the period: a failing sync of a static secret for two hours, database credentials failing for 50 minutes",
      series: [
        { series: `externalsecret_status_condition{${ESO_TARGET}, namespace="external-secrets", exported_namespace="dev", name="payment-service-stripe", condition="Ready", status="True"}`, values: "1x30 0x120" },
        { series: `externalsecret_status_condition{${ESO_TARGET}, namespace="external-secrets", exported_namespace="dev", name="payment-service-payments-db", condition="Ready", status="True"}`, values: "1x30 0x50 1x70" },
        { series: `externalsecret_status_condition{${ESO_TARGET}, namespace="external-secrets", exported_namespace="staging", name="user-service-users-db", condition="Ready", status="True"}`, values: "1x150" },
      ],
      silentAt: ["60m", "100m", "150m"],
    },
  ],
  DatabaseCredentialRenewalFailing: [
    {
      name: "a lease renewal failed in PostgreSQL",
      series: [{ series: `vault_database_UpdateUser_error{${vaultTarget("vault-0")}}`, values: "0x10 1x20" }],
      fires: { from: "11m", alerts: [{ labels: {}, summary: "Vault failed to renew or update database credentials" }] },
    },
    { name: "renewals succeed (the counter never moves)", series: [{ series: `vault_database_UpdateUser_error{${vaultTarget("vault-0")}}`, values: "0x30" }], silentAt: ["10m", "30m"] },
  ],
  DatabaseCredentialIssueFailing: [
    {
      name: "creating a user failed",
      series: [{ series: `vault_database_NewUser_error{${vaultTarget("vault-1")}}`, values: "0x10 2x20" }],
      fires: { from: "11m", alerts: [{ labels: {}, summary: "Vault failed to create database credentials" }] },
    },
    { name: "credentials are created (no errors counted)", series: [{ series: `vault_database_NewUser_error{${vaultTarget("vault-1")}}`, values: "0x30" }], silentAt: ["10m", "30m"] },
  ],
  VaultCertificateExpiresSoon: [
    {
      name: "expires in 6 days (cert-manager scraped without honorLabels)",
      series: [{ series: `certmanager_certificate_expiration_timestamp_seconds{${CERT_MANAGER_TARGET}, exported_namespace="vault", ${CERT}}`, values: `${6 * DAY}x90` }],
      fires: { from: "0m", alerts: [{ labels: {}, summary: "Vault's server certificate expires within 7 days" }] },
    },
    {
      name: "expires in 6 days (cert-manager scraped with honorLabels)",
      series: [{ series: `certmanager_certificate_expiration_timestamp_seconds{job="cert-manager", namespace="vault", ${CERT}}`, values: `${6 * DAY}x90` }],
      fires: { from: "0m", alerts: [{ labels: {}, summary: "Vault's server certificate expires within 7 days" }] },
    },
    {
      name: "expires in 30 days; a namesake in another namespace expires tomorrow",
      series: [
        { series: `certmanager_certificate_expiration_timestamp_seconds{${CERT_MANAGER_TARGET}, exported_namespace="vault", ${CERT}}`, values: `${30 * DAY}x90` },
        { series: `certmanager_certificate_expiration_timestamp_seconds{${CERT_MANAGER_TARGET}, exported_namespace="team-a", ${CERT}}`, values: `${DAY}x90` },
        { series: `certmanager_certificate_expiration_timestamp_seconds{job="cert-manager", namespace="team-a", ${CERT}}`, values: `${DAY}x90` },
      ],
      silentAt: ["60m", "90m"],
    },
  ],
  VaultCertificateNotReady: [
    {
      name: "Ready=False (cert-manager scraped without honorLabels)",
      series: [
        { series: `certmanager_certificate_ready_status{${CERT_MANAGER_TARGET}, exported_namespace="vault", ${CERT}, condition="False"}`, values: "1x30" },
        { series: `certmanager_certificate_ready_status{${CERT_MANAGER_TARGET}, exported_namespace="vault", ${CERT}, condition="True"}`, values: "0x30" },
      ],
      fires: { from: "0m", alerts: [{ labels: {}, summary: "Vault's Certificate is not ready" }] },
    },
    {
      name: "Ready=False (cert-manager scraped with honorLabels)",
      series: [{ series: `certmanager_certificate_ready_status{job="cert-manager", namespace="vault", ${CERT}, condition="False"}`, values: "1x30" }],
      fires: { from: "0m", alerts: [{ labels: {}, summary: "Vault's Certificate is not ready" }] },
    },
    {
      name: "Ready=True",
      series: [
        { series: `certmanager_certificate_ready_status{${CERT_MANAGER_TARGET}, exported_namespace="vault", ${CERT}, condition="False"}`, values: "0x30" },
        { series: `certmanager_certificate_ready_status{${CERT_MANAGER_TARGET}, exported_namespace="vault", ${CERT}, condition="True"}`, values: "1x30" },
      ],
      silentAt: ["20m", "30m"],
    },
  ],
  VaultAuditVolumeAlmostFull: [
    {
      name: "an audit claim under 10% free",
      series: [...volume("vault", "audit-vault-0", 50), ...volume("vault", "audit-vault-1", 600)],
      fires: { from: "0m", alerts: [{ labels: { persistentvolumeclaim: "audit-vault-0" }, summary: "Audit volume audit-vault-0 has less than 10% free" }] },
    },
    {
      name: "audit claims with room; a full data claim and another namespace's audit-vault-0 are not this alert's",
      series: [...volume("vault", "audit-vault-0", 300), ...volume("vault", "data-vault-0", 10), ...volume("team-a", "audit-vault-0", 10)],
      silentAt: ["10m", "30m"],
    },
  ],
  VaultAuditWriteFailures: [
    {
      // Both counters of one pod: they differ only in their name, which increase() drops.
      name: "the request-failure counter of one pod goes up, its response-failure counter is flat",
      series: [
        { series: `vault_audit_log_request_failure{${vaultTarget("vault-0")}}`, values: "0x5 1x10" },
        { series: `vault_audit_log_response_failure{${vaultTarget("vault-0")}}`, values: "0x15" },
      ],
      fires: { from: "6m", alerts: [{ labels: {}, summary: "Vault failed to write audit entries" }] },
    },
    {
      name: "only the response-failure counter exists and goes up",
      series: [{ series: `vault_audit_log_response_failure{${vaultTarget("vault-2")}}`, values: "0x5 2x10" }],
      fires: { from: "6m", alerts: [{ labels: {}, summary: "Vault failed to write audit entries" }] },
    },
    {
      name: "flat failure counters",
      series: [{ series: `vault_audit_log_request_failure{${vaultTarget("vault-0")}}`, values: "3x15" }, { series: `vault_audit_log_response_failure{${vaultTarget("vault-0")}}`, values: "3x15" }],
      silentAt: ["5m", "15m"],
    },
  ],
  VaultAuditDeviceFailing: [
    {
      name: "one device's sink fails on vault-1 while Vault keeps answering",
      series: [
        { series: `vault_audit_sink_failure{${vaultTarget("vault-1")}}`, values: "0x5 4x10" },
        { series: `vault_audit_sink_success{${vaultTarget("vault-1")}}`, values: "0+10x15" },
      ],
      fires: { from: "6m", alerts: [{ labels: {}, summary: "An audit device of Vault fails to write" }] },
    },
    {
      name: "sinks succeed; an old failure count stays flat",
      series: [{ series: `vault_audit_sink_failure{${vaultTarget("vault-0")}}`, values: "2x15" }, { series: `vault_audit_sink_success{${vaultTarget("vault-0")}}`, values: "0+10x15" }],
      silentAt: ["5m", "15m"],
    },
  ],
  VaultServedCertificateExpiresSoon: [
    {
      name: "vault-1 serves a certificate with 3 days left",
      series: [{ series: `probe_ssl_earliest_cert_expiry{${probeTarget("vault-0")}}`, values: `${60 * DAY}x90` }, { series: `probe_ssl_earliest_cert_expiry{${probeTarget("vault-1")}}`, values: `${3 * DAY}x90` }],
      fires: { from: "0m", alerts: [{ labels: instance("vault-1"), summary: "The certificate vault-1.vault-internal.vault.svc:8200 serves expires within 7 days" }] },
    },
    { name: "every pod serves a certificate with 60 days left", series: PODS.map((p) => ({ series: `probe_ssl_earliest_cert_expiry{${probeTarget(p)}}`, values: `${60 * DAY}x90` })), silentAt: ["61m", "90m"] },
  ],
  VaultServedCertificateStale: [
    {
      name: "the Secret was renewed, vault-1 still serves the old certificate",
      series: [RENEWED_SECRET, { series: `probe_ssl_earliest_cert_expiry{${probeTarget("vault-0")}}`, values: `${90 * DAY}x120` }, { series: `probe_ssl_earliest_cert_expiry{${probeTarget("vault-1")}}`, values: `${30 * DAY}x120` }],
      fires: { from: "0m", alerts: [{ labels: instance("vault-1"), summary: "vault-1.vault-internal.vault.svc:8200 still serves the certificate cert-manager replaced" }] },
    },
    {
      name: "every pod reloaded the renewed certificate",
      series: [RENEWED_SECRET, ...PODS.map((p) => ({ series: `probe_ssl_earliest_cert_expiry{${probeTarget(p)}}`, values: `${90 * DAY}x120` }))],
      silentAt: ["40m", "120m"],
    },
  ],
  VaultTlsProbeFailing: [
    {
      name: "no verified handshake with vault-2",
      series: PODS.map((p) => ({ series: `probe_success{${probeTarget(p)}}`, values: p === "vault-2" ? "0x30" : "1x30" })),
      fires: { from: "0m", alerts: [{ labels: instance("vault-2"), summary: "No verified TLS handshake with vault-2.vault-internal.vault.svc:8200" }] },
    },
    { name: "every handshake verified", series: PODS.map((p) => ({ series: `probe_success{${probeTarget(p)}}`, values: "1x30" })), silentAt: ["15m", "30m"] },
  ],
  VaultCertificateProbeMissing: [
    {
      name: "the probe is not scraped (Vault itself is)",
      series: upAll("1x60"),
      fires: { from: "0m", alerts: [{ labels: { namespace: "vault", job: "vault-cert-probe" }, summary: "The Vault certificate probe reports nothing" }] },
    },
    { name: "the probe reports", series: PODS.map((p) => ({ series: `probe_success{${probeTarget(p)}}`, values: "1x60" })), silentAt: ["31m", "60m"] },
  ],
};
