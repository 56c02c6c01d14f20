import { selectorMatches } from "../network/selectors";
import type { Check } from "../types";
import { fx, K } from "../util";

/** A workload of two or more replicas is covered by a PodDisruptionBudget selecting its pods. */
export const noPdb: Check = {
  id: "VEP-G13",
  severity: "error",
  title: "Every replicated workload has a PodDisruptionBudget",
  rationale: "Without one a node drain may evict every replica at once: for Vault that is a lost quorum and sealed service.",
  fix: "A PodDisruptionBudget in the workload's namespace selecting its pods (maxUnavailable: 1).",
  appliesTo: ["StatefulSet", "Deployment", "PodDisruptionBudget"],
  run(ctx) {
    const pdbs = ctx.manifests("PodDisruptionBudget");
    return ctx
      .manifests("StatefulSet", "Deployment")
      .filter((m) => (m.obj.spec?.replicas ?? 1) >= 2)
      .filter((m) => {
        const labels = m.obj.spec?.template?.metadata?.labels ?? {};
        return !pdbs.some((p) => p.cluster === m.cluster && p.obj.metadata?.namespace === m.obj.metadata?.namespace && p.obj.spec?.selector && selectorMatches(p.obj.spec.selector, labels));
      })
      .map((m) => ({ resource: m.key, message: `${m.obj.kind} ${m.obj.metadata.name} runs ${m.obj.spec.replicas} replicas and no PodDisruptionBudget selects its pods` }));
  },
  fixtures: {
    pass: { does: "the PDB selects the pods by a subset of their labels", edit: (s) => void delete fx.manifest(s, K.pdb).spec.selector.matchLabels.component },
    fail: {
      does: "the Vault PDB deleted",
      edit: (s) => void delete s.kubernetes.manifests[K.pdb],
      expect: { resource: K.statefulSet, message: "StatefulSet vault runs 3 replicas and no PodDisruptionBudget selects its pods" },
    },
  },
};
