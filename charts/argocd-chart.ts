import type { Construct } from "constructs";
import type { ArgoCdModel } from "../model/argocd";
import type { ClusterDeliveryModel } from "../model/argocd/types";
import { argoNames } from "../model/names";
import { argoApplication } from "./argocd/application";
import { argoProject } from "./argocd/project";
import { PlatformChart } from "./platform-chart";

/** dist/argocd/<cluster>/: what the cluster's root Application syncs (an AppProject and an Application per component). */
export class ArgoCdClusterChart extends PlatformChart {
  constructor(scope: Construct, platform: string, argocd: ArgoCdModel, delivery: ClusterDeliveryModel) {
    super(scope, { cluster: argoNames.folder, component: delivery.cluster, platform });
    for (const p of delivery.projects) argoProject(this, argocd.namespace, p);
    for (const app of delivery.applications) argoApplication(this, argocd.namespace, app);
  }
}

/** dist/argocd/bootstrap/: the root Application of every cluster and its AppProject, applied once by a person. */
export class ArgoCdBootstrapChart extends PlatformChart {
  constructor(scope: Construct, platform: string, argocd: ArgoCdModel) {
    super(scope, { cluster: argoNames.folder, component: argoNames.bootstrapFolder, platform });
    for (const d of argocd.clusters) {
      argoProject(this, argocd.namespace, d.rootProject);
      argoApplication(this, argocd.namespace, d.root);
    }
  }
}
