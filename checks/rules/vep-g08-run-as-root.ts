import type { Check } from "../types";
import { everyContainer, fx, K } from "../util";

/** Each container runs as non-root: runAsNonRoot true (container or pod) and no runAsUser 0. */
export const runAsRoot: Check = {
  id: "VEP-G08",
  severity: "error",
  title: "No container runs as root",
  rationale: "Root in a container is root on the node after one kernel or runtime escape; Pod Security restricted refuses it.",
  fix: "Set runAsNonRoot: true and a non-zero runAsUser on the pod or container.",
  appliesTo: ["StatefulSet", "Deployment", "DaemonSet", "Job", "CronJob", "Pod"],
  run(ctx) {
    return everyContainer(ctx).flatMap(({ m, podSpec, c, where }) => {
      const nonRoot = c.securityContext?.runAsNonRoot ?? podSpec.securityContext?.runAsNonRoot;
      const user = c.securityContext?.runAsUser ?? podSpec.securityContext?.runAsUser;
      if (user === 0) return [{ resource: m.key, message: `${where} runs as uid 0` }];
      return nonRoot === true ? [] : [{ resource: m.key, message: `${where} may run as root (runAsNonRoot is not true)` }];
    });
  },
  fixtures: {
    pass: { does: "runAsNonRoot set only at the pod level of the Vault StatefulSet", edit: (s) => void delete fx.container(s, K.statefulSet, "vault").securityContext.runAsNonRoot },
    fail: {
      does: "runAsNonRoot dropped from the pod and the vault container",
      edit: (s) => {
        delete fx.podSpec(s, K.statefulSet).securityContext.runAsNonRoot;
        delete fx.container(s, K.statefulSet, "vault").securityContext.runAsNonRoot;
      },
      expect: { resource: K.statefulSet, message: "container vault may run as root (runAsNonRoot is not true)" },
    },
  },
};
