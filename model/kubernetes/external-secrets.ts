import { durationSeconds } from "../../spec/primitives";
import type { EnvironmentSpec, PlatformSpec } from "../../spec/schema";
import type { AwsModel } from "../aws";
import {
  ESO_SECRETS_MANAGER_SERVICE_ACCOUNT,
  ESO_STORE_SERVICE_ACCOUNT,
  environmentNamespace,
  k8sNames,
  kubernetesAuthMount,
  kvPaths,
  serviceAccountName,
  vaultActiveAddress,
  vaultLoginAudiences,
  VAULT_MOUNTS,
  vaultNames,
} from "../names";
import { SHARED_SERVICE_KEYS } from "../vault";
import type { EnvironmentModel, ExternalSecretModel, SecretStoreModel, SecretsManagerStoreModel, ServiceAccountModel, VaultDynamicSecretModel, VaultProviderModel } from "./types";
import { awsApiCidrs, portOf } from "../network";
import { workloadIdentityAnnotations } from "./vault-server";

/** Go's time.Duration String(): how the API server writes durations back (1h -> 1h0m0s), so GitOps sees no drift. */
export function goDuration(seconds: number): string {
  if (seconds === 0) return "0s";
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h}h${m}m${s}s` : m > 0 ? `${m}m${s}s` : `${s}s`;
}

export const CA_CONFIGMAP = { name: k8sNames.vaultCaConfigMap, key: "ca.crt" };

/** On the service account of a service with vaultLogin kubernetes: the audiences its token must request. */
export const TOKEN_AUDIENCES_ANNOTATION = "vault-eks-platform/vault-token-audiences";

function vaultProvider(spec: PlatformSpec, env: EnvironmentSpec, scope: "cluster" | "namespace"): VaultProviderModel {
  const namespace = environmentNamespace(env);
  const primary = env.cluster.type === "primary";
  return {
    server: primary ? vaultActiveAddress(spec.vault.namespace) : spec.vault.externalAddress!,
    caConfigMap: scope === "cluster" ? { ...CA_CONFIGMAP, namespace: spec.externalSecrets.namespace } : { ...CA_CONFIGMAP },
    authMount: kubernetesAuthMount(env),
    role: vaultNames.esoStore(env.name),
    serviceAccount: { name: ESO_STORE_SERVICE_ACCOUNT, ...(scope === "cluster" ? { namespace } : {}), audiences: vaultLoginAudiences(spec, env) },
  };
}

export function storeFor(spec: PlatformSpec, env: EnvironmentSpec): SecretStoreModel {
  const namespace = environmentNamespace(env);
  return env.cluster.type === "primary"
    ? { kind: "ClusterSecretStore", name: k8sNames.clusterSecretStore(env.name), environment: env.name, allowedNamespaces: [namespace], vault: vaultProvider(spec, env, "cluster") }
    : { kind: "SecretStore", name: k8sNames.secretStore, namespace, environment: env.name, vault: vaultProvider(spec, env, "namespace") };
}

export function secretsManagerStore(spec: PlatformSpec): SecretsManagerStoreModel | undefined {
  if (!spec.externalSecrets.secretsManager?.enabled) return undefined;
  const primaryNamespaces = spec.environments.filter((e) => e.cluster.type === "primary").map(environmentNamespace);
  return {
    name: k8sNames.secretsManagerStore,
    region: spec.aws.region,
    allowedNamespaces: primaryNamespaces,
    serviceAccount: { name: ESO_SECRETS_MANAGER_SERVICE_ACCOUNT, namespace: spec.externalSecrets.namespace },
  };
}

/** The Secrets Manager store's own identity (IRSA in every mode: see the eso-secretsmanager role). */
export function esoServiceAccounts(spec: PlatformSpec, aws: AwsModel): ServiceAccountModel[] {
  if (!spec.externalSecrets.secretsManager?.enabled) return [];
  return [
    {
      namespace: spec.externalSecrets.namespace,
      name: ESO_SECRETS_MANAGER_SERVICE_ACCOUNT,
      annotations: workloadIdentityAnnotations(aws, "eso-secretsmanager"),
      automountToken: false,
      purpose: "ESO assumes the Secrets Manager role with this account's token",
    },
  ];
}

/** Everything the platform renders into one environment namespace. */
export function buildEnvironment(spec: PlatformSpec, aws: AwsModel, env: EnvironmentSpec): EnvironmentModel {
  const namespace = environmentNamespace(env);
  const store = storeFor(spec, env);
  const storeRef = { kind: store.kind, name: store.name };
  const services = spec.services.filter((s) => s.environments.includes(env.name));
  const staticRefresh = goDuration(durationSeconds(spec.externalSecrets.refreshInterval));
  // Dynamic credentials are renewed halfway through their lifetime.
  const dbRefresh = goDuration(Math.floor(durationSeconds(env.databaseCredentials?.defaultTtl ?? "1h") / 2));

  // The audiences a service logging in itself must request for its login token (comma-separated).
  const loginAnnotations = { [TOKEN_AUDIENCES_ANNOTATION]: vaultLoginAudiences(spec, env).join(",") };
  const serviceAccounts: ServiceAccountModel[] = [
    { namespace, name: ESO_STORE_SERVICE_ACCOUNT, annotations: {}, automountToken: false, purpose: `ESO logs in to Vault as role ${vaultNames.esoStore(env.name)} with this account's token` },
    ...services.map((svc) => ({
      namespace,
      name: serviceAccountName(svc),
      annotations:
        svc.vaultLogin === "aws-iam" ? workloadIdentityAnnotations(aws, `login-${env.name}-${svc.name}`) : svc.vaultLogin === "kubernetes" ? loginAnnotations : {},
      automountToken: false,
      purpose: svc.vaultLogin === "none" ? `${svc.name}: receives its secrets through ESO` : `${svc.name}: logs in to Vault (${svc.vaultLogin})`,
    })),
  ];

  const externalSecrets: ExternalSecretModel[] = [];
  const generators: VaultDynamicSecretModel[] = [];
  const base = (svc: string, name: string, purpose: ExternalSecretModel["purpose"], refreshInterval: string) => ({
    name,
    namespace,
    environment: env.name,
    service: svc,
    purpose,
    refreshInterval,
    storeRef,
    target: name,
  });
  for (const svc of services) {
    for (const secret of svc.secrets) {
      const key = kvPaths.appSecret(env.name, svc.name, secret.name);
      externalSecrets.push({ ...base(svc.name, k8sNames.appSecret(svc.name, secret.name), "static", staticRefresh), data: secret.keys.map((k) => ({ secretKey: k, key, property: k })) });
    }
    for (const shared of svc.sharedServices) {
      const s = spec.sharedServices.find((x) => x.name === shared)!;
      const endpoint = s.endpoints[env.name];
      const key = kvPaths.sharedService(shared, env.name);
      const kind = s.kind as "kafka" | "redis";
      externalSecrets.push({
        ...base(svc.name, k8sNames.sharedServiceSecret(svc.name, shared), "shared-service", staticRefresh),
        data: SHARED_SERVICE_KEYS[kind].map((k) => ({ secretKey: k, key, property: k })),
        template:
          kind === "kafka"
            ? { KAFKA_BOOTSTRAP_SERVERS: `${endpoint.host}:${endpoint.port}`, KAFKA_USERNAME: "{{ .username }}", KAFKA_PASSWORD: "{{ .password }}" }
            : { REDIS_URL: `rediss://:{{ .password | urlquery }}@${endpoint.host}:${endpoint.port}` },
      });
    }
    for (const use of svc.databases) {
      const db = spec.databases.find((d) => d.name === use.name)!;
      const endpoint = spec.sharedServices.find((x) => x.name === db.server)!.endpoints[env.name];
      const name = k8sNames.databaseSecret(svc.name, db.name);
      generators.push({ name, namespace, path: `/${VAULT_MOUNTS.database}/creds/${vaultNames.databaseRole(env.name, svc.name, db.name)}`, vault: store.kind === "ClusterSecretStore" ? vaultProvider(spec, env, "namespace") : store.vault });
      externalSecrets.push({
        ...base(svc.name, name, "database", dbRefresh),
        data: [],
        generator: name,
        template: {
          DATABASE_URL: `postgresql://{{ .username }}:{{ .password }}@${endpoint.host}:${endpoint.port}/${db.name}?sslmode=${db.sslMode}`,
          PGUSER: "{{ .username }}",
          PGPASSWORD: "{{ .password }}",
        },
      });
    }
  }
  const awsLogin = services.some((s) => s.vaultLogin === "aws-iam");

  return {
    name: env.name,
    namespace,
    cluster: env.cluster.type === "primary" ? spec.cluster.name : env.cluster.name,
    primary: env.cluster.type === "primary",
    caCertificatePem: spec.vault.tls.caCertificate,
    serviceAccounts,
    ...(store.kind === "SecretStore" ? { secretStore: store } : {}),
    tokenReviewers:
      env.cluster.type === "primary" ? [] : [ESO_STORE_SERVICE_ACCOUNT, ...services.filter((s) => s.vaultLogin === "kubernetes").map((s) => serviceAccountName(s))],
    externalSecrets,
    generators,
    // IRSA credentials come from STS; Pod Identity's from the node's agent (the login itself is signed locally and sent to Vault).
    ...(awsLogin ? { awsEgress: { cidrs: spec.workloadIdentity === "irsa" ? awsApiCidrs(spec) : [], workloadIdentity: spec.workloadIdentity } } : {}),
    // Only services logging in themselves call Vault from the namespace (ESO calls it from its own).
    // A dedicated cluster reaches Vault only at the addresses vault.externalAddress resolves to (rules VEP-S21, VEP-S26).
    ...(services.some((s) => s.vaultLogin !== "none")
      ? {
          vaultEgress:
            env.cluster.type === "primary"
              ? { kind: "in-cluster" as const, vaultNamespace: spec.vault.namespace }
              : { kind: "external" as const, cidrs: [...(spec.vault.externalAddressCidrs ?? [])].sort(), port: portOf(spec.vault.externalAddress!) },
        }
      : {}),
  };
}
