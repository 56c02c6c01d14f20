import type { AddressBook } from "../../model/network";
import { iamEndpointHost, isLoopback } from "../../model/names";
import { vaultResources } from "../../lib/synthesis";
import { describeFlow } from "./evaluate";
import { containersOf, Inventory, type Obj, type SynthesizedPlatform, type Workload } from "./inventory";
import type { Endpoint, Flow, PodEndpoint, Protocol } from "./types";

/**
 * Every network flow the synthesized configuration needs, read from what was rendered: the Vault
 * pods' vault.hcl and the Vault stack (databases, identity provider, AWS auth, API servers, audit
 * socket), every workload's Vault address, S3 target and AWS credentials, the ESO stores and
 * generators, the ServiceMonitors, the Vault auth roles' direct-login clients, AppRole CIDRs and
 * the declared external clients. Hosts are placed with the rendered Services and the address book;
 * a destination with no known location is a finding.
 */

export interface DerivedFlows {
  flows: Flow[];
  findings: string[];
}

/** Collects needed flows; adding one is a single call. */
export class NeededFlows {
  readonly flows: Flow[] = [];
  readonly findings: string[] = [];
  private readonly seen = new Set<string>();

  constructor(readonly inventory: Inventory) {}

  to(from: Endpoint, to: Endpoint, port: number, purpose: string, protocol: Protocol = "TCP"): void {
    const flow: Flow = { from, to, port, protocol, purpose };
    const key = describeFlow(flow);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.flows.push(flow);
  }

  /** From a pod to whatever host:port resolves to. */
  toHost(from: PodEndpoint, host: string, port: number, purpose: string, protocol: Protocol = "TCP"): void {
    if (isLoopback(host)) return;
    const resolved = this.inventory.resolve(from.cluster, from.namespace, host, port);
    if (typeof resolved === "string") return void this.findings.push(`${from.name}: ${purpose}: ${resolved}`);
    for (const r of resolved) for (const to of r.endpoints) this.to(from, to, r.port, purpose, protocol);
  }

  toUrl(from: PodEndpoint, url: string, purpose: string): void {
    const u = new URL(url.replace(/\$\(([A-Z_]+)\)/g, "x"));
    this.toHost(from, u.hostname, Number(u.port || (u.protocol === "http:" ? 80 : 443)), purpose);
  }

  dns(from: PodEndpoint): void {
    const { namespace, labels, port } = this.inventory.book.clusterDns;
    const to: PodEndpoint = { kind: "pod", cluster: from.cluster, namespace, labels, name: `${from.cluster}:${namespace} cluster DNS` };
    for (const protocol of ["UDP", "TCP"] as const) this.to(from, to, port, "DNS", protocol);
  }
}

const resources = (stack: Obj, type: string): [string, Obj][] => Object.entries(stack?.resource?.[type] ?? {});
/** `${vault_auth_backend.x.path}` -> the resource it names. */
const referenced = (stack: Obj, ref: string): Obj | undefined => {
  const m = /^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.[a-z_]+\}$/.exec(String(ref));
  return m ? stack?.resource?.[m[1]]?.[m[2]] : undefined;
};
/** A backend argument as a mount path: a reference in the stack that owns the mount, the literal path in an environment's stack. */
const mountPath = (stack: Obj, backend: unknown): string => {
  const target = referenced(stack, String(backend));
  return String(target ? target.path : backend);
};

function clientPods(cluster: string, namespace: string, who: string): PodEndpoint {
  return { kind: "pod", cluster, namespace, labels: {}, name: `${cluster}:${namespace} ${who}` };
}

export function deriveFlows(platform: SynthesizedPlatform, book: AddressBook): DerivedFlows {
  const inv = new Inventory(platform, book);
  const need = new NeededFlows(inv);
  const vaultStack = vaultResources(platform.stacks);
  const awsStack = platform.stacks.aws ?? {};
  const awsHost = (service: string) => `${service}.${book.aws.region}.${book.aws.dnsSuffix}`;

  const vaultWorkloads = inv.workloads.filter((w) => inv.vaultConfig(w.cluster, w.namespace, w.podSpec));
  const primaryVault = vaultWorkloads.find((w) => w.cluster === book.primaryCluster);
  if (!primaryVault) need.findings.push(`no Vault server (a workload mounting vault.hcl) rendered in ${book.primaryCluster}`);
  const listenerPort = primaryVault ? Number(/:(\d+)$/.exec(String(inv.vaultConfig(primaryVault.cluster, primaryVault.namespace, primaryVault.podSpec).listener?.tcp?.[0]?.address))?.[1] ?? 8200) : 8200;

  // Workload identity: the pod's service account is annotated for IRSA, or associated for Pod Identity.
  const awsCredentials = (pod: PodEndpoint, serviceAccount: string) => {
    if (inv.serviceAccount(pod.cluster, pod.namespace, serviceAccount)?.annotations["eks.amazonaws.com/role-arn"]) need.toHost(pod, awsHost("sts"), 443, "STS: IRSA web identity credentials");
    const associated = resources(awsStack, "aws_eks_pod_identity_association").some(([, a]) => a.namespace === pod.namespace && a.service_account === serviceAccount);
    if (associated && pod.cluster === book.primaryCluster) {
      if (!book.podIdentityAgent) need.findings.push(`${pod.name}: a Pod Identity association exists but the address book has no agent`);
      else for (const cidr of book.podIdentityAgent.cidrs) need.to(pod, { kind: "external", cidr, name: `EKS Pod Identity agent (${cidr})` }, book.podIdentityAgent.port, "EKS Pod Identity credentials");
    }
  };

  // Every rendered workload: DNS, the Vault address it calls, the S3 bucket it writes, its AWS credentials.
  for (const w of inv.workloads) {
    for (const pod of w.pods) {
      need.dns(pod);
      awsCredentials(pod, w.serviceAccount);
      for (const c of containersOf(w.podSpec)) {
        const env = new Map<string, string>((c.env ?? []).filter((e: Obj) => typeof e.value === "string").map((e: Obj) => [e.name, e.value]));
        const vaultAddr = env.get("VAULT_ADDR");
        if (vaultAddr) need.toUrl(pod, vaultAddr, "Vault API (VAULT_ADDR)");
        const region = env.get("AWS_REGION") ?? book.aws.region;
        for (const arg of [...(c.command ?? []), ...(c.args ?? [])]) {
          for (const m of String(arg).matchAll(/s3:\/\/([a-z0-9.-]+)\//g)) need.toHost(pod, `${m[1]}.s3.${region}.${book.aws.dnsSuffix}`, 443, "S3 upload");
        }
      }
    }
  }

  // The Vault servers: peers, seal, service registration (vault.hcl and the pod's cluster address).
  for (const w of vaultWorkloads) {
    const hcl = inv.vaultConfig(w.cluster, w.namespace, w.podSpec);
    for (const pod of w.pods) {
      for (const raft of hcl.storage?.raft ?? []) for (const j of raft.retry_join ?? []) need.toUrl(pod, j.leader_api_addr, "raft: retry_join");
      for (const c of containersOf(w.podSpec)) {
        const clusterAddr = (c.env ?? []).find((e: Obj) => e.name === "VAULT_CLUSTER_ADDR")?.value;
        if (clusterAddr) need.toUrl(pod, clusterAddr.replace("$(HOSTNAME)", `${w.name}-0`), "raft and request forwarding (cluster_addr)");
      }
      for (const seal of hcl.seal?.awskms ?? []) need.toHost(pod, seal.endpoint ? new URL(seal.endpoint).hostname : `kms.${seal.region}.${book.aws.dnsSuffix}`, 443, "KMS: auto-unseal");
      if (hcl.service_registration?.kubernetes) need.toHost(pod, "kubernetes.default.svc", 443, "Kubernetes API: service registration");
    }
  }

  // What the Vault stack configures Vault to connect to.
  const fromVault = (host: string, port: number, purpose: string) => {
    for (const pod of primaryVault?.pods ?? []) need.toHost(pod, host, port, purpose);
  };
  for (const [, c] of resources(vaultStack, "vault_database_secret_backend_connection")) {
    const url = c.postgresql?.connection_url;
    const m = /@([^/:?]+):(\d+)/.exec(String(url));
    if (m) fromVault(m[1], Number(m[2]), `PostgreSQL connection ${c.name}`);
    else need.findings.push(`database connection ${c.name}: no host:port in ${String(url)}`);
  }
  for (const [, j] of resources(vaultStack, "vault_jwt_auth_backend")) {
    for (const url of [j.oidc_discovery_url, j.jwks_url].filter(Boolean)) fromVault(new URL(url).hostname, Number(new URL(url).port || 443), `${j.type ?? "jwt"} auth ${j.path}: identity provider`);
  }
  for (const [, k] of resources(vaultStack, "vault_kubernetes_auth_backend_config")) {
    fromVault(new URL(k.kubernetes_host).hostname, Number(new URL(k.kubernetes_host).port || 443), `Kubernetes auth ${referenced(vaultStack, k.backend)?.path}: token reviews`);
  }
  const awsRoles = resources(vaultStack, "vault_aws_auth_backend_role").map(([, r]) => r);
  for (const [, client] of resources(vaultStack, "vault_aws_auth_backend_client")) {
    if (client.sts_endpoint) fromVault(new URL(client.sts_endpoint).hostname, 443, "AWS auth: STS");
    // Unset iam_endpoint: the SDK's global IAM endpoint of the bound ARN's partition; called to resolve
    // bound roles to unique ids when a role is written (resolve_aws_unique_ids, default true).
    for (const r of awsRoles.filter((r) => r.auth_type === "iam" && r.resolve_aws_unique_ids !== false)) {
      for (const arn of r.bound_iam_principal_arns ?? []) {
        const host = client.iam_endpoint ? new URL(client.iam_endpoint).hostname : iamEndpointHost(String(arn).split(":")[1]);
        fromVault(host, 443, "AWS auth: IAM resolves bound roles");
      }
    }
  }
  for (const [, a] of resources(vaultStack, "vault_audit")) {
    if (a.type === "socket" && a.options?.address) fromVault(String(a.options.address).replace(/:\d+$/, ""), Number(/:(\d+)$/.exec(a.options.address)?.[1]), "socket audit device");
  }

  // ESO: the controller calls each store's and generator's server, with tokens of their service accounts.
  const esoAccounts = new Set<string>();
  const vaultAddressIn = new Map<string, string>();
  for (const [cluster, objects] of Object.entries(platform.clusters)) {
    for (const o of objects) {
      const provider = o.kind === "VaultDynamicSecret" ? o.spec?.provider : ["SecretStore", "ClusterSecretStore"].includes(o.kind) ? o.spec?.provider?.vault : undefined;
      if (!provider?.server) continue;
      const ref = provider.auth?.kubernetes?.serviceAccountRef;
      if (ref) esoAccounts.add(`${cluster}/${ref.namespace ?? o.metadata.namespace}/${ref.name}`);
      vaultAddressIn.set(cluster, vaultAddressIn.get(cluster) ?? provider.server);
      const controller = clientPods(cluster, book.esoControllerNamespace, "External Secrets controller");
      need.dns(controller);
      need.toUrl(controller, provider.server, `ESO ${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`);
    }
  }

  // VSO: the controller calls each VaultConnection's address, logging in with tokens of the VaultAuths' service accounts.
  for (const [cluster, objects] of Object.entries(platform.clusters)) {
    for (const o of objects.filter((x) => x.kind === "VaultConnection" && String(x.apiVersion).startsWith("secrets.hashicorp.com/"))) {
      const controller = clientPods(cluster, book.vsoControllerNamespace, "Vault Secrets Operator controller");
      need.dns(controller);
      need.toUrl(controller, o.spec?.address, `VSO VaultConnection ${o.metadata.namespace}/${o.metadata.name}`);
    }
    for (const o of objects.filter((x) => x.kind === "VaultAuth" && String(x.apiVersion).startsWith("secrets.hashicorp.com/"))) {
      if (o.spec?.kubernetes?.serviceAccount) esoAccounts.add(`${cluster}/${o.metadata.namespace}/${o.spec.kubernetes.serviceAccount}`);
    }
  }

  // The Vault CSI provider (one pod per node) calls each vault SecretProviderClass's vaultAddress for the pods mounting it.
  for (const [cluster, objects] of Object.entries(platform.clusters)) {
    for (const o of objects.filter((x) => x.kind === "SecretProviderClass" && x.spec?.provider === "vault")) {
      const provider = clientPods(cluster, book.csiProviderNamespace, "Vault CSI provider");
      need.dns(provider);
      need.toUrl(provider, o.spec?.parameters?.vaultAddress, `SecretProviderClass ${o.metadata.namespace}/${o.metadata.name}`);
    }
  }

  // Prometheus scrapes what each ServiceMonitor selects, on the named Service port's target.
  for (const [cluster, objects] of Object.entries(platform.clusters)) {
    for (const sm of objects.filter((o) => o.kind === "ServiceMonitor")) {
      const namespaces: string[] = sm.spec?.namespaceSelector?.matchNames ?? [sm.metadata.namespace];
      const prometheus = clientPods(cluster, book.prometheusNamespace, "Prometheus");
      const services = inv.services.filter((s) => s.cluster === cluster && namespaces.includes(s.namespace) && Object.entries(sm.spec?.selector?.matchLabels ?? {}).every(([k, v]) => platform.clusters[cluster].find((o) => o.kind === "Service" && o.metadata.name === s.name && o.metadata.namespace === s.namespace)?.metadata.labels?.[k] === v));
      if (services.length === 0) need.findings.push(`ServiceMonitor ${sm.metadata.namespace}/${sm.metadata.name} selects no rendered Service`);
      for (const svc of services) {
        for (const ep of sm.spec?.endpoints ?? []) {
          const sp = svc.ports.find((p) => p.name === ep.port);
          if (!sp) need.findings.push(`ServiceMonitor ${sm.metadata.name}: Service ${svc.name} has no port ${ep.port}`);
          for (const pod of inv.podsSelectedBy(cluster, svc.namespace, svc.selector)) {
            const port = typeof sp?.targetPort === "number" ? sp.targetPort : pod.ports?.find((n) => n.name === sp?.targetPort)?.port;
            if (port) need.to(prometheus, pod, port, `metrics scrape (ServiceMonitor ${sm.metadata.name})`);
            // The multi-target exporter pattern: the scraped exporter connects to each `target` param.
            for (const target of ep.params?.target ?? []) {
              const [host, targetPort] = String(target).split(":");
              need.toHost(pod, host, Number(targetPort), `probe target of ServiceMonitor ${sm.metadata.name}`);
            }
          }
        }
      }
    }
  }

  // Clients that log in themselves: they reach Vault at the address their cluster's stores use.
  const loginFlows = (cluster: string, namespace: string, who: string, serviceAccount?: string) => {
    const pod = clientPods(cluster, namespace, who);
    const address = vaultAddressIn.get(cluster);
    if (!address) return void need.findings.push(`${pod.name}: no Vault address known in cluster ${cluster}`);
    need.dns(pod);
    need.toUrl(pod, address, `Vault login (${who})`);
    if (serviceAccount) awsCredentials(pod, serviceAccount);
  };
  const runsAsRenderedWorkload = (cluster: string, ns: string, sa: string) => inv.workloads.some((w: Workload) => w.cluster === cluster && w.namespace === ns && w.serviceAccount === sa);
  for (const [, role] of resources(vaultStack, "vault_kubernetes_auth_backend_role")) {
    const path = mountPath(vaultStack, role.backend);
    const config = resources(vaultStack, "vault_kubernetes_auth_backend_config").find(([, c]) => mountPath(vaultStack, c.backend) === path)?.[1];
    const inCluster = /^https:\/\/kubernetes\.default\.svc(\.cluster\.local)?(:443)?$/.test(String(config?.kubernetes_host));
    for (const ns of role.bound_service_account_namespaces ?? []) {
      for (const sa of role.bound_service_account_names ?? []) {
        const cluster = inCluster ? book.primaryCluster : inv.serviceAccounts.find((s) => s.cluster !== book.primaryCluster && s.namespace === ns && s.name === sa)?.cluster;
        if (!cluster) {
          need.findings.push(`Kubernetes auth role ${role.role_name} (${path}): no cluster renders service account ${ns}/${sa}`);
          continue;
        }
        if (esoAccounts.has(`${cluster}/${ns}/${sa}`) || runsAsRenderedWorkload(cluster, ns, sa)) continue;
        loginFlows(cluster, ns, `pods running as ${sa} (Kubernetes auth role ${role.role_name})`);
      }
    }
  }
  for (const role of awsRoles) {
    for (const arn of role.bound_iam_principal_arns ?? []) {
      const iamRole = resources(awsStack, "aws_iam_role").find(([, r]) => `role/${r.name}` === String(arn).split(":").pop())?.[1];
      const subject = iamRole ? trustedServiceAccount(JSON.parse(iamRole.assume_role_policy)) : undefined;
      if (!subject) need.findings.push(`AWS auth role ${role.role}: no IAM role in the AWS stack trusts a service account for ${arn}`);
      else loginFlows(subject.cluster ?? book.primaryCluster, subject.namespace, `pods running as ${subject.name} (AWS auth role ${role.role})`, subject.name);
    }
  }
  for (const ns of book.declaredClientNamespaces) loginFlows(book.primaryCluster, ns, "declared Vault client (vault.allowedClientNamespaces)");

  // Pods will run as a rendered service account no rendered workload uses (a service's): they resolve names.
  const tokenOnly = new Set(
    Object.entries(platform.clusters).flatMap(([cluster, objects]) =>
      objects.flatMap((o) => {
        const auth = o.kind === "VaultDynamicSecret" ? o.spec?.provider?.auth : o.spec?.provider?.vault?.auth ?? o.spec?.provider?.aws?.auth;
        if (o.kind === "VaultAuth" && o.spec?.kubernetes?.serviceAccount) return [`${cluster}/${o.metadata?.namespace}/${o.spec.kubernetes.serviceAccount}`];
        const ref = auth?.kubernetes?.serviceAccountRef ?? auth?.jwt?.serviceAccountRef;
        return ref ? [`${cluster}/${ref.namespace ?? o.metadata?.namespace}/${ref.name}`] : [];
      }),
    ),
  );
  for (const sa of inv.serviceAccounts) {
    if (tokenOnly.has(`${sa.cluster}/${sa.namespace}/${sa.name}`) || runsAsRenderedWorkload(sa.cluster, sa.namespace, sa.name)) continue;
    need.dns(clientPods(sa.cluster, sa.namespace, `pods running as ${sa.name}`));
  }

  // From outside the cluster network, through vault.externalAddress: declared clients and AppRole runners.
  const external = new Map<string, string>(book.externalClientCidrs.map((c) => [c, "declared external client (vault.externalClientCidrs)"]));
  for (const [, r] of resources(vaultStack, "vault_approle_auth_backend_role")) {
    for (const cidr of [...(r.secret_id_bound_cidrs ?? []), ...(r.token_bound_cidrs ?? [])]) if (!external.has(cidr)) external.set(cidr, `AppRole ${r.role_name} runners (bound CIDRs)`);
  }
  for (const [cidr, who] of external) {
    for (const pod of primaryVault?.pods ?? []) need.to({ kind: "external", cidr, name: `${who} ${cidr}` }, pod, listenerPort, "Vault API through vault.externalAddress");
  }

  return { flows: need.flows, findings: need.findings };
}

/** The service account an IAM trust policy admits (IRSA `:sub`, or Pod Identity session tags). */
function trustedServiceAccount(doc: Obj): { cluster?: string; namespace: string; name: string } | undefined {
  for (const s of doc.Statement ?? []) {
    const eq = s.Condition?.StringEquals ?? {};
    const sub = Object.entries(eq).find(([k]) => k.endsWith(":sub"))?.[1];
    const m = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(String(sub));
    if (m) return { namespace: m[1], name: m[2] };
    const ns = eq["aws:RequestTag/kubernetes-namespace"];
    const sa = eq["aws:RequestTag/kubernetes-service-account"];
    if (ns && sa) return { cluster: eq["aws:RequestTag/eks-cluster-name"], namespace: ns, name: sa };
  }
  return undefined;
}
