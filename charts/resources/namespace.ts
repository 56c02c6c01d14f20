import { KubeNamespace } from "cdk8s-plus-28/lib/imports/k8s";
import type { Construct } from "constructs";

/** A namespace that enforces the "restricted" Pod Security Standard (and audits and warns on it). */
export function restrictedNamespace(scope: Construct, name: string, labels: Record<string, string> = {}, annotations: Record<string, string> = {}): KubeNamespace {
  return new KubeNamespace(scope, `namespace-${name}`, {
    metadata: {
      name,
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      labels: {
        ...labels,
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/warn": "restricted",
      },
    },
  });
}
