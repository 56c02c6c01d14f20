import { IntOrString, KubeStatefulSet, type Probe, Quantity } from "cdk8s-plus-28/lib/imports/k8s";
import type { Construct } from "constructs";
import type { VaultServerModel, VolumeClaimModel } from "../../model/kubernetes/types";
import { VAULT_ENTRYPOINT, VAULT_PATHS, VAULT_SERVER_ARGV, VAULT_START_SCRIPT } from "../../model/kubernetes/vault-server";
import { k8sNames, VAULT_AUDIT_CLAIM, VAULT_DATA_CLAIM } from "../../model/names";
import { guaranteed } from "../resources/compute-resources";
import { RESTRICTED_CONTAINER, restrictedPodSecurityContext } from "../resources/security-context";
import { VAULT_CONFIG_FILE, VAULT_CONFIG_MAP } from "./config";
import { HOUSEKEEPING_CERTIFICATE_VOLUME, HOUSEKEEPING_CONTAINER, housekeepingContainer } from "./housekeeping";
import { VAULT_POD_LABELS, VAULT_PORTS, VAULT_STATEFULSET } from "./pods";

/** uid/gid of the vault user in the official image. */
const VAULT_UID = 100;
const VAULT_GID = 1000;

export const CONFIG_CHECKSUM_ANNOTATION = "vault-eks-platform/config-checksum";

/** Where the admission plugin would mount the service-account token; here only the vault container gets it. */
const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/** The volume the ServiceAccount admission plugin adds (same token lifetime, CA and namespace), declared explicitly. */
const KUBE_API_ACCESS = {
  name: "kube-api-access",
  projected: {
    defaultMode: 0o644,
    sources: [
      { serviceAccountToken: { expirationSeconds: 3607, path: "token" } },
      { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
      { downwardApi: { items: [{ path: "namespace", fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } }] } },
    ],
  },
};

/** Ready only when unsealed and initialized (active or standby): the client services route only there. */
const READY_PATH = "/v1/sys/health?standbyok=true&perfstandbyok=true";
/** Alive while sealed or uninitialized too: restarting a sealed pod never unseals it. */
const ALIVE_PATH = `${READY_PATH}&sealedcode=204&uninitcode=204`;

const healthProbe = (path: string, timing: Omit<Probe, "httpGet">): Probe => ({
  httpGet: { path, port: IntOrString.fromNumber(VAULT_PORTS.api.port), scheme: "HTTPS" },
  ...timing,
});

const fieldEnv = (name: string, fieldPath: string) => ({ name, valueFrom: { fieldRef: { apiVersion: "v1", fieldPath } } });

/** Vault's environment; HOSTNAME comes before the addresses that reference it as $(HOSTNAME). */
function vaultEnv(vault: VaultServerModel) {
  const internal = k8sNames.vaultServices.internal;
  return [
    fieldEnv("POD_IP", "status.podIP"),
    fieldEnv("HOSTNAME", "metadata.name"),
    fieldEnv("VAULT_K8S_POD_NAME", "metadata.name"),
    fieldEnv("VAULT_K8S_NAMESPACE", "metadata.namespace"),
    { name: "VAULT_ADDR", value: `https://127.0.0.1:${VAULT_PORTS.api.port}` },
    { name: "VAULT_API_ADDR", value: `https://$(HOSTNAME).${internal}.${vault.namespace}.svc:${VAULT_PORTS.api.port}` },
    { name: "VAULT_CLUSTER_ADDR", value: `https://$(HOSTNAME).${internal}:${VAULT_PORTS.cluster.port}` },
    { name: "VAULT_CACERT", value: `${VAULT_PATHS.tls}/ca.crt` },
    // The entrypoint would chown and setcap as root; the pod runs as vault with no capabilities.
    { name: "SKIP_CHOWN", value: "true" },
    { name: "SKIP_SETCAP", value: "true" },
    { name: "HOME", value: VAULT_PATHS.home },
  ];
}

export function vaultStatefulSet(scope: Construct, vault: VaultServerModel): KubeStatefulSet {
  const claim = (c: VolumeClaimModel) => ({
    metadata: { name: c.name },
    spec: {
      accessModes: [...c.accessModes],
      storageClassName: c.storageClassName,
      volumeMode: c.volumeMode,
      resources: { requests: { storage: Quantity.fromString(c.size) } },
    },
  });
  const selector = { matchLabels: { ...VAULT_POD_LABELS } };
  return new KubeStatefulSet(scope, `statefulset-${vault.namespace}-${VAULT_STATEFULSET}`, {
    metadata: { name: VAULT_STATEFULSET, namespace: vault.namespace, labels: { ...VAULT_POD_LABELS }, annotations: { ...vault.deletionGuard } },
    spec: {
      serviceName: k8sNames.vaultServices.internal,
      replicas: vault.replicas,
      podManagementPolicy: "Parallel",
      // An operator restarts pods one at a time, standbys first, after checking raft health.
      updateStrategy: { type: "OnDelete" },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
      selector,
      template: {
        metadata: {
          labels: { ...VAULT_POD_LABELS },
          annotations: {
            [CONFIG_CHECKSUM_ANNOTATION]: vault.config.checksum,
            // The EKS webhook injects the IRSA / Pod Identity credentials (KMS) into every container but these.
            "eks.amazonaws.com/skip-containers": HOUSEKEEPING_CONTAINER,
          },
        },
        spec: {
          serviceAccountName: vault.serviceAccount.name,
          // Vault's own token is its credential for token reviews and service registration; it is
          // mounted into the vault container only (kube-api-access below), never into the sidecar.
          automountServiceAccountToken: false,
          // The housekeeping sidecar signals Vault (SIGHUP) across containers. Every container of this
          // pod runs the Vault image as the Vault uid, so sharing /proc exposes nothing to a new party.
          shareProcessNamespace: true,
          // Service links would put VAULT_SERVICE_HOST, VAULT_PORT, ... beside Vault's real VAULT_* settings.
          enableServiceLinks: false,
          priorityClassName: vault.priorityClassName,
          terminationGracePeriodSeconds: 60,
          securityContext: restrictedPodSecurityContext(VAULT_UID, VAULT_GID),
          affinity: {
            podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: selector, topologyKey: "kubernetes.io/hostname" }] },
          },
          topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: selector }],
          containers: [
            {
              name: "vault",
              image: vault.image,
              imagePullPolicy: "IfNotPresent",
              // $0 is the entrypoint's name, "$@" the server's argv below.
              command: ["/bin/sh", "-c", VAULT_START_SCRIPT, VAULT_ENTRYPOINT],
              args: [...VAULT_SERVER_ARGV, `-config=${VAULT_PATHS.config}/${VAULT_CONFIG_FILE}`],
              env: vaultEnv(vault),
              ports: [
                { name: VAULT_PORTS.api.name, containerPort: VAULT_PORTS.api.port, protocol: "TCP" },
                { name: VAULT_PORTS.cluster.name, containerPort: VAULT_PORTS.cluster.port, protocol: "TCP" },
              ],
              resources: guaranteed(vault.resources),
              securityContext: RESTRICTED_CONTAINER,
              startupProbe: healthProbe(ALIVE_PATH, { periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 60 }),
              readinessProbe: healthProbe(READY_PATH, { periodSeconds: 5, timeoutSeconds: 3, successThreshold: 1, failureThreshold: 2 }),
              livenessProbe: healthProbe(ALIVE_PATH, { initialDelaySeconds: 60, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 }),
              lifecycle: {
                // Endpoints drop the pod first; then Vault gets SIGTERM and, if active, steps down.
                preStop: { exec: { command: ["/bin/sh", "-c", 'sleep 5 && for pid in $(pidof vault); do kill -TERM "$pid"; done'] } },
              },
              volumeMounts: [
                { name: "config", mountPath: VAULT_PATHS.config, readOnly: true },
                { name: "tls", mountPath: VAULT_PATHS.tls, readOnly: true },
                { name: VAULT_DATA_CLAIM, mountPath: VAULT_PATHS.data },
                { name: VAULT_AUDIT_CLAIM, mountPath: VAULT_PATHS.audit },
                { name: "tmp", mountPath: "/tmp" },
                { name: "home", mountPath: VAULT_PATHS.home },
                { name: KUBE_API_ACCESS.name, mountPath: SERVICE_ACCOUNT_DIR, readOnly: true },
              ],
            },
            housekeepingContainer(vault),
          ],
          volumes: [
            { name: "config", configMap: { name: VAULT_CONFIG_MAP, defaultMode: 0o444 } },
            // Owner root, group fsGroup: readable by the vault group only.
            { name: "tls", secret: { secretName: vault.tls.secretName, defaultMode: 0o440 } },
            // The whole directory (no subPath), so kubelet's atomic update of a renewed Secret reaches the sidecar.
            { name: HOUSEKEEPING_CERTIFICATE_VOLUME, secret: { secretName: vault.tls.secretName, defaultMode: 0o440, items: [{ key: "tls.crt", path: "tls.crt" }] } },
            KUBE_API_ACCESS,
            { name: "tmp", emptyDir: { sizeLimit: Quantity.fromString("64Mi") } },
            { name: "home", emptyDir: { sizeLimit: Quantity.fromString("16Mi") } },
          ],
        },
      },
      volumeClaimTemplates: vault.volumeClaims.map(claim),
    },
  });
}
