import type { EnvironmentSpec, PlatformSpec, ServiceSpec } from "../../spec/schema";
import { singleUnitDuration } from "../durations";
import { k8sNames, kubernetesAuthMount, vaultActiveAddress, vaultLoginAudiences, vaultNames, VSO_AUTH_SERVICE_ACCOUNT } from "../names";
import { type DeliveredSecret, deliveredSecrets, type FieldRef } from "./delivered-secrets";
import { secretReloadAnnotations } from "./external-secrets";
import type { VsoModel, VsoSecretModel } from "./types";

/** VSO's default token lifetime for its TokenRequest (the CRD's default, written out so GitOps shows no drift). */
const VSO_TOKEN_EXPIRATION_SECONDS = 600;
/**
 * VSO renews a dynamic secret's lease at this percentage of its TTL and fetches new credentials once
 * the renewal comes back truncated by max_ttl (v1.4.1 controllers/vaultdynamicsecret_controller.go
 * renewLease): at half, as ESO refreshes, the replaced credential keeps half a TTL for the restart.
 */
const RENEWAL_PERCENT = 50;

// VSO's templates see the source's fields under .Secrets (helpers/template.go SecretInput).
const vsoField: FieldRef = (field, filter) => `{{ ${filter ? `${filter} ` : ""}.Secrets.${field} }}`;
/**
 * VSO copies every source field next to the templates unless filtered: excludes first, then
 * includes, as anchored regular expressions (helpers/template.go FilterData). The Secret then holds
 * exactly the keys ESO's would.
 */
const fieldFilter = (keep: string[]) => (keep.length > 0 ? { includes: keep.map(exactly), excludes: [] } : { includes: [], excludes: [".*"] });
const exactly = (field: string) => `^${field.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`;

/** The VaultConnection, VaultAuth and one VSO secret object per delivered Secret of the environment's VSO services. */
export function buildVso(spec: PlatformSpec, env: EnvironmentSpec, services: ServiceSpec[]): VsoModel {
  return {
    connection: { name: k8sNames.vsoConnection, address: vaultActiveAddress(spec.vault.namespace), caSecretName: k8sNames.vaultCaConfigMap },
    auth: {
      name: k8sNames.vsoAuth,
      mount: kubernetesAuthMount(env),
      role: vaultNames.vso(env.name),
      serviceAccount: VSO_AUTH_SERVICE_ACCOUNT,
      audiences: vaultLoginAudiences(spec, env),
      tokenExpirationSeconds: VSO_TOKEN_EXPIRATION_SECONDS,
    },
    secrets: services.flatMap((svc) => deliveredSecrets(spec, env, svc).map((d) => vsoSecret(env, svc, d))),
  };
}

function vsoSecret(env: EnvironmentSpec, svc: ServiceSpec, d: DeliveredSecret): VsoSecretModel {
  // VSO restarts the named Deployment itself; without one, Reloader does (its annotation on the Secret).
  const restart = svc.secretReload === "reloader" && svc.deployment ? [{ kind: "Deployment" as const, name: svc.deployment }] : [];
  const base = {
    name: d.name,
    service: svc.name,
    environment: env.name,
    purpose: d.purpose,
    destination: {
      name: d.name,
      type: d.secretType ?? ("Opaque" as const),
      annotations: restart.length > 0 ? {} : secretReloadAnnotations(svc),
      ...(d.template ? { templates: d.template(vsoField) } : {}),
      ...fieldFilter(d.template ? d.keepFields : d.source.kind === "kv" ? d.source.keys : []),
    },
    rolloutRestartTargets: restart,
    rotationPeriodSeconds: d.rotationPeriodSeconds,
  };
  const s = d.source;
  if (s.kind === "kv") return { ...base, kind: "VaultStaticSecret", mount: s.mount, path: s.path, refreshAfter: singleUnitDuration(d.refreshSeconds) };
  if (s.kind === "database") return { ...base, kind: "VaultDynamicSecret", mount: s.mount, path: `creds/${s.role}`, renewalPercent: RENEWAL_PERCENT };
  // Re-issued when less than half the TTL is left, as ESO's generator does at half the TTL.
  return { ...base, kind: "VaultPKISecret", mount: s.mount, role: s.role, commonName: s.commonName, altNames: s.altNames, ttl: s.ttl, expiryOffset: singleUnitDuration(d.rotationPeriodSeconds - d.refreshSeconds) };
}
