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

export function kmsAliasArn(spec: Pick<PlatformSpec, "aws">, alias: string): string {
  return `arn:${spec.aws.partition}:kms:${spec.aws.region}:${spec.aws.accountId}:${alias}`;
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

/** Vault role and policy names per consumer; a role and its policy share the name. */
export const vaultNames = {
  esoStore: (env: string) => `eso-${env}`,
  ciTool: (tool: string) => `ci-${tool}`,
  service: (env: string, service: string) => `svc-${env}-${service}`,
  snapshot: "raft-snapshot",
  admin: "admin",
  developer: "developer",
  databaseConnection: (env: string, database: string) => `${env}-${database}`,
  databaseRole: (env: string, service: string, database: string) => `${env}-${service}-${database}`,
  pkiRole: (env: string) => `${env}-cert`,
  passwordPolicy: "database-password",
} as const;

/** KV v2 paths (below the mount) of the design's secret tree. */
export const kvPaths = {
  appSecret: (env: string, service: string, secret: string) => `apps/${env}/${service}/${secret}`,
  appsOfEnvironment: (env: string) => `apps/${env}`,
  sharedService: (service: string, env: string) => `shared-services/${service}/${env}`,
  ciTool: (tool: string) => `ci-cd/${tool}`,
  cluster: (env: string) => `clusters/${env}`,
  infrastructure: "infrastructure",
} as const;

/** The file audit device writes here, on the Vault pods' audit volume. */
export const VAULT_AUDIT_DIR = "/vault/audit";
export const VAULT_AUDIT_FILE = `${VAULT_AUDIT_DIR}/vault-audit.log`;

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
  /** ExternalSecret of a service's KV secret, and the Secret it writes, in the environment's namespace. */
  appSecret: (service: string, secret: string) => `${service}-${secret}`,
  /** ExternalSecret and Secret with a service's credentials for a kafka/redis shared service. */
  sharedServiceSecret: (service: string, shared: string) => `${service}-${shared}`,
  /** ExternalSecret, Secret and VaultDynamicSecret generator of a service's database credentials ('_' is not allowed in Kubernetes names). */
  databaseSecret: (service: string, database: string) => `${service}-${database.replace(/_/g, "-")}-db`,
  /** GitOps component folders of the primary cluster: dist/<cluster>/<component>/. */
  components: { vault: "vault", vaultBackup: "vault-backup", monitoring: "monitoring", externalSecrets: "external-secrets" },
  /** GitOps component folder of an environment: dist/<cluster>/env-<name>/. */
  environmentComponent: (env: string) => `env-${env}`,
  /** cdk8s chart id of a cluster's component (unique in the app). */
  chartId: (cluster: string, component: string) => `${cluster}--${component}`,
} as const;

/** In-cluster address ESO and clients use: the active node only, over TLS. */
export function vaultActiveAddress(vaultNamespace: string): string {
  return `https://${k8sNames.vaultServices.active}.${vaultNamespace}.svc:8200`;
}

/**
 * Terraform resource name of a construct path below a stack: the ids (constructs turn "/" into
 * "--") joined with "_", in snake case, never hashed. stacks/platform-stack.ts names every element
 * with it; it is not one-to-one ("a-b" and "a_b" meet), so spec-derived ones are checked (VEP-S40).
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
} as const;
