/** How the Vault server and snapshot pods are named, labelled and reached. */

import { k8sNames, podLabels } from "../../model/names";

/** The StatefulSet: its pods are vault-0..vault-(n-1), the names vault.hcl's retry_join blocks use. */
export const VAULT_STATEFULSET = k8sNames.vaultStatefulSet;

export const vaultPodNames = (replicas: number): string[] => Array.from({ length: replicas }, (_, i) => `${VAULT_STATEFULSET}-${i}`);

/** Selector labels of the Vault server pods (those of the Helm chart, so its tooling finds them). */
export const VAULT_POD_LABELS = podLabels.vault;

/** Label of the raft snapshot job's pods; the Vault server policy admits them on 8200. */
export const SNAPSHOT_POD_LABELS = podLabels.snapshot;

/** Label of the certificate probe's pods; the Vault server policy admits them on 8200. */
export const CERTIFICATE_PROBE_POD_LABELS = podLabels.certificateProbe;

/** Label that tells the four Vault services apart (the ServiceMonitor selects vault-internal by it). */
export const VAULT_SERVICE_LABEL = "vault-eks-platform/vault-service";

/** Label Vault's Kubernetes service registration keeps up to date on each pod. */
export const VAULT_ACTIVE_LABEL = "vault-active";

export const VAULT_PORTS = {
  api: { name: "https", port: 8200 },
  cluster: { name: "https-internal", port: 8201 },
} as const;
