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
