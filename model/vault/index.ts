import { compareStrings } from "../../lib/compare";
import { sharedServiceRotationPeriod, staticSecretRotationPeriod } from "../rotation";
import { durationSeconds } from "../../spec/primitives";
import type { EnvironmentSpec, PlatformSpec } from "../../spec/schema";
import {
  derivedAwsNames,
  ESO_STORE_SERVICE_ACCOUNT,
  environmentNamespace,
  VSO_AUTH_SERVICE_ACCOUNT,
  k8sNames,
  kubernetesAuthMount,
  kvPaths,
  roleArn,
  serviceAccountName,
  SNAPSHOT_SERVICE_ACCOUNT,
  VAULT_AUDIT_FILE,
  VAULT_MOUNTS,
  vaultNames,
} from "../names";
import { adminPolicy } from "./admin-policy";
import { ciPolicy, declaredNeeds, developerPolicy, esoStorePolicy, servicePolicy, servicesIn, sharedServicesUsedIn, snapshotPolicy, vsoPolicy } from "./policies";
import { environmentsDeliveredBy, servicesDeliveredBy } from "../delivery";
import { splitVaultStacks } from "./stacks";
import { platformWriters, writerPolicy } from "./writers";
import { databaseCredentialLifetime, esoStoreTokenTtls } from "../credentials";
import { goDuration } from "../durations";
import { creationStatements, PASSWORD_POLICY_HCL, preparationStatements, renewStatements, revocationStatements } from "./postgres";
import type { DatabaseConnection, DatabaseRole, KubernetesAuthMount, KubernetesAuthRole, KvSecretEntry, OidcRole, TokenSettings, TransitKey, VaultModel } from "./types";

export type { VaultModel } from "./types";

/** Key names each kind of shared service keeps in KV (host and port are public and live in the spec). */
export const SHARED_SERVICE_KEYS: Record<"kafka" | "redis", string[]> = {
  kafka: ["password", "username"],
  redis: ["password"],
};

export function buildVaultModel(spec: PlatformSpec): VaultModel {
  const k8s = spec.vault.auth.kubernetes;
  const token = (policy: string): TokenSettings => ({ policies: [policy], ttlSeconds: durationSeconds(k8s.tokenTtl), maxTtlSeconds: durationSeconds(k8s.tokenMaxTtl) });
  const envByName = new Map(spec.environments.map((e) => [e.name, e]));

  const policies = [
    ...spec.environments.map((e) => esoStorePolicy(spec, e.name)),
    ...environmentsDeliveredBy(spec, "vso").map((env) => vsoPolicy(spec, env)),
    ...spec.services.flatMap((svc) => (svc.vaultLogin === "none" ? [] : svc.environments.map((env) => servicePolicy(spec, env, svc)))),
    ...spec.ciConsumers.map(ciPolicy),
    ...platformWriters(spec).map(writerPolicy),
    snapshotPolicy(),
    adminPolicy(),
    developerPolicy(spec),
  ];

  // One Kubernetes auth mount per cluster: a token is only reviewable by its own API server.
  const mounts = new Map<string, KubernetesAuthMount>();
  const mountFor = (env?: EnvironmentSpec): KubernetesAuthMount => {
    const path = env ? kubernetesAuthMount(env) : VAULT_MOUNTS.kubernetes;
    let mount = mounts.get(path);
    if (!mount) {
      const dedicated = env && env.cluster.type !== "primary" ? env.cluster : undefined;
      mount = dedicated
        ? { path, cluster: dedicated.name, inCluster: false, host: dedicated.apiServerUrl, caCertificate: dedicated.caCertificate, roles: [] }
        : { path, cluster: spec.cluster.name, inCluster: true, host: "https://kubernetes.default.svc", roles: [] };
      mounts.set(path, mount);
    }
    return mount;
  };
  const addRole = (mount: KubernetesAuthMount, role: Omit<KubernetesAuthRole, "audience" | keyof TokenSettings>) =>
    mount.roles.push({ ...role, audience: k8s.audience, ...token(role.name) });

  mountFor();
  addRole(mountFor(), { name: vaultNames.snapshot, consumer: { kind: "snapshot" }, serviceAccount: { namespace: spec.vault.namespace, name: SNAPSHOT_SERVICE_ACCOUNT } });
  for (const tool of spec.ciConsumers) {
    if (tool.auth.method !== "kubernetes") continue;
    addRole(mountFor(), { name: vaultNames.ciTool(tool.name), consumer: { kind: "ci", tool: tool.name }, serviceAccount: { namespace: tool.auth.namespace, name: tool.auth.serviceAccount } });
  }
  for (const writer of platformWriters(spec)) {
    mountFor().roles.push({ name: writer.name, consumer: { kind: "writer", writer: writer.kind }, serviceAccount: writer.serviceAccount, audience: writer.audience, ...token(writer.name) });
  }
  for (const env of spec.environments) {
    const namespace = environmentNamespace(env);
    // An operator's tokens outlive the dynamic credentials it obtains or renews (model/credentials.ts).
    const operatorRole = (name: string, consumer: KubernetesAuthRole["consumer"], serviceAccount: string, delivery: "eso" | "vso") =>
      mountFor(env).roles.push({
        name,
        consumer,
        serviceAccount: { namespace, name: serviceAccount },
        audience: k8s.audience,
        policies: [name],
        ...esoStoreTokenTtls(spec, env, servicesDeliveredBy(spec, env.name, delivery).some((svc) => svc.databases.length > 0)),
      });
    operatorRole(vaultNames.esoStore(env.name), { kind: "eso-store", environment: env.name }, ESO_STORE_SERVICE_ACCOUNT, "eso");
    if (servicesDeliveredBy(spec, env.name, "vso").length > 0) operatorRole(vaultNames.vso(env.name), { kind: "vso", environment: env.name }, VSO_AUTH_SERVICE_ACCOUNT, "vso");
    for (const svc of servicesIn(spec, env.name).filter((s) => s.vaultLogin === "kubernetes")) {
      addRole(mountFor(env), {
        name: vaultNames.service(env.name, svc.name),
        consumer: { kind: "service", environment: env.name, service: svc.name },
        serviceAccount: { namespace, name: serviceAccountName(svc) },
      });
    }
  }

  const awsNames = derivedAwsNames(spec);
  const awsRoles = spec.services
    .filter((s) => s.vaultLogin === "aws-iam")
    .flatMap((svc) =>
      svc.environments.map((env) => ({
        name: vaultNames.service(env, svc.name),
        consumer: { kind: "service" as const, environment: env, service: svc.name },
        boundIamRoleArn: roleArn(spec, awsNames.serviceLoginRole(env, svc.name)),
        ...token(vaultNames.service(env, svc.name)),
      })),
    );

  const appRoles = spec.ciConsumers.flatMap((tool) =>
    tool.auth.method === "approle"
      ? [
          {
            name: vaultNames.ciTool(tool.name),
            consumer: { kind: "ci" as const, tool: tool.name },
            secretIdTtlSeconds: durationSeconds(tool.auth.secretIdTtl),
            secretIdNumUses: tool.auth.secretIdNumUses,
            boundCidrs: tool.auth.boundCidrs,
            ...token(vaultNames.ciTool(tool.name)),
          },
        ]
      : [],
  );

  const oidc = spec.vault.auth.oidc;
  const vaultNs = spec.vault.namespace;
  const pki = spec.vault.pki;
  // Every consumer must reach the CA and CRL: pods of the primary cluster at the Vault service,
  // everyone else (dedicated clusters, external clients) at the external address.
  const bases = [`https://${k8sNames.vaultServices.client}.${vaultNs}.svc:8200`, ...(spec.vault.externalAddress ? [spec.vault.externalAddress] : [])];
  const pkiUrls = (mount: string) => ({
    issuingCertificates: bases.map((b) => `${b}/v1/${mount}/ca`),
    crlDistributionPoints: bases.map((b) => `${b}/v1/${mount}/crl`),
  });

  const model: Omit<VaultModel, "stacks"> = {
    kv: {
      mount: VAULT_MOUNTS.kv,
      maxVersions: spec.vault.kv.maxVersions,
      casRequired: spec.vault.kv.casRequired,
      deleteVersionAfterSeconds: spec.vault.kv.deleteVersionAfter ? durationSeconds(spec.vault.kv.deleteVersionAfter) : 0,
      secrets: kvSecrets(spec),
      preventDestroy: true,
    },
    policies,
    kubernetesAuth: [...mounts.values()],
    ...(awsRoles.length > 0
      ? { awsAuth: { path: VAULT_MOUNTS.aws, region: spec.aws.region, iamServerIdHeaderValue: `${k8sNames.vaultServices.active}.${vaultNs}.svc`, roles: awsRoles } }
      : {}),
    ...(appRoles.length > 0 ? { appRole: { path: VAULT_MOUNTS.approle, roles: appRoles } } : {}),
    ...(oidc ? { oidc: oidcSection(oidc, spec.environments.map((e) => vaultNames.pipeline(e.name))) } : {}),
    ...databaseSection(spec, envByName),
    pki: {
      rootMount: VAULT_MOUNTS.pkiRoot,
      mount: VAULT_MOUNTS.pki,
      rootCommonName: pki.rootCommonName ?? `${spec.name} Root CA`,
      intermediateCommonName: pki.intermediateCommonName ?? `${spec.name} Intermediate CA`,
      ...(pki.organization ? { organization: pki.organization } : {}),
      rootTtl: pki.rootTtl,
      intermediateTtl: pki.intermediateTtl,
      protectRoot: true,
      rootMaxLeaseTtlSeconds: durationSeconds(pki.rootTtl),
      intermediateMaxLeaseTtlSeconds: durationSeconds(pki.intermediateTtl),
      // Root -> intermediate -> leaf: one CA below the root, none below the intermediate.
      rootMaxPathLength: 1,
      // Every role issues below <namespace>.svc[.cluster.local]; the constraint holds for environments added later.
      permittedDnsDomains: ["svc", "svc.cluster.local"],
      urls: { root: pkiUrls(VAULT_MOUNTS.pkiRoot), intermediate: pkiUrls(VAULT_MOUNTS.pki) },
      // In seconds, the form Vault reads back (12h, 72h): any other form shows a change on every plan.
      autoTidy: { intervalDuration: "43200", safetyBuffer: "259200" },
      roles: spec.environments.map((env) => {
        const ns = environmentNamespace(env);
        // Vault reads a role's TTLs back as seconds (the provider stores them as given): seconds never differ.
        return {
          name: vaultNames.pkiRole(env.name),
          environment: env.name,
          allowedDomains: [`${ns}.svc`, `${ns}.svc.cluster.local`],
          ttl: String(durationSeconds(pki.certTtl)),
          maxTtl: String(durationSeconds(pki.certMaxTtl)),
        };
      }),
    },
    ...transitSection(spec),
    audit: { filePath: VAULT_AUDIT_FILE, stdout: spec.vault.audit.stdout, ...(spec.vault.audit.socket ? { socketAddress: spec.vault.audit.socket.address } : {}), requestHeaders: ["X-Forwarded-For"] },
    autopilot: {
      cleanupDeadServers: spec.vault.autopilot.cleanupDeadServers,
      // Vault reads it back as Go's Duration.String() (10m -> 10m0s); any other form is a diff on every plan.
      deadServerLastContactThreshold: goDuration(durationSeconds(spec.vault.autopilot.deadServerLastContactThreshold)),
      minQuorum: spec.vault.replicas,
    },
    declaredNeeds: declaredNeeds(spec),
  };
  const stacks = splitVaultStacks(model, spec.environments.map((e) => e.name));
  return { ...model, stacks };
}

// People get short tokens: an hour, renewable to a working day.
const PEOPLE_TTL = { ttlSeconds: 3600, maxTtlSeconds: 8 * 3600 };

/**
 * `pipelines`: the environments' pipeline policies. The terraform login carries them beside its own,
 * so the pipeline applies each environment's stack with a child token of that policy alone
 * (`vault token create -policy=terraform-<env>`): a dev job's token cannot touch production.
 */
function oidcSection(oidc: NonNullable<PlatformSpec["vault"]["auth"]["oidc"]>, pipelines: string[]): NonNullable<VaultModel["oidc"]> {
  const role = (name: string, group: "admin" | "developer" | "terraform", groups: string[], extra: string[] = []): OidcRole => ({
    name,
    consumer: { kind: "people", group },
    groups,
    policies: [name, ...extra],
    ...PEOPLE_TTL,
  });
  return {
    path: VAULT_MOUNTS.oidc,
    discoveryUrl: oidc.discoveryUrl,
    clientId: oidc.clientId,
    groupsClaim: oidc.groupsClaim,
    userClaim: oidc.userClaim,
    allowedRedirectUris: oidc.allowedRedirectUris,
    scopes: oidc.scopes,
    claimMappings: Object.fromEntries(oidc.metadataClaims.map((c) => [c, c])),
    roles: [
      role(vaultNames.admin, "admin", oidc.adminGroups),
      ...(oidc.developerGroups.length > 0 ? [role(vaultNames.developer, "developer", oidc.developerGroups)] : []),
      ...(oidc.terraformGroups.length > 0 ? [role(vaultNames.terraform, "terraform", oidc.terraformGroups, pipelines)] : []),
    ],
    ...(oidc.mfa ? { mfa: { issuer: oidc.mfa.issuer, digits: oidc.mfa.digits, maxValidationAttempts: oidc.mfa.maxValidationAttempts, enforcement: vaultNames.oidcMfaEnforcement } } : {}),
  };
}

/**
 * A key per environment that uses it, so no role of one environment can read or forge another's
 * data; plus, when the spec keeps it, the key that releases before this shared between environments.
 */
function transitSection(spec: PlatformSpec): Pick<VaultModel, "transit"> {
  const keys: TransitKey[] = [];
  for (const k of spec.vault.transit.keys) {
    const settings = {
      specKey: k.name,
      type: k.type,
      autoRotatePeriodSeconds: durationSeconds(k.autoRotatePeriod),
      deletionAllowed: k.deletionAllowed,
    };
    if (k.legacySharedKey) keys.push({ name: k.name, ...settings, deletionAllowed: false });
    for (const env of spec.environments) {
      if (!servicesIn(spec, env.name).some((s) => s.transitKeys.includes(k.name))) continue;
      const min = k.minDecryptionVersion[env.name];
      keys.push({ name: vaultNames.transitKey(env.name, k.name), environment: env.name, ...settings, ...(min ? { minDecryptionVersion: min } : {}) });
    }
  }
  return keys.length > 0 ? { transit: { mount: VAULT_MOUNTS.transit, keys: keys.sort((a, b) => compareStrings(a.name, b.name)) } } : {};
}

function kvSecrets(spec: PlatformSpec): KvSecretEntry[] {
  const entries: KvSecretEntry[] = [];
  const cas = new Map(spec.environments.map((e) => [e.name, e.casRequired ?? (e.production || spec.vault.kv.casRequired)]));
  for (const svc of spec.services) {
    for (const env of svc.environments) {
      for (const secret of svc.secrets) {
        entries.push({ path: kvPaths.appSecret(env, svc.name, secret.name), environment: env, keys: [...secret.keys].sort(), owner: svc.name, casRequired: cas.get(env)!, rotationPeriod: staticSecretRotationPeriod(secret) });
      }
    }
  }
  const shares = new Map(spec.sharedServices.map((s) => [s.name, s]));
  for (const env of spec.environments) {
    for (const shared of sharedServicesUsedIn(spec, env.name)) {
      const s = shares.get(shared)!;
      const kind = s.kind as "kafka" | "redis";
      entries.push({ path: kvPaths.sharedService(shared, env.name), environment: env.name, keys: SHARED_SERVICE_KEYS[kind], owner: `shared-service ${shared}`, casRequired: cas.get(env.name)!, rotationPeriod: sharedServiceRotationPeriod(s) });
    }
  }
  return entries.sort((a, b) => compareStrings(a.path, b.path));
}

function databaseSection(spec: PlatformSpec, envByName: Map<string, EnvironmentSpec>): Pick<VaultModel, "database"> {
  const connections = new Map<string, DatabaseConnection>();
  const roles: DatabaseRole[] = [];
  for (const svc of spec.services) {
    for (const envName of svc.environments) {
      const env = envByName.get(envName)!;
      for (const use of svc.databases) {
        const db = spec.databases.find((d) => d.name === use.name)!;
        const server = spec.sharedServices.find((s) => s.name === db.server)!;
        const endpoint = server.endpoints[envName];
        const connName = vaultNames.databaseConnection(envName, db.name);
        let conn = connections.get(connName);
        if (!conn) {
          conn = {
            name: connName,
            environment: envName,
            database: db.name,
            host: endpoint.host,
            port: endpoint.port,
            adminUsername: db.adminUsername,
            sslMode: db.sslMode,
            // pgx ignores the CA in require mode, so it is sent only where it verifies something.
            ...(server.caCertificate && db.sslMode !== "require" ? { tlsCa: server.caCertificate } : {}),
            maxOpenConnections: db.maxOpenConnections,
            bootstrapVersion: typeof db.bootstrapVersion === "number" ? db.bootstrapVersion : (db.bootstrapVersion[envName] ?? 1),
            allowedRoles: [],
            preparationStatements: preparationStatements(db.name, db.adminUsername),
          };
          connections.set(connName, conn);
        }
        const name = vaultNames.databaseRole(envName, svc.name, db.name);
        conn.allowedRoles.push(name);
        const lifetime = databaseCredentialLifetime(env);
        roles.push({
          name,
          connection: connName,
          environment: envName,
          service: svc.name,
          database: db.name,
          access: use.access,
          defaultTtlSeconds: lifetime.defaultTtlSeconds,
          maxTtlSeconds: lifetime.maxTtlSeconds,
          creationStatements: creationStatements(db.name, use.access),
          revocationStatements: revocationStatements(db.name),
          renewStatements: renewStatements(),
        });
      }
    }
  }
  if (roles.length === 0) return {};
  for (const c of connections.values()) c.allowedRoles.sort();
  return {
    database: {
      mount: VAULT_MOUNTS.database,
      passwordPolicy: { name: vaultNames.passwordPolicy, policy: PASSWORD_POLICY_HCL },
      connections: [...connections.values()].sort((a, b) => compareStrings(a.name, b.name)),
      roles: roles.sort((a, b) => compareStrings(a.name, b.name)),
    },
  };
}
