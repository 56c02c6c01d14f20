import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type RenderedObject, synthDist } from "./helpers/dist";
import { validateManifest } from "./helpers/k8s-validate";
import { kustomizeBuild } from "./helpers/kustomize";
import { referenceCopy, vclusterExample } from "./helpers/synth";

/**
 * Argo CD delivery (dist/argocd/): every object validates against the Argo CD v3.5.1 CRDs with
 * unknown fields rejected, kustomize builds the folder, one root Application per cluster reaches
 * every component folder, each AppProject permits exactly what its Application renders (Argo CD's
 * whitelist and destination semantics, evaluated here), and following the sync waves no object
 * comes before one it depends on (dependencies read from the objects themselves).
 */

type Obj = RenderedObject["obj"];
const WAVE = "argocd.argoproj.io/sync-wave";
const IN_CLUSTER = "https://kubernetes.default.svc";

const argo = (objects: RenderedObject[]) => objects.filter((o) => o.file.startsWith("argocd/"));
const clustersOf = (objects: RenderedObject[]) => [...new Set(objects.map((o) => o.file.split("/")[0]).filter((c) => c !== "argocd"))].sort();
const groupOf = (apiVersion: string) => (apiVersion.includes("/") ? apiVersion.split("/")[0] : "");

/** Child Applications of a cluster's root, with their projects. */
function children(objects: RenderedObject[], cluster: string): { apps: Obj[]; projects: Map<string, Obj> } {
  const inFolder = objects.filter((o) => o.file.startsWith(`argocd/${cluster}/`)).map((o) => o.obj);
  return { apps: inFolder.filter((o) => o.kind === "Application"), projects: new Map(inFolder.filter((o) => o.kind === "AppProject").map((p) => [p.metadata.name, p])) };
}

/** Argo CD's project check for one object of an Application: kind in the whitelist of its scope, destination listed. */
function projectRefuses(project: Obj, server: string, obj: Obj): string | undefined {
  const gk = { group: groupOf(obj.apiVersion), kind: obj.kind };
  const namespaced = Boolean(obj.metadata.namespace);
  const list = (namespaced ? project.spec.namespaceResourceWhitelist : project.spec.clusterResourceWhitelist) ?? [];
  if (!list.some((e: Obj) => e.group === gk.group && e.kind === gk.kind)) return `${gk.group}/${gk.kind} is not in the ${namespaced ? "namespace" : "cluster"} resource whitelist`;
  if (namespaced && !(project.spec.destinations ?? []).some((d: Obj) => d.server === server && d.namespace === obj.metadata.namespace)) return `destination ${server} ${obj.metadata.namespace} is not permitted`;
  return undefined;
}

/** The effective wave of a rendered object: its Application's wave in the root, then its own. */
function waveIndex(objects: RenderedObject[], prefix: string): (file: string) => [number, number] {
  const appWave = new Map<string, number>();
  for (const cluster of clustersOf(objects)) {
    for (const app of children(objects, cluster).apps) {
      if (app.spec.source.path) appWave.set(app.spec.source.path.slice(prefix.length), Number(app.metadata.annotations[WAVE]));
    }
  }
  const byFile = new Map(objects.map((o) => [o.file, o.obj]));
  return (file: string) => {
    const folder = file.split("/").slice(0, 2).join("/");
    if (!appWave.has(folder)) throw new Error(`no Application delivers ${folder}`);
    return [appWave.get(folder)!, Number(byFile.get(file)?.metadata.annotations?.[WAVE] ?? 0)];
  };
}

interface Dependency {
  from: string;
  on: string;
  why: string;
  /** Must be in an earlier wave (not only not later): the dependent fails or stays unready until it exists and works. */
  strict: boolean;
}

/** What each object needs to exist (and work) before it, read from the objects: references by name, the namespace, CRDs. */
function dependencies(objects: RenderedObject[]): Dependency[] {
  const deps: Dependency[] = [];
  const byKey = new Map<string, string>();
  const key = (cluster: string, kind: string, name: string, ns = "") => `${cluster}|${kind}|${ns}|${name}`;
  for (const o of objects) if (!o.file.startsWith("argocd/")) byKey.set(key(o.file.split("/")[0], o.obj.kind, o.obj.metadata.name, o.obj.metadata.namespace ?? ""), o.file);
  const esoInstall = new Map<string, string>();
  for (const cluster of clustersOf(objects)) {
    const app = children(objects, cluster).apps.find((a) => a.spec.source.chart === "external-secrets");
    if (app) esoInstall.set(cluster, `argocd/${cluster}/application-${app.metadata.name}.yaml`);
  }
  for (const { file, obj } of objects) {
    if (file.startsWith("argocd/")) continue;
    const cluster = file.split("/")[0];
    const ns = obj.metadata.namespace;
    const need = (kind: string, name: string | undefined, namespace: string | undefined, why: string, strict = false) => {
      const on = name ? byKey.get(key(cluster, kind, name, namespace ?? "")) : undefined;
      if (on && on !== file) deps.push({ from: file, on, why, strict });
    };
    if (ns) need("Namespace", ns, undefined, "its namespace");
    const group = groupOf(obj.apiVersion);
    if ((group === "external-secrets.io" || group === "generators.external-secrets.io") && esoInstall.has(cluster)) {
      deps.push({ from: file, on: esoInstall.get(cluster)!, why: "ESO's CRDs", strict: true });
    }
    const vault = obj.kind === "VaultDynamicSecret" ? obj.spec.provider : obj.spec?.provider?.vault;
    if (vault) {
      const sa = vault.auth?.kubernetes?.serviceAccountRef;
      need("ServiceAccount", sa?.name, sa?.namespace ?? ns, "the service account it logs in as");
      need("ConfigMap", vault.caProvider?.name, vault.caProvider?.namespace ?? ns, "the Vault CA");
      const host = /^https:\/\/([^.:/]+)\.([^.:/]+)\.svc/.exec(vault.server);
      if (host) {
        need("Service", host[1], host[2], "Vault's service", true);
        need("StatefulSet", "vault", host[2], "Vault", true);
      }
    }
    if (obj.kind === "ExternalSecret") {
      const ref = obj.spec.secretStoreRef;
      need(ref.kind, ref.name, ref.kind === "SecretStore" ? ns : undefined, "its store", true);
      for (const d of obj.spec.dataFrom ?? []) need(d.sourceRef?.generatorRef?.kind, d.sourceRef?.generatorRef?.name, ns, "its generator", true);
    }
    if (obj.kind === "StatefulSet") {
      for (const t of obj.spec.volumeClaimTemplates ?? []) need("StorageClass", t.spec.storageClassName, undefined, "its StorageClass");
      need("PriorityClass", obj.spec.template.spec.priorityClassName, undefined, "its PriorityClass");
    }
    const pod = obj.spec?.template?.spec ?? obj.spec?.jobTemplate?.spec?.template?.spec;
    if (pod?.serviceAccountName) need("ServiceAccount", pod.serviceAccountName, ns, "its pods' service account");
    for (const s of obj.subjects ?? []) if (s.kind === "ServiceAccount") need("ServiceAccount", s.name, s.namespace, "the bound account");
  }
  return deps;
}

function waveViolations(objects: RenderedObject[], prefix: string): string[] {
  const wave = waveIndex(objects, prefix);
  const at = (file: string): [number, number] => {
    if (!file.startsWith("argocd/")) return wave(file);
    const app = objects.find((o) => o.file === file)!.obj;
    return [Number(app.metadata.annotations[WAVE]), Number.NEGATIVE_INFINITY];
  };
  const cmp = (a: [number, number], b: [number, number]) => a[0] - b[0] || a[1] - b[1];
  return dependencies(objects).flatMap((d) => {
    const c = cmp(at(d.on), at(d.from));
    return c > 0 || (d.strict && c === 0) ? [`${d.from} (wave ${at(d.from)}) needs ${d.why}, ${d.on} (wave ${at(d.on)})`] : [];
  });
}

describe.each([
  ["reference spec", referenceCopy],
  ["vcluster example", vclusterExample],
])("Argo CD delivery (%s)", (_name, spec) => {
  let objects: RenderedObject[];
  let dir: string;
  beforeAll(() => ({ objects, dir } = synthDist(spec())));

  it("every Argo CD object validates against the v3.5.1 CRDs with unknown fields rejected", () => {
    const argoObjects = argo(objects);
    expect(argoObjects.length).toBeGreaterThan(0);
    expect(argoObjects.flatMap((o) => validateManifest(o.obj).map((p) => `${o.file}: ${p}`))).toEqual([]);
    const app = structuredClone(argoObjects.find((o) => o.obj.kind === "Application")!.obj);
    app.spec.syncPolicy.automated.pruneEverything = true;
    expect(validateManifest(app).join("\n")).toMatch(/pruneEverything/);
  });

  it("kubectl kustomize builds dist/argocd/ with every Argo CD object", () => {
    const built = kustomizeBuild(join(dir, "argocd"));
    expect(built.stderr).toBe("");
    expect(built.ok).toBe(true);
    const names = (list: { kind: string; metadata: { name: string } }[]) => list.map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(names(built.objects as never)).toEqual(names(argo(objects).map((o) => o.obj)));
  });

  it("one root Application per cluster, applied from bootstrap/, syncs its cluster's folder; its project allows only Applications and AppProjects in argocd", () => {
    const bootstrap = objects.filter((o) => o.file.startsWith("argocd/bootstrap/")).map((o) => o.obj);
    const roots = bootstrap.filter((o) => o.kind === "Application");
    expect(roots.map((r) => r.spec.source.path).sort()).toEqual(clustersOf(objects).map((c) => `platform/shop/argocd/${c}`));
    for (const root of roots) {
      expect(root.metadata.namespace).toBe("argocd");
      expect(root.spec.source.repoURL).toBe("https://github.com/example/shop-gitops.git");
      expect(root.spec.source.targetRevision).toBe("main");
      expect(root.spec.destination).toEqual({ server: IN_CLUSTER, namespace: "argocd" });
      const project = bootstrap.find((p) => p.kind === "AppProject" && p.metadata.name === root.spec.project);
      expect(project.spec.destinations).toEqual([{ server: IN_CLUSTER, namespace: "argocd" }]);
      expect(project.spec.clusterResourceWhitelist).toEqual([]);
      expect(project.spec.namespaceResourceWhitelist).toEqual([
        { group: "argoproj.io", kind: "AppProject" },
        { group: "argoproj.io", kind: "Application" },
      ]);
    }
  });

  it("every component folder is delivered by exactly one Application of its cluster's root, to that cluster's API server", () => {
    for (const cluster of clustersOf(objects)) {
      const folders = [...new Set(objects.filter((o) => o.file.startsWith(`${cluster}/`)).map((o) => o.file.split("/")[1]))].sort();
      const { apps } = children(objects, cluster);
      const paths = apps.filter((a) => a.spec.source.path).map((a) => a.spec.source.path);
      expect(paths.sort()).toEqual(folders.map((f) => `platform/shop/${cluster}/${f}`));
      const server = cluster === "shop-platform" ? IN_CLUSTER : "https://staging-vcluster.vcluster-staging.svc:443";
      for (const app of apps) expect(app.spec.destination.server, app.metadata.name).toBe(server);
    }
  });

  it("each AppProject permits exactly what its Application's folder renders, where it renders it", () => {
    for (const cluster of clustersOf(objects)) {
      const { apps, projects } = children(objects, cluster);
      for (const app of apps.filter((a) => a.spec.source.path)) {
        const project = projects.get(app.spec.project);
        const folder = app.spec.source.path.slice("platform/shop/".length);
        const inFolder = objects.filter((o) => o.file.startsWith(`${folder}/`)).map((o) => o.obj);
        expect(inFolder.flatMap((o) => projectRefuses(project, app.spec.destination.server, o) ?? [])).toEqual([]);
        const used = new Set(inFolder.map((o) => `${o.metadata.namespace ? "ns" : "cluster"} ${groupOf(o.apiVersion)}/${o.kind}`));
        const granted = [
          ...project.spec.namespaceResourceWhitelist.map((e: Obj) => `ns ${e.group}/${e.kind}`),
          ...project.spec.clusterResourceWhitelist.map((e: Obj) => `cluster ${e.group}/${e.kind}`),
        ];
        expect(granted.filter((g: string) => !used.has(g)), `${app.metadata.name} grants kinds it never renders`).toEqual([]);
      }
    }
  });

  it("the project evaluation fails: a kind missing from the whitelist is refused", () => {
    const { apps, projects } = children(objects, "shop-platform");
    const app = apps.find((a) => a.metadata.name === "shop-shop-platform-vault");
    const project = structuredClone(projects.get(app.spec.project));
    project.spec.namespaceResourceWhitelist = project.spec.namespaceResourceWhitelist.filter((e: Obj) => e.kind !== "StatefulSet");
    const sts = objects.find((o) => o.obj.kind === "StatefulSet")!.obj;
    expect(projectRefuses(project, IN_CLUSTER, sts)).toBe("apps/StatefulSet is not in the namespace resource whitelist");
  });

  it("following the sync waves, no object comes before one it depends on (stores after ESO and Vault, ExternalSecrets after their stores)", () => {
    const deps = dependencies(objects);
    const whys = new Set(deps.map((d) => d.why));
    for (const why of ["its namespace", "the service account it logs in as", "its store", "Vault", "its StorageClass"]) expect(whys, why).toContain(why);
    expect(waveViolations(objects, "platform/shop/")).toEqual([]);
  });

  it("the wave check fails when an ExternalSecret shares its store's wave", () => {
    const broken = objects.map((o) => (o.obj.kind === "ExternalSecret" ? { ...o, obj: { ...o.obj, metadata: { ...o.obj.metadata, annotations: { [WAVE]: "1" } } } } : o));
    const violations = waveViolations(broken, "platform/shop/");
    expect(violations.length).toBeGreaterThan(0);
    expect(violations[0]).toMatch(/externalsecret-.* needs its (store|generator)/);
  });
});

describe("ESO in a dedicated cluster (vcluster example)", () => {
  let objects: RenderedObject[];
  beforeAll(() => ({ objects } = synthDist(vclusterExample())));

  it("an Application installs ESO 2.9.0 from its Helm chart there, before the environment, with server-side apply and the values the SecretStore needs", () => {
    const { apps, projects } = children(objects, "staging-vcluster");
    const eso = apps.find((a) => a.spec.source.chart)!;
    expect(eso.spec.source).toMatchObject({ repoURL: "https://charts.external-secrets.io", chart: "external-secrets", targetRevision: "2.9.0" });
    expect(eso.spec.destination).toEqual({ server: "https://staging-vcluster.vcluster-staging.svc:443", namespace: "external-secrets" });
    expect(eso.spec.syncPolicy.syncOptions).toEqual(expect.arrayContaining(["ServerSideApply=true", "CreateNamespace=true", "RespectIgnoreDifferences=true"]));
    const values = eso.spec.source.helm.valuesObject;
    expect(values).toMatchObject({ installCRDs: true, processClusterStore: false, rbac: { serviceAccountTokenCreate: true }, serviceAccount: { name: "external-secrets" } });
    const env = apps.find((a) => a.spec.source.path === "platform/shop/staging-vcluster/env-staging");
    expect(Number(eso.metadata.annotations[WAVE])).toBeLessThan(Number(env.metadata.annotations[WAVE]));
    // The SecretStore the environment renders is processed (namespaced stores on), the cluster-wide kinds are not installed.
    expect(objects.some((o) => o.file.startsWith("staging-vcluster/") && o.obj.kind === "SecretStore")).toBe(true);
    expect(objects.some((o) => o.file.startsWith("staging-vcluster/") && o.obj.kind === "ClusterSecretStore")).toBe(false);
    expect(projects.get(eso.spec.project).spec.sourceRepos).toEqual(["https://charts.external-secrets.io"]);
    expect(eso.spec.ignoreDifferences.map((d: Obj) => `${d.kind} ${d.name ?? "*"} ${[...(d.jsonPointers ?? []), ...(d.jqPathExpressions ?? [])].join(",")}`)).toEqual([
      "ValidatingWebhookConfiguration * .webhooks[]?.clientConfig.caBundle",
      "Secret external-secrets-webhook /data",
    ]);
  });

  it("only the ESO install ignores differences (a controller owns those fields); no Application of this tool's folders does", () => {
    const apps = argo(objects).filter((o) => o.obj.kind === "Application" && !o.obj.spec.source.chart);
    expect(apps.filter((a) => a.obj.spec.ignoreDifferences).map((a) => a.file)).toEqual([]);
  });
});
