import type { Check } from "../types";
import { everyContainer, fx, K } from "../util";

export const writableRoot: Check = {
  id: "VEP-G10",
  severity: "error",
  title: "Every container's root filesystem is read-only",
  rationale: "A writable root lets an intruder drop tools and persist changes to the image's binaries for the pod's life.",
  fix: "readOnlyRootFilesystem: true, with emptyDir volumes for the paths the process writes (/tmp, home).",
  appliesTo: ["StatefulSet", "Deployment", "DaemonSet", "Job", "CronJob", "Pod"],
  run(ctx) {
    return everyContainer(ctx)
      .filter(({ c }) => c.securityContext?.readOnlyRootFilesystem !== true)
      .map(({ m, where }) => ({ resource: m.key, message: `${where} has a writable root filesystem` }));
  },
  fixtures: {
    pass: { does: "the snapshot job writes only to its emptyDir volumes", edit: (s) => void fx.container(s, K.snapshotJob, "upload") },
    fail: {
      does: "the snapshot upload container's root filesystem made writable",
      edit: (s) => void (fx.container(s, K.snapshotJob, "upload").securityContext.readOnlyRootFilesystem = false),
      expect: { resource: K.snapshotJob, message: "container upload has a writable root filesystem" },
    },
  },
};
