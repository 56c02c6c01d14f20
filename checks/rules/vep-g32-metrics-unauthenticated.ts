import type { Check } from "../types";
import { fx, K } from "../util";

/**
 * Info: the kit's deliberate choice, with its reason (README "Metrics stay unauthenticated"):
 * Prometheus cannot log in to Vault, and an authenticated scrape needs a long-lived Vault token in a
 * Kubernetes Secret, which VEP-G03 refuses.
 */
export const metricsUnauthenticated: Check = {
  id: "VEP-G32",
  severity: "info",
  title: "Vault's /v1/sys/metrics answers without a token (unauthenticated_metrics_access)",
  rationale: "Prometheus cannot log in to Vault, and an authenticated scrape needs a long-lived Vault token in a Kubernetes Secret, the weaker choice; metrics hold counts, timings and mount and role names, no secret values, and every client admitted to port 8200 can read them.",
  fix: "Nothing to change unless clients outside the NetworkPolicy's list reach port 8200 (vault.externalClientCidrs): then mind that they read the metrics too.",
  appliesTo: ["ConfigMap (vault.hcl listener telemetry)"],
  run(ctx) {
    const out: { resource: string; message: string }[] = [];
    for (const { m, key, hcl } of ctx.hclFiles()) {
      for (const l of hcl.listener?.tcp ?? []) {
        for (const t of l.telemetry ?? []) {
          if ([true, "true"].includes(t.unauthenticated_metrics_access)) out.push({ resource: m.key, message: `${key}: listener ${l.address} serves /v1/sys/metrics to every client it admits, without a token` });
        }
      }
    }
    return out;
  },
  fixtures: {
    pass: {
      does: "the listener requires a token for metrics (unauthenticated_metrics_access = false)",
      edit: (s) => void (fx.manifest(s, K.vaultConfig).data["vault.hcl"] = fx.manifest(s, K.vaultConfig).data["vault.hcl"].replace("unauthenticated_metrics_access = true", "unauthenticated_metrics_access = false")),
    },
    fail: {
      does: "none: the listener as rendered (the kit's stated choice)",
      edit: () => undefined,
      expect: { resource: K.vaultConfig, message: "vault.hcl: listener [::]:8200 serves /v1/sys/metrics to every client it admits, without a token" },
    },
  },
};
