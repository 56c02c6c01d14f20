import type { Construct } from "constructs";
import { ServiceMonitor, ServiceMonitorSpecEndpointsScheme } from "../../imports/monitoring.coreos.com";
import { CA_CONFIGMAP } from "../../model/kubernetes/external-secrets";
import type { MonitoringModel } from "../../model/kubernetes/types";
import { k8sNames } from "../../model/names";
import { VAULT_POD_LABELS, VAULT_PORTS, VAULT_SERVICE_LABEL } from "./pods";

/**
 * Scrapes every Vault pod through the headless service, which lists sealed and standby pods too
 * (the client services drop them), over TLS verified against the Vault CA.
 */
export function vaultServiceMonitor(scope: Construct, m: MonitoringModel): void {
  new ServiceMonitor(scope, `servicemonitor-${m.namespace}-vault`, {
    metadata: { name: "vault", namespace: m.namespace, labels: { ...m.selectorLabels } },
    spec: {
      selector: { matchLabels: { "app.kubernetes.io/name": VAULT_POD_LABELS["app.kubernetes.io/name"], [VAULT_SERVICE_LABEL]: k8sNames.vaultServices.internal } },
      namespaceSelector: { matchNames: [m.namespace] },
      endpoints: [
        {
          port: VAULT_PORTS.api.name,
          scheme: ServiceMonitorSpecEndpointsScheme.HTTPS,
          path: "/v1/sys/metrics",
          params: { format: ["prometheus"] },
          interval: "30s",
          scrapeTimeout: "10s",
          tlsConfig: { ca: { configMap: { name: CA_CONFIGMAP.name, key: CA_CONFIGMAP.key } }, serverName: m.tlsServerName },
        },
      ],
    },
  });
}
