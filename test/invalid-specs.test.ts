import { describe, expect, it } from "vitest";
import { specRules } from "../spec/rules";
import type { PlatformSpecInput } from "../spec/schema";
import { validateSpec } from "../spec/validate";
import { EXPIRED_CERTIFICATE, TRUNCATED_CERTIFICATE } from "./helpers/certificates";
import { referenceCopy } from "./helpers/synth";

/**
 * A corpus of invalid specs, one per rule: each case breaks one thing in the reference spec and
 * must be reported at exactly the expected field path (and, for cross-field rules, by that rule).
 */
// Specs here are deliberately wrong, so they are edited as plain data.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Mutable = any;
interface Case {
  name: string;
  break: (s: Mutable) => void;
  path: string;
  rule?: string;
  message?: RegExp;
}

const CERT = String(referenceCopy().vault.tls.caCertificate);
const OIDC = { discoveryUrl: "https://login.example.com/realms/shop", providerCidrs: ["10.40.8.0/24"], clientId: "vault", allowedRedirectUris: ["http://localhost:8250/oidc/callback"], adminGroups: ["platform-admins"] };

const cases: Case[] = [
  // Field-level rules (schema.ts)
  { name: "account id must be 12 digits", break: (s) => (s.aws.accountId = "12345"), path: "aws.accountId", message: /12 digits/ },
  { name: "region must look like an AWS region", break: (s) => (s.aws.region = "europe"), path: "aws.region", message: /AWS region/ },
  { name: "platform name is a DNS label", break: (s) => (s.name = "Shop_Platform"), path: "name", message: /DNS label/ },
  { name: "platform name is at most 20 characters", break: (s) => (s.name = "a-very-long-platform-name"), path: "name", message: /20 characters/ },
  { name: "cluster name is required", break: (s) => delete s.cluster.name, path: "cluster.name", message: /required/ },
  { name: "OIDC issuer is an https URL", break: (s) => (s.cluster.oidcIssuerUrl = "http://oidc.example.com"), path: "cluster.oidcIssuerUrl", message: /https/ },
  { name: "VPC CIDR is an IPv4 CIDR", break: (s) => (s.cluster.vpcCidr = "10.40.0.0/33"), path: "cluster.vpcCidr", message: /CIDR/ },
  { name: "workload identity is irsa or pod-identity", break: (s) => (s.workloadIdentity = "kiam"), path: "workloadIdentity", message: /"irsa", "pod-identity"/ },
  { name: "TLS source is cert-manager or secret (TLS cannot be turned off)", break: (s) => (s.vault.tls = { source: "none" }), path: "vault.tls.source", message: /cert-manager/ },
  { name: "Vault image tag is an exact version", break: (s) => (s.vault.image.tag = "latest"), path: "vault.image.tag", message: /exact Vault version/ },
  { name: "KMS deletion window is 7 to 30 days", break: (s) => (s.kms.deletionWindowDays = 3), path: "kms.deletionWindowDays", message: /7 to 30/ },
  { name: "snapshot schedule is a five-field cron", break: (s) => (s.snapshots.schedule = "hourly"), path: "snapshots.schedule", message: /cron/ },
  { name: "snapshot schedule: Kubernetes has no day-of-week 7", break: (s) => (s.snapshots.schedule = "0 3 * * 7"), path: "snapshots.schedule", message: /day of week: 7 is outside 0-6/ },
  { name: "snapshot schedule: no TZ= (the CronJob sets timeZone)", break: (s) => (s.snapshots.schedule = "CRON_TZ=Europe/Berlin 0 3 * * *"), path: "snapshots.schedule", message: /timeZone/ },
  { name: "unknown fields are rejected", break: (s) => (s.vault.replica = 3), path: "vault.replica", message: /unknown field/ },
  { name: "at least one environment", break: (s) => (s.environments = []), path: "environments", message: /at least one environment/ },
  { name: "dedicated cluster needs a CA certificate", break: (s) => (s.environments[1].cluster = { type: "vcluster", name: "staging", apiServerUrl: "https://staging.vcluster-staging.svc" }), path: "environments[1].cluster.caCertificate", message: /required/ },
  { name: "the Vault CA is a certificate, never a private key", break: (s) => (s.vault.tls.caCertificate = "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n"), path: "vault.tls.caCertificate", message: /private key/ },
  { name: "a certificate is parsed as X.509, not matched by shape", break: (s) => (s.vault.tls.caCertificate = TRUNCATED_CERTIFICATE), path: "vault.tls.caCertificate", message: /does not parse as X\.509/ },
  { name: "an expired CA is rejected", break: (s) => (s.sharedServices[0].caCertificate = EXPIRED_CERTIFICATE), path: "sharedServices[0].caCertificate", message: /expired on 2021-01-01/ },
  { name: "a certificate field holds only PEM blocks", break: (s) => (s.vault.tls.caCertificate = `see below\n${CERT}`), path: "vault.tls.caCertificate", message: /nothing else/ },
  { name: "OIDC scopes leave out openid (Vault adds it)", break: (s) => (s.vault.auth = { oidc: { ...OIDC, scopes: ["openid", "email"] } }), path: "vault.auth.oidc.scopes[0]", message: /always requests openid/ },
  { name: "durations are Go-style", break: (s) => (s.vault.auth = { kubernetes: { tokenTtl: "one hour" } }), path: "vault.auth.kubernetes.tokenTtl", message: /duration/ },
  { name: "secret keys are names, never values", break: (s) => (s.services[0].secrets[0].keys = ["sk_live 1234"]), path: "services[0].secrets[0].keys[0]", message: /key name/ },
  { name: "state bucket name is an S3 bucket name", break: (s) => (s.terraformState = { backend: "s3", bucket: "Bad_Bucket" }), path: "terraformState.bucket", message: /S3 bucket/ },
  { name: "key administrators are IAM ARNs", break: (s) => (s.kms.keyAdministratorArns = ["admin"]), path: "kms.keyAdministratorArns[0]", message: /ARN/ },
  // Cross-field rules (rules.ts)
  { name: "replicas odd and >= 3", break: (s) => (s.vault.replicas = 2), path: "vault.replicas", rule: "VEP-S01" },
  { name: "replicas even", break: (s) => (s.vault.replicas = 4), path: "vault.replicas", rule: "VEP-S01" },
  { name: "duplicate service name", break: (s) => (s.services[2].name = "user-service"), path: "services[2].name", rule: "VEP-S02" },
  { name: "duplicate secret key", break: (s) => s.services[0].secrets[0].keys.push("JWT_SIGNING_KEY"), path: "services[0].secrets[0].keys[2]", rule: "VEP-S02" },
  { name: "environment namespace collides with Vault's", break: (s) => (s.environments[0].namespace = "vault"), path: "environments[0].namespace", rule: "VEP-S03" },
  { name: "two environments share a namespace", break: (s) => (s.environments[1].namespace = "dev"), path: "environments[1].namespace", rule: "VEP-S03" },
  { name: "service names an unknown environment", break: (s) => s.services[1].environments.push("qa"), path: "services[1].environments[3]", rule: "VEP-S04" },
  { name: "service uses an undeclared database", break: (s) => s.services[0].databases.push({ name: "orders" }), path: "services[0].databases[1].name", rule: "VEP-S05" },
  { name: "service lists postgres as a shared service", break: (s) => s.services[0].sharedServices.push("postgres"), path: "services[0].sharedServices[1]", rule: "VEP-S06" },
  { name: "database on a non-postgres server", break: (s) => (s.databases[0].server = "redis"), path: "databases[0].server", rule: "VEP-S07" },
  { name: "shared service lacks an endpoint for an environment a service uses", break: (s) => delete s.sharedServices[1].endpoints.staging, path: "services[1].sharedServices[0]", rule: "VEP-S08" },
  { name: "endpoint for an unknown environment", break: (s) => (s.sharedServices[2].endpoints.qa = { host: "redis.qa", port: 6379 }), path: "sharedServices[2].endpoints.qa", rule: "VEP-S08" },
  { name: "unknown transit key", break: (s) => s.services[1].transitKeys.push("orders"), path: "services[1].transitKeys[1]", rule: "VEP-S09" },
  { name: "transit without vault login", break: (s) => (s.services[1].vaultLogin = "none"), path: "services[1].vaultLogin", rule: "VEP-S09" },
  { name: "OIDC issuer in another region", break: (s) => (s.cluster.oidcIssuerUrl = "https://oidc.eks.us-east-1.amazonaws.com/id/5E1B3A0C9D8F7E6A5B4C3D2E1F0A9B8C"), path: "cluster.oidcIssuerUrl", rule: "VEP-S10" },
  { name: "region outside the partition", break: (s) => (s.aws.partition = "aws-cn"), path: "aws.partition", rule: "VEP-S11" },
  { name: "derived IAM role name too long", break: (s) => { s.name = "shop-platform-europe"; s.services[2] = { ...s.services[2], name: "notification-service-v2-consumers", vaultLogin: "aws-iam" }; }, path: "name", rule: "VEP-S12" },
  { name: "token TTL longer than its max", break: (s) => (s.vault.auth = { kubernetes: { tokenTtl: "8h", tokenMaxTtl: "4h" } }), path: "vault.auth.kubernetes.tokenTtl", rule: "VEP-S13" },
  { name: "database default TTL longer than max", break: (s) => (s.environments[0].databaseCredentials = { defaultTtl: "48h", maxTtl: "24h" }), path: "environments[0].databaseCredentials.defaultTtl", rule: "VEP-S13" },
  { name: "production not marked production", break: (s) => (s.environments[2].production = false), path: "environments[2].production", rule: "VEP-S14" },
  { name: "two services share a service account", break: (s) => (s.services[1].serviceAccount = "user-service"), path: "services[1].serviceAccount", rule: "VEP-S15" },
  { name: "dedicated cluster named like the primary", break: (s) => (s.environments[0].cluster = { type: "vcluster", name: "shop-platform", apiServerUrl: "https://shop-platform.vcluster-dev.svc", caCertificate: CERT }), path: "environments[0].cluster.name", rule: "VEP-S16" },
  { name: "Secrets Manager prefix too broad", break: (s) => (s.externalSecrets.secretsManager.secretNamePrefix = "a/"), path: "externalSecrets.secretsManager.secretNamePrefix", rule: "VEP-S17" },
  { name: "environment name extends another's with '-'", break: (s) => s.environments.push({ name: "dev-eu" }), path: "environments[3].name", rule: "VEP-S19" },
  {
    name: "aws-iam login in a dedicated cluster",
    break: (s) => {
      s.environments[1].cluster = { type: "vcluster", name: "staging-vc", apiServerUrl: "https://staging-vc.vcluster-staging.svc", caCertificate: CERT };
      s.vault.externalAddress = "https://vault.shop.internal:8200";
      s.services[0].vaultLogin = "aws-iam";
    },
    path: "services[0].environments[1]",
    rule: "VEP-S20",
  },
  {
    name: "dedicated cluster without an external Vault address",
    break: (s) => (s.environments[1].cluster = { type: "vcluster", name: "staging-vc", apiServerUrl: "https://staging-vc.vcluster-staging.svc", caCertificate: CERT }),
    path: "vault.externalAddress",
    rule: "VEP-S21",
  },
  {
    name: "a PostgreSQL endpoint a database uses does not say where it lives",
    break: (s) => delete s.sharedServices[0].endpoints.staging.cidrs,
    path: "sharedServices[0].endpoints.staging.cidrs",
    rule: "VEP-S22",
    message: /postgres\.staging\.shop\.internal:5432/,
  },
  { name: "aws-iam login outside us-east-1 without network.iamCidrs", break: (s) => (s.services[2].vaultLogin = "aws-iam"), path: "network.iamCidrs", rule: "VEP-S23" },
  {
    name: "a vcluster API server that is not its in-cluster Service",
    break: (s) => {
      s.environments[1].cluster = { type: "vcluster", name: "staging-vc", apiServerUrl: "https://staging.example.com", caCertificate: CERT };
      Object.assign(s.vault, { externalAddress: "https://vault.shop.internal:8200", externalClientCidrs: ["10.40.4.0/24"], externalAddressCidrs: ["10.40.4.0/24"] });
    },
    path: "environments[1].cluster.apiServerUrl",
    rule: "VEP-S24",
  },
  { name: "an external address without the client CIDRs it admits", break: (s) => (s.vault.externalAddress = "https://vault.shop.internal:8200"), path: "vault.externalClientCidrs", rule: "VEP-S25" },
  {
    name: "a dedicated cluster without the CIDRs Vault's address resolves to",
    break: (s) => {
      s.environments[1].cluster = { type: "vcluster", name: "staging-vc", apiServerUrl: "https://staging-vc.vcluster-staging.svc", caCertificate: CERT };
      Object.assign(s.vault, { externalAddress: "https://vault.shop.internal:8200", externalClientCidrs: ["10.40.4.0/24"] });
    },
    path: "vault.externalAddressCidrs",
    rule: "VEP-S26",
  },
  { name: "AppRole without an external Vault address", break: (s) => s.ciConsumers.push({ name: "jenkins", auth: { method: "approle", boundCidrs: ["10.60.0.0/24"] } }), path: "vault.externalAddress", rule: "VEP-S27" },
  { name: "a remote socket audit device without CIDRs", break: (s) => (s.vault.audit = { socket: { address: "fluentd.logging.svc:24224" } }), path: "vault.audit.socket.cidrs", rule: "VEP-S28" },
  {
    name: "OIDC without the CIDRs the identity provider is reached at",
    break: (s) => (s.vault.auth = { oidc: { discoveryUrl: "https://login.example.com", clientId: "vault", allowedRedirectUris: ["https://vault.example.com/cb"], adminGroups: ["admins"] } }),
    path: "vault.auth.oidc.providerCidrs",
    message: /required/,
  },
  {
    name: "a dedicated EKS cluster without its API server CIDRs",
    break: (s) => (s.environments[1].cluster = { type: "eks", name: "staging-eks", apiServerUrl: "https://ABC.gr7.eu-west-1.eks.amazonaws.com", caCertificate: CERT }),
    path: "environments[1].cluster.apiServerCidrs",
    message: /required/,
  },
  { name: "verify-full without the server's CA", break: (s) => delete s.sharedServices[0].caCertificate, path: "databases[0].sslMode", rule: "VEP-S31", message: /sharedServices\[0\]\.caCertificate/ },
  { name: "verify-ca without the server's CA", break: (s) => { delete s.sharedServices[0].caCertificate; s.databases[1].sslMode = "verify-ca"; }, path: "databases[1].sslMode", rule: "VEP-S31" },
  { name: "a CA on a server Vault never reaches", break: (s) => (s.sharedServices[2].caCertificate = CERT), path: "sharedServices[2].caCertificate", rule: "VEP-S32" },
  { name: "a CA and the system roots at once", break: (s) => (s.sharedServices[0].trustSystemRoots = true), path: "sharedServices[0].trustSystemRoots", rule: "VEP-S32" },
  { name: "a UI redirect URI with the UI off", break: (s) => (s.vault.auth = { oidc: { ...OIDC, allowedRedirectUris: ["https://vault.shop.example.com/ui/vault/auth/oidc/oidc/callback"] } }), path: "vault.auth.oidc.allowedRedirectUris[0]", rule: "VEP-S33" },
  { name: "Vault audience is the EKS API audience", break: (s) => (s.vault.auth = { kubernetes: { audience: "https://kubernetes.default.svc" } }), path: "vault.auth.kubernetes.audience", rule: "VEP-S29", message: /eks default API audience/ },
  {
    name: "Vault audience is a dedicated cluster's API audience",
    break: (s) => {
      s.environments[1].cluster = { type: "eks", name: "staging-eks", apiServerUrl: "https://staging.example.com", caCertificate: CERT, apiAudience: "sts.example", apiServerCidrs: ["10.70.0.0/20"] };
      Object.assign(s.vault, { externalAddress: "https://vault.shop.internal:8200", externalClientCidrs: ["10.40.4.0/24"], externalAddressCidrs: ["10.40.4.0/24"] });
      s.vault.auth = { kubernetes: { audience: "sts.example" } };
    },
    path: "vault.auth.kubernetes.audience",
    rule: "VEP-S29",
    message: /environments\[1\]\.cluster/,
  },
  { name: "rotated audit files do not fit the audit volume", break: (s) => (s.vault.audit = { rotation: { maxFileSize: "1Gi", keep: 7 } }), path: "vault.audit.rotation.keep", rule: "VEP-S30", message: /8 x 1Gi, more than 70% of the 10Gi/ },
  { name: "audit rotation size is at least 1Mi", break: (s) => (s.vault.audit = { rotation: { maxFileSize: "100Ki", keep: 3 } }), path: "vault.audit.rotation.maxFileSize", message: /at least 1Mi/ },
  { name: "audit rotation size is a quantity", break: (s) => (s.vault.audit = { rotation: { maxFileSize: "lots", keep: 3 } }), path: "vault.audit.rotation.maxFileSize", message: /quantity/ },
  { name: "certificate probe image is pinned", break: (s) => (s.monitoring = { certificateProbe: { image: "prom/blackbox-exporter:latest" } }), path: "monitoring.certificateProbe.image", message: /version tag/ },
  { name: "a bootstrap version for an environment without that database's connection", break: (s) => (s.databases[1].bootstrapVersion = { production: 2, qa: 2 }), path: "databases[1].bootstrapVersion.qa", rule: "VEP-S36", message: /no service uses database payments in environment "qa"/ },
  { name: "a bootstrap version is a positive number or one per environment", break: (s) => (s.databases[0].bootstrapVersion = 0), path: "databases[0].bootstrapVersion", message: /a version number, at least 1/ },
  { name: "a per-environment bootstrap version is a number", break: (s) => (s.databases[0].bootstrapVersion = { dev: "2" }), path: "databases[0].bootstrapVersion", message: /a version number \(1, 2, \.\.\.\) for every environment, or one per environment name/ },
  { name: "a KV secret named like a shared service the service uses", break: (s) => s.services[1].secrets.push({ name: "kafka", keys: ["X"] }), path: "services[1].secrets[1].name", rule: "VEP-S34" },
  { name: "no audit device leaves the pod", break: (s) => (s.vault.audit = { stdout: false }), path: "vault.audit.stdout", rule: "VEP-S37" },
  { name: "forwarded client addresses without a load balancer", break: (s) => (s.vault.forwardedClientAddress = { via: "x-forwarded-for", proxyCidrs: ["10.40.4.0/24"] }), path: "vault.forwardedClientAddress", rule: "VEP-S38" },
  { name: "snapshots locked longer than they are kept", break: (s) => (s.snapshots.objectLock = { days: 45 }), path: "snapshots.objectLock.days", rule: "VEP-S39", message: /retentionDays \(30\)/ },
  { name: "the terraform group is also an admin group", break: (s) => (s.vault.auth = { oidc: { ...OIDC, terraformGroups: ["vault-operators", "platform-admins"] } }), path: "vault.auth.oidc.terraformGroups[1]", rule: "VEP-S40" },
  { name: "a certificate named like a KV secret of the service", break: (s) => (s.services[0].certificates = [{ name: "auth" }]), path: "services[0].certificates[0].name", rule: "VEP-S34" },
  { name: "a declared transit key named like another environment's key", break: (s) => s.vault.transit.keys.push({ name: "dev-payments", legacySharedKey: true }), path: "vault.transit.keys[1].name", rule: "VEP-S34" },
  { name: "a minimum decryption version for an environment without the key", break: (s) => (s.vault.transit.keys[0].minDecryptionVersion = { qa: 2 }), path: "vault.transit.keys[0].minDecryptionVersion.qa", rule: "VEP-S41" },
  { name: "login MFA digits are 6 or 8", break: (s) => (s.vault.auth = { oidc: { ...OIDC, mfa: { issuer: "shop", digits: 7 } } }), path: "vault.auth.oidc.mfa.digits", message: /6|8/ },
  { name: "Object Lock mode is GOVERNANCE or COMPLIANCE", break: (s) => (s.snapshots.objectLock = { mode: "LEGAL_HOLD" }), path: "snapshots.objectLock.mode", message: /GOVERNANCE/ },
  { name: "a suppression without a real reason", break: (s) => (s.suppressions = [{ rule: "VEP-G08", resource: "x/y/z.yaml", reason: "because" }]), path: "suppressions[0].reason", message: /a written reason of at least 20 characters/ },
  { name: "a suppression naming no check id", break: (s) => (s.suppressions = [{ rule: "G08", resource: "x/y/z.yaml", reason: "accepted for the migration window" }]), path: "suppressions[0].rule", message: /a check or rule id such as VEP-G08/ },
  {
    name: "database credentials refresh below the ExternalSecret floor",
    break: (s) => (s.environments[0].databaseCredentials = { defaultTtl: "8m" }),
    path: "environments[0].databaseCredentials.defaultTtl",
    rule: "VEP-S35",
    message: /of 8m are refreshed every 240s \(half the TTL\), below externalSecrets.minRefreshInterval \(5m\)/,
  },
  {
    name: "a secret rotated more often than ExternalSecrets may refresh",
    break: (s) => (s.services[0].secrets[0].rotationPeriod = "2m"),
    path: "services[0].secrets[0].rotationPeriod",
    rule: "VEP-S42",
    message: /2m is shorter than externalSecrets.minRefreshInterval \(5m\)/,
  },
  {
    name: "VSO in a vcluster environment",
    break: (s) => {
      s.environments[1].cluster = { type: "vcluster", name: "staging-vc", apiServerUrl: "https://staging-vc.vcluster-staging.svc:443", caCertificate: s.vault.tls.caCertificate };
      s.environments[1].delivery = "vso";
    },
    path: "environments[1].delivery",
    rule: "VEP-S43",
    message: /VSO is not rendered for a dedicated \(vcluster\) cluster/,
  },
  {
    name: "agent injector without the service's own Kubernetes login",
    break: (s) => (s.services[0].delivery = "agent-injector"),
    path: "services[0].vaultLogin",
    rule: "VEP-S44",
    message: /set vaultLogin "kubernetes" \(it is "none"\)/,
  },
  {
    name: "agent injector in a dedicated cluster (a projected token has one audience)",
    break: (s) => {
      s.environments[1].cluster = { type: "vcluster", name: "staging-vc", apiServerUrl: "https://staging-vc.vcluster-staging.svc:443", caCertificate: s.vault.tls.caCertificate };
      Object.assign(s.services[1], { delivery: "agent-injector", vaultLogin: "kubernetes" });
    },
    path: `services[1].environments[1]`,
    rule: "VEP-S45",
    message: /the Vault Agent's projected token has one audience/,
  },
  {
    name: "agent injector with a certificate",
    break: (s) => {
      Object.assign(s.services[1], { delivery: "agent-injector", certificates: [{ name: "tls" }] });
    },
    path: "services[1].certificates",
    rule: "VEP-S46",
    message: /pkiCert decides on re-issue from the file it rendered/,
  },
  {
    name: "CSI without the service's own Kubernetes login",
    break: (s) => (s.services[2].delivery = "csi"),
    path: "services[2].vaultLogin",
    rule: "VEP-S50",
    message: /delivery csi logs in with the service's own Kubernetes service account: set vaultLogin "kubernetes" \(it is "none"\)/,
  },
  {
    name: "CSI in a dedicated cluster (the provider requests one audience)",
    break: (s) => {
      s.environments[1].cluster = { type: "vcluster", name: "staging-vc", apiServerUrl: "https://staging-vc.vcluster-staging.svc:443", caCertificate: s.vault.tls.caCertificate };
      Object.assign(s.services[2], { delivery: "csi", vaultLogin: "kubernetes", sharedServices: [] });
    },
    path: "services[2].environments[1]",
    rule: "VEP-S51",
    message: /the Vault CSI provider requests one audience/,
  },
  {
    name: "CSI with a database (one field per file, no lease renewal)",
    break: (s) => Object.assign(s.services[1], { delivery: "csi" }),
    path: "services[1].databases",
    rule: "VEP-S52",
    message: /the Vault CSI provider cannot deliver databases: it writes one Vault field per file without templates and never renews a lease/,
  },
  {
    name: "a dedicated cluster named like the Argo CD folder",
    break: (s) => (s.environments[1].cluster = { type: "eks", name: "argocd", apiServerUrl: "https://api.staging.example.com", caCertificate: s.vault.tls.caCertificate, apiServerCidrs: ["10.60.0.0/24"] }),
    path: "environments[1].cluster.name",
    rule: "VEP-S34",
    message: /the Argo CD folder/,
  },
  { name: "a platform writer serves an unknown environment", break: (s) => (s.platformWriters = { crossplane: { environments: ["dev", "qa"] } }), path: "platformWriters.crossplane.environments[1]", rule: "VEP-S47", message: /no environment "qa"/ },
  { name: "a platform writer in another cluster", break: (s) => (s.platformWriters = { backstage: { cluster: "tools" } }), path: "platformWriters.backstage.cluster", rule: "VEP-S48", message: /not the primary cluster "shop-platform"/ },
  {
    name: "a platform writer bound to a service's service account",
    break: (s) => (s.platformWriters = { backstage: { namespace: "dev", serviceAccount: "user-service" } }),
    path: "platformWriters.backstage.serviceAccount",
    rule: "VEP-S49",
    message: /dev\/user-service is already service user-service in dev's service account/,
  },
  { name: "two platform writers share a service account", break: (s) => (s.platformWriters = { backstage: { namespace: "tools", serviceAccount: "writer" }, crossplane: { namespace: "tools", serviceAccount: "writer" } }), path: "platformWriters.crossplane.serviceAccount", rule: "VEP-S49", message: /already platform writer backstage's/ },
  { name: "CI consumer reads an unknown environment's cluster path", break: (s) => s.ciConsumers[0].extraReadPaths.push("clusters/qa"), path: "ciConsumers[0].extraReadPaths[3]", rule: "VEP-S18" },
];

function problemsOf(mutate: (s: Mutable) => void) {
  const spec = referenceCopy() as Mutable;
  mutate(spec);
  const result = validateSpec(spec as PlatformSpecInput);
  if (result.ok) throw new Error("the broken spec was accepted");
  return result.problems;
}

describe("invalid specs: each is rejected at its field path", () => {
  it("the corpus is large enough and covers every cross-field rule", () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
    const covered = new Set(cases.map((c) => c.rule).filter(Boolean));
    expect(specRules.map((r) => r.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  it.each(cases)("$name → $path", (c) => {
    const problems = problemsOf(c.break);
    const match = problems.find((p) => p.path === c.path && (c.rule === undefined || p.rule === c.rule) && (c.message === undefined || c.message.test(p.message)));
    expect(match, `problems were:\n${problems.map((p) => `  ${p.path}: ${p.message} [${p.rule ?? "field"}]`).join("\n")}`).toBeDefined();
  });
});

describe("every problem is reported at once", () => {
  it("field errors and cross-field errors from different sections come in one report", () => {
    const problems = problemsOf((s) => {
      s.aws.accountId = "1";
      s.vault.replicas = 2;
      s.services[0].environments.push("qa");
      s.databases[1].server = "kafka";
      s.unknownTopLevel = true;
    });
    expect(problems.map((p) => p.path).sort()).toEqual(
      ["aws.accountId", "databases[1].server", "services[0].environments[3]", "unknownTopLevel", "vault.replicas"].sort(),
    );
  });

  it("a rule still runs next to a field error in the same list", () => {
    const problems = problemsOf((s) => {
      s.services[0].name = "Bad Name";
      s.services[1].environments = ["qa"];
    });
    expect(problems.map((p) => p.path)).toEqual(expect.arrayContaining(["services[0].name", "services[1].environments[0]"]));
  });
});
