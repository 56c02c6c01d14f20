import type { PlatformSpec } from "../spec/schema";
import {
  argoNames,
  derivedAwsNames,
  ESO_STORE_SERVICE_ACCOUNT,
  VSO_AUTH_SERVICE_ACCOUNT,
  environmentNamespace,
  k8sNames,
  kubernetesAuthMount,
  kvPaths,
  serviceAccountName,
  terraformName,
  VAULT_MOUNTS,
  vaultConstructIds,
  vaultNames,
  vaultStackNames,
} from "./names";

/**
 * Every name the layers generate from spec input that must be unique where it lives, with the
 * spec field that introduced it. Built from the same functions of names.ts the model uses, so a
 * new name scheme is checked the day it is introduced. Fixed names come first: a spec name that
 * collides with one is reported at the spec field.
 */
export interface NameClaim {
  /** Where the name must be unique, e.g. `Kubernetes Secrets in namespace dev of cluster shop`. */
  scope: string;
  name: string;
  /** Spec field that introduced the name; absent for names the platform fixes. */
  path?: (string | number)[];
  /** What the name is for, e.g. `the ExternalSecret of services[0].secrets[1]`. */
  what: string;
  /** Compare names case-insensitively (file names on macOS and Windows). */
  caseInsensitive?: boolean;
  /** The thing named, when several spec fields lead to the same one (e.g. a connection two services share). */
  object?: string;
}

const list = <T>(v: T[] | undefined): T[] => (Array.isArray(v) ? v : []);
const text = (v: unknown): v is string => typeof v === "string" && v !== "";

export function nameClaims(spec: PlatformSpec): NameClaim[] {
  return [...kubernetesClaims(spec), ...argoCdClaims(spec), ...vaultClaims(spec), ...terraformClaims(spec), ...awsClaims(spec)];
}

/** dist/argocd/<cluster>/ beside bootstrap/, and the Applications (AppProjects share their names) in Argo CD's namespace. */
function argoCdClaims(spec: PlatformSpec): NameClaim[] {
  if (!spec.gitops) return [];
  const project = spec.gitops.argocd?.project ?? spec.name;
  const apps = `Argo CD Applications and AppProjects in namespace ${spec.gitops.argocd?.namespace ?? "argocd"}`;
  const folders = `folders in dist/${argoNames.folder}`;
  const claims: NameClaim[] = [{ scope: folders, name: argoNames.bootstrapFolder, what: "the folder of the root Applications", caseInsensitive: true }];
  const cluster = (name: string, path: NameClaim["path"], components: [string, NameClaim["path"]][]) => {
    claims.push({ scope: folders, name, path, what: `the Argo CD folder of cluster ${name}`, caseInsensitive: true, object: name });
    claims.push({ scope: apps, name: argoNames.root(project, name), path, what: `the root Application of cluster ${name}`, object: `root ${name}` });
    for (const [component, at] of components) claims.push({ scope: apps, name: argoNames.application(project, name, component), path: at, what: `the Application of dist/${name}/${component}`, object: `${name}/${component}` });
  };
  const envs = list(spec.environments).map((env, e) => ({ env, e })).filter(({ env }) => text(env?.name));
  if (text(spec.cluster?.name)) {
    const primaryEnvs = envs.filter(({ env }) => !env.cluster || env.cluster.type === "primary");
    cluster(spec.cluster.name, ["cluster", "name"], [
      ...Object.values(k8sNames.components).map((c): [string, NameClaim["path"]] => [c, undefined]),
      ...primaryEnvs.map(({ env, e }): [string, NameClaim["path"]] => [k8sNames.environmentComponent(env.name), ["environments", e, "name"]]),
    ]);
  }
  const dedicated = new Map<string, { path: NameClaim["path"]; components: [string, NameClaim["path"]][] }>();
  for (const { env, e } of envs) {
    if (!env.cluster || env.cluster.type === "primary" || !text(env.cluster.name)) continue;
    if (!dedicated.has(env.cluster.name)) dedicated.set(env.cluster.name, { path: ["environments", e, "cluster", "name"], components: [[argoNames.esoOperatorComponent, undefined]] });
    dedicated.get(env.cluster.name)!.components.push([k8sNames.environmentComponent(env.name), ["environments", e, "name"]]);
  }
  for (const [name, d] of dedicated) cluster(name, d.path, d.components);
  return claims;
}

function kubernetesClaims(spec: PlatformSpec): NameClaim[] {
  const claims: NameClaim[] = [];
  const primary = spec.cluster?.name;
  const folder = (name: string, path: NameClaim["path"], what: string) => claims.push({ scope: "folders in the --dist output", name, path, what, caseInsensitive: true });
  if (spec.gitops) folder(argoNames.folder, undefined, "the Argo CD folder (spec gitops)");
  if (text(primary)) {
    folder(primary, ["cluster", "name"], "the primary cluster's folder");
    for (const component of Object.values(k8sNames.components)) claims.push({ scope: "cdk8s charts", name: k8sNames.chartId(primary, component), what: `the ${component} chart` });
  }
  list(spec.environments).forEach((env, e) => {
    if (!text(env?.name)) return;
    const dedicated = env.cluster && env.cluster.type !== "primary" ? env.cluster.name : undefined;
    const cluster = dedicated ?? primary;
    if (!text(cluster)) return;
    if (dedicated) folder(dedicated, ["environments", e, "cluster", "name"], `the folder of cluster ${dedicated}`);
    claims.push({ scope: "cdk8s charts", name: k8sNames.chartId(cluster, k8sNames.environmentComponent(env.name)), path: ["environments", e, "name"], what: `the chart of environment ${env.name}` });
    const namespace = environmentNamespace(env);
    const secrets = `Kubernetes Secrets in namespace ${namespace} of cluster ${cluster}`;
    const accounts = `ServiceAccounts in namespace ${namespace} of cluster ${cluster}`;
    claims.push({ scope: accounts, name: ESO_STORE_SERVICE_ACCOUNT, what: "the account the environment's ESO store logs in as" });
    if (env.delivery === "vso") {
      claims.push({ scope: accounts, name: VSO_AUTH_SERVICE_ACCOUNT, path: ["environments", e, "delivery"], what: "the account the environment's VaultAuth logs in as" });
      claims.push({ scope: secrets, name: k8sNames.vaultCaConfigMap, path: ["environments", e, "delivery"], what: "the Secret with the Vault CA that VSO's VaultConnection trusts" });
    }
    list(spec.services).forEach((svc, i) => {
      if (!text(svc?.name) || !list(svc.environments).includes(env.name)) return;
      const at = (...rest: (string | number)[]) => ["services", i, ...rest];
      // Service accounts of two services are VEP-S15's; here only the platform's own account.
      const sa = serviceAccountName(svc);
      if (sa === VSO_AUTH_SERVICE_ACCOUNT && env.delivery === "vso") claims.push({ scope: accounts, name: sa, path: at(svc.serviceAccount ? "serviceAccount" : "name"), what: `${svc.name}'s service account` });
      if (sa === ESO_STORE_SERVICE_ACCOUNT) claims.push({ scope: accounts, name: sa, path: at(svc.serviceAccount ? "serviceAccount" : "name"), what: `${svc.name}'s service account` });
      // Shared services and databases first: a KV secret named like one of them is the one to rename.
      list(svc.sharedServices).forEach((shared, j) => {
        if (text(shared)) claims.push({ scope: secrets, name: k8sNames.sharedServiceSecret(svc.name, shared), path: at("sharedServices", j), what: `the Secret with ${svc.name}'s ${shared} credentials` });
      });
      list(svc.databases).forEach((db, j) => {
        if (text(db?.name)) claims.push({ scope: secrets, name: k8sNames.databaseSecret(svc.name, db.name), path: at("databases", j, "name"), what: `the Secret with ${svc.name}'s ${db.name} database credentials` });
      });
      list(svc.secrets).forEach((secret, j) => {
        if (text(secret?.name)) claims.push({ scope: secrets, name: k8sNames.appSecret(svc.name, secret.name), path: at("secrets", j, "name"), what: `the Secret of ${svc.name}'s KV secret ${secret.name}` });
      });
      list(svc.certificates).forEach((cert, j) => {
        if (text(cert?.name)) claims.push({ scope: secrets, name: k8sNames.certificateSecret(svc.name, cert.name), path: at("certificates", j, "name"), what: `the TLS Secret of ${svc.name}'s certificate ${cert.name}` });
      });
    });
  });
  return claims;
}

function vaultClaims(spec: PlatformSpec): NameClaim[] {
  // Every Vault role (Kubernetes, AWS, AppRole auth) shares its policy's name, so unique policies mean unique roles.
  const policy = "Vault policies and roles";
  const claims: NameClaim[] = [vaultNames.snapshot, vaultNames.admin, vaultNames.developer].map((name) => ({ scope: policy, name, what: "a policy the platform defines" }));
  claims.push({ scope: policy, name: vaultNames.terraform, what: "the core Vault stack's pipeline policy" });
  // One Terraform state per Vault stack: an environment's stack must not take the core's name (an environment named core).
  const stacks = "cdktf stacks (Terraform states)";
  claims.push({ scope: stacks, name: vaultStackNames.core, what: "the core Vault stack" }, { scope: stacks, name: "aws", what: "the AWS stack" });
  list(spec.environments).forEach((env, e) => {
    if (!text(env?.name)) return;
    claims.push({ scope: policy, name: vaultNames.esoStore(env.name), path: ["environments", e, "name"], what: `the ESO store policy of environment ${env.name}` });
    claims.push({ scope: policy, name: vaultNames.pipeline(env.name), path: ["environments", e, "name"], what: `the pipeline policy of environment ${env.name}'s Vault stack` });
    claims.push({ scope: stacks, name: vaultStackNames.environment(env.name), path: ["environments", e, "name"], what: `the Vault stack of environment ${env.name}` });
    if (text(env?.name) && env.delivery === "vso") claims.push({ scope: policy, name: vaultNames.vso(env.name), path: ["environments", e, "delivery"], what: `the VSO policy of environment ${env.name}` });
  });
  list(spec.ciConsumers).forEach((tool, t) => {
    if (text(tool?.name)) claims.push({ scope: policy, name: vaultNames.ciTool(tool.name), path: ["ciConsumers", t, "name"], what: `the policy of CI consumer ${tool.name}` });
  });
  // Transit keys: one per environment that uses a key, then the retained shared keys (the one to rename).
  const transit = "Vault transit keys";
  list(spec.services).forEach((svc, i) => {
    list(svc?.transitKeys).forEach((key, k) => {
      list(svc.environments).forEach((env) => {
        if (text(key) && text(env)) claims.push({ scope: transit, name: vaultNames.transitKey(env, key), path: ["services", i, "transitKeys", k], what: `${env}'s transit key ${key}`, object: `${env}/${key}` });
      });
    });
  });
  list(spec.vault?.transit?.keys).forEach((k, i) => {
    if (text(k?.name) && k.legacySharedKey) claims.push({ scope: transit, name: k.name, path: ["vault", "transit", "keys", i, "name"], what: `the retained shared transit key ${k.name}` });
  });
  list(spec.services).forEach((svc, i) => {
    if (!text(svc?.name)) return;
    list(svc.environments).forEach((env, j) => {
      if (!text(env)) return;
      if (svc.vaultLogin !== "none") claims.push({ scope: policy, name: vaultNames.service(env, svc.name), path: ["services", i, "environments", j], what: `the policy of ${svc.name} in ${env}` });
      list(svc.databases).forEach((db, k) => {
        if (text(db?.name)) claims.push({ scope: "Vault database roles", name: vaultNames.databaseRole(env, svc.name, db.name), path: ["services", i, "databases", k, "name"], what: `${svc.name}'s ${db.name} role in ${env}` });
      });
    });
  });
  return claims;
}

/**
 * Terraform names (snake case of the construct path) of Vault-stack elements named from the spec:
 * distinct Vault names can still meet there (auth mount kubernetes-role-eso + role eso-y against
 * mount kubernetes + role eso-role-eso-y; KV paths apps/a--b/c/d and apps/a/b--c/d).
 */
function terraformClaims(spec: PlatformSpec): NameClaim[] {
  const claims: NameClaim[] = [];
  const tf = (kind: string, ids: string[], object: string, path: NameClaim["path"], what: string) =>
    claims.push({ scope: `${kind} (as Terraform resource names)`, name: terraformName(ids), object, path, what });
  const authRole = (mount: string, role: string, path: NameClaim["path"], what: string) =>
    tf("Kubernetes auth roles", [vaultConstructIds.kubernetesAuth(mount), vaultConstructIds.role(role)], `${mount}/${role}`, path, what);
  authRole(VAULT_MOUNTS.kubernetes, vaultNames.snapshot, undefined, "the snapshot job's role");
  list(spec.ciConsumers).forEach((tool, t) => {
    if (text(tool?.name) && tool.auth?.method === "kubernetes") authRole(VAULT_MOUNTS.kubernetes, vaultNames.ciTool(tool.name), ["ciConsumers", t, "name"], `the role of CI consumer ${tool.name}`);
  });
  const envs = new Map(list(spec.environments).filter((e) => text(e?.name) && e.cluster).map((e, k) => [e.name, { env: e, k }]));
  for (const [name, { env, k }] of envs) authRole(kubernetesAuthMount(env), vaultNames.esoStore(name), ["environments", k, "name"], `the ESO store role of ${name}`);
  for (const [name, { env, k }] of envs) if (env.delivery === "vso") authRole(kubernetesAuthMount(env), vaultNames.vso(name), ["environments", k, "delivery"], `the VSO role of ${name}`);
  const dbServer = new Map(list(spec.databases).map((d) => [d?.name, d]));
  list(spec.services).forEach((svc, i) => {
    if (!text(svc?.name)) return;
    list(svc.environments).forEach((envName, j) => {
      const env = envs.get(envName)?.env;
      if (!env) return;
      const at = ["services", i, "environments", j];
      if (svc.vaultLogin === "kubernetes") authRole(kubernetesAuthMount(env), vaultNames.service(envName, svc.name), at, `the role of ${svc.name} in ${envName}`);
      list(svc.secrets).forEach((secret, k) => {
        if (!text(secret?.name)) return;
        const path = kvPaths.appSecret(envName, svc.name, secret.name);
        tf("KV metadata entries", ["kv", vaultConstructIds.kvMetadata(path)], path, ["services", i, "secrets", k, "name"], `the KV entry ${path}`);
      });
      list(svc.sharedServices).forEach((shared, k) => {
        if (!text(shared)) return;
        const path = kvPaths.sharedService(shared, envName);
        tf("KV metadata entries", ["kv", vaultConstructIds.kvMetadata(path)], path, ["services", i, "sharedServices", k], `the KV entry ${path}`);
      });
      list(svc.databases).forEach((use, k) => {
        if (!text(use?.name) || !dbServer.has(use.name)) return;
        const connection = vaultNames.databaseConnection(envName, use.name);
        const role = vaultNames.databaseRole(envName, svc.name, use.name);
        const dbAt = ["services", i, "databases", k, "name"];
        tf("database connections", ["database", vaultConstructIds.databaseConnection(connection)], connection, dbAt, `the connection ${connection}`);
        tf("database roles", ["database", vaultConstructIds.role(role)], role, dbAt, `the database role ${role}`);
      });
    });
  });
  return claims;
}

function awsClaims(spec: PlatformSpec): NameClaim[] {
  if (!text(spec.name) || !spec.aws) return [];
  const names = derivedAwsNames(spec);
  const scope = "IAM roles";
  const claims: NameClaim[] = [
    { scope, name: names.vaultServerRole, what: "the Vault server's role" },
    { scope, name: names.snapshotRole, what: "the snapshot job's role" },
    { scope, name: names.esoSecretsManagerRole, what: "the ESO Secrets Manager role" },
  ];
  list(spec.services).forEach((svc, i) => {
    if (!text(svc?.name) || svc.vaultLogin !== "aws-iam") return;
    list(svc.environments).forEach((env, j) => {
      if (text(env)) claims.push({ scope, name: names.serviceLoginRole(env, svc.name), path: ["services", i, "environments", j], what: `${svc.name}'s login role in ${env}` });
    });
  });
  return claims;
}

export interface NameCollision {
  claim: NameClaim;
  first: NameClaim;
}

/** Second and later claims of a name in its scope; each spec field is reported once. */
export function nameCollisions(claims: NameClaim[]): NameCollision[] {
  const seen = new Map<string, NameClaim>();
  const reported = new Set<string>();
  const out: NameCollision[] = [];
  for (const claim of claims) {
    const key = `${claim.scope}\0${claim.caseInsensitive ? claim.name.toLowerCase() : claim.name}`;
    const first = seen.get(key);
    if (first?.object !== undefined && first.object === claim.object) continue;
    if (!first) {
      seen.set(key, claim);
      continue;
    }
    const at = (claim.path ?? first.path)?.join(".");
    if (!at || first.path?.join(".") === at || reported.has(at)) continue;
    reported.add(at);
    out.push(claim.path ? { claim, first } : { claim: first, first: claim });
  }
  return out;
}
