import type { Check } from "../types";
import { asList, fx, K } from "../util";

const SETTINGS = ["x_forwarded_for_authorized_addrs", "proxy_protocol_authorized_addrs"];

/** Prefix length of an address or CIDR (an address alone is one host), and whether it is IPv6. */
function prefix(cidr: string): { v6: boolean; bits: number } {
  const [address, bits] = cidr.trim().split("/");
  const v6 = address.includes(":");
  return { v6, bits: bits === undefined ? (v6 ? 128 : 32) : Number(bits) };
}

/**
 * Vault trusts the client address that a peer in these lists names (X-Forwarded-For, PROXY
 * protocol): the audit log and CIDR-bound tokens then believe it. Only the load balancer's own
 * subnets belong there: at most a /16 (IPv4) or /48 (IPv6).
 */
export const forwardedClientAddress: Check = {
  id: "VEP-G29",
  severity: "error",
  title: "Only the load balancer's subnets may name the client address (x_forwarded_for_authorized_addrs, proxy_protocol_authorized_addrs: nothing wider than /16, or /48 for IPv6)",
  rationale: "A peer allowed to name the client address can put any address in the audit log and pass token_bound_cidrs and secret_id_bound_cidrs checks.",
  fix: "List the load balancer's subnets only (vault.forwardedClientAddress.proxyCidrs).",
  appliesTo: ["ConfigMap (vault.hcl listener)"],
  run(ctx) {
    const out: { resource: string; message: string }[] = [];
    for (const { m, key, hcl } of ctx.hclFiles()) {
      for (const l of hcl.listener?.tcp ?? []) {
        for (const setting of SETTINGS) {
          const cidrs = asList<string>(l[setting]).flatMap((v) => String(v).split(",")).map((c) => c.trim()).filter(Boolean);
          const wide = cidrs.filter((c) => {
            const p = prefix(c);
            return p.bits < (p.v6 ? 48 : 16);
          });
          if (wide.length > 0) out.push({ resource: m.key, message: `${key}: listener ${l.address} ${setting} admits ${wide.join(", ")}: peers there may name any client address` });
        }
      }
    }
    return out;
  },
  fixtures: {
    pass: {
      does: "the listener trusts X-Forwarded-For from one /16 (the load balancer's VPC range)",
      edit: (s) => void (fx.manifest(s, K.vaultConfig).data["vault.hcl"] = fx.manifest(s, K.vaultConfig).data["vault.hcl"].replace('tls_min_version = "tls12"\n', 'tls_min_version = "tls12"\n  x_forwarded_for_authorized_addrs = ["10.40.0.0/16"]\n')),
    },
    fail: {
      does: "the listener trusts X-Forwarded-For from 0.0.0.0/0",
      edit: (s) => void (fx.manifest(s, K.vaultConfig).data["vault.hcl"] = fx.manifest(s, K.vaultConfig).data["vault.hcl"].replace('tls_min_version = "tls12"\n', 'tls_min_version = "tls12"\n  x_forwarded_for_authorized_addrs = "10.40.0.0/16,0.0.0.0/0"\n')),
      expect: { resource: K.vaultConfig, message: 'vault.hcl: listener [::]:8200 x_forwarded_for_authorized_addrs admits 0.0.0.0/0: peers there may name any client address' },
    },
  },
};
