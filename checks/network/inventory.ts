import type { AddressBook } from "../../model/network";
import { selectorMatches } from "./selectors";
import type { ClusterNetwork, Endpoint, NamedPort, NetworkPolicy, PodEndpoint, Protocol } from "./types";

/**
 * What the synthesized output runs and exposes, per cluster: pod templates of every workload,
 * Services, ServiceAccounts; and how a host name a configuration uses resolves to endpoints
 * (a rendered Service first, then the spec's address book).
 */

// Manifests and Terraform JSON are read back as plain data.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = any;

export interface SynthesizedPlatform {
  /** Kubernetes manifests per cluster (dist/<cluster>/**). */
  clusters: Record<string, Obj[]>;
  /** Terraform JSON per stack (cdktf.out/stacks/<stack>/cdk.tf.json). */
  stacks: Record<string, Obj>;
  /** Every `.hcl` value of a rendered ConfigMap, parsed by HCL, keyed `<cluster>/<namespace>/<configmap>/<key>`. */
  hcl: Record<string, Obj>;
}

export interface Workload {
  cluster: string;
  namespace: string;
  kind: string;
  name: string;
  serviceAccount: string;
  podSpec: Obj;
  /** One pod per label variant (Vault's service registration labels its pods active or standby). */
  pods: PodEndpoint[];
}

export interface RenderedService {
  cluster: string;
  namespace: string;
  name: string;
  headless: boolean;
  selector: Record<string, string>;
  ports: { name?: string; port: number; targetPort: number | string; protocol: Protocol }[];
}

/** Labels Vault's Kubernetes service registration keeps on its pods (Vault docs: service registration, Kubernetes). */
const VAULT_REGISTRATION_VARIANTS: [string, Record<string, string>][] = [
  ["active", { "vault-active": "true", "vault-initialized": "true", "vault-perf-standby": "false", "vault-sealed": "false" }],
  ["standby", { "vault-active": "false", "vault-initialized": "true", "vault-perf-standby": "false", "vault-sealed": "false" }],
];

function podTemplate(o: Obj): Obj | undefined {
  if (["StatefulSet", "Deployment", "DaemonSet", "ReplicaSet", "Job"].includes(o.kind)) return o.spec?.template;
  if (o.kind === "CronJob") return o.spec?.jobTemplate?.spec?.template;
  if (o.kind === "Pod") return o;
  return undefined;
}

export const containersOf = (podSpec: Obj): Obj[] => [...(podSpec.initContainers ?? []), ...(podSpec.containers ?? [])];

function namedPorts(podSpec: Obj): NamedPort[] {
  return containersOf(podSpec).flatMap((c) => (c.ports ?? []).filter((p: Obj) => p.name).map((p: Obj) => ({ name: p.name, port: p.containerPort, protocol: p.protocol ?? "TCP" })));
}

export class Inventory {
  readonly workloads: Workload[] = [];
  readonly services: RenderedService[] = [];
  readonly serviceAccounts: { cluster: string; namespace: string; name: string; annotations: Record<string, string> }[] = [];
  readonly networks: Record<string, ClusterNetwork> = {};

  constructor(
    readonly platform: SynthesizedPlatform,
    readonly book: AddressBook,
  ) {
    for (const [cluster, objects] of Object.entries(platform.clusters)) {
      const network: ClusterNetwork = { name: cluster, policies: [], namespaceLabels: {} };
      this.networks[cluster] = network;
      for (const o of objects) {
        const ns = o.metadata?.namespace;
        if (o.kind === "NetworkPolicy") network.policies.push(o as NetworkPolicy);
        if (o.kind === "Namespace") network.namespaceLabels[o.metadata.name] = o.metadata.labels ?? {};
        if (o.kind === "ServiceAccount") this.serviceAccounts.push({ cluster, namespace: ns, name: o.metadata.name, annotations: o.metadata.annotations ?? {} });
        if (o.kind === "Service") {
          this.services.push({
            cluster,
            namespace: ns,
            name: o.metadata.name,
            headless: o.spec?.clusterIP === "None",
            selector: o.spec?.selector ?? {},
            ports: (o.spec?.ports ?? []).map((p: Obj) => ({ name: p.name, port: p.port, targetPort: p.targetPort ?? p.port, protocol: p.protocol ?? "TCP" })),
          });
        }
        const template = podTemplate(o);
        if (template) this.workloads.push(this.workload(cluster, o, template));
      }
    }
  }

  private workload(cluster: string, o: Obj, template: Obj): Workload {
    const namespace = o.metadata.namespace;
    const podSpec = template.spec ?? {};
    const labels: Record<string, string> = template.metadata?.labels ?? {};
    const variants = this.vaultConfig(cluster, namespace, podSpec)?.service_registration?.kubernetes ? VAULT_REGISTRATION_VARIANTS : [["", {}] as [string, Record<string, string>]];
    const base = `${cluster}:${namespace}/${o.metadata.name}`;
    return {
      cluster,
      namespace,
      kind: o.kind,
      name: o.metadata.name,
      serviceAccount: podSpec.serviceAccountName ?? "default",
      podSpec,
      pods: variants.map(([variant, extra]) => ({ kind: "pod", cluster, namespace, labels: { ...labels, ...extra }, ports: namedPorts(podSpec), name: variant ? `${base} (${variant})` : base })),
    };
  }

  /** The parsed Vault server configuration a pod mounts (a ConfigMap .hcl with a listener), if any. */
  vaultConfig(cluster: string, namespace: string, podSpec: Obj): Obj | undefined {
    for (const v of podSpec.volumes ?? []) {
      const name = v.configMap?.name;
      if (!name) continue;
      const prefix = `${cluster}/${namespace}/${name}/`;
      const hit = Object.entries(this.platform.hcl).find(([k, parsed]) => k.startsWith(prefix) && parsed.listener);
      if (hit) return hit[1];
    }
    return undefined;
  }

  podsSelectedBy(cluster: string, namespace: string, selector: Record<string, string>): PodEndpoint[] {
    return this.workloads.filter((w) => w.cluster === cluster && w.namespace === namespace).flatMap((w) => w.pods.filter((p) => selectorMatches({ matchLabels: selector }, p.labels)));
  }

  serviceAccount(cluster: string, namespace: string, name: string) {
    return this.serviceAccounts.find((s) => s.cluster === cluster && s.namespace === namespace && s.name === name);
  }

  /**
   * Where a host:port a pod in (cluster, namespace) connects to lands. Cluster DNS names of
   * rendered Services resolve to their pods (DNAT: the Service's targetPort; a headless name
   * reaches the pods directly, on the same port); other hosts come from the address book.
   */
  resolve(cluster: string, namespace: string, host: string, port: number): { endpoints: Endpoint[]; port: number }[] | string {
    const name = host.replace(/\.cluster\.local$/, "");
    const parts = name.split(".");
    const candidates: { service: string; namespace: string; podName?: string }[] = [];
    if (parts[parts.length - 1] === "svc" && parts.length === 3) candidates.push({ service: parts[0], namespace: parts[1] });
    else if (parts[parts.length - 1] === "svc" && parts.length === 4) candidates.push({ service: parts[1], namespace: parts[2], podName: parts[0] });
    else if (parts.length === 2) candidates.push({ service: parts[0], namespace: parts[1] }, { service: parts[1], namespace, podName: parts[0] });
    else if (parts.length === 1) candidates.push({ service: parts[0], namespace });
    for (const c of candidates) {
      const svc = this.services.find((s) => s.cluster === cluster && s.namespace === c.namespace && s.name === c.service && (c.podName === undefined || s.headless));
      if (!svc) continue;
      const pods = this.podsSelectedBy(cluster, svc.namespace, svc.selector);
      if (pods.length === 0) return `${host}: Service ${svc.namespace}/${svc.name} selects no rendered pod`;
      if (svc.headless) return [{ endpoints: pods, port }];
      const sp = svc.ports.find((p) => p.port === port);
      if (!sp) return `${host}:${port}: Service ${svc.namespace}/${svc.name} has no port ${port}`;
      if (typeof sp.targetPort === "number") return [{ endpoints: pods, port: sp.targetPort }];
      // A named targetPort resolves per pod against its container ports.
      return pods.map((p) => ({ endpoints: [p], port: p.ports?.find((n) => n.name === sp.targetPort)?.port ?? Number.NaN }));
    }
    const at = this.book.hosts[host] ?? this.book.hosts[name];
    if (!at) return `${host}:${port} has no declared location (no rendered Service, not in the spec's address book)`;
    if (at.kind === "external") return [{ endpoints: at.cidrs.map((cidr) => ({ kind: "external", cidr, name: `${host} (${cidr})` })), port }];
    const pod: PodEndpoint = { kind: "pod", cluster: this.book.primaryCluster, namespace: at.namespace, labels: at.labels, name: `${this.book.primaryCluster}:${at.namespace} pods ${JSON.stringify(at.labels)} (${host})` };
    return [{ endpoints: [pod], port: at.targetPort }];
  }
}
