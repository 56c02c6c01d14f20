import type { NetworkPolicyEgressRule, NetworkPolicyIngressRule } from "cdk8s-plus-28/lib/imports/k8s";
import type { Construct } from "constructs";
import type { AwsModel } from "../../model/aws";
import type { SnapshotJobModel, VaultServerModel } from "../../model/kubernetes/types";
import { POD_IDENTITY_AGENT } from "../../model/network";
import { cidrs, DNS_EGRESS, egressRule, inNamespaces, networkPolicy, pods, tcp } from "../resources/network-policy";
import { SNAPSHOT_POD_LABELS, VAULT_POD_LABELS, VAULT_PORTS } from "./pods";

const API = VAULT_PORTS.api.port;
const CLUSTER = VAULT_PORTS.cluster.port;

/** The EKS Pod Identity agent (node-local, link-local address) hands out the role's credentials. */
export function workloadIdentityEgress(aws: Pick<AwsModel, "workloadIdentity">): NetworkPolicyEgressRule[] {
  return aws.workloadIdentity === "pod-identity" ? [{ to: cidrs([...POD_IDENTITY_AGENT.cidrs]), ports: tcp(POD_IDENTITY_AGENT.port) }] : [];
}

/** 443 to the given CIDRs, once per distinct CIDR. */
export const https = (blocks: string[]): NetworkPolicyEgressRule => ({ to: cidrs([...new Set(blocks)].sort()), ports: tcp(443) });

/**
 * The Vault pods: clients on 8200 from the allowed namespaces and the declared external CIDRs,
 * the snapshot job and the certificate probe on 8200, raft and request forwarding between peers; out only to DNS, the
 * peers and what the model derived from Vault's own configuration (Kubernetes API, AWS APIs,
 * databases, identity provider, dedicated API servers, ...).
 */
export function vaultServerPolicy(scope: Construct, vault: VaultServerModel): void {
  const peers = pods({ ...VAULT_POD_LABELS });
  const ingress: NetworkPolicyIngressRule[] = [
    { from: [inNamespaces(vault.clientNamespaces)], ports: tcp(API) },
    ...vault.clientPods.map((c) => ({ from: [pods(c.labels)], ports: tcp(API) })),
    { from: [peers], ports: tcp(API, CLUSTER) },
  ];
  if (vault.externalClientCidrs.length > 0) ingress.push({ from: cidrs(vault.externalClientCidrs), ports: tcp(API) });
  networkPolicy(scope, {
    namespace: vault.namespace,
    name: "vault-server",
    podLabels: { ...VAULT_POD_LABELS },
    ingress,
    egress: [DNS_EGRESS, { to: [peers], ports: tcp(API, CLUSTER) }, ...vault.egress.map(egressRule)],
  });
}

/** The snapshot job: nothing in; out to DNS, Vault's API and AWS APIs (S3, STS). */
export function snapshotPolicy(scope: Construct, job: SnapshotJobModel, aws: Pick<AwsModel, "workloadIdentity">): void {
  networkPolicy(scope, {
    namespace: job.namespace,
    name: "vault-snapshot",
    podLabels: { ...SNAPSHOT_POD_LABELS },
    ingress: [],
    egress: [DNS_EGRESS, { to: [pods({ ...VAULT_POD_LABELS })], ports: tcp(API) }, https(job.awsApiCidrs), ...workloadIdentityEgress(aws)],
  });
}
