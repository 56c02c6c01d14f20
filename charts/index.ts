import type { App } from "cdk8s";
import type { PlatformModel } from "../model";
import { EnvironmentChart } from "./environment-chart";
import { ExternalSecretsChart } from "./external-secrets-chart";
import { MonitoringChart } from "./monitoring-chart";
import type { PlatformChart } from "./platform-chart";
import { PlatformWriterChart } from "./platform-writers-chart";
import { VaultBackupChart } from "./vault-backup-chart";
import { VaultChart } from "./vault-chart";

/**
 * Every chart of the platform: the Vault server, its backups, its monitoring and the ESO stores in
 * the primary cluster, and one chart per environment in whichever cluster it lives in.
 */
export function buildCharts(app: App, model: PlatformModel): PlatformChart[] {
  const charts: PlatformChart[] = [new VaultChart(app, model), new VaultBackupChart(app, model), new MonitoringChart(app, model), new ExternalSecretsChart(app, model)];
  for (const cluster of model.kubernetes.clusters) {
    for (const env of cluster.environments) charts.push(new EnvironmentChart(app, model, env));
  }
  const writers = model.kubernetes.platformWriters;
  for (const writer of writers?.writers ?? []) charts.push(new PlatformWriterChart(app, model, writers!, writer));
  return charts;
}
