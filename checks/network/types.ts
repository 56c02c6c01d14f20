/**
 * Plain data the network-flow check works on: Kubernetes NetworkPolicies as rendered (their
 * manifest shape), endpoints (pods of a cluster, or addresses outside every cluster) and flows.
 */

export type Protocol = "TCP" | "UDP" | "SCTP";
export type Direction = "Ingress" | "Egress";

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: "In" | "NotIn" | "Exists" | "DoesNotExist"; values?: string[] }[];
}

export interface NetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}

export interface NetworkPolicyPort {
  protocol?: Protocol;
  port?: number | string;
  endPort?: number;
}

export interface NetworkPolicyRule {
  from?: NetworkPolicyPeer[];
  to?: NetworkPolicyPeer[];
  ports?: NetworkPolicyPort[];
}

export interface NetworkPolicy {
  metadata: { name: string; namespace: string };
  spec: {
    podSelector: LabelSelector;
    policyTypes?: Direction[];
    ingress?: NetworkPolicyRule[];
    egress?: NetworkPolicyRule[];
  };
}

/** A container port a named NetworkPolicy port can resolve to. */
export interface NamedPort {
  name: string;
  port: number;
  protocol: Protocol;
}

export interface PodEndpoint {
  kind: "pod";
  cluster: string;
  namespace: string;
  labels: Record<string, string>;
  /** The pod's named container ports. */
  ports?: NamedPort[];
  /** For messages, e.g. "vault/vault (active)". */
  name: string;
}

/** Addresses outside the cluster network (never a pod IP). */
export interface ExternalEndpoint {
  kind: "external";
  cidr: string;
  name: string;
}

export type Endpoint = PodEndpoint | ExternalEndpoint;

export interface Flow {
  from: Endpoint;
  to: Endpoint;
  port: number;
  protocol: Protocol;
  /** Why the configuration needs it, e.g. "PostgreSQL connection dev-users". */
  purpose: string;
}

/** One cluster's policies and what its namespaces are labelled. */
export interface ClusterNetwork {
  name: string;
  policies: NetworkPolicy[];
  /** Labels of rendered Namespace objects; every namespace also carries kubernetes.io/metadata.name. */
  namespaceLabels: Record<string, Record<string, string>>;
}
