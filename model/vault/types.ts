import type { DatabaseAccess } from "./postgres";
import type { VaultPolicy } from "./policy";
import type { VaultStackModel } from "./stacks";

/** The Vault layer as plain data. TTLs that the provider takes as integers are seconds here. */

/** Who a Vault role serves; later checks follow these links from workload to policy. */
export type Consumer =
  | { kind: "eso-store"; environment: string }
  | { kind: "vso"; environment: string }
  | { kind: "ci"; tool: string }
  | { kind: "snapshot" }
  | { kind: "service"; environment: string; service: string }
  | { kind: "people"; group: "admin" | "developer" | "terraform" }
  | { kind: "writer"; writer: "crossplane" | "backstage" };

export interface TokenSettings {
  policies: string[];
  ttlSeconds: number;
  maxTtlSeconds: number;
}

export interface KubernetesAuthRole extends TokenSettings {
  name: string;
  consumer: Consumer;
  serviceAccount: { namespace: string; name: string };
  audience: string;
}

export interface KubernetesAuthMount {
  path: string;
  /** Cluster the mount reviews tokens of. */
  cluster: string;
  /** In-cluster (primary): Vault's own service account reviews tokens through kubernetes.default.svc. */
  inCluster: boolean;
  host: string;
  /** CA of a remote API server; absent in-cluster (Vault reads its pod's CA). */
  caCertificate?: string;
  roles: KubernetesAuthRole[];
}

export interface AwsAuthRole extends TokenSettings {
  name: string;
  consumer: Consumer;
  boundIamRoleArn: string;
}

export interface AppRoleRole extends TokenSettings {
  name: string;
  consumer: Consumer;
  secretIdTtlSeconds: number;
  secretIdNumUses: number;
  boundCidrs: string[];
}

export interface OidcRole extends TokenSettings {
  name: string;
  consumer: Consumer;
  groups: string[];
}

export interface OidcAuth {
  path: string;
  discoveryUrl: string;
  clientId: string;
  groupsClaim: string;
  userClaim: string;
  allowedRedirectUris: string[];
  /** Requested besides openid, which Vault always adds. */
  scopes: string[];
  /** Claim -> entity alias metadata key (claim_mappings): display data, never identity. */
  claimMappings: Record<string, string>;
  roles: OidcRole[];
  /** TOTP login MFA enforced on every login through this mount. */
  mfa?: { issuer: string; digits: number; maxValidationAttempts: number; enforcement: string };
}

export interface DatabaseConnection {
  name: string;
  environment: string;
  database: string;
  host: string;
  port: number;
  adminUsername: string;
  sslMode: string;
  /** PEM the server's certificate chains to (tls_ca); absent when the spec trusts the system roots or uses sslmode require. */
  tlsCa?: string;
  maxOpenConnections: number;
  /** password_wo_version: raising it sends the bootstrap password again (databases[].bootstrapVersion). */
  bootstrapVersion: number;
  allowedRoles: string[];
  /** Run once by a DBA before the connection is configured. */
  preparationStatements: string[];
}

export interface DatabaseRole {
  name: string;
  connection: string;
  environment: string;
  service: string;
  database: string;
  access: DatabaseAccess;
  defaultTtlSeconds: number;
  maxTtlSeconds: number;
  creationStatements: string[];
  revocationStatements: string[];
  renewStatements: string[];
}

export interface PkiRole {
  name: string;
  environment: string;
  allowedDomains: string[];
  /** Whole seconds as a string: the form Vault reads back (terraform-provider-vault issue 1524). */
  ttl: string;
  maxTtl: string;
}

export interface TransitKey {
  name: string;
  /** The environment whose roles alone use it; absent for a retained pre-per-environment shared key. */
  environment?: string;
  /** The spec's key (vault.transit.keys[].name). */
  specKey: string;
  type: string;
  autoRotatePeriodSeconds: number;
  deletionAllowed: boolean;
  minDecryptionVersion?: number;
}

export interface KvSecretEntry {
  /** Path below the KV mount, e.g. apps/dev/user-service/auth. */
  path: string;
  /** The environment whose stack writes its metadata. */
  environment: string;
  /** Key names the secret must hold (values are written by people, never by this tool). */
  keys: string[];
  owner: string;
  /** Writes must name the version they replace (cas_required in the secret's metadata). */
  casRequired: boolean;
  /** How often a new version is written (model/rotation.ts), recorded as custom_metadata.rotation_period. */
  rotationPeriod: string;
}

/** A request a consumer the output does not show makes (a path ending in `*`: anything below). */
export interface DeclaredNeed {
  path: string;
  capabilities: ("create" | "read" | "update" | "delete" | "list")[];
}

export interface VaultModel {
  /** preventDestroy: unmounting KV deletes every secret in it. */
  kv: { mount: string; maxVersions: number; casRequired: boolean; deleteVersionAfterSeconds: number; secrets: KvSecretEntry[]; preventDestroy: boolean };
  policies: VaultPolicy[];
  kubernetesAuth: KubernetesAuthMount[];
  awsAuth?: { path: string; region: string; iamServerIdHeaderValue: string; roles: AwsAuthRole[] };
  appRole?: { path: string; roles: AppRoleRole[] };
  oidc?: OidcAuth;
  database?: { mount: string; passwordPolicy: { name: string; policy: string }; connections: DatabaseConnection[]; roles: DatabaseRole[] };
  pki: {
    rootMount: string;
    mount: string;
    rootCommonName: string;
    intermediateCommonName: string;
    organization?: string;
    rootTtl: string;
    /** Changing it re-signs the intermediate (and makes the new one the default issuer). */
    intermediateTtl: string;
    /** prevent_destroy on the root CA: its replacement would delete the trust anchor's key. */
    protectRoot: boolean;
    rootMaxLeaseTtlSeconds: number;
    intermediateMaxLeaseTtlSeconds: number;
    /** Intermediates the root may sign below it (basic constraints path length). */
    rootMaxPathLength: number;
    /** DNS name constraints the intermediate carries: every role's domains lie within them. */
    permittedDnsDomains: string[];
    /** Where clients fetch each CA's certificate and CRL: the in-cluster service, and the external address when there is one. */
    urls: Record<"root" | "intermediate", { issuingCertificates: string[]; crlDistributionPoints: string[] }>;
    /** Automatic tidy of expired and revoked certificates on both mounts. */
    autoTidy: { intervalDuration: string; safetyBuffer: string };
    roles: PkiRole[];
  };
  transit?: { mount: string; keys: TransitKey[] };
  audit: { filePath: string; stdout: boolean; socketAddress?: string; requestHeaders: string[] };
  /** deadServerLastContactThreshold in Go's Duration.String() form, as Vault reads it back. */
  autopilot: { cleanupDeadServers: boolean; deadServerLastContactThreshold: string; minQuorum: number };
  /** Per role: what a consumer that logs in itself declared it uses (policies.ts declaredNeeds). */
  declaredNeeds: Record<string, DeclaredNeed[]>;
  /** The cdktf stacks (Terraform states) the layer is split into: the core first, then one per environment. */
  stacks: VaultStackModel[];
}

/** The part of the model one Vault stack renders. */
export type VaultSlice = Omit<VaultModel, "stacks" | "declaredNeeds">;
