import type { PlatformSpecInput } from "../spec/schema";
import { referenceSpec } from "../spec/reference";

/**
 * Benchmark specs, generated: the reference platform's settings with `services` services in three
 * environments (dev, staging, production), each with two KV secrets and one shared service
 * (kafka or redis, alternating); every fourth service uses one of ten PostgreSQL databases on the
 * shared server, every tenth logs in to Vault itself. Deterministic: the same arguments give the
 * same spec.
 */
export function benchmarkSpec(opts: { services: number; databases?: number } = { services: 1000 }): PlatformSpecInput {
  const ref = structuredClone(referenceSpec);
  const databases = Array.from({ length: opts.databases ?? 10 }, (_, i) => ({ name: `db_${String(i + 1).padStart(2, "0")}`, server: "postgres" }));
  const services = Array.from({ length: opts.services }, (_, i) => {
    const n = i + 1;
    return {
      name: `svc-${String(n).padStart(4, "0")}`,
      environments: ["dev", "staging", "production"],
      secrets: [
        { name: "config", keys: ["API_KEY", "SIGNING_SECRET"] },
        { name: "partner", keys: ["PARTNER_TOKEN"] },
      ],
      sharedServices: [n % 2 === 0 ? "kafka" : "redis"],
      databases: n % 4 === 0 ? [{ name: databases[(n / 4) % databases.length].name, access: n % 8 === 0 ? ("read-only" as const) : ("read-write" as const) }] : [],
      vaultLogin: n % 10 === 0 ? ("kubernetes" as const) : ("none" as const),
    };
  });
  return { ...ref, name: "bench", databases, services, vault: { ...ref.vault, transit: { keys: [] } } };
}
