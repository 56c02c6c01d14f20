import type { PlatformSpecInput } from "./schema";

/** Public certificate of the platform CA behind the "platform-ca" ClusterIssuer (example; use your own). */
const PLATFORM_CA = `-----BEGIN CERTIFICATE-----
MIIBqDCCAU6gAwIBAgIBATAKBggqhkjOPQQDAjAzMRYwFAYDVQQKDA1TaG9wIFBs
YXRmb3JtMRkwFwYDVQQDDBBTaG9wIFBsYXRmb3JtIENBMB4XDTI2MTEyNDAzMzE1
MVoXDTM2MTEyMTAzMzE1MVowMzEWMBQGA1UECgwNU2hvcCBQbGF0Zm9ybTEZMBcG
A1UEAwwQU2hvcCBQbGF0Zm9ybSBDQTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IA
BEBuIPDQV1WPWKbvLNuB5UMB6vVU1w+eU7r9debMUIYX6/XfEYQeZoYwjUY6Rf9Y
qprGNNaeTFUsxRTxlhdoeDOjUzBRMB0GA1UdDgQWBBRLs8Cw8uesvUu1q7N5knBR
o7T+8zAfBgNVHSMEGDAWgBRLs8Cw8uesvUu1q7N5knBRo7T+8zAPBgNVHRMBAf8E
BTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIQD+uMAm2aQJz55K/mYYaMCaGRWPW1rW
G9O0rkq7LeyGWgIgWYtZkniHRhzVAoEuf2IAweHT3bwC/PtpX1d1vhGV7lI=
-----END CERTIFICATE-----
`;

/** Public certificate of the CA that signed the PostgreSQL servers' certificates (example; use yours, or Amazon RDS's regional bundle). */
const DATABASE_CA = `-----BEGIN CERTIFICATE-----
MIIByjCCAXGgAwIBAgIUTPJClZVs2WMsWKcQztIufNvZRLAwCgYIKoZIzj0EAwIw
MzEWMBQGA1UECgwNU2hvcCBQbGF0Zm9ybTEZMBcGA1UEAwwQU2hvcCBEYXRhYmFz
ZSBDQTAeFw0yNjExMjUwMDI5MThaFw00NjExMjUwMDI5MThaMDMxFjAUBgNVBAoM
DVNob3AgUGxhdGZvcm0xGTAXBgNVBAMMEFNob3AgRGF0YWJhc2UgQ0EwWTATBgcq
hkjOPQIBBggqhkjOPQMBBwNCAAS19XY9AaLH+2XndX5Dhpwr6wR7vGFaKebZUB09
O/wNecpDLIlQLtacg+kIk2/KRJfRwsmtZ589ofXNYXbanuDho2MwYTAdBgNVHQ4E
FgQUHFBaAJ2bY/81wQ8OHHc/zWEyosowHwYDVR0jBBgwFoAUHFBaAJ2bY/81wQ8O
HHc/zWEyosowDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAQYwCgYIKoZI
zj0EAwIDRwAwRAIgQkp21GGSSMeuG1NOZuKXmIEdgRLTRZEY2DhnJZ6DHTYCIBl/
1MOsIJKTZuwGazAm0eQqxK3WEZOZUAYXb9IvTQII
-----END CERTIFICATE-----
`;

/**
 * The bundled reference platform: the e-commerce estate of the design.
 * Three environments as namespaces of one EKS cluster, three services, shared
 * PostgreSQL/Kafka/Redis, and Argo CD and Tekton reading their own secrets.
 */
export const referenceSpec: PlatformSpecInput = {
  name: "shop",
  aws: {
    accountId: "111122223333",
    region: "eu-west-1",
    tags: { CostCenter: "platform", Owner: "platform-team" },
  },
  cluster: {
    name: "shop-platform",
    oidcIssuerUrl: "https://oidc.eks.eu-west-1.amazonaws.com/id/5E1B3A0C9D8F7E6A5B4C3D2E1F0A9B8C",
    vpcCidr: "10.40.0.0/16",
  },
  workloadIdentity: "irsa",
  vault: {
    namespace: "vault",
    replicas: 3,
    image: { repository: "hashicorp/vault", tag: "1.20.4" },
    tls: { source: "cert-manager", issuerRef: { name: "platform-ca", kind: "ClusterIssuer" }, caCertificate: PLATFORM_CA },
    allowedClientNamespaces: ["argocd", "tekton-pipelines"],
    pki: { organization: "Shop Platform" },
    transit: { keys: [{ name: "payments" }] },
  },
  kms: { deletionWindowDays: 30 },
  snapshots: { schedule: "0 * * * *", retentionDays: 30 },
  externalSecrets: {
    secretsManager: { enabled: true, secretNamePrefix: "shop/" },
  },
  environments: [
    { name: "dev" },
    { name: "staging" },
    { name: "production", production: true },
  ],
  sharedServices: [
    {
      name: "postgres",
      kind: "postgres",
      // Where each endpoint's addresses are (the RDS subnets): Vault's egress opens exactly these on 5432.
      caCertificate: DATABASE_CA,
      endpoints: {
        dev: { host: "postgres.dev.shop.internal", port: 5432, cidrs: ["10.40.96.0/24"] },
        staging: { host: "postgres.staging.shop.internal", port: 5432, cidrs: ["10.40.97.0/24"] },
        production: { host: "postgres.production.shop.internal", port: 5432, cidrs: ["10.40.100.0/24", "10.40.101.0/24", "10.40.102.0/24"] },
      },
    },
    {
      name: "kafka",
      kind: "kafka",
      endpoints: {
        dev: { host: "kafka.dev.shop.internal", port: 9096 },
        staging: { host: "kafka.staging.shop.internal", port: 9096 },
        production: { host: "kafka.production.shop.internal", port: 9096 },
      },
    },
    {
      name: "redis",
      kind: "redis",
      endpoints: {
        dev: { host: "redis.dev.shop.internal", port: 6379 },
        staging: { host: "redis.staging.shop.internal", port: 6379 },
        production: { host: "redis.production.shop.internal", port: 6379 },
      },
    },
  ],
  databases: [
    { name: "users", server: "postgres" },
    { name: "payments", server: "postgres" },
  ],
  services: [
    {
      name: "user-service",
      environments: ["dev", "staging", "production"],
      secrets: [{ name: "auth", keys: ["JWT_SIGNING_KEY", "SESSION_SECRET"], kind: "jwt-secret" }],
      databases: [{ name: "users", access: "read-write" }],
      sharedServices: ["redis"],
    },
    {
      name: "payment-service",
      environments: ["dev", "staging", "production"],
      secrets: [{ name: "stripe", keys: ["STRIPE_API_KEY", "STRIPE_WEBHOOK_SECRET"], kind: "api-key" }],
      databases: [{ name: "payments", access: "read-write" }, { name: "users", access: "read-only" }],
      sharedServices: ["kafka"],
      transitKeys: ["payments"],
      vaultLogin: "kubernetes",
    },
    {
      name: "notification-service",
      environments: ["dev", "staging", "production"],
      secrets: [{ name: "providers", keys: ["SENDGRID_API_KEY", "TWILIO_AUTH_TOKEN"], kind: "api-key" }],
      sharedServices: ["kafka", "redis"],
    },
  ],
  // Argo CD (namespace argocd of the primary cluster) reads the committed dist/ from platform/shop.
  gitops: { repoUrl: "https://github.com/example/shop-gitops.git", revision: "main", pathPrefix: "platform/shop" },
  ciConsumers: [
    {
      name: "argocd",
      auth: { method: "kubernetes", namespace: "argocd", serviceAccount: "argocd-repo-server" },
      extraReadPaths: ["clusters/dev", "clusters/staging", "clusters/production"],
    },
    {
      name: "tekton",
      auth: { method: "kubernetes", namespace: "tekton-pipelines", serviceAccount: "tekton-pipelines-runner" },
    },
  ],
};
