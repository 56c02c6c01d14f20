import type { PlatformSpec } from "../spec/schema";
import { KMS_ADMIN_ACTIONS, type PolicyDocument, type PolicyStatement, policy, VAULT_SEAL_ACTIONS } from "./iam";
import {
  derivedAwsNames,
  ESO_SECRETS_MANAGER_SERVICE_ACCOUNT,
  environmentNamespace,
  oidcProvider,
  roleArn,
  s3BucketArn,
  serviceAccountName,
  SNAPSHOT_SERVICE_ACCOUNT,
  VAULT_SERVICE_ACCOUNT,
} from "./names";

export interface ServiceAccountRef {
  namespace: string;
  name: string;
}

export interface WorkloadRole {
  /** Stable id: Terraform resource names derive from it. */
  id: string;
  name: string;
  arn: string;
  description: string;
  serviceAccount: ServiceAccountRef;
  /** How the service account obtains the role: an IRSA token, or an EKS Pod Identity association. */
  identity: PlatformSpec["workloadIdentity"];
  trustPolicy: PolicyDocument;
  /** Identity policy; absent when everything the role may do is granted by a resource policy. */
  inlinePolicy?: PolicyDocument;
}

export interface KmsKeyModel {
  id: string;
  alias: string;
  description: string;
  deletionWindowDays: number;
  policy: PolicyDocument;
  /** Roles the key policy names; they must exist before the policy is set. */
  principalRoleIds: string[];
  /** prevent_destroy: the unseal key and the snapshot key cannot be recreated (Vault's data and its backups are encrypted with them). */
  preventDestroy: boolean;
}

/** Stands for the snapshot key's ARN in the bucket policy until the stack puts the key's real ARN there (known only after apply). */
export const SNAPSHOT_KEY_ARN = "<snapshot-key-arn>";

export interface SnapshotBucketModel {
  name: string;
  arn: string;
  prefix: string;
  retentionDays: number;
  noncurrentRetentionDays: number;
  /** Statements name SNAPSHOT_KEY_ARN where the key's ARN belongs. */
  policy: PolicyDocument;
  /** Default retention of S3 Object Lock; absent when the spec opts out. */
  objectLock?: { mode: "GOVERNANCE" | "COMPLIANCE"; days: number };
  /** Server access logs go to this bucket, under <bucket name>/. */
  accessLogs?: { bucket: string; prefix: string };
  /** prevent_destroy: a replacement would strip the bucket's settings first, then fail on the backups it holds. */
  preventDestroy: boolean;
}

export type BackendModel =
  | { type: "local" }
  | { type: "s3"; bucket: string; region: string; keyPrefix: string; dynamodbTable?: string };

export interface AwsModel {
  accountId: string;
  region: string;
  partition: string;
  defaultTags: Record<string, string>;
  backend: BackendModel;
  workloadIdentity: PlatformSpec["workloadIdentity"];
  clusterName: string;
  unsealKey: KmsKeyModel;
  snapshotKey: KmsKeyModel;
  snapshotBucket: SnapshotBucketModel;
  roles: WorkloadRole[];
}

function trustPolicy(spec: PlatformSpec, sa: ServiceAccountRef, identity: WorkloadRole["identity"]): PolicyDocument {
  if (identity === "pod-identity") {
    return policy({
      Sid: "EksPodIdentity",
      Effect: "Allow",
      Principal: { Service: "pods.eks.amazonaws.com" },
      Action: ["sts:AssumeRole", "sts:TagSession"],
      Condition: {
        StringEquals: {
          "aws:SourceAccount": spec.aws.accountId,
          "aws:RequestTag/eks-cluster-name": spec.cluster.name,
          "aws:RequestTag/kubernetes-namespace": sa.namespace,
          "aws:RequestTag/kubernetes-service-account": sa.name,
        },
      },
    });
  }
  const oidc = oidcProvider(spec);
  return policy({
    Sid: "Irsa",
    Effect: "Allow",
    Principal: { Federated: oidc.arn },
    Action: ["sts:AssumeRoleWithWebIdentity"],
    Condition: {
      StringEquals: {
        [`${oidc.hostPath}:aud`]: "sts.amazonaws.com",
        [`${oidc.hostPath}:sub`]: `system:serviceaccount:${sa.namespace}:${sa.name}`,
      },
    },
  });
}

function adminStatement(spec: PlatformSpec): PolicyStatement {
  const root = `arn:${spec.aws.partition}:iam::${spec.aws.accountId}:root`;
  return {
    // The account root keeps administration so the key can never be locked out; it gets no use actions.
    Sid: "KeyAdministration",
    Effect: "Allow",
    Principal: { AWS: [root, ...spec.kms.keyAdministratorArns.filter((a) => a !== root)] },
    Action: KMS_ADMIN_ACTIONS,
    // In a key policy "*" means "this key"; AWS requires it.
    Resource: "*",
  };
}

export function buildAwsModel(spec: PlatformSpec): AwsModel {
  const names = derivedAwsNames(spec);
  const bucketArn = s3BucketArn(spec, names.snapshotBucket);
  const vaultNs = spec.vault.namespace;
  const role = (
    id: string,
    name: string,
    description: string,
    serviceAccount: ServiceAccountRef,
    inlinePolicy?: PolicyDocument,
    identity: WorkloadRole["identity"] = spec.workloadIdentity,
  ): WorkloadRole => ({
    id,
    name,
    arn: roleArn(spec, name),
    description,
    serviceAccount,
    identity,
    trustPolicy: trustPolicy(spec, serviceAccount, identity),
    ...(inlinePolicy ? { inlinePolicy } : {}),
  });

  const serviceLoginRoles = spec.services
    .filter((svc) => svc.vaultLogin === "aws-iam")
    .flatMap((svc) =>
      svc.environments.map((envName) => {
        const env = spec.environments.find((e) => e.name === envName)!;
        return role(
          `login-${envName}-${svc.name}`,
          names.serviceLoginRole(envName, svc.name),
          `${svc.name} in ${envName}: identity for Vault AWS IAM auth (no AWS permissions)`,
          { namespace: environmentNamespace(env), name: serviceAccountName(svc) },
        );
      }),
    );

  // Vault's AWS auth resolves bound role ARNs to unique ids (resolve_aws_unique_ids), which needs iam:GetRole on exactly those roles.
  const vaultServerPolicy =
    serviceLoginRoles.length > 0
      ? policy({ Sid: "AwsAuthResolveBoundRoles", Effect: "Allow", Action: ["iam:GetRole"], Resource: serviceLoginRoles.map((r) => r.arn) })
      : undefined;

  const vaultServer = role("vault-server", names.vaultServerRole, "Vault server: awskms auto-unseal (granted by the key policy)", { namespace: vaultNs, name: VAULT_SERVICE_ACCOUNT }, vaultServerPolicy);

  const snapshotObjects = `${bucketArn}/${spec.snapshots.prefix}/*`;
  const snapshot = role(
    "vault-snapshot",
    names.snapshotRole,
    "Raft snapshot job: write snapshots to its bucket prefix",
    { namespace: vaultNs, name: SNAPSHOT_SERVICE_ACCOUNT },
    policy({ Sid: "WriteSnapshots", Effect: "Allow", Action: ["s3:AbortMultipartUpload", "s3:PutObject"], Resource: [snapshotObjects] }),
  );

  const roles = [vaultServer, snapshot];
  const sm = spec.externalSecrets.secretsManager;
  if (sm?.enabled) {
    // Always IRSA, even in pod-identity mode: ESO has no per-store Pod Identity, and a role associated
    // with the controller's service account would serve every store that names no auth, including
    // any namespaced SecretStore. Only the store whose auth.jwt names this account gets its token.
    roles.push(
      role(
        "eso-secretsmanager",
        names.esoSecretsManagerRole,
        `External Secrets: read Secrets Manager secrets named ${sm.secretNamePrefix}*`,
        { namespace: spec.externalSecrets.namespace, name: ESO_SECRETS_MANAGER_SERVICE_ACCOUNT },
        policy({
          Sid: "ReadPrefixedSecrets",
          Effect: "Allow",
          Action: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
          // Secrets Manager appends a random 6-character suffix to every secret ARN, so the prefix needs a trailing "*".
          Resource: [`arn:${spec.aws.partition}:secretsmanager:${spec.aws.region}:${spec.aws.accountId}:secret:${sm.secretNamePrefix}*`],
        }),
        "irsa",
      ),
    );
  }
  roles.push(...serviceLoginRoles);

  const unsealKey: KmsKeyModel = {
    id: "vault-unseal",
    alias: names.unsealKeyAlias,
    description: `${spec.name}: Vault auto-unseal (awskms seal)`,
    deletionWindowDays: spec.kms.deletionWindowDays,
    principalRoleIds: [vaultServer.id],
    preventDestroy: true,
    policy: policy(adminStatement(spec), {
      Sid: "VaultAutoUnseal",
      Effect: "Allow",
      Principal: { AWS: vaultServer.arn },
      Action: VAULT_SEAL_ACTIONS,
      Resource: "*",
    }),
  };

  const viaS3 = (principals: string[], sid: string, actions: string[], objectArns: string[]): PolicyStatement => ({
    Sid: sid,
    Effect: "Allow",
    Principal: { AWS: principals.length === 1 ? principals[0] : principals },
    Action: actions,
    Resource: "*",
    Condition: {
      StringEquals: { "kms:ViaService": `s3.${spec.aws.region}.amazonaws.com`, "kms:CallerAccount": spec.aws.accountId },
      // S3 passes the bucket ARN (bucket keys) or the object ARN as encryption context.
      StringLike: { "kms:EncryptionContext:aws:s3:arn": [bucketArn, ...objectArns] },
    },
  });
  const snapshotKeyStatements = [adminStatement(spec), viaS3([snapshot.arn], "SnapshotWriteThroughS3", ["kms:Decrypt", "kms:GenerateDataKey"], [snapshotObjects])];
  if (spec.snapshots.restorePrincipalArns.length > 0) {
    snapshotKeyStatements.push(viaS3(spec.snapshots.restorePrincipalArns, "SnapshotRestoreThroughS3", ["kms:Decrypt"], [snapshotObjects]));
  }
  const snapshotKey: KmsKeyModel = {
    id: "vault-snapshots",
    alias: names.snapshotKeyAlias,
    description: `${spec.name}: Vault raft snapshot bucket encryption`,
    deletionWindowDays: spec.kms.deletionWindowDays,
    principalRoleIds: [snapshot.id],
    preventDestroy: true,
    policy: policy(...snapshotKeyStatements),
  };

  const everything = [bucketArn, `${bucketArn}/*`];
  const objects = `${bucketArn}/*`;
  const denyPut = (Sid: string, Condition: PolicyStatement["Condition"]): PolicyStatement => ({ Sid, Effect: "Deny", Principal: "*", Action: ["s3:PutObject"], Resource: [objects], Condition });
  const snapshotBucket: SnapshotBucketModel = {
    name: names.snapshotBucket,
    arn: bucketArn,
    prefix: spec.snapshots.prefix,
    retentionDays: spec.snapshots.retentionDays,
    noncurrentRetentionDays: spec.snapshots.noncurrentRetentionDays,
    preventDestroy: true,
    // Deny statements name every principal and action on purpose: they only ever take access away.
    // Uploads send no encryption headers: the bucket's default (SSE-KMS with the snapshot key) applies.
    // A request that asks for anything else is refused: another algorithm, another key, aws:kms
    // without a key (S3 would use the aws/s3 key), or a customer-provided key.
    policy: policy(
      { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: ["s3:*"], Resource: everything, Condition: { Bool: { "aws:SecureTransport": "false" } } },
      { Sid: "DenyTlsBelow12", Effect: "Deny", Principal: "*", Action: ["s3:*"], Resource: everything, Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } } },
      // A negated operator holds when the key is absent, so each names the header as present (Null false).
      denyPut("DenyOtherEncryption", { StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" }, Null: { "s3:x-amz-server-side-encryption": "false" } }),
      denyPut("DenyOtherKmsKey", { StringNotEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": SNAPSHOT_KEY_ARN }, Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "false" } }),
      denyPut("DenyAwsManagedKey", { StringEquals: { "s3:x-amz-server-side-encryption": "aws:kms" }, Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "true" } }),
      denyPut("DenyCustomerProvidedKey", { Null: { "s3:x-amz-server-side-encryption-customer-algorithm": "false" } }),
    ),
    ...(spec.snapshots.objectLock.enabled ? { objectLock: { mode: spec.snapshots.objectLock.mode, days: spec.snapshots.objectLock.days } } : {}),
    ...(spec.snapshots.accessLogBucket ? { accessLogs: { bucket: spec.snapshots.accessLogBucket, prefix: `${names.snapshotBucket}/` } } : {}),
  };

  const state = spec.terraformState;
  const backend: BackendModel =
    state.backend === "local"
      ? { type: "local" }
      : { type: "s3", bucket: state.bucket, region: state.region ?? spec.aws.region, keyPrefix: state.keyPrefix ?? spec.name, ...(state.dynamodbTable ? { dynamodbTable: state.dynamodbTable } : {}) };

  return {
    accountId: spec.aws.accountId,
    region: spec.aws.region,
    partition: spec.aws.partition,
    defaultTags: { ...spec.aws.tags, ManagedBy: "vault-eks-platform", Platform: spec.name },
    backend,
    workloadIdentity: spec.workloadIdentity,
    clusterName: spec.cluster.name,
    unsealKey,
    snapshotKey,
    snapshotBucket,
    roles,
  };
}
