import type { LabelSelector } from "./types";

/** Kubernetes label-selector semantics: matchLabels and every matchExpression must hold; {} selects everything. */
export function selectorMatches(selector: LabelSelector, labels: Record<string, string>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values = e.values ?? [];
    const ok =
      e.operator === "In" ? has && values.includes(labels[e.key]) :
      e.operator === "NotIn" ? !has || !values.includes(labels[e.key]) :
      e.operator === "Exists" ? has :
      e.operator === "DoesNotExist" ? !has :
      undefined;
    if (ok === undefined) throw new Error(`unknown label selector operator ${String(e.operator)}`);
    if (!ok) return false;
  }
  return true;
}

/** The labels a namespace carries: its rendered labels plus the automatic kubernetes.io/metadata.name. */
export function namespaceLabels(known: Record<string, Record<string, string>>, namespace: string): Record<string, string> {
  return { ...(known[namespace] ?? {}), "kubernetes.io/metadata.name": namespace };
}
