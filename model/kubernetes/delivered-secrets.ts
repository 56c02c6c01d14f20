import { durationSeconds } from "../../spec/primitives";
import type { EnvironmentSpec, PlatformSpec, ServiceSpec } from "../../spec/schema";
import { databaseCredentialLifetime } from "../credentials";
import { environmentNamespace, k8sNames, kvPaths, VAULT_MOUNTS, vaultNames } from "../names";
import { sharedServiceRotationPeriod, staticRefreshSeconds, staticSecretRotationPeriod } from "../rotation";
import { SHARED_SERVICE_KEYS } from "../vault";

/**
 * A template expression for one field of what Vault returned, in the delivery's own template
 * language: ESO `{{ .username }}`, VSO `{{ .Secrets.username }}`, Vault Agent
 * `{{ .Data.username }}` (inside a `with secret`). `urlquery` escapes it for a URL.
 */
export type FieldRef = (field: string, filter?: "urlquery") => string;

/**
 * One Kubernetes Secret (or rendered file set) a service receives, independent of the delivery that
 * carries it: where Vault holds it, which keys the workload sees and how often it is renewed. ESO,
 * VSO and the Vault Agent render the same keys from it.
 */
export interface DeliveredSecret {
  /** Secret name (also the name of the ExternalSecret / VSO object that writes it). */
  name: string;
  service: string;
  purpose: "static" | "shared-service" | "database" | "certificate";
  source:
    | { kind: "kv"; mount: string; path: string; keys: string[] }
    | { kind: "database"; mount: string; role: string }
    | { kind: "pki"; mount: string; role: string; commonName: string; altNames: string[]; ttl: string };
  /** Keys rendered from Vault's fields; absent: the source's keys as they are. */
  template?: (f: FieldRef) => Record<string, string>;
  /** Source fields kept next to the rendered keys (database: username and password). */
  keepFields: string[];
  secretType?: "kubernetes.io/tls";
  /** How often it is read again (refresh) and how long one value lives (its rotation period or TTL). */
  refreshSeconds: number;
  rotationPeriodSeconds: number;
}

/** Everything a service receives in an environment, in a stable order: KV secrets, shared services, databases, certificates. */
export function deliveredSecrets(spec: PlatformSpec, env: EnvironmentSpec, svc: ServiceSpec): DeliveredSecret[] {
  const namespace = environmentNamespace(env);
  const out: DeliveredSecret[] = [];
  for (const secret of svc.secrets) {
    const period = staticSecretRotationPeriod(secret);
    out.push({
      name: k8sNames.appSecret(svc.name, secret.name),
      service: svc.name,
      purpose: "static",
      source: { kind: "kv", mount: VAULT_MOUNTS.kv, path: kvPaths.appSecret(env.name, svc.name, secret.name), keys: secret.keys },
      keepFields: secret.keys,
      refreshSeconds: staticRefreshSeconds(spec, period),
      rotationPeriodSeconds: durationSeconds(period),
    });
  }
  for (const shared of svc.sharedServices) {
    const s = spec.sharedServices.find((x) => x.name === shared)!;
    const endpoint = s.endpoints[env.name];
    const kind = s.kind as "kafka" | "redis";
    const period = sharedServiceRotationPeriod(s);
    out.push({
      name: k8sNames.sharedServiceSecret(svc.name, shared),
      service: svc.name,
      purpose: "shared-service",
      source: { kind: "kv", mount: VAULT_MOUNTS.kv, path: kvPaths.sharedService(shared, env.name), keys: SHARED_SERVICE_KEYS[kind] },
      template: (f): Record<string, string> =>
        kind === "kafka"
          ? { KAFKA_BOOTSTRAP_SERVERS: `${endpoint.host}:${endpoint.port}`, KAFKA_USERNAME: f("username"), KAFKA_PASSWORD: f("password") }
          : { REDIS_URL: `rediss://:${f("password", "urlquery")}@${endpoint.host}:${endpoint.port}` },
      keepFields: [],
      refreshSeconds: staticRefreshSeconds(spec, period),
      rotationPeriodSeconds: durationSeconds(period),
    });
  }
  const dbLifetime = databaseCredentialLifetime(env);
  for (const use of svc.databases) {
    const db = spec.databases.find((d) => d.name === use.name)!;
    const endpoint = spec.sharedServices.find((x) => x.name === db.server)!.endpoints[env.name];
    out.push({
      name: k8sNames.databaseSecret(svc.name, db.name),
      service: svc.name,
      purpose: "database",
      source: { kind: "database", mount: VAULT_MOUNTS.database, role: vaultNames.databaseRole(env.name, svc.name, db.name) },
      template: (f) => ({
        DATABASE_URL: `postgresql://${f("username")}:${f("password")}@${endpoint.host}:${endpoint.port}/${db.name}?sslmode=${db.sslMode}`,
        PGUSER: f("username"),
        PGPASSWORD: f("password"),
      }),
      keepFields: ["password", "username"],
      // Dynamic credentials are replaced halfway through their lifetime (model/credentials.ts), which is their rotation period.
      refreshSeconds: dbLifetime.refreshSeconds,
      rotationPeriodSeconds: dbLifetime.defaultTtlSeconds,
    });
  }
  const certTtlSeconds = durationSeconds(spec.vault.pki.certTtl);
  for (const cert of svc.certificates) {
    const dnsNames = (cert.hosts ?? [svc.name]).flatMap((h) => [`${h}.${namespace}.svc`, `${h}.${namespace}.svc.cluster.local`]);
    out.push({
      name: k8sNames.certificateSecret(svc.name, cert.name),
      service: svc.name,
      purpose: "certificate",
      source: { kind: "pki", mount: VAULT_MOUNTS.pki, role: vaultNames.pkiRole(env.name), commonName: dnsNames[0], altNames: dnsNames.slice(1), ttl: spec.vault.pki.certTtl },
      // The leaf and the intermediate that signed it; ca.crt is that intermediate (clients anchor trust there or at the root).
      template: (f) => ({ "tls.crt": `${f("certificate")}\n${f("issuing_ca")}`, "tls.key": f("private_key"), "ca.crt": f("issuing_ca") }),
      keepFields: [],
      secretType: "kubernetes.io/tls",
      // Vault issues a fresh key and certificate on every refresh, at half the certificate TTL.
      refreshSeconds: Math.floor(certTtlSeconds / 2),
      rotationPeriodSeconds: certTtlSeconds,
    });
  }
  return out;
}
