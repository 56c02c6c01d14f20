import type { Construct } from "constructs";
import { AppProject } from "../../imports/argoproj.io";
import type { ProjectModel } from "../../model/argocd/types";
import { APPLICATION_WAVES, SYNC_WAVE_ANNOTATION } from "../../model/argocd/waves";

/** An AppProject: the repositories, destinations and kinds its Application may use, nothing else. */
export function argoProject(scope: Construct, namespace: string, p: ProjectModel): void {
  new AppProject(scope, `appproject-${p.name}`, {
    metadata: { name: p.name, namespace, annotations: { [SYNC_WAVE_ANNOTATION]: String(APPLICATION_WAVES.projects) } },
    spec: {
      description: p.description,
      sourceRepos: p.sourceRepos,
      destinations: p.destinations.map((d) => ({ server: d.server, namespace: d.namespace })),
      clusterResourceWhitelist: p.clusterResources.map((k) => ({ group: k.group, kind: k.kind })),
      namespaceResourceWhitelist: p.namespacedResources.map((k) => ({ group: k.group, kind: k.kind })),
    },
  });
}
