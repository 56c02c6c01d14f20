import { createHash } from "node:crypto";
import { IntOrString, KubeConfigMap, KubeDeployment, KubeService } from "cdk8s-plus-28/lib/imports/k8s";
import type { Construct } from "constructs";
import { ServiceMonitor, ServiceMonitorSpecEndpointsRelabelingsAction, ServiceMonitorSpecEndpointsScheme } from "../../imports/monitoring.coreos.com";
import { manifestYaml } from "../../lib/yaml-fast";
import { CA_CONFIGMAP } from "../../model/kubernetes/external-secrets";
import type { CertificateProbeModel } from "../../model/kubernetes/types";
import { guaranteed } from "../resources/compute-resources";
import { DNS_EGRESS, inNamespaces, networkPolicy, pods, tcp } from "../resources/network-policy";
import { RESTRICTED_CONTAINER, restrictedPodSecurityContext } from "../resources/security-context";
import { serviceAccount } from "../resources/service-account";
import { CONFIG_CHECKSUM_ANNOTATION } from "./statefulset";
import { CERTIFICATE_PROBE_POD_LABELS, VAULT_POD_LABELS, VAULT_PORTS } from "./pods";

const CONFIG_DIR = "/etc/blackbox_exporter";
const CONFIG_FILE = "blackbox.yml";
const CA_DIR = "/etc/vault-ca";
/** The nobody user of the exporter's busybox image. */
const NOBODY = 65534;

/** One module: a TCP connection with a TLS handshake verified against the Vault CA, SNI = the target's name. */
function blackboxConfig(p: CertificateProbeModel): string {
  return manifestYaml({
    modules: {
      [p.module]: {
        prober: "tcp",
        timeout: "5s",
        tcp: { tls: true, tls_config: { ca_file: `${CA_DIR}/${CA_CONFIGMAP.key}`, min_version: "TLS12" } },
      },
    },
  });
}

/**
 * A blackbox exporter in the Vault namespace (beside the CA) that handshakes with every Vault pod
 * as a client would: `probe_ssl_earliest_cert_expiry` is the certificate Vault really serves.
 * Its own pod, not a container of the Vault pod: that pod shares its process namespace.
 */
export function certificateProbe(scope: Construct, p: CertificateProbeModel): void {
  const config = blackboxConfig(p);
  const labels = { ...CERTIFICATE_PROBE_POD_LABELS };
  serviceAccount(scope, p.serviceAccount);
  new KubeConfigMap(scope, `configmap-${p.namespace}-${p.name}`, { metadata: { name: p.name, namespace: p.namespace }, data: { [CONFIG_FILE]: config } });
  new KubeDeployment(scope, `deployment-${p.namespace}-${p.name}`, {
    metadata: { name: p.name, namespace: p.namespace, labels },
    spec: {
      replicas: 1,
      revisionHistoryLimit: 3,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels, annotations: { [CONFIG_CHECKSUM_ANNOTATION]: createHash("sha256").update(config).digest("hex") } },
        spec: {
          serviceAccountName: p.serviceAccount.name,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: restrictedPodSecurityContext(NOBODY, NOBODY),
          containers: [
            {
              name: "blackbox-exporter",
              image: p.image,
              imagePullPolicy: "IfNotPresent",
              args: [`--config.file=${CONFIG_DIR}/${CONFIG_FILE}`, `--web.listen-address=:${p.port}`],
              ports: [{ name: "http", containerPort: p.port, protocol: "TCP" }],
              resources: guaranteed(p.resources),
              securityContext: RESTRICTED_CONTAINER,
              readinessProbe: { httpGet: { path: "/-/healthy", port: IntOrString.fromString("http") }, periodSeconds: 10 },
              livenessProbe: { httpGet: { path: "/-/healthy", port: IntOrString.fromString("http") }, periodSeconds: 20, failureThreshold: 3 },
              volumeMounts: [
                { name: "config", mountPath: CONFIG_DIR, readOnly: true },
                { name: "vault-ca", mountPath: CA_DIR, readOnly: true },
              ],
            },
          ],
          volumes: [
            { name: "config", configMap: { name: p.name, defaultMode: 0o444 } },
            { name: "vault-ca", configMap: { name: CA_CONFIGMAP.name, defaultMode: 0o444 } },
          ],
        },
      },
    },
  });
  new KubeService(scope, `service-${p.namespace}-${p.name}`, {
    metadata: { name: p.name, namespace: p.namespace, labels },
    spec: { type: "ClusterIP", selector: labels, ports: [{ name: "http", port: p.port, targetPort: IntOrString.fromString("http"), protocol: "TCP" }] },
  });
  // Flows: Prometheus (monitoring namespace) -> exporter :9115; exporter -> DNS, Vault pods :8200.
  networkPolicy(scope, {
    namespace: p.namespace,
    name: p.name,
    podLabels: labels,
    ingress: [{ from: [inNamespaces([p.monitoringNamespace])], ports: tcp(p.port) }],
    egress: [DNS_EGRESS, { to: [pods({ ...VAULT_POD_LABELS })], ports: tcp(VAULT_PORTS.api.port) }],
  });
}

/** One scrape per Vault pod (the multi-target exporter pattern), labelled instance=<pod address>. */
export function certificateProbeMonitor(scope: Construct, p: CertificateProbeModel, selectorLabels: Record<string, string>): void {
  new ServiceMonitor(scope, `servicemonitor-${p.namespace}-${p.name}`, {
    metadata: { name: p.name, namespace: p.namespace, labels: { ...selectorLabels } },
    spec: {
      selector: { matchLabels: { ...CERTIFICATE_PROBE_POD_LABELS } },
      namespaceSelector: { matchNames: [p.namespace] },
      endpoints: p.targets.map((t) => ({
        port: "http",
        scheme: ServiceMonitorSpecEndpointsScheme.HTTP,
        path: "/probe",
        params: { module: [p.module], target: [t.address] },
        interval: "60s",
        scrapeTimeout: "10s",
        relabelings: [{ action: ServiceMonitorSpecEndpointsRelabelingsAction.REPLACE, targetLabel: "instance", replacement: t.address }],
      })),
    },
  });
}
