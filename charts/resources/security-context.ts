import type { PodSecurityContext, SecurityContext } from "cdk8s-plus-28/lib/imports/k8s";

/** Pod-level fields of the "restricted" Pod Security Standard, for a fixed non-root identity. */
export function restrictedPodSecurityContext(uid: number, gid: number): PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: gid,
    fsGroup: gid,
    // Large volumes are not walked on every mount once their root has the right group.
    fsGroupChangePolicy: "OnRootMismatch",
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** Container-level fields of the "restricted" standard, with a read-only root filesystem. */
export const RESTRICTED_CONTAINER: SecurityContext = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
};
