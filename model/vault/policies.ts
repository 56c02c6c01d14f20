import type { PlatformSpec, ServiceSpec } from "../../spec/schema";
import { servicesDeliveredBy } from "../delivery";
import { kvPaths, VAULT_MOUNTS, vaultNames } from "../names";
import { type PolicyRule, tokenSelfRules, type VaultPolicy } from "./policy";
import type { DeclaredNeed } from "./types";
import { platformWriters, writerNeeds } from "./writers";

/**
 * Least-privilege policies per consumer. KV v2 reads go to `secret/data/...`; `secret/metadata/...`
 * appears only where a consumer needs to list. No sudo and no bare "*" path outside admin.
 */
const kvRead = (path: string, why: string): PolicyRule => ({ path: `${VAULT_MOUNTS.kv}/data/${path}`, capabilities: ["read"], why });

export function servicesIn(spec: PlatformSpec, env: string): ServiceSpec[] {
  return spec.services.filter((s) => s.environments.includes(env));
}

/** Shared services (kafka/redis) that services of an environment use, sorted. */
export function sharedServicesUsedIn(spec: PlatformSpec, env: string): string[] {
  return [...new Set(servicesIn(spec, env).flatMap((s) => s.sharedServices))].sort();
}

/**
 * What an operator (ESO's store, VSO's VaultAuth) of an environment reads for the services it
 * delivers there, and nothing for the others (model/delivery.ts).
 */
function operatorRules(spec: PlatformSpec, env: string, services: ServiceSpec[], pkiCapability: "update"): PolicyRule[] {
  const rules: PolicyRule[] = [];
  if (services.some((s) => s.secrets.length > 0)) {
    const all = servicesIn(spec, env).filter((s) => s.secrets.length > 0);
    // All services of the environment: one glob, as before; else only the delivered services' folders.
    if (all.length === services.filter((s) => s.secrets.length > 0).length) rules.push(kvRead(`${kvPaths.appsOfEnvironment(env)}/*`, `static secrets of the services in ${env}`));
    else for (const s of services.filter((x) => x.secrets.length > 0)) rules.push(kvRead(`${kvPaths.appsOfEnvironment(env)}/${s.name}/*`, `static secrets of ${s.name} in ${env}`));
  }
  for (const shared of [...new Set(services.flatMap((s) => s.sharedServices))].sort()) {
    rules.push(kvRead(kvPaths.sharedService(shared, env), `${shared} credentials for ${env} (a service there uses it)`));
  }
  const dbServices = services.filter((s) => s.databases.length > 0);
  if (dbServices.length > 0) {
    const allDb = servicesIn(spec, env).filter((s) => s.databases.length > 0);
    if (allDb.length === dbServices.length) rules.push({ path: `${VAULT_MOUNTS.database}/creds/${env}-*`, capabilities: ["read"], why: `dynamic PostgreSQL credentials of the services in ${env}` });
    else for (const s of dbServices) for (const db of s.databases) rules.push({ path: `${VAULT_MOUNTS.database}/creds/${vaultNames.databaseRole(env, s.name, db.name)}`, capabilities: ["read"], why: `${s.name}'s ${db.name} credentials in ${env}` });
  }
  const certificates = services.filter((s) => s.certificates.length > 0);
  if (certificates.length > 0) {
    // ESO's generator and VSO's VaultPKISecret write (PUT) to pki/issue/<role>: an update, and the path has no existence check.
    rules.push({ path: `${VAULT_MOUNTS.pki}/issue/${vaultNames.pkiRole(env)}`, capabilities: [pkiCapability], why: `certificates of ${certificates.map((s) => s.name).join(", ")} in ${env}` });
  }
  return rules;
}

export function esoStorePolicy(spec: PlatformSpec, env: string): VaultPolicy {
  const rules = operatorRules(spec, env, servicesDeliveredBy(spec, env, "eso"), "update");
  return { name: vaultNames.esoStore(env), environment: env, description: `External Secrets store of environment ${env}`, rules: [...rules, ...tokenSelfRules()] };
}

/**
 * The Vault Secrets Operator's policy in an environment: the reads of its VaultStaticSecrets,
 * VaultDynamicSecrets and VaultPKISecrets, plus lease renewal: VSO renews a dynamic secret's lease
 * at renewalPercent of its TTL with a write to sys/leases/renew (vault-secrets-operator v1.4.1
 * controllers/vaultdynamicsecret_controller.go renewLease), which the default policy would grant
 * but every role here sets token_no_default_policy.
 */
export function vsoPolicy(spec: PlatformSpec, env: string): VaultPolicy {
  const services = servicesDeliveredBy(spec, env, "vso");
  const rules = operatorRules(spec, env, services, "update");
  if (services.some((s) => s.databases.length > 0)) rules.push({ path: "sys/leases/renew", capabilities: ["update"], why: `renew the leases of the dynamic credentials VSO delivers in ${env}` });
  return { name: vaultNames.vso(env), environment: env, description: `Vault Secrets Operator in environment ${env}`, rules: [...rules, ...tokenSelfRules()] };
}

/** Transit operations a service performs with its own environment's key (rewrap lets it move ciphertext to the newest version before min_decryption_version rises). */
const TRANSIT_USE = ["encrypt", "decrypt", "rewrap"] as const;

export function servicePolicy(spec: PlatformSpec, env: string, svc: ServiceSpec): VaultPolicy {
  const rules: PolicyRule[] = [];
  if (svc.secrets.length > 0) rules.push(kvRead(`${kvPaths.appsOfEnvironment(env)}/${svc.name}/*`, `${svc.name}'s own static secrets in ${env}`));
  for (const shared of svc.sharedServices) rules.push(kvRead(kvPaths.sharedService(shared, env), `${shared} credentials for ${env}`));
  for (const db of svc.databases) {
    rules.push({ path: `${VAULT_MOUNTS.database}/creds/${vaultNames.databaseRole(env, svc.name, db.name)}`, capabilities: ["read"], why: `${db.access} credentials for database ${db.name}` });
  }
  const production = spec.environments.find((e) => e.name === env)?.production === true;
  for (const key of svc.transitKeys) {
    const own = vaultNames.transitKey(env, key);
    for (const op of TRANSIT_USE) rules.push({ path: `${VAULT_MOUNTS.transit}/${op}/${own}`, capabilities: ["update"], why: `${op} with ${env}'s transit key ${own}` });
    // The pre-per-environment key held production data too: only production may still read it back.
    if (production && spec.vault.transit.keys.find((k) => k.name === key)?.legacySharedKey) {
      rules.push({ path: `${VAULT_MOUNTS.transit}/decrypt/${key}`, capabilities: ["update"], why: `decrypt what the shared key ${key} encrypted, to re-encrypt it with ${own}` });
    }
  }
  return { name: vaultNames.service(env, svc.name), environment: env, description: `${svc.name} in ${env}, logging in itself`, rules: [...rules, ...tokenSelfRules()] };
}

export function ciPolicy(tool: PlatformSpec["ciConsumers"][number]): VaultPolicy {
  const rules: PolicyRule[] = [kvRead(`${kvPaths.ciTool(tool.name)}/*`, `${tool.name}'s own secrets`)];
  for (const p of tool.extraReadPaths) rules.push(kvRead(p, `listed in ciConsumers.${tool.name}.extraReadPaths`));
  return { name: vaultNames.ciTool(tool.name), description: `CI/CD tool ${tool.name}`, rules: [...rules, ...tokenSelfRules()] };
}

export function snapshotPolicy(): VaultPolicy {
  return {
    name: vaultNames.snapshot,
    description: "raft snapshot job: take snapshots, nothing else",
    rules: [{ path: "sys/storage/raft/snapshot", capabilities: ["read"], why: "vault operator raft snapshot save" }, ...tokenSelfRules()],
  };
}

export function developerPolicy(spec: PlatformSpec): VaultPolicy {
  const rules: PolicyRule[] = [{ path: `${VAULT_MOUNTS.kv}/metadata/apps/`, capabilities: ["list"], why: "see which environments exist" }];
  for (const env of spec.environments) {
    const apps = kvPaths.appsOfEnvironment(env.name);
    if (env.production) {
      rules.push(
        { path: `${VAULT_MOUNTS.kv}/data/${apps}/*`, capabilities: ["deny"], why: `developers never see production (${env.name})` },
        { path: `${VAULT_MOUNTS.kv}/metadata/${apps}/*`, capabilities: ["deny"], why: `not even secret names in ${env.name}` },
        { path: `${VAULT_MOUNTS.database}/creds/${env.name}-*`, capabilities: ["deny"], why: `no ${env.name} database credentials` },
      );
      continue;
    }
    rules.push(
      { path: `${VAULT_MOUNTS.kv}/data/${apps}/*`, capabilities: ["create", "read", "update", "patch", "delete"], why: `maintain application secrets in ${env.name}` },
      { path: `${VAULT_MOUNTS.kv}/metadata/${apps}/*`, capabilities: ["read", "list"], why: `browse application secrets in ${env.name}` },
    );
    if (spec.services.some((s) => s.environments.includes(env.name) && s.databases.length > 0)) {
      rules.push({ path: `${VAULT_MOUNTS.database}/creds/${env.name}-*`, capabilities: ["read"], why: `debug with ${env.name} database credentials` });
    }
  }
  return { name: vaultNames.developer, description: "developers (OIDC group): non-production application secrets only", rules: [...rules, ...tokenSelfRules()] };
}

/**
 * What consumers the rendered output does not show (services logging in themselves, CI tools)
 * declare they read and call, per role: the least-privilege check (VEP-X02) holds their policies to it.
 * Glob paths (a CI tool's own folder, extraReadPaths) mean "anything below".
 */
export function declaredNeeds(spec: PlatformSpec): Record<string, DeclaredNeed[]> {
  const needs: Record<string, DeclaredNeed[]> = {};
  for (const svc of spec.services.filter((s) => s.vaultLogin !== "none")) {
    for (const env of svc.environments) {
      needs[vaultNames.service(env, svc.name)] = [
        ...svc.secrets.map((sec) => ({ path: `${VAULT_MOUNTS.kv}/data/${kvPaths.appSecret(env, svc.name, sec.name)}`, capabilities: ["read" as const] })),
        ...svc.sharedServices.map((shared) => ({ path: `${VAULT_MOUNTS.kv}/data/${kvPaths.sharedService(shared, env)}`, capabilities: ["read" as const] })),
        ...svc.databases.map((db) => ({ path: `${VAULT_MOUNTS.database}/creds/${vaultNames.databaseRole(env, svc.name, db.name)}`, capabilities: ["read" as const] })),
        // The environment's own key; in production also the legacy shared key, for decryption only.
        ...svc.transitKeys.flatMap((key) => [
          ...["encrypt", "decrypt", "rewrap"].map((op) => ({ path: `${VAULT_MOUNTS.transit}/${op}/${vaultNames.transitKey(env, key)}`, capabilities: ["update" as const] })),
          ...(spec.environments.find((e) => e.name === env)?.production && spec.vault.transit.keys.find((k) => k.name === key)?.legacySharedKey
            ? [{ path: `${VAULT_MOUNTS.transit}/decrypt/${key}`, capabilities: ["update" as const] }]
            : []),
        ]),
      ];
    }
  }
  for (const tool of spec.ciConsumers) {
    needs[vaultNames.ciTool(tool.name)] = [`${kvPaths.ciTool(tool.name)}/*`, ...tool.extraReadPaths].map((p) => ({ path: `${VAULT_MOUNTS.kv}/data/${p}`, capabilities: ["read" as const] }));
  }
  for (const writer of platformWriters(spec)) needs[writer.name] = writerNeeds(writer);
  return needs;
}
