import { compareStrings } from "../../lib/compare";
import type { EnvironmentSpec, PlatformSpec, ServiceSpec } from "../../spec/schema";
import { k8sNames, kubernetesAuthMount, serviceAccountName, vaultActiveAddress, vaultLoginAudiences, vaultNames } from "../names";
import { type DeliveredSecret, deliveredSecrets, type FieldRef } from "./delivered-secrets";
import type { AgentInjectorPatchModel } from "./types";

const A = "vault.hashicorp.com";
/** Where the agent mounts the tls-secret (vault-k8s agent-inject/agent: /vault/tls). */
const TLS_MOUNT = "/vault/tls";
/** Projected token with Vault's audience: the pod's default token is for the API server (and not mounted here). */
export const AGENT_TOKEN_VOLUME = "vault-token";
const TOKEN_SECONDS = 3600;

/** The path the agent reads for a delivered secret (KV v2 through data/, database credentials); certificates are not delivered (rule VEP-S46). */
function agentPath(d: DeliveredSecret): string {
  const s = d.source;
  if (s.kind === "kv") return `${s.mount}/data/${s.path}`;
  if (s.kind === "database") return `${s.mount}/creds/${s.role}`;
  throw new Error(`${d.name}: the Vault Agent does not deliver certificates (rule VEP-S46)`);
}

/** One file's template in consul-template syntax: KV v2 data is under .Data.data, database credentials under .Data. */
function agentTemplate(d: DeliveredSecret, render: (f: FieldRef) => string): string {
  const field: FieldRef = (name, filter) => `{{ ${d.source.kind === "kv" ? ".Data.data" : ".Data"}.${name}${filter ? ` | ${filter}` : ""} }}`;
  return `{{- with secret "${agentPath(d)}" -}}${render(field)}{{- end -}}`;
}

/**
 * The annotations that make the Vault Agent injector render, for each Secret ESO would have written,
 * a directory /vault/secrets/<secret>/ with one file per key (the layout of a mounted Secret), from
 * the service's own Kubernetes login. Templates sharing a path share one request (consul-template
 * deduplicates dependencies), so a database user and its password come from the same lease.
 */
export function buildAgentInjectorPatch(spec: PlatformSpec, env: EnvironmentSpec, svc: ServiceSpec): AgentInjectorPatchModel {
  const annotations: Record<string, string> = {
    [`${A}/agent-inject`]: "true",
    [`${A}/role`]: vaultNames.service(env.name, svc.name),
    [`${A}/auth-path`]: `auth/${kubernetesAuthMount(env)}`,
    [`${A}/service`]: vaultActiveAddress(spec.vault.namespace),
    [`${A}/tls-secret`]: k8sNames.vaultCaConfigMap,
    [`${A}/ca-cert`]: `${TLS_MOUNT}/ca.crt`,
    [`${A}/agent-service-account-token-volume-name`]: AGENT_TOKEN_VOLUME,
  };
  for (const d of deliveredSecrets(spec, env, svc)) {
    // The keys ESO's Secret would hold: the template's, the fields kept beside it, or the KV keys as they are.
    const keys: [string, (f: FieldRef) => string][] = [
      ...(d.template ? Object.keys(d.template((x) => x)).map((k): [string, (f: FieldRef) => string] => [k, (f) => d.template!(f)[k]]) : []),
      ...(d.template ? d.keepFields : d.source.kind === "kv" ? d.source.keys : []).map((k): [string, (f: FieldRef) => string] => [k, (f) => f(k)]),
    ];
    keys.sort(([a], [b]) => compareStrings(a, b)).forEach(([key, render], i) => {
      const id = `${d.name}-${i}`;
      annotations[`${A}/agent-inject-secret-${id}`] = agentPath(d);
      annotations[`${A}/agent-inject-template-${id}`] = agentTemplate(d, render);
      annotations[`${A}/secret-volume-path-${id}`] = `/vault/secrets/${d.name}`;
      annotations[`${A}/agent-inject-file-${id}`] = key;
    });
  }
  return {
    service: svc.name,
    deployment: svc.deployment ?? svc.name,
    serviceAccount: serviceAccountName(svc),
    folder: k8sNames.agentInjectorComponent(svc.name),
    annotations,
    tokenVolume: { name: AGENT_TOKEN_VOLUME, audience: vaultLoginAudiences(spec, env)[0], expirationSeconds: TOKEN_SECONDS },
  };
}
