import type { Check } from "../types";
import { clusterOf, describeFlow, evaluateFlow } from "../network/evaluate";
import { deriveFlows } from "../network/flows";
import { Inventory } from "../network/inventory";
import { fx, K } from "../util";
import type { CheckContext } from "../context";

/** Derived flows and the cluster networks, once per run (VEP-X03 and VEP-X04 share them). */
const cache = new WeakMap<CheckContext, { derived: ReturnType<typeof deriveFlows>; inventory: Inventory }>();
export function networkOf(ctx: CheckContext) {
  let n = cache.get(ctx);
  if (!n) cache.set(ctx, (n = { derived: deriveFlows(ctx.platform, ctx.model.network), inventory: new Inventory(ctx.platform, ctx.model.network) }));
  return n;
}

/** The manifest key of a NetworkPolicy named "<namespace>/<name>" in a cluster. */
export function policyKey(ctx: CheckContext, cluster: string, qualified: string): string {
  const [ns, name] = qualified.split("/");
  return ctx.manifests("NetworkPolicy").find((m) => m.cluster === cluster && m.obj.metadata?.namespace === ns && m.obj.metadata?.name === name)?.key ?? `${cluster}/${qualified}`;
}

/**
 * Every flow the configuration needs (checks/network/flows.ts: Vault to its peers, DNS, databases,
 * the identity provider, AWS endpoints, dedicated API servers; ESO, Prometheus, the snapshot job,
 * direct-login namespaces and declared external clients to Vault) is allowed by the rendered
 * NetworkPolicies with Kubernetes semantics (checks/network/evaluate.ts).
 */
export const neededFlows: Check = {
  id: "VEP-X03",
  severity: "error",
  title: "Every connection the configuration needs is allowed by the NetworkPolicies, and every destination has a known location",
  rationale: "A denied flow fails at run time: Vault cannot reach its database or KMS, ESO cannot reach Vault, a peer cannot join.",
  fix: "Open the flow in the policy named (in the spec: the address book fields, e.g. sharedServices[].endpoints.<env>.cidrs, network.*Cidrs).",
  appliesTo: ["NetworkPolicy", "Namespace", "Service", "workloads", "vault.hcl", "Vault and AWS stacks"],
  run(ctx) {
    const { derived, inventory } = networkOf(ctx);
    const out = derived.findings.map((f) => ({ resource: `network:${f.split(":")[0]}`, message: f }));
    for (const flow of derived.flows) {
      const cluster = clusterOf(flow);
      const verdict = evaluateFlow(inventory.networks[cluster] ?? { name: cluster, policies: [], namespaceLabels: {} }, flow);
      for (const side of [verdict.egress, verdict.ingress]) {
        if (side.allowed) continue;
        const policy = /isolated by ([^ ,]+)/.exec(side.reason)?.[1];
        const named = /isolated by (.+) and no rule/.exec(side.reason)?.[1].split(", ").find((p) => !p.endsWith("/default-deny-all")) ?? policy;
        out.push({ resource: named ? policyKey(ctx, cluster, named) : `network:${cluster}`, message: `denied: ${describeFlow(flow)}: ${side.reason}` });
      }
    }
    return out;
  },
  fixtures: {
    pass: { does: "the database egress rule's CIDRs listed in another order", edit: (s) => void fx.manifest(s, K.vaultPolicy).spec.egress[3].to.reverse() },
    fail: {
      does: "the Vault egress rule for PostgreSQL removed",
      edit: (s) => {
        const p = fx.manifest(s, K.vaultPolicy);
        p.spec.egress = p.spec.egress.filter((r: { ports: { port: number }[] }) => !r.ports.some((x) => x.port === 5432));
      },
      expect: { resource: K.vaultPolicy, message: "denied: shop-platform:vault/vault (active) -> postgres.dev.shop.internal (10.40.96.0/24) 5432/TCP (PostgreSQL connection dev-users)" },
    },
  },
};
