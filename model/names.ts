import type { EnvironmentSpec, PlatformSpec, ServiceSpec } from "../spec/schema";

/**
 * Every name that more than one layer uses is derived here and nowhere else.
 * None depends on an apply-time value: ARNs are built from the account, partition and the
 * names chosen here, so Kubernetes manifests can reference them before any Terraform apply.
 */

/** Kubernetes names used by the Vault and snapshot workloads (fixed: the charts and Vault roles share them). */
export const VAULT_SERVICE_ACCOUNT = "vault";
export const SNAPSHOT_SERVICE_ACCOUNT = "vault-snapshot";
/** Service account in each environment namespace that the environment's ESO store logs in as. */
export const ESO_STORE_SERVICE_ACCOUNT = "eso-vault-store";
/** Service account in each VSO environment's namespace that its VaultAuth logs in as (VSO requests its tokens). */
export const VSO_AUTH_SERVICE_ACCOUNT = "vso-vault-auth";
/** Service account in the ESO namespace that the Secrets Manager store uses (IRSA). */
export const ESO_SECRETS_MANAGER_SERVICE_ACCOUNT = "eso-secretsmanager";

export function environmentNamespace(env: Pick<EnvironmentSpec, "name" | "namespace">): string {
  return env.namespace ?? env.name;
}

export function serviceAccountName(svc: Pick<ServiceSpec, "name" | "serviceAccount">): string {
  return svc.serviceAccount ?? svc.name;
}

type AwsNameInput = Pick<PlatformSpec, "name" | "aws" | "services">;

export interface DerivedAwsNames {
  unsealKeyAlias: string;
  snapshotKeyAlias: string;
  snapshotBucket: string;
  vaultServerRole: string;
  snapshotRole: string;
  esoSecretsManagerRole: string;
  /** IAM role a service logs in to Vault with (vaultLogin "aws-iam"), per environment. */
  serviceLoginRole(env: string, service: string): string;
  allRoleNames: string[];
}

export function derivedAwsNames(spec: AwsNameInput): DerivedAwsNames {
  const p = spec.name;
  const serviceLoginRole = (env: string, service: string) => `${p}-${env}-${service}`;
  const base = {
    unsealKeyAlias: `alias/${p}-vault-unseal`,
    snapshotKeyAlias: `alias/${p}-vault-snapshots`,
    // Account and region make the globally unique bucket name predictable without a random suffix.
    snapshotBucket: `${p}-vault-snapshots-${spec.aws.accountId}-${spec.aws.region}`,
    vaultServerRole: `${p}-vault-server`,
    snapshotRole: `${p}-vault-snapshot`,
    esoSecretsManagerRole: `${p}-eso-secretsmanager`,
    serviceLoginRole,
  };
  const serviceRoles = (Array.isArray(spec.services) ? spec.services : [])
    .filter((s) => s?.vaultLogin === "aws-iam")
    .flatMap((s) => (Array.isArray(s.environments) ? s.environments : []).map((e) => serviceLoginRole(e, s.name)));
  return { ...base, allRoleNames: [base.vaultServerRole, base.snapshotRole, base.esoSecretsManagerRole, ...serviceRoles] };
}

export function roleArn(spec: Pick<PlatformSpec, "aws">, roleName: string): string {
  return `arn:${spec.aws.partition}:iam::${spec.aws.accountId}:role/${roleName}`;
}

export function s3BucketArn(spec: Pick<PlatformSpec, "aws">, bucket: string): string {
  return `arn:${spec.aws.partition}:s3:::${bucket}`;
}

/** The IAM OIDC provider EKS registers for the cluster issuer (created with the cluster, not by us). */
export function oidcProvider(spec: Pick<PlatformSpec, "aws" | "cluster">): { arn: string; hostPath: string } {
  const hostPath = spec.cluster.oidcIssuerUrl.replace(/^https:\/\//, "");
  return { hostPath, arn: `arn:${spec.aws.partition}:iam::${spec.aws.accountId}:oidc-provider/${hostPath}` };
}

export function eksClusterArn(spec: Pick<PlatformSpec, "aws" | "cluster">): string {
  return `arn:${spec.aws.partition}:eks:${spec.aws.region}:${spec.aws.accountId}:cluster/${spec.cluster.name}`;
}

/** Vault mount paths (fixed, so policies, auth roles and ESO stores agree). */
export const VAULT_MOUNTS = {
  /** Kubernetes auth of the primary cluster (dedicated clusters get kubernetes-<cluster>). */
  kubernetes: "kubernetes",
  kv: "secret",
  database: "database",
  pki: "pki",
  pkiRoot: "pki-root",
  transit: "transit",
  aws: "aws",
  approle: "approle",
  oidc: "oidc",
} as const;

/** Kubernetes auth mount of a cluster: `kubernetes` for the primary, `kubernetes-<cluster>` for a dedicated one. */
export function kubernetesAuthMount(env: Pick<EnvironmentSpec, "cluster">): string {
  return env.cluster.type === "primary" ? VAULT_MOUNTS.kubernetes : `${VAULT_MOUNTS.kubernetes}-${env.cluster.name}`;
}

/**
 * The audience a dedicated cluster's API server accepts by default: EKS sets --api-audiences to
 * https://kubernetes.default.svc; vcluster (k8s and k3s distros) issues and accepts
 * https://kubernetes.default.svc.<cluster domain>.
 */
export const DEFAULT_API_AUDIENCE = { eks: "https://kubernetes.default.svc", vcluster: "https://kubernetes.default.svc.cluster.local" } as const;

type DedicatedCluster = Extract<EnvironmentSpec["cluster"], { type: "eks" | "vcluster" }>;

export function kubernetesApiAudience(cluster: Pick<DedicatedCluster, "type" | "apiAudience">): string {
  return cluster.apiAudience ?? DEFAULT_API_AUDIENCE[cluster.type];
}

/**
 * The audiences a client of an environment's Kubernetes auth mount must request for its token.
 * The role checks the Vault audience. On a dedicated cluster's mount (disable_local_ca_jwt, no
 * reviewer JWT) Vault sends the TokenReview with the client's own token as the bearer, and that
 * API server authenticates a bearer only if one of its audiences is the server's own: so the token
 * must carry both. In the primary cluster Vault reviews with its own token, and the Vault audience
 * alone keeps the client's token useless against the API server.
 */
export function vaultLoginAudiences(spec: Pick<PlatformSpec, "vault">, env: Pick<EnvironmentSpec, "cluster">): string[] {
  const vault = spec.vault.auth.kubernetes.audience;
  return env.cluster.type === "primary" ? [vault] : [vault, kubernetesApiAudience(env.cluster)];
}

/**
 * cdktf stacks of the Vault layer, each with its own Terraform state: the core (mounts, auth
 * methods, CAs, audit) and one per environment. `cdktf deploy 'vault-*'` selects them all.
 */
export const vaultStackNames = {
  core: "vault-core",
  environment: (env: string) => `vault-${env}`,
  /** The single stack of releases before the split (its state is migrated: docs/runbooks/split-vault-state.md). */
  legacy: "vault",
} as const;

/** Vault role and policy names per consumer; a role and its policy share the name. */
export const vaultNames = {
  esoStore: (env: string) => `eso-${env}`,
  /** The Vault Secrets Operator's role and policy in an environment (environments[].delivery vso). */
  vso: (env: string) => `vso-${env}`,
  ciTool: (tool: string) => `ci-${tool}`,
  service: (env: string, service: string) => `svc-${env}-${service}`,
  snapshot: "raft-snapshot",
  admin: "admin",
  developer: "developer",
  /** The identity that applies the core Vault stack (OIDC role and policy). */
  terraform: "terraform",
  /** The pipeline policy of one environment's Vault stack: it writes that environment's resources only. */
  pipeline: (env: string) => `terraform-${env}`,
  /** Transit key of one environment: no role of another environment can use it. */
  transitKey: (env: string, key: string) => `${env}-${key}`,
  /** Login MFA enforcement on the OIDC mount. */
  oidcMfaEnforcement: "oidc-totp",
  databaseConnection: (env: string, database: string) => `${env}-${database}`,
  databaseRole: (env: string, service: string, database: string) => `${env}-${service}-${database}`,
  pkiRole: (env: string) => `${env}-cert`,
  passwordPolicy: "database-password",
  /** Role and policy of a platform writer (platformWriters.crossplane, platformWriters.backstage). */
  writer: (writer: string) => `writer-${writer}`,
} as const;

/** Kubernetes names of the platform writers (platformWriters): Crossplane's store, XRD and Composition. */
export const writerNames = {
  /** GitOps component of a writer's objects in the primary cluster: dist/<cluster>/crossplane/, dist/<cluster>/backstage/. */
  component: (writer: "crossplane" | "backstage") => writer,
  /** The SecretStore in Crossplane's namespace that the composed PushSecrets use. */
  crossplaneStore: "vault-infrastructure-databases",
  databaseComposition: "postgresql-database-vault",
  /** One XR kind per platform (its API group carries the platform name). */
  databaseXrd: (platform: string) => {
    const group = `${platform}.vault-eks-platform.io`;
    return { name: `postgresqldatabases.${group}`, group, version: "v1alpha1", kind: "PostgreSQLDatabase", plural: "postgresqldatabases" };
  },
} as const;

/** The Vault stack's Terraform variable with the bootstrap admin password per database connection. */
export const DATABASE_PASSWORDS_VARIABLE = "database_admin_passwords";

/** KV v2 paths (below the mount) of the design's secret tree. */
export const kvPaths = {
  appSecret: (env: string, service: string, secret: string) => `apps/${env}/${service}/${secret}`,
  appsOfEnvironment: (env: string) => `apps/${env}`,
  sharedService: (service: string, env: string) => `shared-services/${service}/${env}`,
  ciTool: (tool: string) => `ci-cd/${tool}`,
  cluster: (env: string) => `clusters/${env}`,
  infrastructure: "infrastructure",
  /** Where Crossplane publishes the connection details of the databases it provisions in an environment. */
  infrastructureDatabases: (env: string) => `infrastructure/databases/${env}`,
} as const;

/** Audit device paths (vault audit list): the pod-local file, the stdout copy the cluster's log collector ships, the socket. */
export const VAULT_AUDIT_DEVICES = { file: "file", stdout: "stdout", socket: "socket" } as const;

/** The file audit device writes here, on the Vault pods' audit volume. */
export const VAULT_AUDIT_DIR = "/vault/audit";
export const VAULT_AUDIT_FILE = `${VAULT_AUDIT_DIR}/vault-audit.log`;
/** The StatefulSet's audit claim template; its claims are audit-vault-0, audit-vault-1, ... */
export const VAULT_AUDIT_CLAIM = "audit";
/** The StatefulSet's raft data claim template (data-vault-0, ...). */
export const VAULT_DATA_CLAIM = "data";

/** Kubernetes object names shared by the charts, the Vault stack and the AWS stack. */
export const k8sNames = {
  /** ClusterSecretStore of an environment in the primary cluster. */
  clusterSecretStore: (env: string) => `vault-${env}`,
  /** SecretStore (namespaced) of an environment in a dedicated cluster. */
  secretStore: "vault",
  secretsManagerStore: "aws-secrets-manager",
  /** The StatefulSet: its pods vault-0..vault-(n-1) are the names vault.hcl's retry_join blocks and the certificate use. */
  vaultStatefulSet: "vault",
  vaultServices: { client: "vault", active: "vault-active", standby: "vault-standby", internal: "vault-internal" },
  vaultTlsSecret: "vault-server-tls",
  vaultCaConfigMap: "vault-ca",
  /** The blackbox exporter checking the certificate Vault serves: Deployment, Service, ServiceMonitor (= Prometheus job). */
  certificateProbe: "vault-cert-probe",
  /** The raft snapshot CronJob; its Jobs are named `<name>-<scheduled minute>` (alerts match them). */
  snapshotCronJob: "vault-snapshot",
  /** ExternalSecret of a service's KV secret, and the Secret it writes, in the environment's namespace. */
  appSecret: (service: string, secret: string) => `${service}-${secret}`,
  /** ExternalSecret and Secret with a service's credentials for a kafka/redis shared service. */
  sharedServiceSecret: (service: string, shared: string) => `${service}-${shared}`,
  /** ExternalSecret, Secret (kubernetes.io/tls) and VaultDynamicSecret generator of a service's PKI certificate. */
  certificateSecret: (service: string, certificate: string) => `${service}-${certificate}`,
  /** ExternalSecret, Secret and VaultDynamicSecret generator of a service's database credentials ('_' is not allowed in Kubernetes names). */
  databaseSecret: (service: string, database: string) => `${service}-${database.replace(/_/g, "-")}-db`,
  /** VaultConnection and VaultAuth of an environment namespace (VSO); VSO's secrets reuse the ExternalSecret names. */
  vsoConnection: "vault",
  vsoAuth: "vault",
  /** kustomize Component with the pod-template patch of a service with delivery agent-injector: dist/<cluster>/env-<name>/<folder>/kustomization.yaml. */
  agentInjectorComponent: (service: string) => `agent-injector/${service}`,
  /** SecretProviderClass of a service with delivery csi, in the environment's namespace (one per service, so unique there). */
  secretProviderClass: (service: string) => `${service}-vault`,
  /** GitOps component folders of the primary cluster: dist/<cluster>/<component>/. */
  components: { vault: "vault", vaultBackup: "vault-backup", monitoring: "monitoring", externalSecrets: "external-secrets" },
  /** GitOps component folder of an environment: dist/<cluster>/env-<name>/. */
  environmentComponent: (env: string) => `env-${env}`,
  /** cdk8s chart id of a cluster's component (unique in the app). */
  chartId: (cluster: string, component: string) => `${cluster}--${component}`,
} as const;

/**
 * Argo CD names (model/argocd/): the output folder dist/argocd/, its bootstrap folder with the root
 * Application of each cluster, and the Applications and AppProjects (they share a name), all in
 * Argo CD's namespace. A dedicated cluster also gets the ESO Helm install as a component.
 */
export const argoNames = {
  folder: "argocd",
  bootstrapFolder: "bootstrap",
  root: (project: string, cluster: string) => `${project}-${cluster}`,
  application: (project: string, cluster: string, component: string) => `${project}-${cluster}-${component}`,
  esoOperatorComponent: "external-secrets-operator",
  /** The address an Application in Argo CD's own cluster deploys to. */
  inClusterServer: "https://kubernetes.default.svc",
} as const;

/** In-cluster address ESO and clients use: the active node only, over TLS. */
export function vaultActiveAddress(vaultNamespace: string): string {
  return `https://${k8sNames.vaultServices.active}.${vaultNamespace}.svc:8200`;
}

/** A vcluster's in-cluster API Service, parsed from its URL (https://<release>.<namespace>.svc[.cluster.local][:port]). */
export function vclusterService(url: string): { release: string; namespace: string; port: number } | undefined {
  const m = /^https:\/\/([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc(\.cluster\.local)?(:(\d{1,5}))?$/.exec(url);
  return m ? { release: m[1], namespace: m[3], port: Number(m[7] ?? 443) } : undefined;
}

/** Hosts that never leave the pod (no NetworkPolicy applies to loopback traffic). */
export function isLoopback(host: string): boolean {
  return host === "localhost" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The global IAM endpoint of a partition: Vault's AWS auth uses the SDK's default for the bound ARN's partition. */
export function iamEndpointHost(partition: string): string {
  return { aws: "iam.amazonaws.com", "aws-cn": "iam.cn-north-1.amazonaws.com.cn", "aws-us-gov": "iam.us-gov.amazonaws.com" }[partition] ?? "iam.amazonaws.com";
}

/** Pod labels other layers select on (NetworkPolicies, Services, the flow check). */
export const podLabels = {
  /** The Vault server pods: the Helm chart's labels, so its tooling finds them. */
  vault: { "app.kubernetes.io/name": "vault", "app.kubernetes.io/instance": "vault", component: "server" },
  snapshot: { "app.kubernetes.io/name": "vault-snapshot" },
  certificateProbe: { "app.kubernetes.io/name": k8sNames.certificateProbe },
} as const;

/**
 * Terraform resource name of a construct path below a stack: the ids (constructs turn "/" into
 * "--") joined with "_", in snake case, never hashed. stacks/platform-stack.ts names every element
 * with it; it is not one-to-one ("a-b" and "a_b" meet), so spec-derived ones are checked (VEP-S34).
 */
export function terraformName(constructIds: string[]): string {
  const joined = constructIds.map((id) => id.replace(/\//g, "--")).join("_").replace(/[^A-Za-z0-9_]/g, "_").toLowerCase();
  return /^[a-z_]/.test(joined) ? joined : `_${joined}`;
}

/** Construct ids of Vault-stack elements named from the spec (their Terraform names come from terraformName). */
export const vaultConstructIds = {
  kubernetesAuth: (mountPath: string) => `auth_${mountPath}`,
  role: (name: string) => `role_${name}`,
  kvMetadata: (path: string) => `metadata_${path}`,
  databaseConnection: (name: string) => `connection_${name}`,
  rotateRoot: (connection: string) => `rotate_root_${connection}`,
  transitKey: (name: string) => `key_${name}`,
} as const;
