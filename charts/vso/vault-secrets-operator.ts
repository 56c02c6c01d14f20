import type { Construct } from "constructs";
import {
  VaultAuth,
  VaultAuthSpecMethod,
  VaultConnection,
  VaultDynamicSecret,
  VaultDynamicSecretSpecRolloutRestartTargetsKind,
  VaultPkiSecret,
  VaultPkiSecretSpecRolloutRestartTargetsKind,
  VaultStaticSecret,
  VaultStaticSecretSpecRolloutRestartTargetsKind,
  VaultStaticSecretSpecType,
} from "../../imports/secrets.hashicorp.com";
import type { VsoModel, VsoSecretModel } from "../../model/kubernetes/types";

/**
 * VSO's objects of one environment namespace, with every field the CRDs default written out (no
 * GitOps drift): the connection (TLS verified with the Vault CA Secret), the Kubernetes login and
 * one secret object per delivered Secret.
 */
export function vaultSecretsOperator(scope: Construct, namespace: string, vso: VsoModel): void {
  new VaultConnection(scope, `vaultconnection-${namespace}-${vso.connection.name}`, {
    metadata: { name: vso.connection.name, namespace },
    spec: { address: vso.connection.address, caCertSecretRef: vso.connection.caSecretName, skipTlsVerify: false },
  });
  const a = vso.auth;
  new VaultAuth(scope, `vaultauth-${namespace}-${a.name}`, {
    metadata: { name: a.name, namespace },
    spec: {
      vaultConnectionRef: vso.connection.name,
      method: VaultAuthSpecMethod.KUBERNETES,
      mount: a.mount,
      kubernetes: { role: a.role, serviceAccount: a.serviceAccount, audiences: a.audiences, tokenExpirationSeconds: a.tokenExpirationSeconds },
    },
  });
  for (const s of vso.secrets) vsoSecret(scope, namespace, a.name, s);
}

function vsoSecret(scope: Construct, namespace: string, auth: string, s: VsoSecretModel): void {
  const d = s.destination;
  const destination = {
    name: d.name,
    create: true,
    overwrite: false,
    type: d.type,
    ...(Object.keys(d.annotations).length > 0 ? { annotations: d.annotations } : {}),
    transformation: {
      excludeRaw: true,
      ...(d.templates ? { templates: Object.fromEntries(Object.entries(d.templates).map(([k, text]) => [k, { text }])) } : {}),
      ...(d.includes.length > 0 ? { includes: d.includes } : {}),
      ...(d.excludes.length > 0 ? { excludes: d.excludes } : {}),
    },
  };
  const metadata = { name: s.name, namespace, labels: { "vault-eks-platform/service": s.service, "vault-eks-platform/environment": s.environment } };
  const id = `${s.kind.toLowerCase()}-${namespace}-${s.name}`;
  if (s.kind === "VaultStaticSecret") {
    new VaultStaticSecret(scope, id, {
      metadata,
      spec: {
        vaultAuthRef: auth,
        type: VaultStaticSecretSpecType.KV_HYPHEN_V2,
        mount: s.mount,
        path: s.path,
        refreshAfter: s.refreshAfter,
        hmacSecretData: true,
        destination,
        ...(s.rolloutRestartTargets.length > 0 ? { rolloutRestartTargets: s.rolloutRestartTargets.map((t) => ({ kind: VaultStaticSecretSpecRolloutRestartTargetsKind.DEPLOYMENT, name: t.name })) } : {}),
      },
    });
  } else if (s.kind === "VaultDynamicSecret") {
    new VaultDynamicSecret(scope, id, {
      metadata,
      spec: {
        vaultAuthRef: auth,
        mount: s.mount,
        path: s.path,
        renewalPercent: s.renewalPercent,
        destination,
        ...(s.rolloutRestartTargets.length > 0 ? { rolloutRestartTargets: s.rolloutRestartTargets.map((t) => ({ kind: VaultDynamicSecretSpecRolloutRestartTargetsKind.DEPLOYMENT, name: t.name })) } : {}),
      },
    });
  } else {
    new VaultPkiSecret(scope, id, {
      metadata,
      spec: {
        vaultAuthRef: auth,
        mount: s.mount,
        role: s.role,
        commonName: s.commonName,
        altNames: s.altNames,
        ttl: s.ttl,
        expiryOffset: s.expiryOffset,
        destination,
        ...(s.rolloutRestartTargets.length > 0 ? { rolloutRestartTargets: s.rolloutRestartTargets.map((t) => ({ kind: VaultPkiSecretSpecRolloutRestartTargetsKind.DEPLOYMENT, name: t.name })) } : {}),
      },
    });
  }
}
