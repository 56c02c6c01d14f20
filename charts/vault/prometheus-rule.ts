import type { Construct } from "constructs";
import { PrometheusRule, PrometheusRuleSpecGroupsRulesExpr } from "../../imports/monitoring.coreos.com";
import type { MonitoringModel } from "../../model/kubernetes/types";

/** The model's alert groups, labelled so the Prometheus operator picks them up. */
export function vaultPrometheusRule(scope: Construct, m: MonitoringModel): void {
  new PrometheusRule(scope, `prometheusrule-${m.namespace}-vault`, {
    metadata: { name: "vault", namespace: m.namespace, labels: { ...m.selectorLabels } },
    spec: {
      groups: m.alertGroups.map((g) => ({
        name: g.name,
        rules: g.rules.map((r) => ({
          alert: r.alert,
          expr: PrometheusRuleSpecGroupsRulesExpr.fromString(r.expr),
          for: r.for,
          labels: { severity: r.severity },
          annotations: { summary: r.summary, description: r.description },
        })),
      })),
    },
  });
}
