import type { Check, Obj } from "../types";
import { cidrCoveredBy } from "../network/cidr";
import { peerMatches, portMatches, selects } from "../network/evaluate";
import type { Flow, NetworkPolicy, PodEndpoint } from "../network/types";
import { fx, K } from "../util";
import { networkOf } from "./vep-x03-needed-flows";

const describePeer = (p: Obj) =>
  p.ipBlock ? `ipBlock ${p.ipBlock.cidr}` : [p.namespaceSelector && `namespaceSelector ${JSON.stringify(p.namespaceSelector)}`, p.podSelector && `podSelector ${JSON.stringify(p.podSelector)}`].filter(Boolean).join(" + ");

/** Namespaces a selector names by kubernetes.io/metadata.name (matchLabels or an In expression), if it names them so. */
function namedNamespaces(sel: Obj | undefined): string[] {
  if (!sel) return [];
  const byLabel = sel.matchLabels?.["kubernetes.io/metadata.name"];
  const byIn = (sel.matchExpressions ?? []).find((e: Obj) => e.key === "kubernetes.io/metadata.name" && e.operator === "In")?.values ?? [];
  return [...(byLabel ? [byLabel] : []), ...byIn];
}

/**
 * The reverse of VEP-X03: every peer, namespace, CIDR and port a rendered NetworkPolicy rule admits
 * carries at least one needed flow, and an ipBlock is no wider than the addresses the flows need.
 * Rules without peers and all-namespace selectors are VEP-G07's.
 */
export const unneededFlows: Check = {
  id: "VEP-X04",
  severity: "error",
  title: "Every connection the NetworkPolicies allow is needed",
  rationale: "An opening nothing needs is attack surface: a namespace admitted to Vault without a client, an ipBlock wider than the declared clients, egress to the internet.",
  fix: "Narrow the rule to the peers, CIDRs and ports the message lists as needed (in the spec: vault.allowedClientNamespaces, vault.externalClientCidrs, the endpoints' cidrs).",
  appliesTo: ["NetworkPolicy"],
  run(ctx) {
    const { derived, inventory } = networkOf(ctx);
    const bySide = new Map<string, { flow: Flow; pod: PodEndpoint; other: Flow["from"] }[]>();
    for (const flow of derived.flows) {
      for (const [pod, other, dir] of [[flow.to, flow.from, "Ingress"], [flow.from, flow.to, "Egress"]] as const) {
        if (pod.kind !== "pod") continue;
        const k = `${dir}/${pod.cluster}/${pod.namespace}`;
        (bySide.get(k) ?? bySide.set(k, []).get(k)!).push({ flow, pod, other });
      }
    }
    const out: { resource: string; message: string }[] = [];
    for (const m of ctx.manifests("NetworkPolicy")) {
      const policy = m.obj as NetworkPolicy;
      const ns = policy.metadata.namespace;
      const cluster = inventory.networks[m.cluster] ?? { name: m.cluster, policies: [], namespaceLabels: {} };
      for (const dir of ["Ingress", "Egress"] as const) {
        const candidates = (bySide.get(`${dir}/${m.cluster}/${ns}`) ?? []).filter((c) => selects(policy, c.pod));
        const rules = (dir === "Ingress" ? policy.spec.ingress : policy.spec.egress) ?? [];
        rules.forEach((rule, i) => {
          const where = `${dir.toLowerCase()}[${i}]`;
          const peers = (dir === "Ingress" ? rule.from : rule.to) ?? [];
          if (peers.length === 0) return;
          const portOk = (f: Flow, ports = rule.ports) => !ports || ports.length === 0 || ports.some((p) => portMatches(p, f.port, f.protocol, f.to));
          const hitsOf = (peer: Obj) => candidates.filter((c) => peerMatches(cluster, peer, ns, c.other) && portOk(c.flow));
          const ports = rule.ports?.length ? ` on ${rule.ports.map((p) => `${p.port}/${p.protocol ?? "TCP"}`).join(", ")}` : "";
          const hitsByPeer = peers.map((peer) => hitsOf(peer));
          if (hitsByPeer.every((h) => h.length === 0)) return void out.push({ resource: m.key, message: `${where} (${peers.map(describePeer).join("; ")}${ports}) admits nothing a needed flow uses` });
          peers.forEach((peer, j) => {
            const hits = hitsByPeer[j];
            if (hits.length === 0) return void out.push({ resource: m.key, message: `${where} admits ${describePeer(peer)}${ports}, which no needed flow uses` });
            if (peer.ipBlock) {
              const needed = [...new Set(hits.map((h) => (h.other.kind === "external" ? h.other.cidr : "")).filter(Boolean))].sort();
              if (!cidrCoveredBy(peer.ipBlock.cidr, needed)) out.push({ resource: m.key, message: `${where} ipBlock ${peer.ipBlock.cidr} is wider than the addresses needed there: ${needed.join(", ")}` });
            }
            for (const name of namedNamespaces(peer.namespaceSelector)) {
              if (!hits.some((h) => h.other.kind === "pod" && h.other.namespace === name)) out.push({ resource: m.key, message: `${where} admits namespace ${name}, which needs no access` });
            }
          });
          for (const port of rule.ports ?? []) {
            if (!hitsByPeer.some((hits) => hits.some((c) => portOk(c.flow, [port])))) out.push({ resource: m.key, message: `${where} admits port ${port.port}/${port.protocol ?? "TCP"}, which no needed flow uses` });
          }
        });
      }
    }
    return out;
  },
  fixtures: {
    pass: { does: "the database egress split into one rule per CIDR", edit: (s) => { const p = fx.manifest(s, K.vaultPolicy); const db = p.spec.egress[3]; p.spec.egress.splice(3, 1, ...db.to.map((to: Obj) => ({ ports: db.ports, to: [to] }))); } },
    fail: {
      does: "Vault's ingress admits a namespace without a client, and an external /8",
      edit: (s) => {
        const p = fx.manifest(s, K.vaultPolicy);
        p.spec.ingress[0].from[0].namespaceSelector.matchExpressions[0].values.push("kube-public");
        p.spec.ingress.push({ from: [{ ipBlock: { cidr: "10.0.0.0/8" } }], ports: [{ port: 8200, protocol: "TCP" }] });
      },
      expect: { resource: K.vaultPolicy, message: "ingress[0] admits namespace kube-public, which needs no access" },
    },
  },
};
