import type { CheckContext } from "../checks/context";
import { evaluateFlow } from "../checks/network/evaluate";
import { Inventory } from "../checks/network/inventory";
import type { ClusterNetwork, Endpoint, Flow, PodEndpoint, Protocol } from "../checks/network/types";
import { compareStrings } from "../lib/compare";
import { asList, type Obj } from "./fields";
import type { ReviewFinding } from "./types";

/**
 * Network-flow broadening, by the NetworkPolicy evaluator (checks/network/evaluate.ts, Kubernetes
 * semantics, both ends of a flow): who can reach the Vault pods, and where the Vault pods can
 * connect, before and after. The probes are every namespace either side renders or names (any pod
 * there, and each rendered workload's pods), every CIDR of an ipBlock and 0.0.0.0/0; the ports are
 * Vault's and every port the policies of either side name.
 */

interface Side {
  inventory: Inventory;
  vaultPods: PodEndpoint[];
}

function sideOf(ctx: CheckContext): Side {
  const inventory = new Inventory(ctx.platform, ctx.model.network);
  const vaultPods = inventory.workloads.filter((w) => inventory.vaultConfig(w.cluster, w.namespace, w.podSpec)).flatMap((w) => w.pods);
  return { inventory, vaultPods };
}

const network = (s: Side, cluster: string): ClusterNetwork => s.inventory.networks[cluster] ?? { name: cluster, policies: [], namespaceLabels: {} };

function probes(sides: Side[], cluster: string): Endpoint[] {
  const namespaces = new Set<string>();
  const cidrs = new Set<string>(["0.0.0.0/0"]);
  const pods = new Map<string, PodEndpoint>();
  for (const s of sides) {
    const net = network(s, cluster);
    for (const ns of Object.keys(net.namespaceLabels)) namespaces.add(ns);
    for (const p of net.policies) {
      namespaces.add(p.metadata.namespace);
      for (const rule of [...asList(p.spec.ingress), ...asList(p.spec.egress)]) {
        for (const peer of [...asList(rule.from), ...asList(rule.to)]) {
          if (peer.ipBlock) cidrs.add(peer.ipBlock.cidr);
          const sel = peer.namespaceSelector as Obj;
          for (const n of [sel?.matchLabels?.["kubernetes.io/metadata.name"], ...asList<Obj>(sel?.matchExpressions).filter((e) => e.key === "kubernetes.io/metadata.name" && e.operator === "In").flatMap((e) => e.values)]) if (n) namespaces.add(n);
        }
      }
    }
    for (const w of s.inventory.workloads.filter((w) => w.cluster === cluster)) for (const p of w.pods) pods.set(p.name, p);
  }
  return [
    ...[...namespaces].sort().map((namespace): PodEndpoint => ({ kind: "pod", cluster, namespace, labels: {}, name: `any pod in namespace ${namespace}` })),
    ...[...pods.values()],
    ...[...cidrs].sort().map((cidr): Endpoint => ({ kind: "external", cidr, name: cidr === "0.0.0.0/0" ? "anywhere (0.0.0.0/0)" : cidr })),
  ];
}

function ports(sides: Side[], vaultPods: PodEndpoint[]): { port: number; protocol: Protocol }[] {
  const out = new Map<string, { port: number; protocol: Protocol }>([["8200/TCP", { port: 8200, protocol: "TCP" }], ["8201/TCP", { port: 8201, protocol: "TCP" }]]);
  for (const s of sides) {
    for (const net of Object.values(s.inventory.networks)) {
      for (const p of net.policies) {
        for (const rule of [...asList(p.spec.ingress), ...asList(p.spec.egress)]) {
          for (const port of asList(rule.ports)) if (typeof port.port === "number") out.set(`${port.port}/${port.protocol ?? "TCP"}`, { port: port.port, protocol: port.protocol ?? "TCP" });
        }
      }
    }
  }
  for (const p of vaultPods) for (const n of p.ports ?? []) out.set(`${n.port}/${n.protocol}`, { port: n.port, protocol: n.protocol });
  return [...out.values()].sort((a, b) => a.port - b.port || compareStrings(a.protocol, b.protocol));
}

/** The Vault pods' reachability in both directions, per probe and port, on one side. */
function reach(side: Side, vaultPod: PodEndpoint, others: Endpoint[], portList: { port: number; protocol: Protocol }[]): Set<string> {
  const allowed = new Set<string>();
  const net = network(side, vaultPod.cluster);
  for (const other of others) {
    for (const { port, protocol } of portList) {
      const inbound: Flow = { from: other, to: vaultPod, port, protocol, purpose: "probe" };
      if (evaluateFlow(net, inbound).allowed) allowed.add(`in|${other.name}|${port}/${protocol}`);
      const outbound: Flow = { from: vaultPod, to: other, port, protocol, purpose: "probe" };
      if (evaluateFlow(net, outbound).allowed) allowed.add(`out|${other.name}|${port}/${protocol}`);
    }
  }
  return allowed;
}

/** A Vault pod as both sides name it (cluster:namespace/workload, without the registration variant). */
const vaultName = (p: PodEndpoint) => p.name.replace(/ \((active|standby)\)$/, "");

export function networkFindings(base: CheckContext, head: CheckContext): ReviewFinding[] {
  const b = sideOf(base);
  const h = sideOf(head);
  const out = new Map<string, ReviewFinding>();
  const clusters = [...new Set([...b.vaultPods, ...h.vaultPods].map((p) => p.cluster))].sort();
  for (const cluster of clusters) {
    const others = probes([b, h], cluster);
    const hVault = h.vaultPods.filter((p) => p.cluster === cluster);
    const portList = ports([b, h], hVault);
    for (const pod of hVault) {
      const basePod = b.vaultPods.find((p) => p.name === pod.name);
      if (!basePod) continue; // a new Vault server: its policies are new objects in the diff
      const before = reach(b, basePod, others, portList);
      const after = reach(h, pod, others, portList);
      const anyPodIn = new Set([...after].filter((k) => !before.has(k) && k.split("|")[1].startsWith("any pod in namespace ")).map((k) => `${k.split("|")[0]}|${k.split("|")[1].slice("any pod in namespace ".length)}|${k.split("|")[2]}`));
      for (const [set, other, weight] of [[after, before, "broadening"], [before, after, "narrowing"]] as const) {
        for (const k of [...set].filter((k) => !other.has(k)).sort()) {
          const [dir, who, port] = k.split("|");
          // A namespace opened as a whole is reported once, not again for each of its workloads.
          const ns = /^[^:]+:([^/]+)\//.exec(who)?.[1];
          if (weight === "broadening" && ns && anyPodIn.has(`${dir}|${ns}|${port}`)) continue;
          const message = dir === "in" ? `${who} can ${weight === "broadening" ? "now" : "no longer"} reach Vault on ${port}` : `Vault can ${weight === "broadening" ? "now" : "no longer"} connect to ${who} on ${port}`;
          out.set(`${vaultName(pod)}|${message}`, { layer: "kubernetes", kind: "network", weight, resource: vaultName(pod), message });
        }
      }
    }
  }
  return [...out.values()];
}
