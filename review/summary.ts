import type { Layer, Review } from "./types";

export const LAYERS: { layer: Layer; title: string }[] = [
  { layer: "aws", title: "AWS" },
  { layer: "vault", title: "Vault" },
  { layer: "kubernetes", title: "Kubernetes" },
];

export interface LayerSummary {
  layer: Layer;
  added: number;
  changed: number;
  removed: number;
  replaced: number;
  broadening: number;
}

/** Per layer: resources added, changed, removed and replaced, and the broadening findings. */
export function summarize(r: Review): LayerSummary[] {
  return LAYERS.map(({ layer }) => {
    const c = r.changes.filter((x) => x.layer === layer);
    const n = (a: string) => c.filter((x) => x.action === a).length;
    return { layer, added: n("add"), changed: n("change"), removed: n("remove"), replaced: n("replace"), broadening: r.findings.filter((f) => f.layer === layer && f.weight === "broadening").length };
  });
}

export const isEmpty = (r: Review) => r.changes.length === 0 && r.findings.length === 0 && r.day2.length === 0;
