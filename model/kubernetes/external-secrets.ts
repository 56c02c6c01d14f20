import { durationSeconds } from "../../spec/primitives";
import type { EnvironmentSpec, PlatformSpec, ServiceSpec } from "../../spec/schema";
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
import { goDuration } from "../durations";
import { databaseCredentialLifetime } from "../credentials";
import { deletionGuardAnnotations, ENVIRONMENT_DELETION_GUARD } from "./gitops";
import { sharedServiceRotationPeriod, staticRefreshSeconds, staticSecretRotationPeriod } from "../rotation";

export { goDuration } from "../durations";

export const CA_CONFIGMAP = { name: k8sNames.vaultCaConfigMap, key: "ca.crt" };

/**
 * On a Secret: Stakater Reloader, in search mode, rolls the workloads annotated
 * reloader.stakater.com/search: "true" that use a Secret carrying this annotation when its data changes.
 */
export const RELOADER_MATCH_ANNOTATION = "reloader.stakater.com/match";

/** What the Secrets of a service carry so that its workloads pick up a change (services[].secretReload). */
export function secretReloadAnnotations(svc: Pick<ServiceSpec, "secretReload">): Record<string, string> {
  return svc.secretReload === "reloader" ? { [RELOADER_MATCH_ANNOTATION]: "true" } : {};
}

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
  // Static secrets refresh at least as often as they rotate (model/rotation.ts).
  const staticRefresh = (rotationPeriod: string) => goDuration(staticRefreshSeconds(spec, rotationPeriod));
  // Dynamic credentials are replaced halfway through their lifetime (model/credentials.ts), which is their rotation period.
  const dbLifetime = databaseCredentialLifetime(env);
  const dbRefresh = goDuration(dbLifetime.refreshSeconds);
  const certTtlSeconds = durationSeconds(spec.vault.pki.certTtl);
  const certRefresh = goDuration(Math.floor(certTtlSeconds / 2));
  // Generators are namespaced: they name the environment's store account in their own namespace.
  const generatorProvider = store.kind === "ClusterSecretStore" ? vaultProvider(spec, env, "namespace") : store.vault;

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
  const base = (svc: ServiceSpec, name: string, purpose: ExternalSecretModel["purpose"], refreshInterval: string, rotationPeriodSeconds: number) => ({
    name,
    namespace,
    environment: env.name,
    service: svc.name,
    purpose,
    refreshInterval,
    rotationPeriodSeconds,
    storeRef,
    target: name,
    secretAnnotations: secretReloadAnnotations(svc),
  });
  for (const svc of services) {
    for (const secret of svc.secrets) {
      const key = kvPaths.appSecret(env.name, svc.name, secret.name);
      const period = staticSecretRotationPeriod(secret);
      externalSecrets.push({ ...base(svc, k8sNames.appSecret(svc.name, secret.name), "static", staticRefresh(period), durationSeconds(period)), data: secret.keys.map((k) => ({ secretKey: k, key, property: k })) });
    }
    for (const shared of svc.sharedServices) {
      const s = spec.sharedServices.find((x) => x.name === shared)!;
      const endpoint = s.endpoints[env.name];
      const key = kvPaths.sharedService(shared, env.name);
      const kind = s.kind as "kafka" | "redis";
      externalSecrets.push({
        ...base(svc, k8sNames.sharedServiceSecret(svc.name, shared), "shared-service", staticRefresh(sharedServiceRotationPeriod(s)), durationSeconds(sharedServiceRotationPeriod(s))),
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
      generators.push({ name, namespace, path: `/${VAULT_MOUNTS.database}/creds/${vaultNames.databaseRole(env.name, svc.name, db.name)}`, method: "GET", vault: generatorProvider });
      externalSecrets.push({
        ...base(svc, name, "database", dbRefresh, dbLifetime.defaultTtlSeconds),
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
  for (const svc of services) {
    for (const cert of svc.certificates) {
      const name = k8sNames.certificateSecret(svc.name, cert.name);
      const dnsNames = (cert.hosts ?? [svc.name]).flatMap((h) => [`${h}.${namespace}.svc`, `${h}.${namespace}.svc.cluster.local`]);
      // Vault issues a fresh key and certificate on every refresh: POST pki/issue/<env>-cert.
      generators.push({
        name,
        namespace,
        path: `/${VAULT_MOUNTS.pki}/issue/${vaultNames.pkiRole(env.name)}`,
        method: "POST",
        parameters: { common_name: dnsNames[0], alt_names: dnsNames.slice(1).join(","), ttl: spec.vault.pki.certTtl },
        vault: generatorProvider,
      });
      externalSecrets.push({
        ...base(svc, name, "certificate", certRefresh, certTtlSeconds),
        data: [],
        generator: name,
        secretType: "kubernetes.io/tls",
        // The leaf and the intermediate that signed it; ca.crt is that intermediate (clients anchor trust there or at the root).
        template: { "tls.crt": "{{ .certificate }}\n{{ .issuing_ca }}", "tls.key": "{{ .private_key }}", "ca.crt": "{{ .issuing_ca }}" },
      });
    }
  }
  const awsLogin = services.some((s) => s.vaultLogin === "aws-iam");

  return {
    name: env.name,
    namespace,
    namespaceDeletionGuard: deletionGuardAnnotations(ENVIRONMENT_DELETION_GUARD),
    cluster: env.cluster.type === "primary" ? spec.cluster.name : env.cluster.name,
    primary: env.cluster.type === "primary",
    production: env.production,
    caCertificatePem: spec.vault.tls.caCertificate,
    serviceAccounts,
    secretStore: store,
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
