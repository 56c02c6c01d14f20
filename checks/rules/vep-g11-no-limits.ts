import type { Check } from "../types";
import { everyContainer, fx, K } from "../util";

export const noLimits: Check = {
  id: "VEP-G11",
  severity: "error",
  title: "Every container has CPU and memory limits",
  rationale: "A container without limits can starve Vault or its node; Vault's pods run Guaranteed (requests = limits).",
  fix: "Set resources.limits.cpu and resources.limits.memory (and requests).",
  appliesTo: ["StatefulSet", "Deployment", "DaemonSet", "Job", "CronJob", "Pod"],
  run(ctx) {
    return everyContainer(ctx).flatMap(({ m, c, where }) =>
      (["cpu", "memory"] as const).filter((r) => c.resources?.limits?.[r] === undefined).map((r) => ({ resource: m.key, message: `${where} has no ${r} limit` })),
    );
  },
  fixtures: {
    pass: { does: "limits above requests on the probe", edit: (s) => void (fx.container(s, K.probe, "blackbox-exporter").resources.limits.cpu = "1") },
    fail: {
      does: "the housekeeping sidecar loses its memory limit",
      edit: (s) => void delete fx.container(s, K.statefulSet, "housekeeping").resources.limits.memory,
      expect: { resource: K.statefulSet, message: "container housekeeping has no memory limit" },
    },
  },
};
