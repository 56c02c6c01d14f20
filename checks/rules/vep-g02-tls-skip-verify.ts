import type { Check } from "../types";
import { everyContainer, fx, K } from "../util";

/** TLS on but the peer unverified: tls_skip_verify, VAULT_SKIP_VERIFY, insecureSkipVerify, insecure_skip_verify. */
export const tlsSkipVerify: Check = {
  id: "VEP-G02",
  severity: "error",
  title: "Clients verify the server's certificate",
  rationale: "An unverified TLS connection accepts any certificate: a man in the middle reads every token and secret.",
  fix: "Trust the Vault CA (vault.tls.caCertificate) instead of skipping verification.",
  appliesTo: ["ConfigMap (vault.hcl, exporter config)", "workload env VAULT_SKIP_VERIFY", "ServiceMonitor", "vault_* Terraform resources"],
  run(ctx) {
    const out: { resource: string; message: string }[] = [];
    for (const m of ctx.manifests("ConfigMap")) {
      for (const [k, v] of Object.entries<string>(m.obj.data ?? {})) {
        if (/\b(tls_skip_verify|leader_tls_skip_verify|insecure_skip_verify)\s*[=:]\s*"?(true|1)\b/i.test(String(v))) out.push({ resource: m.key, message: `${k} skips certificate verification` });
      }
    }
    for (const { m, c, where } of everyContainer(ctx)) {
      for (const e of c.env ?? []) if (e.name === "VAULT_SKIP_VERIFY" && !["", "0", "false"].includes(String(e.value ?? "").toLowerCase())) out.push({ resource: m.key, message: `${where}: VAULT_SKIP_VERIFY=${e.value}` });
      for (const a of [...(c.command ?? []), ...(c.args ?? [])]) if (/(-tls-skip-verify|--insecure)\b/.test(String(a))) out.push({ resource: m.key, message: `${where}: runs with ${/(-tls-skip-verify|--insecure)/.exec(String(a))![1]}` });
    }
    for (const m of ctx.manifests("ServiceMonitor", "PodMonitor")) {
      for (const ep of [...(m.obj.spec?.endpoints ?? []), ...(m.obj.spec?.podMetricsEndpoints ?? [])]) if (ep.tlsConfig?.insecureSkipVerify === true) out.push({ resource: m.key, message: `endpoint ${ep.port}: tlsConfig.insecureSkipVerify` });
    }
    for (const [stack, json] of Object.entries(ctx.synthesis.terraform.stacks)) {
      for (const [type, byName] of Object.entries<Record<string, Record<string, unknown>>>(json?.resource ?? {})) {
        for (const [name, r] of Object.entries(byName)) if (r.tls_skip_verify === true || r.skip_tls_verify === true || r.insecure === true) out.push({ resource: `${stack}/${type}.${name}`, message: "skips certificate verification" });
      }
      for (const p of json?.provider?.vault ?? []) if (p.skip_tls_verify === true) out.push({ resource: `${stack}/provider.vault`, message: "the Vault provider skips certificate verification" });
    }
    return out;
  },
  fixtures: {
    pass: { does: "VAULT_SKIP_VERIFY=false on the snapshot job", edit: (s) => void fx.container(s, K.snapshotJob, "snapshot").env.push({ name: "VAULT_SKIP_VERIFY", value: "false" }) },
    fail: {
      does: "the snapshot job sets VAULT_SKIP_VERIFY=true",
      edit: (s) => void fx.container(s, K.snapshotJob, "snapshot").env.push({ name: "VAULT_SKIP_VERIFY", value: "true" }),
      expect: { resource: K.snapshotJob, message: "container snapshot: VAULT_SKIP_VERIFY=true" },
    },
  },
};
