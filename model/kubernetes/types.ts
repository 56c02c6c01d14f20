import type { PlatformWritersModel } from "./platform-writers";
/**
 * The Kubernetes layer as plain data: what runs in each cluster, grouped by GitOps component
 * (`dist/<cluster>/<component>/`). Charts render it; cross-layer checks read it.
 */

export interface ServiceAccountModel {
  namespace: string;
  name: string;
  /** e.g. the IRSA role annotation. */
  annotations: Record<string, string>;
  /** Only workloads that talk to the API server with their own token get it mounted. */
  automountToken: boolean;
  purpose: string;
}

export interface VaultServerModel {
  namespace: string;
  /** GitOps deletion guards (model/kubernetes/gitops.ts) on the namespace and the StatefulSet. */
  deletionGuard: Record<string, string>;
  replicas: number;
  image: string;
  serviceAccount: ServiceAccountModel;
  resources: { cpu: string; memory: string };
  priorityClassName: string;
  /** parameters are immutable once the StorageClass exists (a change needs docs/runbooks/vault-storage-class.md). */
  storageClass: { name: string; kmsKeyArn?: string; parameters: Record<string, string> };
  storage: { dataSize: string; auditSize: string };
  /** The StatefulSet's volumeClaimTemplates: the API server refuses any change to them (docs/runbooks/vault-volume-resize.md). */
  volumeClaims: VolumeClaimModel[];
  tls: {
    secretName: string;
    /** cert-manager Certificate to render; absent when the spec names an existing secret. */
    certificate?: { issuerRef: { name: string; kind: string }; duration: string; renewBefore: string; dnsNames: string[]; ipAddresses: string[] };
  };
  /** vault.hcl, and its sha256 for the pod-template annotation. */
  config: { hcl: string; checksum: string };
  ui: boolean;
  /** Namespaces whose pods may call Vault on 8200 (ESO, monitoring, direct-login clients). */
  clientNamespaces: string[];
  /** Pods of the Vault namespace that call Vault on 8200 (the snapshot job, the certificate probe). */
  clientPods: { labels: Record<string, string>; purpose: string }[];
  /** Sources admitted to 8200 from outside the cluster network: vault.externalClientCidrs and AppRole boundCidrs. */
  externalClientCidrs: string[];
  /** Everything Vault's own configuration connects to besides DNS and its peers, as NetworkPolicy egress rules. */
  egress: EgressRule[];
  housekeeping: HousekeepingModel;
}

export interface VolumeClaimModel {
  /** Claim template name; the claims are <name>-vault-<ordinal>. */
  name: string;
  size: string;
  /** The spec field the size comes from. */
  sizeField: string;
  storageClassName: string;
  accessModes: string[];
  volumeMode: string;
}

/** A NetworkPolicy peer as the model decides it; charts render it as is. */
export type NetworkPeer =
  | { kind: "cidr"; cidr: string }
  /** Pods of another namespace: namespace and pod selector ANDed in one peer. */
  | { kind: "pods"; namespace: string; labels: Record<string, string> };

export interface EgressRule {
  peers: NetworkPeer[];
  ports: { protocol: "TCP" | "UDP"; port: number }[];
  /** Why the rule exists (what connects there); for reviews and tests, not rendered. */
  purposes: string[];
}

/**
 * The sidecar beside Vault that sends it SIGHUP, which makes Vault reload its listener certificate
 * and re-open its file audit device: when the mounted certificate changes (cert-manager renewed
 * the Secret) and after it rotated the audit log. It shares the pod's process namespace.
 */
export interface HousekeepingModel {
  /** Seconds between two checks. */
  intervalSeconds: number;
  /** The certificate file Vault's listener serves (inside the mounted TLS Secret directory). */
  certificateFile: string;
  /** The file audit device's log (vault_audit file_path). */
  auditFile: string;
  /** Rotate when the live file is larger than this many bytes. */
  maxAuditFileBytes: number;
  /** Rotated files kept: auditFile.1 (newest) .. auditFile.<keep>. */
  keepAuditFiles: number;
  /** The Vault server's argv as the sidecar recognises it in /proc. */
  serverCommand: string;
  resources: { cpu: string; memory: string };
}

export interface SnapshotJobModel {
  namespace: string;
  schedule: string;
  serviceAccount: ServiceAccountModel;
  vaultImage: string;
  uploaderImage: string;
  vaultAddress: string;
  authMount: string;
  vaultRole: string;
  audience: string;
  bucket: string;
  prefix: string;
  region: string;
  awsApiCidrs: string[];
}

export interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  severity: "critical" | "warning";
  summary: string;
  description: string;
}

export interface MonitoringModel {
  /** Namespace of the ServiceMonitor and PrometheusRule (the Vault namespace, beside the CA ConfigMap). */
  namespace: string;
  selectorLabels: Record<string, string>;
  tlsServerName: string;
  alertGroups: { name: string; rules: AlertRule[] }[];
  /** The blackbox exporter that checks the certificate each Vault pod serves; absent when opted out. */
  certificateProbe?: CertificateProbeModel;
}

export interface CertificateProbeModel {
  name: string;
  namespace: string;
  image: string;
  /** Namespace of Prometheus, the only client of the exporter. */
  monitoringNamespace: string;
  /** One TLS target per Vault pod (host:port, verified against the Vault CA, SNI = host). */
  targets: { pod: string; address: string }[];
  /** The blackbox exporter module that performs the handshake. */
  module: string;
  serviceAccount: ServiceAccountModel;
  port: number;
  resources: { cpu: string; memory: string };
}

/** The Vault provider block of an ESO store or generator. */
export interface VaultProviderModel {
  server: string;
  caConfigMap: { name: string; key: string; namespace?: string };
  authMount: string;
  role: string;
  serviceAccount: { name: string; namespace?: string; audiences: string[] };
}

export interface SecretStoreModel {
  kind: "ClusterSecretStore" | "SecretStore";
  name: string;
  /** Set for SecretStore (namespaced). */
  namespace?: string;
  environment: string;
  /** ClusterSecretStore only: the namespaces allowed to use it. */
  allowedNamespaces?: string[];
  vault: VaultProviderModel;
}

export interface SecretsManagerStoreModel {
  name: string;
  region: string;
  allowedNamespaces: string[];
  /** The service account whose token ESO exchanges for the role (auth.jwt); no other store can name it. */
  serviceAccount: { name: string; namespace: string };
}

export interface ExternalSecretData {
  secretKey: string;
  /** KV path below the mount, e.g. apps/dev/user-service/auth. */
  key: string;
  property: string;
}

export interface ExternalSecretModel {
  name: string;
  namespace: string;
  environment: string;
  service: string;
  purpose: "static" | "database" | "shared-service" | "certificate";
  refreshInterval: string;
  /** How often the value changes (model/rotation.ts): the refresh is never longer, and an alert fires when ESO has not updated the Secret for this long. */
  rotationPeriodSeconds: number;
  storeRef: { kind: "ClusterSecretStore" | "SecretStore"; name: string };
  target: string;
  data: ExternalSecretData[];
  /** Keys rendered from the fetched values (ESO template engine v2). */
  template?: Record<string, string>;
  /** Secret type the template writes: Opaque, or kubernetes.io/tls for certificates. */
  secretType?: "Opaque" | "kubernetes.io/tls";
  /** For dynamic credentials: the VaultDynamicSecret generator to call. */
  generator?: string;
  /** Annotations of the Secret ESO writes (target.template.metadata): how its consumer reloads it. */
  secretAnnotations: Record<string, string>;
}

export interface VaultDynamicSecretModel {
  name: string;
  namespace: string;
  /** Vault API path, e.g. /database/creds/dev-user-service-users. */
  path: string;
  /** GET reads (database credentials); POST writes parameters (PKI issue). */
  method: "GET" | "POST";
  parameters?: Record<string, string>;
  vault: VaultProviderModel;
}

export interface EnvironmentModel {
  name: string;
  namespace: string;
  /** GitOps deletion guard annotations of the namespace (model/kubernetes/gitops.ts). */
  namespaceDeletionGuard: Record<string, string>;
  cluster: string;
  primary: boolean;
  /** environments[].production: the checks hold production to stricter settings (KV check-and-set, the legacy transit key). */
  production: boolean;
  caCertificatePem: string;
  serviceAccounts: ServiceAccountModel[];
  /**
   * The environment's Vault store: a ClusterSecretStore limited to the namespace (primary cluster) or
   * a namespaced SecretStore (dedicated clusters). It is rendered with the environment, after the
   * service account it logs in as and before the ExternalSecrets that use it (sync waves).
   */
  secretStore: SecretStoreModel;
  /**
   * Service accounts whose own token is the bearer of the TokenReview Vault sends for their login
   * (dedicated clusters): each needs system:auth-delegator there. Empty in the primary cluster.
   */
  tokenReviewers: string[];
  externalSecrets: ExternalSecretModel[];
  generators: VaultDynamicSecretModel[];
  /** Vault Secrets Operator objects of the services VSO delivers here (environments[].delivery vso). */
  vso?: VsoModel;
  /** Public CA certificate as a Secret (key ca.crt): VSO's VaultConnection and the Vault Agent injector read the CA only from a Secret. */
  caSecret?: { name: string; pem: string };
  /** Pod-template patches of the services with delivery agent-injector. */
  agentInjector: AgentInjectorPatchModel[];
  /** SecretProviderClasses of the services with delivery csi. */
  secretProviderClasses: SecretProviderClassModel[];
  /** Services logging in with AWS IAM need credentials: from STS with IRSA (cidrs), from the node's agent with Pod Identity (cidrs empty). */
  awsEgress?: { cidrs: string[]; workloadIdentity: "irsa" | "pod-identity" };
  /** How pods of the namespace reach Vault (only when a service there logs in itself): its pods in-cluster, or the addresses vault.externalAddress resolves to. */
  vaultEgress?: { kind: "in-cluster"; vaultNamespace: string } | { kind: "external"; cidrs: string[]; port: number };
}

export interface ClusterModel {
  name: string;
  primary: boolean;
  /** What the cluster's API server authenticates tokens for (EKS: https://kubernetes.default.svc; a dedicated cluster: its apiAudience). */
  apiAudiences: string[];
  environments: EnvironmentModel[];
}

export interface KubernetesModel {
  primaryCluster: string;
  vault: VaultServerModel;
  snapshots: SnapshotJobModel;
  monitoring: MonitoringModel;
  externalSecrets: {
    namespace: string;
    caCertificatePem: string;
    secretsManager?: SecretsManagerStoreModel;
    serviceAccounts: ServiceAccountModel[];
  };
  clusters: ClusterModel[];
  /** Crossplane and Backstage (spec platformWriters); absent: nothing rendered for them. */
  platformWriters?: PlatformWritersModel;
}

/** VSO's objects in one environment namespace (secrets.hashicorp.com/v1beta1). */
export interface VsoModel {
  connection: { name: string; address: string; caSecretName: string };
  auth: { name: string; mount: string; role: string; serviceAccount: string; audiences: string[]; tokenExpirationSeconds: number };
  secrets: VsoSecretModel[];
}

interface VsoSecretBase {
  name: string;
  service: string;
  environment: string;
  purpose: "static" | "shared-service" | "database" | "certificate";
  destination: {
    name: string;
    type: "Opaque" | "kubernetes.io/tls";
    annotations: Record<string, string>;
    /** Go templates over `.Secrets`; absent: the source fields as they are. */
    templates?: Record<string, string>;
    /** Anchored regular expressions of the source fields kept besides the templates, or excluded (all of them). */
    includes: string[];
    excludes: string[];
  };
  /** The service's Deployment, restarted when the Secret changes. */
  rolloutRestartTargets: { kind: "Deployment"; name: string }[];
  /** How long one value lives (alerts and reviews). */
  rotationPeriodSeconds: number;
}

export type VsoSecretModel =
  | (VsoSecretBase & { kind: "VaultStaticSecret"; mount: string; path: string; refreshAfter: string })
  | (VsoSecretBase & { kind: "VaultDynamicSecret"; mount: string; path: string; renewalPercent: number })
  | (VsoSecretBase & { kind: "VaultPKISecret"; mount: string; role: string; commonName: string; altNames: string[]; ttl: string; expiryOffset: string });

/** The Vault Agent injector annotations one service adds to its pod template (a strategic-merge patch of its Deployment). */
export interface AgentInjectorPatchModel {
  service: string;
  /** The Deployment the patch targets (services[].deployment, else the service name). */
  deployment: string;
  /** The pod's service account (its Vault role binds it). */
  serviceAccount: string;
  /** Folder of its kustomize Component inside the environment's component folder. */
  folder: string;
  annotations: Record<string, string>;
  /** A projected service-account token with Vault's audience for the agent's login (the default token's audience is the API server's). */
  tokenVolume: { name: string; audience: string; expirationSeconds: number };
}

/**
 * A SecretProviderClass (secrets-store.csi.x-k8s.io/v1, provider vault) of one csi service: the
 * Vault CSI provider logs in as the mounting pod's service account and writes one file per object.
 */
export interface SecretProviderClassModel {
  name: string;
  service: string;
  /** The service account of the pods that mount it (the service's Vault role binds only this one). */
  serviceAccount: string;
  /** Namespace of the Vault CSI provider pods: they, not the service's pods, call Vault. */
  providerNamespace: string;
  parameters: {
    vaultAddress: string;
    roleName: string;
    vaultKubernetesMountPath: string;
    audience: string;
    vaultCACertPath: string;
  };
  /** One file per key ESO's Secret would hold: objectName <secret>/<key>, read from secretPath's secretKey. */
  objects: { objectName: string; secretPath: string; secretKey: string }[];
}
