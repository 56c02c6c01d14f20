import { comparePriority, patternMatches } from "../../checks/vault-acl";
import type { PlatformModel } from "../../model";
import type { EnvironmentModel } from "../../model/kubernetes/types";
import type { Consumer } from "../../model/vault/types";
import { type Diagram, DiagramBuilder, nodeId } from "./graph";

/**
 * What the architecture pictures show, decided from the model alone: one overview of the platform and
 * one picture per environment (auth mounts → roles → policies → paths, the store, which secret reaches
 * which service, the AWS identities and the databases).
 */

const isTokenSelf = (path: string) => path.startsWith("auth/token/");
const consumerIn = (c: Consumer, env: string) => (c.kind === "eso-store" || c.kind === "vso" || c.kind === "service") && c.environment === env;

export function overviewDiagram(model: PlatformModel): Diagram {
  const b = new DiagramBuilder();
  const k8s = model.kubernetes;
  const vaultNs = k8s.vault.namespace;
  const aws = b.group("aws", `AWS account ${model.aws.accountId} (${model.aws.region})`);
  const unseal = b.node(nodeId("kms", model.aws.unsealKey.alias), ["KMS key", model.aws.unsealKey.alias], "hexagon", aws);
  const bucket = b.node(nodeId("s3", model.aws.snapshotBucket.name), ["S3 bucket", model.aws.snapshotBucket.name], "cylinder", aws);
  b.node(nodeId("kms", model.aws.snapshotKey.alias), ["KMS key", model.aws.snapshotKey.alias], "hexagon", aws);
  b.edge(bucket, nodeId("kms", model.aws.snapshotKey.alias), "SSE-KMS");
  const iam = (id: string) => nodeId("iam", id);
  for (const r of model.aws.roles) b.node(iam(r.id), ["IAM role", r.name], "hexagon", aws);

  for (const cluster of k8s.clusters) {
    const c = b.group(nodeId("cluster", cluster.name), `${cluster.primary ? "EKS cluster" : "dedicated cluster"} ${cluster.name}`);
    if (cluster.primary) {
      const ns = b.group(nodeId("ns", vaultNs), `namespace ${vaultNs}`, c);
      const vault = b.node("vault", [`StatefulSet vault: ${k8s.vault.replicas} Raft voters`, k8s.vault.image], "box", ns);
      const snap = b.node("snapshot", ["CronJob vault-snapshot", k8s.snapshots.schedule], "round", ns);
      b.edge(vault, unseal, "auto-unseal (awskms)");
      b.edge(vault, iam("vault-server"), model.aws.workloadIdentity);
      b.edge(snap, vault, "raft snapshot");
      b.edge(snap, iam("vault-snapshot"), model.aws.workloadIdentity);
      b.edge(iam("vault-snapshot"), bucket, "s3:PutObject");
      const eso = b.group(nodeId("ns", k8s.externalSecrets.namespace), `namespace ${k8s.externalSecrets.namespace}`, c);
      for (const s of cluster.environments.map((e) => e.secretStore).filter((st) => st.kind === "ClusterSecretStore")) {
        const store = b.node(nodeId("store", s.name), ["ClusterSecretStore", s.name], "hexagon", eso);
        b.edge(store, vault, `auth/${s.vault.authMount} role ${s.vault.role}`, true);
        b.edge(store, nodeId("env", s.environment), "Secrets");
      }
      b.edge(b.node("prometheus", ["Prometheus", `ServiceMonitor in namespace ${k8s.monitoring.namespace}`], "round", c), vault, "metrics (TLS)", true);
    }
    for (const env of cluster.environments) {
      const ns = b.group(nodeId("envns", env.name), `namespace ${env.namespace}`, c);
      const services = servicesOf(model, env);
      b.node(nodeId("env", env.name), [`environment ${env.name}`, `${services.length} services`, `${env.externalSecrets.length} ExternalSecrets`], "box", ns);
      if (env.secretStore.kind === "SecretStore") {
        const store = b.node(nodeId("store", `${env.cluster}/${env.secretStore.name}`), ["SecretStore", env.secretStore.name], "hexagon", ns);
        b.edge(store, "vault", `auth/${env.secretStore.vault.authMount} role ${env.secretStore.vault.role}`, true);
        b.edge(store, nodeId("env", env.name), "Secrets");
      }
    }
  }
  const engines = b.group("engines", "Vault mounts");
  for (const [path, what] of vaultMounts(model)) b.edge("vault", b.node(nodeId("mount", path), [`${path}/`, what], "box", engines), undefined, true);
  const dbs = model.vault.database ? b.group("dbs", "databases (outside the cluster)") : undefined;
  for (const c of model.vault.database?.connections ?? []) {
    const db = b.node(nodeId("db", `${c.host}:${c.port}`), ["PostgreSQL", `${c.host}:${c.port}`], "cylinder", dbs);
    b.edge(nodeId("mount", model.vault.database!.mount), db, "connections");
  }
  return b.build("Overview", "The AWS account, each cluster with its namespaces, Vault and its mounts. Dashed arrows are logins and reads over TLS on 8200; solid arrows name the identity or key in use.");
}

function vaultMounts(model: PlatformModel): [string, string][] {
  const v = model.vault;
  return [
    ...v.kubernetesAuth.map((m): [string, string] => [`auth/${m.path}`, `Kubernetes auth (${m.cluster})`]),
    ...(v.awsAuth ? [[`auth/${v.awsAuth.path}`, "AWS IAM auth"] as [string, string]] : []),
    ...(v.appRole ? [[`auth/${v.appRole.path}`, "AppRole auth"] as [string, string]] : []),
    ...(v.oidc ? [[`auth/${v.oidc.path}`, "OIDC auth (people)"] as [string, string]] : []),
    [v.kv.mount, "KV v2"],
    ...(v.database ? [[v.database.mount, "database (PostgreSQL)"] as [string, string]] : []),
    [v.pki.rootMount, "PKI root CA"],
    [v.pki.mount, "PKI issuing CA"],
    ...(v.transit ? [[v.transit.mount, "transit"] as [string, string]] : []),
  ];
}

/** The services of an environment the model knows: those receiving secrets or logging in themselves. */
export function servicesOf(model: PlatformModel, env: EnvironmentModel): string[] {
  const fromSecrets = env.externalSecrets.map((e) => e.service);
  const fromRoles = vaultRoles(model).flatMap(({ role }) => (role.consumer.kind === "service" && role.consumer.environment === env.name ? [role.consumer.service] : []));
  return [...new Set([...fromSecrets, ...fromRoles])].sort();
}

/** Every machine login role of Vault with its mount. */
export function vaultRoles(model: PlatformModel) {
  const v = model.vault;
  return [
    ...v.kubernetesAuth.flatMap((m) => m.roles.map((role) => ({ mount: m.path, role, serviceAccount: role.serviceAccount as { namespace: string; name: string } | undefined }))),
    ...(v.awsAuth?.roles ?? []).map((role) => ({ mount: v.awsAuth!.path, role, serviceAccount: undefined })),
    ...(v.appRole?.roles ?? []).map((role) => ({ mount: v.appRole!.path, role, serviceAccount: undefined })),
  ];
}

/** The Vault request path an ExternalSecret reads: its generator's path, or the KV v2 data path of its keys. */
export function requestPaths(model: PlatformModel, env: EnvironmentModel, es: EnvironmentModel["externalSecrets"][number]): string[] {
  if (es.generator) return env.generators.filter((g) => g.name === es.generator).map((g) => g.path.replace(/^\//, ""));
  return [...new Set(es.data.map((d) => `${model.vault.kv.mount}/data/${d.key}`))];
}

/** The policy rule that decides a request (Vault's priority among matching patterns). */
export function decidingRule(patterns: string[], path: string): string | undefined {
  return patterns.filter((p) => patternMatches(p, path)).reduce<string | undefined>((best, p) => (best === undefined || comparePriority(p, best) > 0 ? p : best), undefined);
}

export function environmentDiagram(model: PlatformModel, env: EnvironmentModel): Diagram {
  const b = new DiagramBuilder();
  const cluster = b.group(nodeId("cluster", env.cluster), `${env.primary ? "EKS cluster" : "dedicated cluster"} ${env.cluster}`);
  const ns = b.group(nodeId("ns", env.namespace), `namespace ${env.namespace}`, cluster);
  const vault = b.group("vault", `Vault (namespace ${model.kubernetes.vault.namespace})`);
  const auth = b.group("auth", "auth methods and roles", vault);
  const policies = b.group("policies", "policies", vault);
  const paths = b.group("paths", "paths granted", vault);

  const roles = vaultRoles(model).filter(({ role }) => consumerIn(role.consumer, env.name));
  const policyRules = new Map(model.vault.policies.map((p) => [p.name, p.rules.filter((r) => !isTokenSelf(r.path))]));
  const roleId = (mount: string, name: string) => nodeId("role", `${mount}/${name}`);
  const granted = roles.flatMap(({ role }) => role.policies.flatMap((name) => (policyRules.get(name) ?? []).map((r) => r.path)));
  for (const { mount, role } of roles) {
    const m = b.node(nodeId("mount", mount), [`auth/${mount}/`], "box", auth);
    b.edge(m, b.node(roleId(mount, role.name), ["role", role.name], "round", auth));
    for (const name of role.policies) {
      b.edge(roleId(mount, role.name), b.node(nodeId("policy", name), ["policy", name], "round", policies));
      for (const rule of policyRules.get(name) ?? []) {
        b.edge(nodeId("policy", name), b.node(nodeId("path", rule.path), [rule.path], "box", paths), rule.capabilities.join(", "));
      }
    }
  }

  const store = env.secretStore;
  if (store) {
    const where = store.namespace ? ns : b.group(nodeId("ns", model.kubernetes.externalSecrets.namespace), `namespace ${model.kubernetes.externalSecrets.namespace}`, nodeId("cluster", model.kubernetes.primaryCluster));
    const s = b.node(nodeId("store", store.name), [store.kind, store.name, `service account ${store.vault.serviceAccount.name}`], "hexagon", where);
    b.edge(s, roleId(store.vault.authMount, store.vault.role), "logs in", true);
    const patterns = model.vault.policies.filter((p) => roles.some((r) => r.role.name === store.vault.role && r.role.policies.includes(p.name))).flatMap((p) => p.rules.map((r) => r.path));
    for (const es of env.externalSecrets) {
      const read = requestPaths(model, env, es);
      const secret = b.node(nodeId("secret", es.target), [`Secret ${es.target}`, ...read.map((p) => `from ${p}`)], "box", ns);
      for (const path of read) {
        const rule = decidingRule(patterns, path);
        if (rule) b.edge(nodeId("path", rule), secret, "ESO");
      }
      b.edge(secret, nodeId("svc", es.service), "delivered to");
    }
  }
  for (const service of servicesOf(model, env)) b.node(nodeId("svc", service), ["service", service], "stadium", ns);
  for (const { mount, role, serviceAccount } of roles) {
    if (role.consumer.kind !== "service") continue;
    if (serviceAccount) b.edge(nodeId("svc", role.consumer.service), roleId(mount, role.name), `logs in as ${serviceAccount.name}`, true);
  }

  const awsRoles = model.aws.roles.filter((r) => r.serviceAccount.namespace === env.namespace);
  if (awsRoles.length > 0) {
    const aws = b.group("aws", `AWS account ${model.aws.accountId}`);
    for (const r of awsRoles) {
      const iam = b.node(nodeId("iam", r.id), ["IAM role", r.name], "hexagon", aws);
      const service = roles.find(({ role }) => "boundIamRoleArn" in role && role.boundIamRoleArn === r.arn);
      if (service && service.role.consumer.kind === "service") {
        b.edge(nodeId("svc", service.role.consumer.service), iam, `${r.identity} (${r.serviceAccount.name})`);
        b.edge(iam, roleId(service.mount, service.role.name), "logs in", true);
      }
    }
  }

  const database = model.vault.database;
  for (const dbRole of database?.roles.filter((r) => r.environment === env.name) ?? []) {
    const connection = database!.connections.find((c) => c.name === dbRole.connection)!;
    const dbs = b.group("databases", "PostgreSQL (Vault creates a user per credential)");
    const conn = b.node(nodeId("conn", connection.name), [`connection ${connection.name}`, `${connection.host}:${connection.port}/${connection.database}`], "cylinder", dbs);
    const rule = decidingRule(granted, `${database!.mount}/creds/${dbRole.name}`);
    if (rule) b.edge(nodeId("path", rule), conn, `role ${dbRole.name}`);
  }
  return b.build(`Environment ${env.name}`, `Namespace ${env.namespace} in ${env.cluster}. Read left to right: an auth mount's role carries policies, each policy grants paths (capabilities on the arrow), ESO reads a path into a Secret, the Secret reaches its service. Dashed arrows are logins.`);
}
