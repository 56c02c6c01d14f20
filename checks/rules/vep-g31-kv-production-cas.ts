import type { Check } from "../types";
import { environments } from "../output";
import { fx } from "../util";

/** The environment a KV path below the mount belongs to: apps/<env>/..., shared-services/<service>/<env>. */
function environmentOf(path: string): string | undefined {
  return /^apps\/([^/]+)\//.exec(path)?.[1] ?? /^shared-services\/[^/]+\/([^/]+)$/.exec(path)?.[1];
}

export const kvProductionCas: Check = {
  id: "VEP-G31",
  severity: "warning",
  title: "Production KV secrets require check-and-set (cas_required)",
  rationale: "Without check-and-set two writers overwrite each other silently; in production a lost rotation is an outage or a secret left live.",
  fix: "Leave environments[].casRequired unset for production (it defaults to true there) or set it true.",
  appliesTo: ["vault_generic_endpoint (KV metadata)", "vault_kv_secret_backend_v2"],
  run(ctx) {
    const production = new Set(environments(ctx).filter((e) => e.production).map((e) => e.name));
    const out: { resource: string; message: string }[] = [];
    for (const mount of ctx.resources("vault_mount").filter((m) => m.value.type === "kv" || m.value.type === "kv-v2")) {
      const path = String(mount.value.path);
      const config = ctx.resources("vault_kv_secret_backend_v2").find((c) => ctx.referenced(c.value.mount)?.name === mount.name || c.value.mount === path);
      for (const e of ctx.resources("vault_generic_endpoint").filter((g) => String(g.value.path).startsWith(`${path}/metadata/`))) {
        const below = String(e.value.path).slice(path.length + "/metadata/".length);
        const env = environmentOf(below);
        if (!env || !production.has(env)) continue;
        const own = JSON.parse(String(e.value.data_json ?? "{}")).cas_required;
        const cas = own ?? config?.value.cas_required ?? false;
        if (cas !== true) out.push({ resource: e.resource, message: `production secret ${path}/${below} does not require check-and-set (cas_required ${own === undefined ? `unset, mount default ${config?.value.cas_required ?? "false"}` : own})` });
      }
    }
    return out;
  },
  fixtures: {
    pass: {
      does: "a production secret leaves cas_required to the mount, which requires it",
      edit: (s) => {
        fx.editJson(fx.resource(s, "vault-production", "vault_generic_endpoint", "kv_metadata_apps__production__payment_service__stripe"), "data_json", (d) => void delete d.cas_required);
        fx.resource(s, "vault-core", "vault_kv_secret_backend_v2", "kv_config").cas_required = true;
      },
    },
    fail: {
      does: "a production secret's cas_required set to false",
      edit: (s) => fx.editJson(fx.resource(s, "vault-production", "vault_generic_endpoint", "kv_metadata_apps__production__payment_service__stripe"), "data_json", (d) => void (d.cas_required = false)),
      expect: { resource: "vault-production/vault_generic_endpoint.kv_metadata_apps__production__payment_service__stripe", message: "production secret secret/apps/production/payment-service/stripe does not require check-and-set (cas_required false)" },
    },
  },
};
