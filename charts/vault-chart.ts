import type { Construct } from "constructs";
import type { PlatformModel } from "../model";
import { k8sNames } from "../model/names";
import { PlatformChart } from "./platform-chart";
import { vaultCaConfigMap } from "./resources/config-map";
import { restrictedNamespace } from "./resources/namespace";
import { defaultDeny } from "./resources/network-policy";
import { serviceAccount } from "./resources/service-account";
import { vaultCertificate } from "./vault/certificate";
import { vaultConfigMap } from "./vault/config";
import { vaultDisruptionBudget } from "./vault/disruption-budget";
import { vaultServerPolicy } from "./vault/network-policies";
import { vaultPriorityClass } from "./vault/priority-class";
import { authDelegatorBinding, serviceRegistrationRbac } from "./vault/rbac";
import { vaultServices } from "./vault/services";
import { vaultStatefulSet } from "./vault/statefulset";
import { vaultStorageClass } from "./vault/storage-class";

/**
 * Vault in HA mode on integrated Raft: what the hashicorp/vault Helm chart renders for it, with
 * TLS always on, KMS auto-unseal, restricted Pod Security, zone spread and default-deny networking.
 */
export class VaultChart extends PlatformChart {
  constructor(scope: Construct, model: PlatformModel) {
    super(scope, { cluster: model.kubernetes.primaryCluster, component: k8sNames.components.vault, platform: model.name });
    const vault = model.kubernetes.vault;
    restrictedNamespace(this, vault.namespace, {}, vault.deletionGuard);
    vaultCaConfigMap(this, vault.namespace, model.kubernetes.externalSecrets.caCertificatePem);
    serviceAccount(this, vault.serviceAccount);
    authDelegatorBinding(this, vault);
    serviceRegistrationRbac(this, vault);
    vaultConfigMap(this, vault);
    vaultCertificate(this, vault);
    vaultStorageClass(this, vault);
    vaultPriorityClass(this, vault);
    vaultStatefulSet(this, vault);
    vaultServices(this, vault);
    vaultDisruptionBudget(this, vault);
    defaultDeny(this, vault.namespace);
    vaultServerPolicy(this, vault);
  }
}
