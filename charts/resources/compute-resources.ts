import { Quantity, type ResourceRequirements } from "cdk8s-plus-28/lib/imports/k8s";

/** Requests equal to limits: the Guaranteed QoS class (last to be evicted, no CPU overcommit). */
export function guaranteed(r: { cpu: string; memory: string }): ResourceRequirements {
  const amounts = { cpu: Quantity.fromString(r.cpu), memory: Quantity.fromString(r.memory) };
  return { requests: amounts, limits: { ...amounts } };
}
