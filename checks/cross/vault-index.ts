import type { CheckContext, TfResource } from "../context";
import { namespaceLabels, selectorMatches } from "../network/selectors";
import type { Obj } from "../types";
import { parse } from "yaml";
import { type AclRule, capabilitiesFor } from "../vault-acl";

/** The Vault stack's Kubernetes auth roles and the ESO logins and reads of the rendered output, indexed once per run. */
export interface KubernetesRole {
  resource: string;
  mount: string;
  name: string;
  names: string[];
  namespaces: string[];
  audience?: string;
  policies: string[];
  value: Obj;
}

/** One thing ESO asks Vault for: a store's ExternalSecret read, or a generator call. */
export interface EsoRequest {
  /** The ExternalSecret or generator that needs it. */
  resource: string;
  cluster: string;
  login: { mount: string; role: string; serviceAccount: { namespace: string; name: string }; audiences: string[]; via: string };
  path: string;
  capability: "read" | "update";
}

const cache = new WeakMap<CheckContext, VaultIndex>();

export class VaultIndex {
  readonly roles: KubernetesRole[];
  readonly requests: EsoRequest[] = [];
  /** Problems met while following ExternalSecrets to their stores (reported by VEP-X01). */
  readonly storeProblems: { resource: string; message: string }[] = [];
  private readonly rulesByPolicies = new Map<string, AclRule[]>();

  static of(ctx: CheckContext): VaultIndex {
    let v = cache.get(ctx);
    if (!v) cache.set(ctx, (v = new VaultIndex(ctx)));
    return v;
  }

  private constructor(readonly ctx: CheckContext) {
    this.roles = ctx.resources("vault_kubernetes_auth_backend_role").map((r: TfResource) => ({
      resource: r.resource,
      mount: String(ctx.referenced(r.value.backend)?.value.path ?? r.value.backend ?? "kubernetes"),
      name: String(r.value.role_name),
      names: r.value.bound_service_account_names ?? [],
      namespaces: r.value.bound_service_account_namespaces ?? [],
      audience: r.value.audience,
      policies: r.value.token_policies ?? [],
      value: r.value,
    }));
    this.followExternalSecrets();
    this.followVaultSecretsOperator();
    this.followAgentInjector();
    this.followCsi();
  }

  /**
   * Vault SecretProviderClasses: the Vault CSI provider logs in on vaultKubernetesMountPath as
   * roleName with a token of the mounting pod's service account for `audience`, and reads each
   * object's secretPath (GET, or a write with method POST/PUT: vault-csi-provider
   * internal/client/client.go). Who mounts it is not rendered: the service's account comes from the model.
   */
  private followCsi(): void {
    const mounting = new Map<string, string>();
    for (const cluster of this.ctx.model.kubernetes.clusters) {
      for (const env of cluster.environments) for (const p of env.secretProviderClasses) mounting.set(`${cluster.name}/${env.namespace}/${p.name}`, p.serviceAccount);
    }
    for (const m of this.ctx.manifests("SecretProviderClass").filter((x) => x.obj.spec?.provider === "vault")) {
      const ns = String(m.obj.metadata?.namespace);
      const p = m.obj.spec?.parameters ?? {};
      const serviceAccount = mounting.get(`${m.cluster}/${ns}/${m.obj.metadata?.name}`);
      if (!serviceAccount) {
        this.storeProblems.push({ resource: m.key, message: "no service of the spec mounts this SecretProviderClass: its pods' service account is unknown" });
        continue;
      }
      const login = {
        mount: String(p.vaultKubernetesMountPath ?? p.vaultAuthMountPath ?? "kubernetes").replace(/^\/+|\/+$/g, ""),
        role: String(p.roleName),
        serviceAccount: { namespace: ns, name: serviceAccount },
        audiences: [String(p.audience ?? "vault")],
        via: `the Vault CSI provider for ${ns}/${serviceAccount}`,
      };
      const objects: Obj[] = parse(String(p.objects ?? "[]")) ?? [];
      const reads = new Map<string, "read" | "update">();
      for (const o of objects) reads.set(String(o.secretPath ?? "").replace(/^\/+/, ""), ["POST", "PUT"].includes(String(o.method ?? "GET").toUpperCase()) ? "update" : "read");
      for (const [path, capability] of reads) this.requests.push({ resource: m.key, cluster: m.cluster, login, path, capability });
    }
  }

  /**
   * Agent-injector services: the pod (its own service account, named in the patch) logs in on the
   * annotated auth path and role and reads every agent-inject-secret-* path. The patches are
   * kustomize Components beside the manifests, taken from the model (a tree read back has none).
   */
  private followAgentInjector(): void {
    const A = "vault.hashicorp.com/";
    for (const cluster of this.ctx.model.kubernetes.clusters) {
      for (const env of cluster.environments) {
        for (const p of env.agentInjector) {
          const resource = `${cluster.name}/env-${env.name}/${p.folder}/kustomization.yaml`;
          const login = {
            mount: String(p.annotations[`${A}auth-path`] ?? "").replace(/^auth\//, ""),
            role: String(p.annotations[`${A}role`]),
            serviceAccount: { namespace: env.namespace, name: p.serviceAccount },
            audiences: [p.tokenVolume.audience],
            via: `the Vault Agent of ${p.service}`,
          };
          const paths = new Set(Object.entries(p.annotations).filter(([k]) => k.startsWith(`${A}agent-inject-secret-`)).map(([, v]) => v));
          for (const path of paths) this.requests.push({ resource, cluster: cluster.name, login, path, capability: "read" });
        }
      }
    }
  }

  private byName?: Map<string, KubernetesRole>;
  role(mount: string, name: string): KubernetesRole | undefined {
    this.byName ??= new Map(this.roles.map((r) => [`${r.mount}\0${r.name}`, r]));
    return this.byName.get(`${mount}\0${name}`);
  }

  /** Capabilities the union of the named policies grants on a path (Vault's ACL rules). */
  private readonly granted = new Map<string, Set<string>>();
  grants(policies: string[], path: string): Set<string> {
    const key = [...policies].sort().join(",");
    const hit = this.granted.get(`${key}\0${path}`);
    if (hit) return hit;
    let rules = this.rulesByPolicies.get(key);
    if (!rules) this.rulesByPolicies.set(key, (rules = policies.flatMap((p) => this.ctx.policies.get(p)?.rules ?? [])));
    const caps = capabilitiesFor(rules, path);
    this.granted.set(`${key}\0${path}`, caps);
    return caps;
  }

  private followExternalSecrets(): void {
    const ctx = this.ctx;
    const stores = new Map(ctx.manifests("SecretStore", "ClusterSecretStore").map((m) => [`${m.cluster}/${m.obj.kind}/${m.obj.kind === "SecretStore" ? `${m.obj.metadata?.namespace}/` : ""}${m.obj.metadata?.name}`, m]));
    const generators = new Map(ctx.manifests("VaultDynamicSecret").filter((m) => isEsoGenerator(m.obj)).map((m) => [`${m.cluster}/${m.obj.metadata?.namespace}/${m.obj.metadata?.name}`, m]));
    const nsLabels = new Map<string, Record<string, Record<string, string>>>();
    for (const n of ctx.manifests("Namespace")) (nsLabels.get(n.cluster) ?? nsLabels.set(n.cluster, {}).get(n.cluster)!)[n.obj.metadata?.name] = n.obj.metadata?.labels ?? {};
    const login = (auth: Obj, defaultNamespace: string | undefined, via: string) => {
      const k = auth?.kubernetes;
      if (!k) return undefined;
      const ref = k.serviceAccountRef ?? {};
      return { mount: String(k.mountPath ?? "kubernetes"), role: String(k.role), serviceAccount: { namespace: String(ref.namespace ?? defaultNamespace), name: String(ref.name) }, audiences: ref.audiences ?? [], via };
    };
    const admitted = new Map<string, boolean>();
    for (const es of ctx.manifests("ExternalSecret")) {
      const ns = es.obj.metadata?.namespace;
      const ref = es.obj.spec?.secretStoreRef ?? {};
      const kind = ref.kind ?? "SecretStore";
      const store = stores.get(`${es.cluster}/${kind}/${kind === "SecretStore" ? `${ns}/` : ""}${ref.name}`);
      const reads = [...new Set<string>([...(es.obj.spec?.data ?? []).map((d: Obj) => d.remoteRef?.key), ...(es.obj.spec?.dataFrom ?? []).map((d: Obj) => d.extract?.key)].filter(Boolean))];
      if (reads.length > 0 && !store) this.storeProblems.push({ resource: es.key, message: `secretStoreRef ${kind} ${ref.name} is not rendered in cluster ${es.cluster}` });
      const admitKey = `${store?.key}|${ns}`;
      if (store && kind === "ClusterSecretStore" && !(admitted.get(admitKey) ?? admitted.set(admitKey, admits(store.obj.spec?.conditions, ns, namespaceLabels(nsLabels.get(es.cluster) ?? {}, ns))).get(admitKey))) {
        this.storeProblems.push({ resource: es.key, message: `ClusterSecretStore ${ref.name} does not admit namespace ${ns} (its conditions)` });
      }
      const vault = store?.obj.spec?.provider?.vault;
      if (vault) {
        const l = login(vault.auth, store!.obj.kind === "SecretStore" ? store!.obj.metadata?.namespace : undefined, `${store!.obj.kind} ${ref.name}`);
        if (!l) this.storeProblems.push({ resource: store!.key, message: "the Vault provider logs in without Kubernetes auth" });
        else for (const key of reads) this.requests.push({ resource: es.key, cluster: es.cluster, login: l, path: kvPath(vault, String(key)), capability: "read" });
      }
      for (const d of es.obj.spec?.dataFrom ?? []) {
        const g = d.sourceRef?.generatorRef;
        if (!g || g.kind !== "VaultDynamicSecret") continue;
        const gen = generators.get(`${es.cluster}/${ns}/${g.name}`);
        if (!gen) {
          this.storeProblems.push({ resource: es.key, message: `generator VaultDynamicSecret ${g.name} is not rendered in ${ns}` });
          continue;
        }
        const l = login(gen.obj.spec?.provider?.auth, gen.obj.metadata?.namespace, `VaultDynamicSecret ${g.name}`);
        const path = String(gen.obj.spec?.path ?? "").replace(/^\/+/, "");
        if (l) this.requests.push({ resource: gen.key, cluster: gen.cluster, login: l, path, capability: (gen.obj.spec?.method ?? "GET").toUpperCase() === "GET" ? "read" : "update" });
      }
    }
  }

  /**
   * VSO: each VaultStaticSecret, VaultDynamicSecret and VaultPKISecret logs in through its VaultAuth
   * (vaultAuthRef: `name` in its own namespace, or `namespace/name`) and sends the request VSO v1.4.1
   * builds: kv-v2 reads <mount>/data/<path> (vault/requests.go kvReadRequestV2), a dynamic secret
   * reads <mount>/<path> (writes it with params or POST/PUT) and renews its lease with a write to
   * sys/leases/renew, a PKI secret writes <mount>/issue/<role> (and <mount>/revoke with revoke: true).
   */
  private followVaultSecretsOperator(): void {
    const ctx = this.ctx;
    const vso = (kind: string) => ctx.manifests(kind).filter((m) => String(m.obj.apiVersion).startsWith("secrets.hashicorp.com/"));
    const auths = new Map(vso("VaultAuth").map((m) => [`${m.cluster}/${m.obj.metadata?.namespace}/${m.obj.metadata?.name}`, m]));
    const push = (m: { key: string; cluster: string; obj: Obj }, path: string, capability: "read" | "update") => {
      const ns = String(m.obj.metadata?.namespace);
      const ref = String(m.obj.spec?.vaultAuthRef ?? "");
      const [authNs, authName] = ref.includes("/") ? ref.split("/") : [ns, ref];
      const auth = ref ? auths.get(`${m.cluster}/${authNs}/${authName}`) : undefined;
      if (!auth) return void this.storeProblems.push({ resource: m.key, message: ref ? `vaultAuthRef ${ref}: no VaultAuth ${authNs}/${authName} is rendered in cluster ${m.cluster}` : "no vaultAuthRef: VSO would use the operator's default VaultAuth, which the platform does not render" });
      const k = auth.obj.spec?.kubernetes;
      if (auth.obj.spec?.method !== "kubernetes" || !k) return void this.storeProblems.push({ resource: auth.key, message: "the VaultAuth logs in without Kubernetes auth" });
      const login = { mount: String(auth.obj.spec.mount), role: String(k.role), serviceAccount: { namespace: authNs, name: String(k.serviceAccount) }, audiences: k.audiences ?? [], via: `VaultAuth ${authNs}/${authName}` };
      this.requests.push({ resource: m.key, cluster: m.cluster, login, path: path.replace(/^\/+|\/+$/g, "").replace(/\/+/g, "/"), capability });
    };
    for (const m of vso("VaultStaticSecret")) {
      const spec = m.obj.spec ?? {};
      push(m, spec.type === "kv-v1" ? `${spec.mount}/${spec.path}` : `${spec.mount}/data/${spec.path}`, "read");
    }
    for (const m of vso("VaultDynamicSecret")) {
      const spec = m.obj.spec ?? {};
      const write = Object.keys(spec.params ?? {}).length > 0 || ["POST", "PUT"].includes(spec.requestHTTPMethod);
      push(m, `${spec.mount}/${spec.path}`, write ? "update" : "read");
      push(m, "sys/leases/renew", "update");
    }
    for (const m of vso("VaultPKISecret")) {
      const spec = m.obj.spec ?? {};
      push(m, spec.issuerRef ? `${spec.mount}/issuer/${spec.issuerRef}/${spec.role}` : `${spec.mount}/issue/${spec.role}`, "update");
      if (spec.revoke) push(m, `${spec.mount}/revoke`, "update");
    }
  }
}

/** ESO's generator and VSO's dynamic secret share the kind VaultDynamicSecret; the API group tells them apart. */
export const isEsoGenerator = (o: Obj) => String(o.apiVersion).startsWith("generators.external-secrets.io/");

/** KV v2 reads go to <mount>/data/<key>; v1 to <mount>/<key>. */
function kvPath(vault: Obj, key: string): string {
  const mount = String(vault.path ?? "secret").replace(/\/+$/, "");
  return (vault.version ?? "v2") === "v2" ? `${mount}/data/${key}` : `${mount}/${key}`;
}

/** ClusterSecretStore conditions (ESO): none means every namespace; else any condition's namespaces, selector or regexes. */
function admits(conditions: Obj[] | undefined, namespace: string, labels: Record<string, string>): boolean {
  if (!conditions || conditions.length === 0) return true;
  return conditions.some(
    (c) =>
      (c.namespaces ?? []).includes(namespace) ||
      (c.namespaceSelector && selectorMatches(c.namespaceSelector, labels)) ||
      (c.namespaceRegexes ?? []).some((r: string) => new RegExp(r).test(namespace)),
  );
}

export const boundTo = (role: KubernetesRole, sa: { namespace: string; name: string }) =>
  (role.names.includes("*") || role.names.includes(sa.name)) && (role.namespaces.includes("*") || role.namespaces.includes(sa.namespace));
