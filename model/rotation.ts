import { durationSeconds } from "../spec/primitives";
import type { PlatformSpec, ServiceSpec, SharedServiceSpec } from "../spec/schema";

/**
 * The rotation schedule: how often each secret gets a new value, and what follows from it.
 *
 * - Static KV secrets (services[].secrets[]) and shared-service credentials are rotated by a person
 *   or a job writing a new version to Vault (docs/runbooks/rotate-static-secret.md); their period is
 *   recorded in the KV metadata (custom_metadata.rotation_period) and the ExternalSecret refreshes at
 *   least that often (never longer than the period).
 * - Dynamic database credentials rotate with every ESO refresh: their period is the credential's
 *   TTL (environments[].databaseCredentials.defaultTtl), refreshed at half of it (model/credentials.ts).
 * - Certificates from Vault's PKI are re-issued at half of vault.pki.certTtl, their period.
 *
 * Every rotated ExternalSecret gets an alert when ESO has not updated its Secret for a whole period
 * (model/kubernetes/monitoring.ts).
 */

/** Default rotation period per kind of static secret (services[].secrets[].kind). */
export const DEFAULT_ROTATION_PERIODS: Record<ServiceSpec["secrets"][number]["kind"], string> = {
  "api-key": "2160h",
  "jwt-secret": "4320h",
  password: "2160h",
  other: "2160h",
};

export function staticSecretRotationPeriod(secret: Pick<ServiceSpec["secrets"][number], "kind" | "rotationPeriod">): string {
  return secret.rotationPeriod ?? DEFAULT_ROTATION_PERIODS[secret.kind];
}

export function sharedServiceRotationPeriod(shared: Pick<SharedServiceSpec, "rotationPeriod">): string {
  return shared.rotationPeriod;
}

/** A static secret's refresh: the platform's refreshInterval, shortened to the rotation period when that is shorter. */
export function staticRefreshSeconds(spec: Pick<PlatformSpec, "externalSecrets">, rotationPeriod: string): number {
  return Math.min(durationSeconds(spec.externalSecrets.refreshInterval), durationSeconds(rotationPeriod));
}
