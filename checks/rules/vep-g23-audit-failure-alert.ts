import type { Check } from "../types";
import { fx } from "../util";

const METRICS = ["vault_audit_log_request_failure", "vault_audit_log_response_failure"];
const PROMETHEUS_RULE = "shop-platform/monitoring/prometheusrule-vault.yaml";

/** An alerting rule (not a recording rule) of a rendered PrometheusRule whose expression reads each audit failure counter. */
export const auditFailureAlert: Check = {
  id: "VEP-G23",
  severity: "warning",
  title: "An alert fires when Vault fails to write audit entries (vault_audit_log_request_failure, vault_audit_log_response_failure)",
  rationale: "When no audit device can log a request Vault refuses it: a full volume or a stalled collector is an outage that must page before clients notice.",
  fix: "Keep the PrometheusRule the monitoring component renders (alert VaultAuditWriteFailures).",
  appliesTo: ["PrometheusRule"],
  run(ctx) {
    const exprs = ctx.manifests("PrometheusRule").flatMap((m) => (m.obj.spec?.groups ?? []).flatMap((g: { rules?: { alert?: string; expr?: unknown }[] }) => (g.rules ?? []).filter((r) => r.alert).map((r) => String(r.expr ?? ""))));
    const missing = METRICS.filter((metric) => !exprs.some((e) => new RegExp(`\\b${metric}\\b`).test(e)));
    if (missing.length === 0) return [];
    const cluster = ctx.model.kubernetes.clusters.find((c) => c.environments.some((e) => e.primary))?.name ?? ctx.model.kubernetes.clusters[0]?.name;
    return [{ resource: `${cluster}/monitoring`, message: `no alerting rule reads ${missing.join(" or ")}: failed audit writes (Vault refusing requests) page nobody` }];
  },
  fixtures: {
    pass: {
      does: "the audit failure alert split in two alerts, one per counter",
      edit: (s) => {
        const group = fx.manifest(s, PROMETHEUS_RULE).spec.groups.find((g: { rules: { alert?: string }[] }) => g.rules.some((r) => r.alert === "VaultAuditWriteFailures"));
        const r = group.rules.find((x: { alert?: string }) => x.alert === "VaultAuditWriteFailures");
        group.rules.push({ ...r, alert: "VaultAuditResponseWriteFailures", expr: "sum(increase(vault_audit_log_response_failure[5m])) > 0" });
        r.expr = "sum(increase(vault_audit_log_request_failure[5m])) > 0";
      },
    },
    fail: {
      does: "the audit failure alert becomes a recording rule",
      edit: (s) => {
        for (const g of fx.manifest(s, PROMETHEUS_RULE).spec.groups) {
          for (const r of g.rules) if (r.alert === "VaultAuditWriteFailures") (delete r.alert, (r.record = "vault:audit_write_failures:increase5m"));
        }
      },
      expect: { resource: "shop-platform/monitoring", message: "no alerting rule reads vault_audit_log_request_failure or vault_audit_log_response_failure" },
    },
  },
};
