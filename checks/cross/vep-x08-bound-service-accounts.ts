import { vaultNames } from "../../model/names";
import type { Check } from "../types";
import { VaultIndex } from "./vault-index";

/**
 * Every service account a Vault Kubernetes role binds, in a namespace this output manages, is
 * rendered in the cluster whose API server that mount reviews tokens with. (Namespaces the output
 * does not render, such as a CI tool's, are the spec's declared consumers.) A platform writer's
 * account is always rendered by this output, wherever it lives: its role is checked even when
 * nothing else of the output is in that namespace.
 */
export const boundServiceAccounts: Check = {
  id: "VEP-X08",
  severity: "error",
  title: "Every service account a Vault role binds exists",
  rationale: "A role bound to an account nobody renders is a login nobody can make (or, once someone creates that account, an unreviewed one).",
  fix: "Render the ServiceAccount (a service's serviceAccount in the spec) or bind the role to the one that exists.",
  appliesTo: ["vault_kubernetes_auth_backend_role", "ServiceAccount", "Namespace"],
  run(ctx) {
    const v = VaultIndex.of(ctx);
    const out: { resource: string; message: string }[] = [];
    const clusterOfMount = new Map(ctx.model.vault.kubernetesAuth.map((m) => [m.path, m.cluster]));
    const managed = new Set<string>();
    for (const [key, o] of Object.entries(ctx.synthesis.kubernetes.manifests)) {
      const ns = o?.kind === "Namespace" ? o.metadata?.name : o?.metadata?.namespace;
      if (ns) managed.add(`${key.slice(0, key.indexOf("/"))}/${ns}`);
    }
    const accounts = new Set(ctx.manifests("ServiceAccount").map((m) => `${m.cluster}/${m.obj.metadata?.namespace}/${m.obj.metadata?.name}`));
    for (const role of v.roles) {
      const cluster = clusterOfMount.get(role.mount) ?? ctx.model.network.primaryCluster;
      const writer = role.name.startsWith(vaultNames.writer(""));
      for (const ns of role.namespaces.filter((n) => writer || managed.has(`${cluster}/${n}`))) {
        for (const name of role.names.filter((n) => n !== "*")) {
          if (!accounts.has(`${cluster}/${ns}/${name}`)) out.push({ resource: role.resource, message: `role ${role.name} (auth/${role.mount}) binds ${ns}/${name}, which no manifest of cluster ${cluster} renders` });
        }
      }
    }
    return out;
  },
  fixtures: {
    pass: {
      does: "the ServiceAccount payment-service of dev kept under another file name (objects count, not file names)",
      edit: (s) => {
        const m = s.kubernetes.manifests;
        m["shop-platform/env-dev/sa.yaml"] = m["shop-platform/env-dev/serviceaccount-payment-service.yaml"];
        delete m["shop-platform/env-dev/serviceaccount-payment-service.yaml"];
      },
    },
    fail: {
      does: "the ServiceAccount payment-service removed from dev",
      edit: (s) => void delete s.kubernetes.manifests["shop-platform/env-dev/serviceaccount-payment-service.yaml"],
      expect: { resource: "vault-dev/vault_kubernetes_auth_backend_role.auth_kubernetes_role_svc_dev_payment_service", message: "role svc-dev-payment-service (auth/kubernetes) binds dev/payment-service, which no manifest of cluster shop-platform renders" },
    },
  },
};
