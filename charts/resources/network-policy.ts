import { IntOrString, KubeNetworkPolicy, type NetworkPolicyEgressRule, type NetworkPolicyIngressRule, type NetworkPolicyPeer, type NetworkPolicyPort } from "cdk8s-plus-28/lib/imports/k8s";
import type { Construct } from "constructs";
import type { EgressRule, NetworkPeer } from "../../model/kubernetes/types";

/** Small builders for NetworkPolicies; every policy states both policy types explicitly. */

export const tcp = (...ports: number[]): NetworkPolicyPort[] => ports.map((port) => ({ protocol: "TCP", port: IntOrString.fromNumber(port) }));

export const inNamespaces = (names: string[]): NetworkPolicyPeer => ({
  namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: [...names].sort() }] },
});

export const podsInNamespace = (namespace: string, labels: Record<string, string>): NetworkPolicyPeer => ({
  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } },
  podSelector: { matchLabels: labels },
});

export const pods = (labels: Record<string, string>): NetworkPolicyPeer => ({ podSelector: { matchLabels: labels } });

export const cidrs = (blocks: string[]): NetworkPolicyPeer[] => blocks.map((cidr) => ({ ipBlock: { cidr } }));

/** A model peer as a NetworkPolicy peer (a pods peer names its namespace: both selectors in one peer, ANDed). */
export const peer = (p: NetworkPeer): NetworkPolicyPeer => (p.kind === "cidr" ? { ipBlock: { cidr: p.cidr } } : podsInNamespace(p.namespace, p.labels));

export const egressRule = (r: EgressRule): NetworkPolicyEgressRule => ({
  to: r.peers.map(peer),
  ports: r.ports.map((p) => ({ protocol: p.protocol, port: IntOrString.fromNumber(p.port) })),
});

/** Cluster DNS (CoreDNS in kube-system), UDP and TCP 53. */
export const DNS_EGRESS: NetworkPolicyEgressRule = {
  to: [podsInNamespace("kube-system", { "k8s-app": "kube-dns" })],
  ports: [
    { protocol: "UDP", port: IntOrString.fromNumber(53) },
    { protocol: "TCP", port: IntOrString.fromNumber(53) },
  ],
};

export interface NetworkPolicySpec {
  namespace: string;
  name: string;
  /** Pods the policy applies to; {} selects every pod of the namespace. */
  podLabels: Record<string, string>;
  ingress?: NetworkPolicyIngressRule[];
  egress?: NetworkPolicyEgressRule[];
}

export function networkPolicy(scope: Construct, p: NetworkPolicySpec): KubeNetworkPolicy {
  return new KubeNetworkPolicy(scope, `networkpolicy-${p.namespace}-${p.name}`, {
    metadata: { name: p.name, namespace: p.namespace },
    spec: {
      podSelector: Object.keys(p.podLabels).length > 0 ? { matchLabels: p.podLabels } : {},
      policyTypes: ["Ingress", "Egress"],
      ingress: p.ingress ?? [],
      egress: p.egress ?? [],
    },
  });
}

/** Nothing in, nothing out, for every pod of the namespace; other policies open what is needed. */
export function defaultDeny(scope: Construct, namespace: string): KubeNetworkPolicy {
  return networkPolicy(scope, { namespace, name: "default-deny-all", podLabels: {} });
}
