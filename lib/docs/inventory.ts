import type { PlatformModel } from "../../model";
import { serviceAccountName } from "../../model/names";
import type { PlatformSpec } from "../../spec/schema";
import { requestPaths, vaultRoles } from "./architecture-graph";

/** Per environment, per service: what it receives and who it is (the table reviewers read beside the diagrams). */

export interface InventoryRow {
  service: string;
  serviceAccount: string;
  /** `<Secret> ← <Vault path>`, one per Kubernetes Secret ESO writes for the service. */
  secrets: string[];
  /** Database roles (database/creds/<role>) and their access. */
  databaseRoles: string[];
  /** The Vault roles the service's secrets come through or it logs in as, each with its policies. */
  vaultRoles: string[];
  /** AWS identities: IAM roles the service account obtains. */
  awsIdentities: string[];
}

export interface EnvironmentInventory {
  environment: string;
  namespace: string;
  cluster: string;
  rows: InventoryRow[];
}

export function inventory(spec: PlatformSpec, model: PlatformModel): EnvironmentInventory[] {
  const roles = vaultRoles(model);
  return model.kubernetes.clusters.flatMap((cluster) =>
    cluster.environments.map((env) => {
      const store = env.secretStore;
      const storeRole = roles.find((r) => store && r.mount === store.vault.authMount && r.role.name === store.vault.role);
      const rows = spec.services
        .filter((svc) => svc.environments.includes(env.name))
        .map((svc): InventoryRow => {
          const secrets = env.externalSecrets.filter((es) => es.service === svc.name);
          const own = roles.filter(({ role }) => role.consumer.kind === "service" && role.consumer.environment === env.name && role.consumer.service === svc.name);
          const delivering = secrets.length > 0 && storeRole ? [storeRole] : [];
          const sa = serviceAccountName(svc);
          return {
            service: svc.name,
            serviceAccount: `${env.namespace}/${sa}`,
            secrets: secrets.map((es) => `${es.target} ← ${requestPaths(model, env, es).join(", ")}`),
            databaseRoles: (model.vault.database?.roles ?? []).filter((r) => r.environment === env.name && r.service === svc.name).map((r) => `${r.name} (${r.access})`),
            vaultRoles: [...delivering, ...own].map(({ mount, role }) => `auth/${mount} role ${role.name} → policies ${role.policies.join(", ")}${own.some((o) => o.role === role) ? "" : " (ESO)"}`),
            awsIdentities: model.aws.roles.filter((r) => r.serviceAccount.namespace === env.namespace && r.serviceAccount.name === sa).map((r) => `${r.name} (${r.identity})`),
          };
        });
      return { environment: env.name, namespace: env.namespace, cluster: env.cluster, rows };
    }),
  );
}

const cell = (items: string[]) => (items.length === 0 ? "–" : items.map((i) => `\`${i}\``).join("<br>"));

export function inventoryMarkdown(envs: EnvironmentInventory[]): string {
  return envs
    .map((e) =>
      [
        `### ${e.environment} (namespace \`${e.namespace}\`, cluster \`${e.cluster}\`)`,
        "",
        "| service | service account | Secrets ← Vault path | database roles | Vault roles → policies | AWS identities |",
        "| --- | --- | --- | --- | --- | --- |",
        ...e.rows.map((r) => `| ${r.service} | \`${r.serviceAccount}\` | ${cell(r.secrets)} | ${cell(r.databaseRoles)} | ${cell(r.vaultRoles)} | ${cell(r.awsIdentities)} |`),
      ].join("\n"),
    )
    .join("\n\n");
}
