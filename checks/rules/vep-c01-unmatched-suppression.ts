import type { Check } from "../types";

/** Reported by the runner (checks/run.ts): only a full run knows every finding a suppression could match. */
export const unmatchedSuppression: Check = {
  id: "VEP-C01",
  severity: "warning",
  title: "Every suppression in the spec matches a finding",
  rationale: "A stale suppression hides nothing today but silently accepts the next finding of that rule and resource.",
  fix: "Remove the suppression, or correct its rule id or resource.",
  appliesTo: ["spec suppressions"],
  run: () => [],
  fixtures: {
    pass: {
      does: "a suppression matching the edited finding (VEP-G12 on 4 replicas)",
      edit: (s) => {
        s.kubernetes.manifests["shop-platform/vault/statefulset-vault.yaml"].spec.replicas = 4;
        s.model.checks.suppressions.push({ rule: "VEP-G12", resource: "shop-platform/vault/statefulset-*.yaml", reason: "a fourth voter during a migration window" });
      },
    },
    fail: {
      does: "a suppression naming a resource that has no finding",
      edit: (s) => void s.model.checks.suppressions.push({ rule: "VEP-G12", resource: "shop-platform/vault/statefulset-vault.yaml", reason: "a fourth voter during a migration window" }),
      expect: { resource: "suppressions: VEP-G12 shop-platform/vault/statefulset-vault.yaml", message: "the suppression matches no finding of VEP-G12" },
    },
  },
};
