import { durationSeconds } from "../spec/primitives";
import type { EnvironmentSpec, PlatformSpec } from "../spec/schema";

/**
 * Lifetimes of the dynamic database credentials ESO delivers, and of the Vault token it obtains them
 * with. ESO's VaultDynamicSecret generator logs in afresh on every refresh and never renews or revokes
 * that token (external-secrets v2.9.0 generators/v1/vault/vault.go: NewGeneratorClient, no Close;
 * Cleanup is a no-op), and Vault revokes every lease a token created when the token expires
 * (vault/expiration.go RevokeByToken). A credential therefore lives min(its TTL, the token's TTL):
 * the ESO store role's token must live at least as long as the credentials, or the Secret serves
 * revoked credentials for part of every refresh cycle.
 */
export interface DatabaseCredentialLifetime {
  /** The database role's default_ttl: how long one credential is valid. */
  defaultTtlSeconds: number;
  /** The database role's max_ttl (renewal limit; ESO never renews). */
  maxTtlSeconds: number;
  /** ExternalSecret refreshInterval: half the lifetime, so the replaced credential stays valid for another half (the consumer's reload window). */
  refreshSeconds: number;
}

export function databaseCredentialLifetime(env: Pick<EnvironmentSpec, "databaseCredentials" | "production">): DatabaseCredentialLifetime {
  const ttl = durationSeconds(env.databaseCredentials?.defaultTtl ?? "1h");
  const max = durationSeconds(env.databaseCredentials?.maxTtl ?? (env.production ? "8h" : "24h"));
  return { defaultTtlSeconds: ttl, maxTtlSeconds: max, refreshSeconds: Math.floor(ttl / 2) };
}

/**
 * Token TTLs of an environment's ESO store role: the spec's Kubernetes token TTLs, raised to the
 * environment's credential lifetime when the environment has dynamic credentials (derived, not a
 * rule: raising vault.auth.kubernetes.tokenTtl instead would lengthen every machine token). Only the
 * generator's tokens live that long in practice: ESO revokes the token of a static read when it
 * closes the client (providers/v1/vault/client.go Close, token cache off, the default).
 */
export function esoStoreTokenTtls(spec: Pick<PlatformSpec, "vault">, env: Pick<EnvironmentSpec, "databaseCredentials" | "production">, hasDynamicCredentials: boolean): { ttlSeconds: number; maxTtlSeconds: number } {
  const k8s = spec.vault.auth.kubernetes;
  const floor = hasDynamicCredentials ? databaseCredentialLifetime(env).defaultTtlSeconds : 0;
  const ttl = Math.max(durationSeconds(k8s.tokenTtl), floor);
  return { ttlSeconds: ttl, maxTtlSeconds: Math.max(durationSeconds(k8s.tokenMaxTtl), ttl) };
}
