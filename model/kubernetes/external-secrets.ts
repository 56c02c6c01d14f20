import type { EnvironmentSpec, PlatformSpec, ServiceSpec } from "../../spec/schema";
import type { AwsModel } from "../aws";
import {
  ESO_SECRETS_MANAGER_SERVICE_ACCOUNT,
  ESO_STORE_SERVICE_ACCOUNT,
  environmentNamespace,
  VSO_AUTH_SERVICE_ACCOUNT,
  k8sNames,
  kubernetesAuthMount,
  serviceAccountName,
  vaultActiveAddress,
  vaultLoginAudiences,
  vaultNames,
} from "../names";
import { deliveryOf } from "../delivery";
import { deliveredSecrets, type FieldRef } from "./delivered-secrets";
import { buildVso } from "./vault-secrets-operator";
import { buildAgentInjectorPatch } from "./agent-injector";
import { buildSecretProviderClass } from "./secret-provider-class";
import type { EnvironmentModel, ExternalSecretModel, SecretStoreModel, SecretsManagerStoreModel, ServiceAccountModel, VaultDynamicSecretModel, VaultProviderModel } from "./types";
import { awsApiCidrs, portOf } from "../network";
import { workloadIdentityAnnotations } from "./vault-server";
import { goDuration } from "../durations";
import { deletionGuardAnnotations, ENVIRONMENT_DELETION_GUARD } from "./gitops";

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
  const esoField: FieldRef = (field, filter) => `{{ .${field}${filter ? ` | ${filter}` : ""} }}`;
  const delivered = services.filter((svc) => deliveryOf(spec, env.name, svc) === "eso").flatMap((svc) => deliveredSecrets(spec, env, svc).map((d) => ({ svc, d })));
  // Certificates last (their generators and ExternalSecrets follow every other secret's).
  const ordered = [...delivered.filter(({ d }) => d.purpose !== "certificate"), ...delivered.filter(({ d }) => d.purpose === "certificate")];
  for (const { svc, d } of ordered) {
    const es: ExternalSecretModel = {
      name: d.name,
      namespace,
      environment: env.name,
      service: svc.name,
      purpose: d.purpose,
      refreshInterval: goDuration(d.refreshSeconds),
      rotationPeriodSeconds: d.rotationPeriodSeconds,
      storeRef,
      target: d.name,
      secretAnnotations: secretReloadAnnotations(svc),
      data: d.source.kind === "kv" ? d.source.keys.map((k) => ({ secretKey: k, key: (d.source as { path: string }).path, property: k })) : [],
      ...(d.source.kind === "kv" ? {} : { generator: d.name }),
      ...(d.secretType ? { secretType: d.secretType } : {}),
      ...(d.template ? { template: d.template(esoField) } : {}),
    };
    if (d.source.kind === "database") generators.push({ name: d.name, namespace, path: `/${d.source.mount}/creds/${d.source.role}`, method: "GET", vault: generatorProvider });
    if (d.source.kind === "pki") {
      // Vault issues a fresh key and certificate on every refresh: POST pki/issue/<env>-cert.
      const p = d.source;
      generators.push({ name: d.name, namespace, path: `/${p.mount}/issue/${p.role}`, method: "POST", parameters: { common_name: p.commonName, alt_names: p.altNames.join(","), ttl: p.ttl }, vault: generatorProvider });
    }
    externalSecrets.push(es);
  }
  const vsoServices = services.filter((svc) => deliveryOf(spec, env.name, svc) === "vso");
  if (vsoServices.length > 0) {
    serviceAccounts.push({ namespace, name: VSO_AUTH_SERVICE_ACCOUNT, annotations: {}, automountToken: false, purpose: `VSO logs in to Vault as role ${vaultNames.vso(env.name)} with this account's token` });
  }
  const injected = services.filter((svc) => deliveryOf(spec, env.name, svc) === "agent-injector");
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
    ...(vsoServices.length > 0 ? { vso: buildVso(spec, env, vsoServices) } : {}),
    ...(vsoServices.length + injected.length > 0 ? { caSecret: { name: k8sNames.vaultCaConfigMap, pem: spec.vault.tls.caCertificate } } : {}),
    agentInjector: injected.map((svc) => buildAgentInjectorPatch(spec, env, svc)),
    secretProviderClasses: services.filter((svc) => deliveryOf(spec, env.name, svc) === "csi").map((svc) => buildSecretProviderClass(spec, env, svc)),
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
