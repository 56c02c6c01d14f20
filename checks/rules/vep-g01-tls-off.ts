import type { Check } from "../types";
import { containers, fx, K } from "../util";
import { podTemplates } from "../context";

/** Plain HTTP to Vault or a database: a listener with tls_disable, an http:// Vault address, a PostgreSQL sslmode that allows plaintext. */
export const tlsOff: Check = {
  id: "VEP-G01",
  severity: "error",
  title: "TLS is never off: Vault listeners, Vault addresses and database connections",
  rationale: "Tokens, secrets and database passwords cross these connections; without TLS anyone on the path reads them.",
  fix: "Keep TLS on (vault.tls); use https:// Vault addresses and sslMode verify-full or verify-ca.",
  appliesTo: ["ConfigMap (vault.hcl)", "workload env VAULT_ADDR", "SecretStore", "ClusterSecretStore", "VaultDynamicSecret", "VaultConnection", "vault_database_secret_backend_connection"],
  run(ctx) {
    const out: { resource: string; message: string }[] = [];
    for (const { m, key, hcl } of ctx.hclFiles()) {
      for (const l of hcl.listener?.tcp ?? []) {
        if ([true, "true", 1, "1"].includes(l.tls_disable)) out.push({ resource: m.key, message: `${key}: listener ${l.address} sets tls_disable: Vault serves plain HTTP` });
      }
      for (const raft of hcl.storage?.raft ?? []) for (const j of raft.retry_join ?? []) if (String(j.leader_api_addr).startsWith("http:")) out.push({ resource: m.key, message: `${key}: retry_join leader_api_addr ${j.leader_api_addr} is plain HTTP` });
    }
    for (const { m, template } of podTemplates(ctx)) {
      for (const { c, where } of containers(template.spec)) {
        for (const e of c.env ?? []) if (["VAULT_ADDR", "VAULT_API_ADDR"].includes(e.name) && String(e.value ?? "").startsWith("http:")) out.push({ resource: m.key, message: `${where}: ${e.name}=${e.value} is plain HTTP` });
      }
    }
    for (const m of ctx.manifests("SecretStore", "ClusterSecretStore", "VaultDynamicSecret")) {
      const server = m.obj.kind === "VaultDynamicSecret" ? m.obj.spec?.provider?.server : m.obj.spec?.provider?.vault?.server;
      if (typeof server === "string" && server.startsWith("http:")) out.push({ resource: m.key, message: `server ${server} is plain HTTP` });
    }
    for (const m of ctx.manifests("VaultConnection")) {
      const address = String(m.obj.spec?.address ?? "");
      if (address.startsWith("http:")) out.push({ resource: m.key, message: `VaultConnection address ${address} is plain HTTP` });
      if (m.obj.spec?.skipTLSVerify === true) out.push({ resource: m.key, message: "VaultConnection skipTLSVerify: true accepts any certificate" });
    }
    for (const r of ctx.resources("vault_database_secret_backend_connection")) {
      const mode = /[?&]sslmode=([a-z-]+)/.exec(String(r.value.postgresql?.connection_url ?? ""))?.[1] ?? "prefer (pgx's default)";
      if (!["require", "verify-ca", "verify-full"].includes(mode)) out.push({ resource: r.resource, message: `connection ${r.value.name}: sslmode ${mode} lets the password cross in plaintext` });
    }
    return out;
  },
  fixtures: {
    pass: { does: "the snapshot job's VAULT_ADDR moved to another https:// address", edit: (s) => void (fx.container(s, K.snapshotJob, "snapshot").env[0].value = "https://vault.vault.svc:8200") },
    fail: {
      does: "the listener sets tls_disable = true",
      edit: (s) => {
        const cm = fx.manifest(s, K.vaultConfig);
        cm.data["vault.hcl"] = cm.data["vault.hcl"].replace('tls_min_version = "tls12"', 'tls_disable = true');
      },
      expect: { resource: K.vaultConfig, message: "vault.hcl: listener [::]:8200 sets tls_disable: Vault serves plain HTTP" },
    },
  },
};
