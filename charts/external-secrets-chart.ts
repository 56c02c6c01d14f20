import type { Construct } from "constructs";
import type { PlatformModel } from "../model";
import { secretsManagerStore } from "./eso/stores";
import { k8sNames } from "../model/names";
import { PlatformChart } from "./platform-chart";
import { vaultCaConfigMap } from "./resources/config-map";
import { serviceAccount } from "./resources/service-account";

/** ESO in the primary cluster: the Vault CA its stores trust and the AWS Secrets Manager store (each environment renders its own Vault store). */
export class ExternalSecretsChart extends PlatformChart {
  constructor(scope: Construct, model: PlatformModel) {
    super(scope, { cluster: model.kubernetes.primaryCluster, component: k8sNames.components.externalSecrets, platform: model.name });
    const eso = model.kubernetes.externalSecrets;
    vaultCaConfigMap(this, eso.namespace, eso.caCertificatePem);
    if (eso.secretsManager) secretsManagerStore(this, eso.secretsManager);
    for (const sa of eso.serviceAccounts) serviceAccount(this, sa);
  }
}
