import { ipBlockAdmits } from "./cidr";
import { namespaceLabels, selectorMatches } from "./selectors";
import type { ClusterNetwork, Direction, Endpoint, Flow, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, NetworkPolicyRule, PodEndpoint, Protocol } from "./types";

/**
 * Kubernetes NetworkPolicy semantics (networking.k8s.io/v1):
 * - a pod is isolated for a direction only if some policy of its namespace selects it and has
 *   that policy type; a pod no policy isolates accepts / sends anything in that direction;
 * - policy types default to Ingress, plus Egress when the policy has egress rules;
 * - the policies that isolate a pod add up: a connection is allowed if any of their rules admits it;
 * - a connection needs both ends: egress allowed at the source and ingress at the destination;
 * - in a rule, an empty or missing from/to admits every peer and empty or missing ports every port;
 * - peers are ORed; within one peer, namespaceSelector and podSelector are ANDed; a podSelector
 *   alone means the policy's own namespace, a namespaceSelector alone every pod of those namespaces;
 * - ipBlock matches addresses outside the cluster network only, never pod IPs (traffic to a
 *   Service is DNATed to pod IPs first, so it is matched by the pods' selectors and target port);
 * - a port without protocol is TCP; a named port resolves against the destination pod's container
 *   ports (outside the cluster it matches nothing); endPort makes a range.
 */

export function policyTypes(p: NetworkPolicy): Direction[] {
  if (p.spec.policyTypes && p.spec.policyTypes.length > 0) return p.spec.policyTypes;
  return (p.spec.egress ?? []).length > 0 ? ["Ingress", "Egress"] : ["Ingress"];
}

export interface AppliedRule {
  policy: string;
  index: number;
  rule: NetworkPolicyRule;
}

/** What governs a pod in one direction: isolated or not, and every rule that may admit a connection. */
export interface PodDirectionRules {
  isolated: boolean;
  /** Policies isolating the pod in this direction. */
  policies: string[];
  rules: AppliedRule[];
}

export function selects(p: NetworkPolicy, pod: PodEndpoint): boolean {
  return p.metadata.namespace === pod.namespace && selectorMatches(p.spec.podSelector ?? {}, pod.labels);
}

/** Enumerates what the policy set allows a pod in one direction (the basis of "every allowed flow is needed"). */
export function rulesFor(cluster: ClusterNetwork, pod: PodEndpoint, direction: Direction): PodDirectionRules {
  const isolating = cluster.policies.filter((p) => selects(p, pod) && policyTypes(p).includes(direction));
  return {
    isolated: isolating.length > 0,
    policies: isolating.map((p) => `${p.metadata.namespace}/${p.metadata.name}`),
    rules: isolating.flatMap((p) =>
      ((direction === "Ingress" ? p.spec.ingress : p.spec.egress) ?? []).map((rule, index) => ({ policy: `${p.metadata.namespace}/${p.metadata.name}`, index, rule })),
    ),
  };
}

export function peerMatches(cluster: ClusterNetwork, peer: NetworkPolicyPeer, policyNamespace: string, other: Endpoint): boolean {
  if (peer.ipBlock) return other.kind === "external" && ipBlockAdmits(peer.ipBlock, other.cidr);
  if (other.kind !== "pod" || other.cluster !== cluster.name) return false;
  if (!peer.podSelector && !peer.namespaceSelector) return false;
  const namespaceOk = peer.namespaceSelector ? selectorMatches(peer.namespaceSelector, namespaceLabels(cluster.namespaceLabels, other.namespace)) : other.namespace === policyNamespace;
  return namespaceOk && selectorMatches(peer.podSelector ?? {}, other.labels);
}

export function portMatches(p: NetworkPolicyPort, port: number, protocol: Protocol, destination: Endpoint): boolean {
  if ((p.protocol ?? "TCP") !== protocol) return false;
  if (p.port === undefined) return true;
  if (typeof p.port === "string") {
    if (destination.kind !== "pod") return false;
    return (destination.ports ?? []).some((n) => n.name === p.port && n.protocol === protocol && n.port === port);
  }
  return port >= p.port && port <= (p.endPort ?? p.port);
}

export function ruleAdmits(cluster: ClusterNetwork, applied: { rule: NetworkPolicyRule; policyNamespace: string }, direction: Direction, flow: Flow): boolean {
  const peers = direction === "Ingress" ? applied.rule.from : applied.rule.to;
  const other = direction === "Ingress" ? flow.from : flow.to;
  const peerOk = !peers || peers.length === 0 || peers.some((peer) => peerMatches(cluster, peer, applied.policyNamespace, other));
  const ports = applied.rule.ports;
  const portOk = !ports || ports.length === 0 || ports.some((p) => portMatches(p, flow.port, flow.protocol, flow.to));
  return peerOk && portOk;
}

export type SideVerdict = { allowed: true; by: string } | { allowed: false; reason: string };

/** One end of a flow: egress at the source, or ingress at the destination. */
export function sideVerdict(cluster: ClusterNetwork, flow: Flow, direction: Direction): SideVerdict {
  const pod = direction === "Egress" ? flow.from : flow.to;
  if (pod.kind !== "pod") return { allowed: true, by: "outside the cluster network" };
  if (pod.cluster !== cluster.name) throw new Error(`${pod.name} is in cluster ${pod.cluster}, not ${cluster.name}`);
  const applied = rulesFor(cluster, pod, direction);
  if (!applied.isolated) return { allowed: true, by: `no policy isolates ${pod.name} for ${direction}` };
  const hit = applied.rules.find((r) => ruleAdmits(cluster, { rule: r.rule, policyNamespace: pod.namespace }, direction, flow));
  return hit
    ? { allowed: true, by: `${hit.policy} ${direction.toLowerCase()}[${hit.index}]` }
    : { allowed: false, reason: `${direction.toLowerCase()} of ${pod.name} is isolated by ${applied.policies.join(", ")} and no rule admits it` };
}

export interface FlowVerdict {
  allowed: boolean;
  egress: SideVerdict;
  ingress: SideVerdict;
}

export function evaluateFlow(cluster: ClusterNetwork, flow: Flow): FlowVerdict {
  const egress = sideVerdict(cluster, flow, "Egress");
  const ingress = sideVerdict(cluster, flow, "Ingress");
  return { allowed: egress.allowed && ingress.allowed, egress, ingress };
}

/** The cluster whose policies govern a flow (flows between two clusters go through addresses outside both). */
export function clusterOf(flow: Flow): string {
  const pod = [flow.from, flow.to].find((e): e is PodEndpoint => e.kind === "pod");
  if (!pod) throw new Error(`flow ${describeFlow(flow)} has no end inside a cluster`);
  if (flow.from.kind === "pod" && flow.to.kind === "pod" && flow.from.cluster !== flow.to.cluster) throw new Error(`flow ${describeFlow(flow)} joins two clusters`);
  return pod.cluster;
}

export function describeFlow(f: Flow): string {
  return `${f.from.name} -> ${f.to.name} ${f.port}/${f.protocol} (${f.purpose})`;
}
