import type { Check } from "../types";
import { everyContainer, fx, K } from "../util";

/** Keys that name Vault's own secrets; other tokens (a registry's, a webhook's) are not this rule's. */
const SENSITIVE_KEY = /(^|[-_.])(root[-_]?token|vault[-_]?token|unseal[-_]?keys?|unseal[-_]?key[-_]?\d+|recovery[-_]?keys?)([-_.]|$)/i;
const VAULT_TOKEN_VALUE = /^(hvs|hvb|hvr)\.[A-Za-z0-9_-]{20,}$|^s\.[A-Za-z0-9]{24}$/;

/** A Vault token or unseal/recovery key kept in Kubernetes: a Secret holding one, a store or env reading one from a Secret. */
export const tokenInSecret: Check = {
  id: "VEP-G03",
  severity: "error",
  title: "No Vault token or unseal key is kept in a Kubernetes Secret",
  rationale: "Anyone who can read Secrets in the namespace (or etcd backups) gets the token's power or can unseal Vault; logins with short-lived tokens leave nothing to steal.",
  fix: "Log in with Kubernetes or AWS IAM auth (service-account tokens); keep unseal and recovery keys out of the cluster (KMS auto-unseal, recovery keys with their holders).",
  appliesTo: ["Secret", "SecretStore", "ClusterSecretStore", "VaultDynamicSecret", "workload env VAULT_TOKEN"],
  run(ctx) {
    const out: { resource: string; message: string }[] = [];
    for (const m of ctx.manifests("Secret")) {
      for (const [k, v] of Object.entries<string>({ ...(m.obj.data ?? {}), ...(m.obj.stringData ?? {}) })) {
        const plain = m.obj.stringData && k in m.obj.stringData ? String(v) : Buffer.from(String(v), "base64").toString("utf8");
        if (SENSITIVE_KEY.test(k) || VAULT_TOKEN_VALUE.test(plain.trim())) out.push({ resource: m.key, message: `key ${k} holds a Vault token or unseal/recovery key` });
      }
    }
    for (const m of ctx.manifests("SecretStore", "ClusterSecretStore", "VaultDynamicSecret")) {
      const auth = m.obj.kind === "VaultDynamicSecret" ? m.obj.spec?.provider?.auth : m.obj.spec?.provider?.vault?.auth;
      if (auth?.tokenSecretRef) out.push({ resource: m.key, message: `logs in with a Vault token kept in Secret ${auth.tokenSecretRef.name}` });
    }
    for (const { m, c, where } of everyContainer(ctx)) {
      for (const e of c.env ?? []) {
        if (e.name !== "VAULT_TOKEN") continue;
        if (e.valueFrom?.secretKeyRef) out.push({ resource: m.key, message: `${where}: VAULT_TOKEN comes from Secret ${e.valueFrom.secretKeyRef.name}` });
        else if (e.value) out.push({ resource: m.key, message: `${where}: VAULT_TOKEN is set in the manifest` });
      }
    }
    return out;
  },
  fixtures: {
    pass: {
      does: "a Secret holding another service's token (a registry token, not Vault's)",
      edit: (s) => void (s.kubernetes.manifests["shop-platform/vault/secret-extra.yaml"] = { apiVersion: "v1", kind: "Secret", metadata: { name: "extra", namespace: "vault" }, stringData: { "registry-token": "ghp_0123456789abcdefghij" } }),
    },
    fail: {
      does: "a Secret holding the root token and the snapshot job reading VAULT_TOKEN from it",
      edit: (s) => {
        s.kubernetes.manifests["shop-platform/vault/secret-vault-root.yaml"] = { apiVersion: "v1", kind: "Secret", metadata: { name: "vault-root", namespace: "vault" }, stringData: { "root-token": "hvs.CAESIJ0Vxxxxxxxxxxxxxxxxxxxxx" } };
        fx.container(s, K.snapshotJob, "snapshot").env.push({ name: "VAULT_TOKEN", valueFrom: { secretKeyRef: { name: "vault-root", key: "root-token" } } });
      },
      expect: { resource: "shop-platform/vault/secret-vault-root.yaml", message: "key root-token holds a Vault token or unseal/recovery key" },
    },
  },
};
