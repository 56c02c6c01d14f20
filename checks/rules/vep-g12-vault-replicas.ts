import type { Check } from "../types";
import { fx, K } from "../util";

/** The Vault StatefulSet (a workload whose config has raft storage) runs an odd number of voters, at least 3. */
export const vaultReplicas: Check = {
  id: "VEP-G12",
  severity: "error",
  title: "Vault on Raft runs an odd number of replicas, at least 3",
  rationale: "Raft needs a majority: 1 or 2 voters survive no loss, an even count adds a voter without adding tolerance.",
  fix: "vault.replicas: 3 or 5.",
  appliesTo: ["StatefulSet (with a raft vault.hcl)"],
  run(ctx) {
    const out: { resource: string; message: string }[] = [];
    for (const m of ctx.manifests("StatefulSet")) {
      const mounts = (m.obj.spec?.template?.spec?.volumes ?? []).map((v: { configMap?: { name?: string } }) => v.configMap?.name).filter(Boolean);
      const raft = Object.entries(ctx.hcl).some(([k, hcl]) => mounts.some((n: string) => k.startsWith(`${m.cluster}/${m.obj.metadata?.namespace}/${n}/`)) && hcl.storage?.raft);
      if (!raft) continue;
      const n = m.obj.spec?.replicas ?? 1;
      if (n < 3 || n % 2 === 0) out.push({ resource: m.key, message: `${n} Raft voters: ${n < 3 ? "fewer than 3" : "an even number"}` });
    }
    return out;
  },
  fixtures: {
    pass: { does: "5 replicas", edit: (s) => void (fx.manifest(s, K.statefulSet).spec.replicas = 5) },
    fail: { does: "4 replicas", edit: (s) => void (fx.manifest(s, K.statefulSet).spec.replicas = 4), expect: { resource: K.statefulSet, message: "4 Raft voters: an even number" } },
  },
};
