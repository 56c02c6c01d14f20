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

/** The Vault Agent template reading one field of a delivered secret, in consul-template syntax. */
function agentTemplate(d: DeliveredSecret, text: string): string {
  const s = d.source;
  if (s.kind === "kv") return `{{- with secret "${s.mount}/data/${s.path}" -}}${text}{{- end -}}`;
  if (s.kind === "database") return `{{- with secret "${s.mount}/creds/${s.role}" -}}${text}{{- end -}}`;
  return `{{- with pkiCert "${s.mount}/issue/${s.role}" "common_name=${s.commonName}" "alt_names=${s.altNames.join(",")}" "ttl=${s.ttl}" -}}${text}{{- end -}}`;
}

/** Inside the `with`: KV v2 data is under .Data.data, database credentials under .Data, pkiCert's fields are .Cert, .Key, .CA. */
function agentField(d: DeliveredSecret): FieldRef {
  const pki: Record<string, string> = { certificate: ".Cert", private_key: ".Key", issuing_ca: ".CA" };
  const at = (field: string) => (d.source.kind === "kv" ? `.Data.data.${field}` : d.source.kind === "database" ? `.Data.${field}` : pki[field]);
  return (field, filter) => `{{ ${at(field)}${filter ? ` | ${filter}` : ""} }}`;
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
    const field = agentField(d);
    const keys: [string, string][] = d.template
      ? [...d.keepFields.map((k): [string, string] => [k, field(k)]), ...Object.entries(d.template(field))]
      : d.source.kind === "kv"
        ? d.source.keys.map((k): [string, string] => [k, field(k)])
        : [];
    keys.sort(([a], [b]) => a.localeCompare(b)).forEach(([key, text], i) => {
      const id = `${d.name}-${i}`;
      annotations[`${A}/agent-inject-secret-${id}`] = d.source.kind === "kv" ? `${d.source.mount}/data/${d.source.path}` : d.source.kind === "database" ? `${d.source.mount}/creds/${d.source.role}` : `${d.source.mount}/issue/${d.source.role}`;
      annotations[`${A}/agent-inject-template-${id}`] = agentTemplate(d, text);
      annotations[`${A}/secret-volume-path-${id}`] = `/vault/secrets/${d.name}`;
      annotations[`${A}/agent-inject-file-${id}`] = key;
    });
  }
  return {
    service: svc.name,
    deployment: svc.deployment ?? svc.name,
    serviceAccount: serviceAccountName(svc),
    file: k8sNames.agentInjectorPatch(svc.name),
    annotations,
    tokenVolume: { name: AGENT_TOKEN_VOLUME, audience: vaultLoginAudiences(spec, env)[0], expirationSeconds: TOKEN_SECONDS },
  };
}
