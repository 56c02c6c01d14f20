import type { GitopsModel, GroupKind, IgnoredDifference } from "./types";

/**
 * ESO in a dedicated cluster (vcluster or EKS), installed by Argo CD from ESO's Helm chart at the
 * version the CRD copies in crds/external-secrets come from, so the objects this tool renders there
 * validate against exactly the CRDs the chart installs.
 */
export const ESO_CHART = { repoUrl: "https://charts.external-secrets.io", chart: "external-secrets", version: "2.9.0", releaseName: "external-secrets" } as const;

/**
 * Values of chart 2.9.0 (deploy/charts/external-secrets/values.yaml) our stores need, everything
 * else left at the chart's defaults:
 * - installCRDs: the chart installs ESO's CRDs, including generators.external-secrets.io (our
 *   VaultDynamicSecret generators).
 * - A dedicated cluster's environment uses a namespaced SecretStore only: the cluster-wide kinds
 *   (ClusterSecretStore, ClusterExternalSecret, ClusterGenerator, ClusterPushSecret) and PushSecret
 *   are neither installed nor processed (crds.create* and process* go together, ESO's "disable
 *   cluster features" guide), so nobody in that cluster can create a store that serves every
 *   namespace, and the controller needs no cluster-wide store rights nor namespace updates.
 * - rbac.serviceAccountTokenCreate: the SecretStore logs in with the token of eso-vault-store in
 *   the environment's namespace; the controller requests it (TokenRequest), which needs this right.
 * - serviceAccount.name: externalSecrets.controllerServiceAccount, as in the primary cluster.
 */
export function esoChartValues(gitops: GitopsModel): Record<string, unknown> {
  return {
    installCRDs: true,
    crds: {
      createClusterExternalSecret: false,
      createClusterSecretStore: false,
      createClusterGenerator: false,
      createClusterPushSecret: false,
      createPushSecret: false,
    },
    processClusterExternalSecret: false,
    processClusterStore: false,
    processClusterGenerator: false,
    processClusterPushSecret: false,
    processPushSecret: false,
    serviceAccount: { name: gitops.externalSecrets.controllerServiceAccount },
    rbac: { serviceAccountTokenCreate: true },
  };
}

/**
 * What the chart renders with these values (templates of chart 2.9.0: the controller, the webhook
 * and the cert-controller with their RBAC, services and the webhook's Secret and
 * ValidatingWebhookConfiguration; the CRDs). Namespace: Argo CD creates the release namespace
 * (CreateNamespace=true). The AppProject allows exactly these kinds.
 */
export const ESO_CHART_CLUSTER_KINDS: GroupKind[] = [
  { group: "", kind: "Namespace" },
  { group: "apiextensions.k8s.io", kind: "CustomResourceDefinition" },
  { group: "admissionregistration.k8s.io", kind: "ValidatingWebhookConfiguration" },
  { group: "rbac.authorization.k8s.io", kind: "ClusterRole" },
  { group: "rbac.authorization.k8s.io", kind: "ClusterRoleBinding" },
];
export const ESO_CHART_NAMESPACED_KINDS: GroupKind[] = [
  { group: "", kind: "Secret" },
  { group: "", kind: "Service" },
  { group: "", kind: "ServiceAccount" },
  { group: "apps", kind: "Deployment" },
  { group: "rbac.authorization.k8s.io", kind: "Role" },
  { group: "rbac.authorization.k8s.io", kind: "RoleBinding" },
];

/**
 * Fields ESO's cert-controller writes at run time, which Git cannot hold: it generates the webhook's
 * CA and serving certificate into the (empty) Secret the chart renders and injects the CA into the
 * ValidatingWebhookConfigurations (external-secrets v2.9.0 pkg/controllers/crds/crds_controller.go,
 * pkg/controllers/webhookconfig/webhookconfig.go). Without these, every self-heal would wipe them and
 * the API server would reject ESO objects until the controller re-injects. Nothing else is ignored.
 */
export function esoIgnoredDifferences(namespace: string): IgnoredDifference[] {
  return [
    {
      group: "admissionregistration.k8s.io",
      kind: "ValidatingWebhookConfiguration",
      jqPathExpressions: [".webhooks[]?.clientConfig.caBundle"],
      reason: "ESO's cert-controller injects its generated CA into every ESO webhook configuration",
    },
    {
      group: "",
      kind: "Secret",
      name: `${ESO_CHART.releaseName}-webhook`,
      namespace,
      jsonPointers: ["/data"],
      reason: "ESO's cert-controller writes the webhook's generated CA, certificate and key into this Secret",
    },
  ];
}

/**
 * CRDs above 256 KiB cannot be applied client-side (the last-applied annotation exceeds the
 * annotation size limit; ESO's getting-started guide requires server-side apply), and the fields
 * above must survive a sync, so the ESO Application syncs with these options.
 */
export const ESO_SYNC_OPTIONS = ["CreateNamespace=true", "ServerSideApply=true", "RespectIgnoreDifferences=true"];
