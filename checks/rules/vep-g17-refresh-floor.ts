import type { Check } from "../types";
import { fx, goDurationSeconds, K } from "../util";

/**
 * ExternalSecret refresh intervals at or above the spec's floor (externalSecrets.minRefreshInterval).
 * "0" never refreshes: wrong for generated (dynamic) credentials, which expire.
 */
export const refreshFloor: Check = {
  id: "VEP-G17",
  severity: "error",
  title: "ExternalSecret refresh intervals respect externalSecrets.minRefreshInterval",
  rationale: "Every refresh is a Vault login and read per ExternalSecret: a short interval across many services floods Vault and its audit log.",
  fix: "Raise the interval (externalSecrets.refreshInterval, or the credential TTL it derives from), or lower externalSecrets.minRefreshInterval on purpose.",
  appliesTo: ["ExternalSecret"],
  run(ctx) {
    const floor = ctx.model.checks.minRefreshIntervalSeconds;
    const out: { resource: string; message: string }[] = [];
    for (const m of ctx.manifests("ExternalSecret")) {
      const text = String(m.obj.spec?.refreshInterval ?? "1h");
      const seconds = goDurationSeconds(text);
      const generated = (m.obj.spec?.dataFrom ?? []).some((d: { sourceRef?: { generatorRef?: unknown } }) => d.sourceRef?.generatorRef);
      if (seconds === 0) {
        if (generated) out.push({ resource: m.key, message: "refreshInterval 0 never refreshes generated credentials, which expire" });
      } else if (seconds < floor) out.push({ resource: m.key, message: `refreshInterval ${text} is below the floor of ${floor}s (externalSecrets.minRefreshInterval)` });
    }
    return out;
  },
  fixtures: {
    pass: { does: "refreshInterval exactly the 5m floor", edit: (s) => void (fx.manifest(s, K.stripeDev).spec.refreshInterval = "5m0s") },
    fail: {
      does: "refreshInterval 30s",
      edit: (s) => void (fx.manifest(s, K.stripeDev).spec.refreshInterval = "30s"),
      expect: { resource: K.stripeDev, message: "refreshInterval 30s is below the floor of 300s (externalSecrets.minRefreshInterval)" },
    },
  },
};
