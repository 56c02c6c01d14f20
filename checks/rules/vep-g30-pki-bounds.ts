import type { Check } from "../types";
import { backendPath } from "../output";
import { asList, fx } from "../util";

/** The cluster's service domains: every certificate this PKI issues names a Service. */
const inCluster = (d: string) => ["svc", "svc.cluster.local"].some((base) => d === base || d.endsWith(`.${base}`));

/**
 * Certificates stay within the cluster's service names: roles without allow_any_name or IP SANs
 * (the provider's default for allow_ip_sans is true) and with domains below svc / svc.cluster.local,
 * the intermediate with DNS name constraints, and auto-tidy on every PKI mount.
 */
export const pkiBounds: Check = {
  id: "VEP-G30",
  severity: "warning",
  title: "PKI is bounded: roles issue only service names (no allow_any_name, no IP SANs, domains below svc or svc.cluster.local), the intermediate carries permitted_dns_domains, every PKI mount tidies itself",
  rationale: "A role that signs any name or address lets a stolen ESO token mint a certificate for another host; without name constraints a leaked intermediate signs for the internet; without tidy, expired certificates fill raft storage.",
  fix: "Keep the rendered roles (allowed_domains <env>.svc, <env>.svc.cluster.local), the intermediate's permitted_dns_domains and the auto-tidy resources.",
  appliesTo: ["vault_pki_secret_backend_role", "vault_pki_secret_backend_root_sign_intermediate", "vault_pki_secret_backend_config_auto_tidy", "vault_mount"],
  run(ctx) {
    const out: { resource: string; message: string }[] = [];
    for (const r of ctx.resources("vault_pki_secret_backend_role")) {
      const problems: string[] = [];
      if (r.value.allow_any_name === true) problems.push("allow_any_name");
      if (r.value.allow_ip_sans !== false) problems.push(`IP SANs (allow_ip_sans ${r.value.allow_ip_sans ?? "unset: the provider's default is true"})`);
      const outside = asList<string>(r.value.allowed_domains).filter((d) => !inCluster(d));
      if (outside.length > 0) problems.push(`domains outside svc and svc.cluster.local: ${outside.join(", ")}`);
      if (problems.length > 0) out.push({ resource: r.resource, message: `role ${r.value.name} allows ${problems.join("; ")}` });
    }
    for (const r of ctx.resources("vault_pki_secret_backend_root_sign_intermediate")) {
      if (asList(r.value.permitted_dns_domains).length === 0) out.push({ resource: r.resource, message: `intermediate ${r.value.common_name} is signed without permitted_dns_domains: it may sign any name` });
    }
    const tidied = new Set(ctx.resources("vault_pki_secret_backend_config_auto_tidy").filter((t) => t.value.enabled === true).map((t) => backendPath(ctx, t.value.backend, "pki")));
    for (const mount of ctx.resources("vault_mount").filter((m) => m.value.type === "pki")) {
      if (!tidied.has(String(mount.value.path))) out.push({ resource: mount.resource, message: `PKI mount ${mount.value.path} has no auto-tidy: expired and revoked certificates stay in storage` });
    }
    return out;
  },
  fixtures: {
    pass: {
      does: "the dev role narrows its domains to one service's names",
      edit: (s) => void (fx.resource(s, "vault-dev", "vault_pki_secret_backend_role", "pki_role_dev_cert").allowed_domains = ["payment-service.dev.svc", "payment-service.dev.svc.cluster.local"]),
    },
    fail: {
      does: "the dev role also allows example.com and IP SANs",
      edit: (s) => {
        const r = fx.resource(s, "vault-dev", "vault_pki_secret_backend_role", "pki_role_dev_cert");
        r.allowed_domains.push("example.com");
        delete r.allow_ip_sans;
      },
      expect: { resource: "vault-dev/vault_pki_secret_backend_role.pki_role_dev_cert", message: "role dev-cert allows IP SANs (allow_ip_sans unset: the provider's default is true); domains outside svc and svc.cluster.local: example.com" },
    },
  },
};
