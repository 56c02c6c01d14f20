import type { PlatformSpec } from "../../spec/schema";
import { kvPaths, VAULT_MOUNTS, vaultNames } from "../names";
import { type PolicyRule, tokenSelfRules, type VaultPolicy } from "./policy";
import type { DeclaredNeed } from "./types";

export type WriterKind = "crossplane" | "backstage";

/** A platform writer as the layers see it: who it logs in as and which environments it serves. */
export interface PlatformWriter {
  kind: WriterKind;
  /** Its Vault role and policy. */
  name: string;
  serviceAccount: { namespace: string; name: string };
  audience: string;
  environments: string[];
}

/** The writers the spec declares (platformWriters), in a stable order. */
export function platformWriters(spec: PlatformSpec): PlatformWriter[] {
  const w = spec.platformWriters;
  if (!w) return [];
  const all = spec.environments.map((e) => e.name);
  const writers: PlatformWriter[] = [];
  for (const kind of ["backstage", "crossplane"] as const) {
    const s = w[kind];
    if (!s) continue;
    writers.push({
      kind,
      name: vaultNames.writer(kind),
      serviceAccount: { namespace: s.namespace, name: s.serviceAccount },
      audience: s.audience ?? spec.vault.auth.kubernetes.audience,
      environments: s.environments ?? all,
    });
  }
  return writers;
}

const kv = (area: "data" | "metadata", path: string) => `${VAULT_MOUNTS.kv}/${area}/${path}/*`;

/**
 * What each writer's client calls, per environment it serves, and nothing else.
 *
 * Crossplane v2 publishes connection details only as Kubernetes Secrets (external secret stores
 * were removed in v2: crossplane/crossplane#5522, #6327), so the Composition pushes its Role's
 * connection Secret with an ESO PushSecret through a SecretStore that logs in as this writer.
 * ESO's Vault provider (providers/v1/vault/client_push.go, pushSecretKV2) calls, for KV v2:
 * GET data/<key> (does it exist, is it equal), GET metadata/<key> (the managed-by owner, when it
 * exists), POST metadata/<key> (custom_metadata managed-by, written before the data), POST
 * data/<key>. Vault's KV v2 paths have existence checks: a new secret needs create, an existing one
 * update. The PushSecret's deletionPolicy is None, so no delete: a stolen token cannot destroy the
 * environment's database credentials (KV v2 metadata delete removes every version).
 *
 * Backstage lists and reads metadata (key names, owner, rotation period), never data/.
 */
export function writerNeeds(writer: PlatformWriter): DeclaredNeed[] {
  if (writer.kind === "crossplane") {
    return writer.environments.flatMap((env) => [
      { path: kv("data", kvPaths.infrastructureDatabases(env)), capabilities: ["create", "read", "update"] },
      { path: kv("metadata", kvPaths.infrastructureDatabases(env)), capabilities: ["create", "read", "update"] },
    ]);
  }
  return writer.environments.map((env) => ({ path: kv("metadata", kvPaths.appsOfEnvironment(env)), capabilities: ["read", "list"] }));
}

const WHY: Record<WriterKind, Record<string, string>> = {
  crossplane: {
    data: "push the connection details of databases Crossplane provisions (ESO PushSecret: read to compare, then write)",
    metadata: "the pushed secret's owner (custom_metadata managed-by): read it, write it before the data",
  },
  backstage: { metadata: "list the services' secrets and read their metadata (keys, owner, rotation period), never their values" },
};

export function writerPolicy(writer: PlatformWriter): VaultPolicy {
  const rules: PolicyRule[] = writerNeeds(writer).map((n) => {
    const area = n.path.startsWith(`${VAULT_MOUNTS.kv}/data/`) ? "data" : "metadata";
    const env = writer.environments.find((e) => n.path.includes(`/${e}/`))!;
    return { path: n.path, capabilities: n.capabilities, why: `${WHY[writer.kind][area]} (${env})` };
  });
  const what = writer.kind === "crossplane" ? "Crossplane: connection details of the databases it provisions" : "Backstage: KV metadata of the services' secrets";
  return { name: writer.name, description: what, rules: [...rules, ...tokenSelfRules()] };
}
