import type { Construct } from "constructs";
import type { PlatformModel } from "../model";
import type { PlatformWritersModel, WriterComponentModel } from "../model/kubernetes/platform-writers";
import { PlatformChart } from "./platform-chart";
import { vaultCaConfigMap } from "./resources/config-map";
import { serviceAccount } from "./resources/service-account";
import { crossplaneDatabaseComposition } from "./writers/crossplane";

/** One platform writer in the primary cluster: its service account, the Vault CA, and for Crossplane its Composition. */
export class PlatformWriterChart extends PlatformChart {
  constructor(scope: Construct, model: PlatformModel, writers: PlatformWritersModel, writer: WriterComponentModel) {
    super(scope, { cluster: writers.cluster, component: writer.component, platform: model.name });
    if (writer.caConfigMap) vaultCaConfigMap(this, writer.serviceAccount.namespace, writers.caCertificatePem);
    serviceAccount(this, writer.serviceAccount);
    if (writer.kind === "crossplane" && writers.crossplane) crossplaneDatabaseComposition(this, writers.crossplane);
  }
}
