import type { Construct } from "constructs";
import type { PlatformModel } from "../model";
import { k8sNames } from "../model/names";
import { PlatformChart } from "./platform-chart";
import { certificateProbe, certificateProbeMonitor } from "./vault/certificate-probe";
import { vaultPrometheusRule } from "./vault/prometheus-rule";
import { vaultServiceMonitor } from "./vault/service-monitor";

/** Prometheus operator objects: Vault's metrics scrape, the served-certificate probe and the platform's alerts. */
export class MonitoringChart extends PlatformChart {
  constructor(scope: Construct, model: PlatformModel) {
    super(scope, { cluster: model.kubernetes.primaryCluster, component: k8sNames.components.monitoring, platform: model.name });
    const monitoring = model.kubernetes.monitoring;
    vaultServiceMonitor(this, monitoring);
    vaultPrometheusRule(this, monitoring);
    if (monitoring.certificateProbe) {
      certificateProbe(this, monitoring.certificateProbe);
      certificateProbeMonitor(this, monitoring.certificateProbe, monitoring.selectorLabels);
    }
  }
}
