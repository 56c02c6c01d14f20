import type { Obj } from "../types";
import type { Check } from "../types";
import { fx, K } from "../util";

const everything = (sel: Obj) => sel && Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0;

/** A NetworkPolicy rule that admits every namespace, every source or destination, or the whole internet. */
export const networkPolicyOpen: Check = {
  id: "VEP-G07",
  severity: "error",
  title: "No NetworkPolicy admits all namespaces, all sources or all egress",
  rationale: "Default-deny is only as strong as its widest rule: an empty namespaceSelector, a rule without peers or 0.0.0.0/0 re-opens what the policy closed.",
  fix: "Name the namespaces (kubernetes.io/metadata.name), pods and CIDRs the flow needs.",
  appliesTo: ["NetworkPolicy"],
  run(ctx) {
    const out: { resource: string; message: string }[] = [];
    for (const m of ctx.manifests("NetworkPolicy")) {
      for (const [dir, rules, peersOf] of [
        ["ingress", m.obj.spec?.ingress ?? [], (r: Obj) => r.from],
        ["egress", m.obj.spec?.egress ?? [], (r: Obj) => r.to],
      ] as const) {
        (rules as Obj[]).forEach((rule, i) => {
          const peers: Obj[] | undefined = peersOf(rule);
          if (!peers || peers.length === 0) return void out.push({ resource: m.key, message: `${dir}[${i}] has no ${dir === "ingress" ? "from" : "to"}: it admits every ${dir === "ingress" ? "source" : "destination"}` });
          for (const p of peers) {
            if (p.namespaceSelector && everything(p.namespaceSelector)) out.push({ resource: m.key, message: `${dir}[${i}] admits all namespaces (namespaceSelector: {})` });
            if (["0.0.0.0/0", "::/0"].includes(p.ipBlock?.cidr)) out.push({ resource: m.key, message: `${dir}[${i}] admits ${p.ipBlock.cidr}` });
          }
        });
      }
    }
    return out;
  },
  fixtures: {
    pass: { does: "an egress rule to 10.0.0.0/8 (wide, but not everything: VEP-X04's to judge)", edit: (s) => void fx.manifest(s, K.vaultPolicy).spec.egress.push({ to: [{ ipBlock: { cidr: "10.0.0.0/8" } }], ports: [{ port: 443, protocol: "TCP" }] }) },
    fail: {
      does: "the Vault ingress is widened to all namespaces",
      edit: (s) => void (fx.manifest(s, K.vaultPolicy).spec.ingress[0].from[0].namespaceSelector = {}),
      expect: { resource: K.vaultPolicy, message: "ingress[0] admits all namespaces (namespaceSelector: {})" },
    },
  },
};
