import { describe, expect, it } from "vitest";
import { cidrContains, ipBlockAdmits } from "../checks/network/cidr";
import { evaluateFlow, policyTypes, rulesFor } from "../checks/network/evaluate";
import { selectorMatches } from "../checks/network/selectors";
import type { ClusterNetwork, Endpoint, Flow, NetworkPolicy, PodEndpoint } from "../checks/network/types";

/**
 * The NetworkPolicy evaluator on small hand-written policies: one case per Kubernetes rule, each
 * written so that the wrong semantics give the other answer.
 */

const pod = (namespace: string, labels: Record<string, string>, ports?: PodEndpoint["ports"]): PodEndpoint => ({ kind: "pod", cluster: "c", namespace, labels, ports, name: `${namespace}/${JSON.stringify(labels)}` });
const ext = (cidr: string): Endpoint => ({ kind: "external", cidr, name: cidr });
const flow = (from: Endpoint, to: Endpoint, port = 8200, protocol: Flow["protocol"] = "TCP"): Flow => ({ from, to, port, protocol, purpose: "test" });
const np = (namespace: string, name: string, spec: NetworkPolicy["spec"]): NetworkPolicy => ({ metadata: { namespace, name }, spec });
const cluster = (policies: NetworkPolicy[], namespaceLabels: ClusterNetwork["namespaceLabels"] = {}): ClusterNetwork => ({ name: "c", policies, namespaceLabels });
const allowed = (c: ClusterNetwork, f: Flow) => evaluateFlow(c, f).allowed;

const app = pod("apps", { app: "web" });
const vault = pod("vault", { app: "vault" }, [{ name: "https", port: 8200, protocol: "TCP" }]);
const denyAll = (ns: string) => np(ns, "deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [], egress: [] });
const admitToVault = (rule: NonNullable<NetworkPolicy["spec"]["ingress"]>[number]) => np("vault", "in", { podSelector: { matchLabels: { app: "vault" } }, policyTypes: ["Ingress"], ingress: [rule] });

describe("isolation", () => {
  it("a pod no policy selects is not isolated: everything in and out is allowed", () => {
    expect(allowed(cluster([]), flow(app, vault))).toBe(true);
    expect(allowed(cluster([denyAll("other")]), flow(app, vault))).toBe(true);
  });

  it("a policy isolates only the pods its podSelector matches, in its own namespace", () => {
    const c = cluster([np("vault", "only-db", { podSelector: { matchLabels: { app: "db" } }, policyTypes: ["Ingress"], ingress: [] })]);
    expect(allowed(c, flow(app, vault))).toBe(true);
    expect(allowed(c, flow(app, pod("vault", { app: "db" })))).toBe(false);
    expect(allowed(c, flow(app, pod("elsewhere", { app: "db" })))).toBe(true);
  });

  it("isolation is per direction: an Ingress-only policy leaves egress open", () => {
    const c = cluster([np("apps", "in-only", { podSelector: {}, policyTypes: ["Ingress"], ingress: [] })]);
    expect(allowed(c, flow(app, vault))).toBe(true);
    expect(allowed(c, flow(vault, app))).toBe(false);
  });

  it("policy types default to Ingress, plus Egress only when egress rules exist", () => {
    expect(policyTypes(np("a", "x", { podSelector: {} }))).toEqual(["Ingress"]);
    expect(policyTypes(np("a", "x", { podSelector: {}, egress: [] }))).toEqual(["Ingress"]);
    expect(policyTypes(np("a", "x", { podSelector: {}, egress: [{}] }))).toEqual(["Ingress", "Egress"]);
    // No policyTypes and no egress: the pod's egress stays open even though the policy selects it.
    const c = cluster([np("apps", "implicit", { podSelector: {}, ingress: [] })]);
    expect(allowed(c, flow(app, vault))).toBe(true);
    expect(allowed(c, flow(vault, app))).toBe(false);
  });

  it("policies add up: any rule of any isolating policy admits", () => {
    const c = cluster([denyAll("vault"), admitToVault({ from: [{ namespaceSelector: {} }], ports: [{ port: 8200 }] })]);
    expect(allowed(c, flow(app, vault))).toBe(true);
    expect(rulesFor(c, vault, "Ingress")).toMatchObject({ isolated: true, policies: ["vault/deny", "vault/in"] });
  });

  it("both ends must allow: egress at the source and ingress at the destination", () => {
    const ingressOnly = cluster([admitToVault({ from: [{ namespaceSelector: {} }] })]);
    expect(allowed(ingressOnly, flow(app, vault))).toBe(true);
    const sourceDenies = cluster([denyAll("apps"), admitToVault({ from: [{ namespaceSelector: {} }] })]);
    const v = evaluateFlow(sourceDenies, flow(app, vault));
    expect(v).toMatchObject({ allowed: false, egress: { allowed: false }, ingress: { allowed: true } });
    expect(allowed(cluster([denyAll("vault")]), flow(app, vault))).toBe(false);
  });
});

describe("peers", () => {
  it("a podSelector alone means pods of the policy's own namespace", () => {
    const c = cluster([admitToVault({ from: [{ podSelector: { matchLabels: { app: "web" } } }] })]);
    expect(allowed(c, flow(pod("vault", { app: "web" }), vault))).toBe(true);
    expect(allowed(c, flow(app, vault))).toBe(false);
  });

  it("namespaceSelector and podSelector in one peer are ANDed; separate peers are ORed", () => {
    const anded = cluster([admitToVault({ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "apps" } }, podSelector: { matchLabels: { app: "web" } } }] })]);
    expect(allowed(anded, flow(app, vault))).toBe(true);
    expect(allowed(anded, flow(pod("apps", { app: "batch" }), vault))).toBe(false);
    expect(allowed(anded, flow(pod("other", { app: "web" }), vault))).toBe(false);
    const ored = cluster([admitToVault({ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "apps" } } }, { podSelector: { matchLabels: { app: "web" } } }] })]);
    expect(allowed(ored, flow(pod("apps", { app: "batch" }), vault))).toBe(true);
    expect(allowed(ored, flow(pod("vault", { app: "web" }), vault))).toBe(true);
    expect(allowed(ored, flow(pod("other", { app: "web" }), vault))).toBe(false);
  });

  it("namespaces carry kubernetes.io/metadata.name automatically, besides their rendered labels", () => {
    const c = cluster([admitToVault({ from: [{ namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["apps"] }] } }] })]);
    expect(allowed(c, flow(app, vault))).toBe(true);
    const byLabel = cluster([admitToVault({ from: [{ namespaceSelector: { matchLabels: { team: "shop" } } }] })], { apps: { team: "shop" } });
    expect(allowed(byLabel, flow(app, vault))).toBe(true);
    expect(allowed(byLabel, flow(pod("other", {}), vault))).toBe(false);
  });

  it("an empty from/to admits every peer; an empty namespaceSelector every namespace", () => {
    expect(allowed(cluster([admitToVault({ ports: [{ port: 8200 }] })]), flow(ext("203.0.113.0/24"), vault))).toBe(true);
    expect(allowed(cluster([admitToVault({ from: [], ports: [{ port: 8200 }] })]), flow(app, vault))).toBe(true);
    expect(allowed(cluster([admitToVault({ from: [{ namespaceSelector: {} }] })]), flow(app, vault))).toBe(true);
    expect(allowed(cluster([admitToVault({ from: [{ namespaceSelector: {} }] })]), flow(ext("10.0.0.0/24"), vault))).toBe(false);
  });

  it("an ipBlock matches addresses outside the cluster, never pods; the whole source range must be inside, minus except", () => {
    const c = cluster([admitToVault({ from: [{ ipBlock: { cidr: "10.40.0.0/16", except: ["10.40.8.0/24"] } }] })]);
    expect(allowed(c, flow(ext("10.40.4.0/24"), vault))).toBe(true);
    expect(allowed(c, flow(ext("10.40.8.0/26"), vault))).toBe(false);
    expect(allowed(c, flow(ext("10.40.0.0/15"), vault))).toBe(false);
    expect(allowed(c, flow(ext("10.40.0.0/16"), vault))).toBe(false);
    // A pod's IP may well be in 10.40.0.0/16 (VPC CNI): ipBlock still does not select pods.
    expect(allowed(c, flow(app, vault))).toBe(false);
  });

  it("egress to a pod of another namespace needs that namespace in the peer (Service traffic is matched at its pods)", () => {
    const egress = (to: NetworkPolicy["spec"]["egress"]) => cluster([np("vault", "out", { podSelector: {}, policyTypes: ["Egress"], egress: to })]);
    const vcluster = pod("vcluster-staging", { app: "vcluster", release: "staging" });
    const sameNamespaceOnly = egress([{ to: [{ podSelector: { matchLabels: { app: "vcluster" } } }], ports: [{ port: 8443 }] }]);
    expect(allowed(sameNamespaceOnly, flow(vault, vcluster, 8443))).toBe(false);
    const ipOnly = egress([{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ port: 8443 }] }]);
    expect(allowed(ipOnly, flow(vault, vcluster, 8443))).toBe(false);
    const right = egress([{ to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "vcluster-staging" } }, podSelector: { matchLabels: { app: "vcluster" } } }], ports: [{ port: 8443 }] }]);
    expect(allowed(right, flow(vault, vcluster, 8443))).toBe(true);
    expect(allowed(right, flow(vault, vcluster, 443))).toBe(false);
  });
});

describe("ports", () => {
  it("missing ports admit every port; a port without protocol is TCP only", () => {
    expect(allowed(cluster([admitToVault({ from: [{ namespaceSelector: {} }] })]), flow(app, vault, 1234, "UDP"))).toBe(true);
    const tcp = cluster([admitToVault({ from: [{ namespaceSelector: {} }], ports: [{ port: 53 }] })]);
    expect(allowed(tcp, flow(app, pod("vault", { app: "vault" }), 53, "TCP"))).toBe(true);
    expect(allowed(tcp, flow(app, pod("vault", { app: "vault" }), 53, "UDP"))).toBe(false);
  });

  it("a named port resolves against the destination pod's container ports", () => {
    const c = cluster([admitToVault({ from: [{ namespaceSelector: {} }], ports: [{ port: "https" }] })]);
    expect(allowed(c, flow(app, vault, 8200))).toBe(true);
    expect(allowed(c, flow(app, vault, 8201))).toBe(false);
    expect(allowed(c, flow(app, pod("vault", { app: "vault" }, [{ name: "https", port: 9443, protocol: "TCP" }]), 8200))).toBe(false);
    // Egress to an address outside the cluster: a named port has nothing to resolve against.
    const out = cluster([np("apps", "out", { podSelector: {}, policyTypes: ["Egress"], egress: [{ ports: [{ port: "https" }] }] })]);
    expect(allowed(out, flow(app, ext("10.1.0.0/24"), 443))).toBe(false);
  });

  it("endPort makes an inclusive range", () => {
    const c = cluster([admitToVault({ from: [{ namespaceSelector: {} }], ports: [{ port: 8200, endPort: 8201 }] })]);
    expect([8199, 8200, 8201, 8202].map((p) => allowed(c, flow(app, vault, p)))).toEqual([false, true, true, false]);
  });
});

describe("label selectors and CIDRs", () => {
  it("matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist) all hold; {} selects everything", () => {
    const labels = { app: "vault", tier: "server" };
    expect(selectorMatches({}, labels)).toBe(true);
    expect(selectorMatches({ matchLabels: { app: "vault", tier: "db" } }, labels)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: "tier", operator: "In", values: ["server", "x"] }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: "tier", operator: "NotIn", values: ["server"] }] }, labels)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: "zone", operator: "NotIn", values: ["a"] }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: "app", operator: "Exists" }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: "app", operator: "DoesNotExist" }] }, labels)).toBe(false);
    expect(selectorMatches({ matchLabels: { app: "vault" }, matchExpressions: [{ key: "zone", operator: "Exists" }] }, labels)).toBe(false);
  });

  it("CIDR containment is whole-range and keeps IPv4 and IPv6 apart", () => {
    expect(cidrContains("10.40.0.0/16", "10.40.96.0/24")).toBe(true);
    expect(cidrContains("10.40.96.0/24", "10.40.0.0/16")).toBe(false);
    expect(cidrContains("10.40.0.0/24", "10.40.0.0/16")).toBe(false);
    expect(ipBlockAdmits({ cidr: "10.40.0.0/24" }, "10.40.0.0/23")).toBe(false);
    expect(cidrContains("0.0.0.0/0", "fd00:ec2::23/128")).toBe(false);
    expect(ipBlockAdmits({ cidr: "fd00::/8" }, "fd00:ec2::23/128")).toBe(true);
    expect(ipBlockAdmits({ cidr: "10.0.0.0/8", except: ["10.1.0.0/16"] }, "10.1.2.0/24")).toBe(false);
  });
});
