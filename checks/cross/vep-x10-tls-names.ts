import { podTemplates } from "../context";
import type { Check, Obj } from "../types";
import { containers, fx, K } from "../util";
import { networkOf } from "./vep-x03-needed-flows";

/** A certificate name covers a host: exact, or a leading "*." matching exactly one label. */
export function nameCovers(name: string, host: string): boolean {
  if (name === host) return true;
  if (!name.startsWith("*.")) return false;
  const dot = host.indexOf(".");
  return dot > 0 && host.slice(dot + 1) === name.slice(2);
}

/**
 * Every address a client uses for Vault is a name (or IP) of the certificate Vault serves: the
 * ESO stores and generators, raft retry_join (its leader_tls_servername), every VAULT_ADDR, a
 * ServiceMonitor's serverName and the probe targets that land on the Vault pods. The certificate
 * is the cert-manager Certificate whose secret the Vault pods mount (none rendered: nothing to prove).
 */
export const tlsNames: Check = {
  id: "VEP-X10",
  severity: "error",
  title: "Every address clients use for Vault is covered by its certificate",
  rationale: "A client that verifies the certificate (all of them do) refuses a name the certificate lacks: ESO, the snapshot job or a joining peer fails.",
  fix: "Add the name to the certificate (model/kubernetes/vault-server.ts derives the SANs) or use an address the certificate has.",
  appliesTo: ["Certificate", "SecretStore", "ClusterSecretStore", "VaultDynamicSecret", "VaultConnection", "ConfigMap (vault.hcl)", "workload env VAULT_ADDR", "ServiceMonitor"],
  run(ctx) {
    const { inventory } = networkOf(ctx);
    const vaultWorkloads = inventory.workloads.filter((w) => inventory.vaultConfig(w.cluster, w.namespace, w.podSpec));
    const out: { resource: string; message: string }[] = [];
    for (const w of vaultWorkloads) {
      const secrets = new Set((w.podSpec.volumes ?? []).map((v: Obj) => v.secret?.secretName).filter(Boolean));
      const cert = ctx.manifests("Certificate").find((c) => c.cluster === w.cluster && c.obj.metadata?.namespace === w.namespace && secrets.has(c.obj.spec?.secretName));
      if (!cert) continue;
      const names: string[] = cert.obj.spec?.dnsNames ?? [];
      const ips: string[] = cert.obj.spec?.ipAddresses ?? [];
      const covered = (host: string) => (/^[\d.]+$|:/.test(host) ? ips.includes(host) : names.some((n) => nameCovers(n, host)));
      const uses: { resource: string; host: string; via: string }[] = [];
      const hostOf = (url: string) => new URL(String(url).replace(/\$\(([A-Z_]+)\)/g, "x")).hostname.replace(/^\[|\]$/g, "");
      for (const m of ctx.manifests("SecretStore", "ClusterSecretStore", "VaultDynamicSecret")) {
        const server = m.obj.kind === "VaultDynamicSecret" ? m.obj.spec?.provider?.server : m.obj.spec?.provider?.vault?.server;
        if (server) uses.push({ resource: m.key, host: hostOf(server), via: `${m.obj.kind} server ${server}` });
      }
      for (const m of ctx.manifests("VaultConnection")) {
        const address = m.obj.spec?.address;
        if (address) uses.push({ resource: m.key, host: m.obj.spec?.tlsServerName ?? hostOf(address), via: `VaultConnection address ${address}` });
      }
      const hcl = inventory.vaultConfig(w.cluster, w.namespace, w.podSpec);
      const cm = ctx.manifests("ConfigMap").find((c) => c.cluster === w.cluster && c.obj.metadata?.namespace === w.namespace && Object.keys(c.obj.data ?? {}).some((k) => k.endsWith(".hcl")));
      for (const raft of hcl.storage?.raft ?? []) for (const j of raft.retry_join ?? []) uses.push({ resource: cm?.key ?? cert.key, host: j.leader_tls_servername ?? hostOf(j.leader_api_addr), via: `retry_join ${j.leader_api_addr}` });
      for (const { m, template } of podTemplates(ctx)) {
        for (const { c, where } of containers(template.spec)) {
          for (const e of c.env ?? []) if (e.name === "VAULT_ADDR" && typeof e.value === "string") uses.push({ resource: m.key, host: hostOf(e.value), via: `${where} VAULT_ADDR ${e.value}` });
        }
      }
      const vaultLabels = w.pods[0]?.labels ?? {};
      const landsOnVault = (cluster: string, ns: string, host: string, port: number) => {
        const r = inventory.resolve(cluster, ns, host, port);
        return typeof r !== "string" && r.some((x) => x.endpoints.some((e) => e.kind === "pod" && Object.entries(vaultLabels).every(([k, v]) => e.labels[k] === v)));
      };
      for (const sm of ctx.manifests("ServiceMonitor")) {
        for (const ep of sm.obj.spec?.endpoints ?? []) {
          if (ep.tlsConfig?.serverName) uses.push({ resource: sm.key, host: ep.tlsConfig.serverName, via: `tlsConfig.serverName` });
          for (const t of ep.params?.target ?? []) {
            const [host, port] = String(t).split(":");
            if (landsOnVault(sm.cluster, sm.obj.metadata?.namespace, host, Number(port))) uses.push({ resource: sm.key, host, via: `probe target ${t}` });
          }
        }
      }
      for (const u of uses) if (!covered(u.host)) out.push({ resource: u.resource, message: `${u.via}: ${u.host} is not a name of the certificate ${cert.obj.metadata?.name} (${[...names, ...ips].join(", ")})` });
    }
    return out;
  },
  fixtures: {
    pass: { does: "the certificate keeps only the wildcard for the per-pod names", edit: (s) => void (fx.manifest(s, K.certificate).spec.dnsNames = fx.manifest(s, K.certificate).spec.dnsNames.filter((n: string) => !/^vault-\d\.vault-internal$/.test(n))) },
    fail: {
      does: "the certificate loses vault-active.<ns>.svc, the ESO stores' address",
      edit: (s) => void (fx.manifest(s, K.certificate).spec.dnsNames = fx.manifest(s, K.certificate).spec.dnsNames.filter((n: string) => n !== "vault-active.vault.svc")),
      expect: { resource: K.storeDev, message: "ClusterSecretStore server https://vault-active.vault.svc:8200: vault-active.vault.svc is not a name of the certificate vault-server-tls" },
    },
  },
};
