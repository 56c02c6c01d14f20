import type { Construct } from "constructs";
import { Application, type ApplicationSpecSource } from "../../imports/argoproj.io";
import { SYNC_RETRY } from "../../model/argocd";
import type { ApplicationModel } from "../../model/argocd/types";
import { SYNC_WAVE_ANNOTATION } from "../../model/argocd/waves";

function source(s: ApplicationModel["source"]): ApplicationSpecSource {
  return s.type === "directory"
    ? { repoUrl: s.repoUrl, targetRevision: s.revision, path: s.path }
    : { repoUrl: s.repoUrl, chart: s.chart, targetRevision: s.version, helm: { releaseName: s.releaseName, valuesObject: s.values } };
}

/** An Argo CD Application as the model decides it. */
export function argoApplication(scope: Construct, namespace: string, app: ApplicationModel): void {
  new Application(scope, `application-${app.name}`, {
    metadata: { name: app.name, namespace, annotations: { [SYNC_WAVE_ANNOTATION]: String(app.wave) } },
    spec: {
      project: app.project,
      source: source(app.source),
      destination: { server: app.destination.server, namespace: app.destination.namespace },
      syncPolicy: {
        automated: { enabled: true, prune: true, selfHeal: true },
        syncOptions: app.syncOptions,
        retry: { limit: SYNC_RETRY.limit, backoff: { ...SYNC_RETRY.backoff } },
        ...(app.managedNamespaceLabels ? { managedNamespaceMetadata: { labels: app.managedNamespaceLabels } } : {}),
      },
      ...(app.ignoreDifferences.length > 0
        ? {
            ignoreDifferences: app.ignoreDifferences.map((d) => ({
              group: d.group,
              kind: d.kind,
              ...(d.name ? { name: d.name } : {}),
              ...(d.namespace ? { namespace: d.namespace } : {}),
              ...(d.jsonPointers ? { jsonPointers: d.jsonPointers } : {}),
              ...(d.jqPathExpressions ? { jqPathExpressions: d.jqPathExpressions } : {}),
            })),
          }
        : {}),
    },
  });
}
