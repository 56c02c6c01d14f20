import type { PlatformSpec } from "../../spec/schema";
import { k8sNames, VAULT_AUDIT_CLAIM } from "../names";
import type { AlertRule, CertificateProbeModel, EnvironmentModel, MonitoringModel } from "./types";

/** What watches Vault: the ServiceMonitor's TLS name, the alert rules, and the served-certificate probe. */

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

/**
 * Rotation alerts (model/rotation.ts). What Prometheus can observe is ESO's per-ExternalSecret
 * metrics: neither Vault's telemetry nor ESO exports the age of a KV secret's current version (ESO's
 * Vault provider returns only created_time, current_version and custom_metadata of the metadata,
 * providers/v1/vault/client_get.go), so "last update" is the last time ESO wrote the Secret from Vault.
 * ESO sets externalsecret_status_condition{condition="Ready", status="True"} to 1 after a successful
 * sync and to 0 when a sync fails (esmetrics.UpdateExternalSecretCondition): never 1 during a whole
 * rotation period means the Secret was not updated for that long. One alert, one term per namespace
 * and period (labelled with both), in both label layouts of ESO's metrics (objectMetric), for the primary cluster's environments (a
 * dedicated cluster's ESO is scraped by that cluster's Prometheus, if any).
 */
/** A Prometheus range duration of whole seconds in its largest whole unit (2160h, 90m). */
function prometheusDuration(seconds: number): string {
  return seconds % 3600 === 0 ? `${seconds / 3600}h` : seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;
}

function rotationRules(environments: EnvironmentModel[], rule: (alert: string, expr: string, forDuration: string, severity: AlertRule["severity"], summary: string, description: string) => AlertRule): AlertRule[] {
  const terms: string[] = [];
  // ESO in a dedicated cluster exports its metrics there, not to the primary cluster's Prometheus.
  for (const env of environments.filter((e) => e.primary)) {
    const byPeriod = new Map<number, string[]>();
    for (const es of env.externalSecrets) {
      const names = byPeriod.get(es.rotationPeriodSeconds);
      if (names) names.push(es.name);
      else byPeriod.set(es.rotationPeriodSeconds, [es.name]);
    }
    for (const [period, names] of [...byPeriod].sort(([a], [b]) => a - b)) {
      const window = prometheusDuration(period);
      const matchers = `condition="Ready", status="True", name=~"${[...names].sort().join("|")}"`;
      const never = (layout: string) => `max by (name) (max_over_time(externalsecret_status_condition{${layout}, ${matchers}}[${window}])) < 1`;
      const stale = `${never(`exported_namespace="${env.namespace}"`)} or ${never(`namespace="${env.namespace}", exported_namespace=""`)}`;
      terms.push(`label_replace(label_replace(${stale}, "namespace", "${env.namespace}", "", ""), "rotation_period", "${window}", "", "")`);
    }
  }
  if (terms.length === 0) return [];
  return [
    rule(
      "SecretNotUpdatedWithinRotationPeriod",
      terms.join(" or "),
      "5m",
      "warning",
      "ExternalSecret {{ $labels.namespace }}/{{ $labels.name }} has not updated its Secret for its rotation period ({{ $labels.rotation_period }})",
      "ESO has not synced it once during its rotation period: the Secret holds a value that should have been replaced (expired database credentials, an old certificate or key). Check the ExternalSecret's status, its store and the Vault path; the window is capped by Prometheus' retention.",
    ),
  ];
}

export function buildMonitoring(spec: PlatformSpec, environments: EnvironmentModel[]): MonitoringModel {
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
  const certificateProbe = buildCertificateProbe(spec);
  const probeSel = `${sel}, job="${k8sNames.certificateProbe}"`;
  const auditClaims = `${sel}, persistentvolumeclaim=~"${VAULT_AUDIT_CLAIM}-${k8sNames.vaultStatefulSet}-[0-9]+"`;
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
          `(sum(increase(vault_audit_log_request_failure{${sel}}[5m])) or vector(0)) + (sum(increase(vault_audit_log_response_failure{${sel}}[5m])) or vector(0)) > 0`,
          "0m",
          "critical",
          "Vault failed to write audit entries",
          "No audit device could log a request or response, so Vault failed those requests. Check the audit volume's free space and the Vault log.",
        ),
        // Vault answers when one device logged an entry (audit/broker.go: one sink is enough), so a
        // device that fails beside a working one shows only in its sink counter (eventlogger sinks).
        rule(
          "VaultAuditDeviceFailing",
          `sum(increase(vault_audit_sink_failure{${sel}}[5m])) > 0`,
          "0m",
          "warning",
          "An audit device of Vault fails to write",
          "Vault kept answering because another audit device logged the entries, but one copy of the audit trail (the file on the pod, stdout for the log collector, or the socket) is missing them. The Vault log names the device.",
        ),
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
  const rotation = rotationRules(environments, rule);
  // Lease renewals and new credentials pass through the database plugin's UpdateUser and NewUser;
  // Vault counts their failures (sdk/database/dbplugin/v5/middleware.go, databaseMetricsMiddleware).
  if (environments.some((e) => e.externalSecrets.some((es) => es.purpose === "database"))) {
    rotation.push(
      rule(
        "DatabaseCredentialRenewalFailing",
        `sum(increase(vault_database_UpdateUser_error{${sel}}[10m])) > 0`,
        "0m",
        "warning",
        "Vault failed to renew or update database credentials",
        "A lease renewal (or a root rotation) could not change the user in PostgreSQL: clients renewing their leases lose them at the TTL. Check the Vault log and the database connection (`vault read database/config/<connection>`).",
      ),
      rule(
        "DatabaseCredentialIssueFailing",
        `sum(increase(vault_database_NewUser_error{${sel}}[10m])) > 0`,
        "0m",
        "critical",
        "Vault failed to create database credentials",
        "ESO's generators ask for new credentials at every refresh; when creation fails, the Secrets keep credentials that expire at their TTL. Check the Vault log, the connection's admin user and the database's reachability.",
      ),
    );
  }
  if (rotation.length > 0) groups.push({ name: "secret-rotation", rules: rotation });
  // cert-manager labels its metrics with the Certificate's name, which the chart gives the secret's name.
  const cert = `name="${k8sNames.vaultTlsSecret}"`;
  const secretCertificate = objectMetric("certmanager_certificate_expiration_timestamp_seconds", ns, cert);
  const certificateRules: AlertRule[] = [];
  if (spec.vault.tls.source === "cert-manager") {
    certificateRules.push(
      rule("VaultCertificateExpiresSoon", `min(${secretCertificate}) - time() < 7 * 24 * 3600`, "1h", "critical", "Vault's server certificate expires within 7 days", "cert-manager has not renewed it; check the Certificate and its issuer."),
      rule("VaultCertificateNotReady", `max(${objectMetric("certmanager_certificate_ready_status", ns, `${cert}, condition="False"`)}) == 1`, "15m", "warning", "Vault's Certificate is not ready", "Check `kubectl describe certificate` in the Vault namespace."),
    );
  }
  if (certificateProbe) {
    certificateRules.push(
      rule(
        "VaultServedCertificateExpiresSoon",
        `min by (instance) (probe_ssl_earliest_cert_expiry{${probeSel}}) - time() < 7 * 24 * 3600`,
        "1h",
        "critical",
        "The certificate {{ $labels.instance }} serves expires within 7 days",
        "This is the certificate clients see, whatever the Secret holds: renew it, and if the Secret is already renewed, check the housekeeping container's log (it sends Vault SIGHUP to reload).",
      ),
    );
    // Stale compares with the Secret's certificate, which only cert-manager exports.
    if (spec.vault.tls.source === "cert-manager") {
      certificateRules.push(
        rule(
          "VaultServedCertificateStale",
          `min by (instance) (probe_ssl_earliest_cert_expiry{${probeSel}}) < scalar(max(${secretCertificate})) - 3600`,
          "30m",
          "warning",
          "{{ $labels.instance }} still serves the certificate cert-manager replaced",
          "The Secret holds a renewed certificate but Vault did not reload it. Check the housekeeping container's log; `kill -HUP $(pidof vault)` in the pod reloads it by hand.",
        ),
      );
    }
    certificateRules.push(
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
    );
  }
  if (certificateRules.length > 0) groups.push({ name: "certificates", rules: certificateRules });
  return {
    namespace: ns,
    selectorLabels: spec.monitoring.selectorLabels,
    tlsServerName: `${k8sNames.vaultServices.client}.${ns}.svc`,
    alertGroups: groups,
    ...(certificateProbe ? { certificateProbe } : {}),
  };
}
