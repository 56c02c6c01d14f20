import { compareStrings } from "../lib/compare";
import type { PlatformSpec } from "../spec/schema";
import { derivedAwsNames, iamEndpointHost, isLoopback, vclusterService } from "./names";

/**
 * The address book: where every host the platform's configuration names lives, from the spec.
 * A hostname is not an address, so Vault's egress (model/kubernetes/vault-server.ts) and the
 * network-flow check (checks/network/) both look hosts up here; a host missing from it is a finding.
 */

/** Where a host's traffic lands: addresses outside the cluster network, or pods of the primary cluster. */
export type Location =
  | { kind: "external"; cidrs: string[] }
  /** An in-cluster Service we do not render: traffic is DNATed to these pods, on targetPort. */
  | { kind: "pods"; namespace: string; labels: Record<string, string>; targetPort: number };

export interface AddressBook {
  primaryCluster: string;
  /** Host name -> location, sorted by host. Services rendered in dist/ are resolved from there instead. */
  hosts: Record<string, Location>;
  /** Cluster DNS (CoreDNS on EKS), in every cluster. */
  clusterDns: { namespace: string; labels: Record<string, string>; port: number };
  /** The EKS Pod Identity agent on each node (link-local), when that mode is on. */
  podIdentityAgent?: { cidrs: string[]; port: number };
  /** Region and DNS suffix of the AWS endpoints workloads call (STS for IRSA, S3, KMS). */
  aws: { region: string; dnsSuffix: string };
  /** Client workloads this kit does not render: the ESO controller (in every cluster) and Prometheus. */
  esoControllerNamespace: string;
  /** Where the Vault Secrets Operator's controller runs (vaultSecretsOperator.namespace). */
  vsoControllerNamespace: string;
  /** Where the Vault CSI provider runs (csiProvider.namespace): it calls Vault for pods mounting a SecretProviderClass. */
  csiProviderNamespace: string;
  prometheusNamespace: string;
  /** Namespaces the spec admits to Vault without a Vault role of their own (vault.allowedClientNamespaces). */
  declaredClientNamespaces: string[];
  /** Source addresses of traffic through vault.externalAddress (vault.externalClientCidrs). */
  externalClientCidrs: string[];
}

export const CLUSTER_DNS = { namespace: "kube-system", labels: { "k8s-app": "kube-dns" }, port: 53 } as const;
export const POD_IDENTITY_AGENT = { cidrs: ["169.254.170.23/32", "fd00:ec2::23/128"], port: 80 } as const;
/** The in-cluster name of the API server (a Service DNATed to the control-plane endpoints). */
export const IN_CLUSTER_API_HOST = "kubernetes.default.svc";

/** Where pods reach AWS APIs (KMS, STS, S3) and the Kubernetes API: the spec's CIDRs, else the VPC. */
export function awsApiCidrs(spec: PlatformSpec): string[] {
  return spec.network.awsApiCidrs ?? [spec.cluster.vpcCidr];
}

export function kubernetesApiCidrs(spec: PlatformSpec): string[] {
  return spec.network.kubernetesApiCidrs ?? [spec.cluster.vpcCidr];
}

/** IAM's only interface endpoint is in us-east-1; elsewhere the spec must say (rule VEP-S23). */
export function iamCidrs(spec: PlatformSpec): string[] {
  if (spec.network.iamCidrs) return spec.network.iamCidrs;
  return spec.aws.partition === "aws" && spec.aws.region === "us-east-1" ? awsApiCidrs(spec) : [];
}

export function awsDnsSuffix(spec: PlatformSpec): string {
  return spec.aws.partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
}

/** Regional AWS endpoint host, e.g. kms.eu-west-1.amazonaws.com. */
export function awsEndpointHost(spec: PlatformSpec, service: "kms" | "sts" | "s3"): string {
  return `${service}.${spec.aws.region}.${awsDnsSuffix(spec)}`;
}

export const hostOf = (url: string): string => new URL(url).hostname;
export const portOf = (url: string): number => Number(new URL(url).port || 443);

export function buildAddressBook(spec: PlatformSpec): AddressBook {
  const hosts = new Map<string, Location>();
  const external = (host: string, cidrs: string[] | undefined) => {
    if (!cidrs || cidrs.length === 0) return;
    const prev = hosts.get(host);
    const merged = new Set([...(prev?.kind === "external" ? prev.cidrs : []), ...cidrs]);
    hosts.set(host, { kind: "external", cidrs: [...merged].sort() });
  };

  const aws = awsApiCidrs(spec);
  for (const service of ["kms", "sts", "s3"] as const) external(awsEndpointHost(spec, service), aws);
  // The AWS CLI addresses S3 virtual-hosted style: <bucket>.s3.<region>.amazonaws.com.
  external(`${derivedAwsNames(spec).snapshotBucket}.${awsEndpointHost(spec, "s3")}`, aws);
  external(iamEndpointHost(spec.aws.partition), iamCidrs(spec));
  external(IN_CLUSTER_API_HOST, kubernetesApiCidrs(spec));

  for (const shared of spec.sharedServices) for (const endpoint of Object.values(shared.endpoints)) external(endpoint.host, endpoint.cidrs);
  const oidc = spec.vault.auth.oidc;
  if (oidc) external(hostOf(oidc.discoveryUrl), oidc.providerCidrs);
  if (spec.vault.externalAddress) external(hostOf(spec.vault.externalAddress), spec.vault.externalAddressCidrs);
  const socket = spec.vault.audit.socket;
  if (socket && !isLoopback(socket.address.replace(/:\d+$/, ""))) external(socket.address.replace(/:\d+$/, ""), socket.cidrs);

  for (const env of spec.environments) {
    const c = env.cluster;
    if (c.type === "eks") external(hostOf(c.apiServerUrl), c.apiServerCidrs);
    if (c.type === "vcluster") {
      const svc = vclusterService(c.apiServerUrl);
      if (svc) hosts.set(hostOf(c.apiServerUrl), { kind: "pods", namespace: svc.namespace, labels: c.podLabels ?? { app: "vcluster", release: svc.release }, targetPort: c.targetPort });
    }
  }

  return {
    primaryCluster: spec.cluster.name,
    hosts: Object.fromEntries([...hosts.entries()].sort(([a], [b]) => compareStrings(a, b))),
    clusterDns: { ...CLUSTER_DNS, labels: { ...CLUSTER_DNS.labels } },
    ...(spec.workloadIdentity === "pod-identity" ? { podIdentityAgent: { cidrs: [...POD_IDENTITY_AGENT.cidrs], port: POD_IDENTITY_AGENT.port } } : {}),
    aws: { region: spec.aws.region, dnsSuffix: awsDnsSuffix(spec) },
    esoControllerNamespace: spec.externalSecrets.namespace,
    vsoControllerNamespace: spec.vaultSecretsOperator.namespace,
    csiProviderNamespace: spec.csiProvider.namespace,
    prometheusNamespace: spec.monitoring.namespace,
    declaredClientNamespaces: [...spec.vault.allowedClientNamespaces].sort(),
    externalClientCidrs: [...(spec.vault.externalClientCidrs ?? [])].sort(),
  };
}
