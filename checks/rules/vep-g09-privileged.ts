import type { Check } from "../types";
import { everyContainer, fx, K } from "../util";

/** No privileged container, no privilege escalation, no added capabilities beyond NET_BIND_SERVICE. */
export const privileged: Check = {
  id: "VEP-G09",
  severity: "error",
  title: "No privileged container and no privilege escalation",
  rationale: "A privileged container owns the node; allowPrivilegeEscalation lets setuid binaries gain root; both are refused by Pod Security restricted.",
  fix: "privileged: false (or absent), allowPrivilegeEscalation: false, capabilities drop ALL.",
  appliesTo: ["StatefulSet", "Deployment", "DaemonSet", "Job", "CronJob", "Pod"],
  run(ctx) {
    return everyContainer(ctx).flatMap(({ m, c, where }) => {
      const sc = c.securityContext ?? {};
      const out = [];
      if (sc.privileged === true) out.push({ resource: m.key, message: `${where} is privileged` });
      if (sc.allowPrivilegeEscalation !== false) out.push({ resource: m.key, message: `${where} allows privilege escalation (allowPrivilegeEscalation is not false)` });
      const added = (sc.capabilities?.add ?? []).filter((cap: string) => cap !== "NET_BIND_SERVICE");
      if (added.length > 0) out.push({ resource: m.key, message: `${where} adds capabilities ${added.join(", ")}` });
      if (!(sc.capabilities?.drop ?? []).includes("ALL")) out.push({ resource: m.key, message: `${where} does not drop ALL capabilities` });
      return out;
    });
  },
  fixtures: {
    pass: { does: "the probe adds NET_BIND_SERVICE only", edit: (s) => void (fx.container(s, K.probe, "blackbox-exporter").securityContext.capabilities.add = ["NET_BIND_SERVICE"]) },
    fail: {
      does: "the vault container becomes privileged",
      edit: (s) => void (fx.container(s, K.statefulSet, "vault").securityContext.privileged = true),
      expect: { resource: K.statefulSet, message: "container vault is privileged" },
    },
  },
};
