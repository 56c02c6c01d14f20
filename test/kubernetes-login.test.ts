import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { kubernetesLoginFailure, PLUGIN_LOCAL_CA, PLUGIN_LOCAL_TOKEN } from "../checks/kubernetes-login";
import type { PlatformSpecInput } from "../spec/schema";
import { find, type RenderedObject, synthDist } from "./helpers/dist";
import { referenceCopy, ROOT } from "./helpers/synth";
import { type StackJson, synthStacks } from "./helpers/vault-stack";

/**
 * Cross-layer: every Kubernetes login the platform sets up (ESO stores and generators, services
 * logging in themselves, the snapshot job) succeeds at run time. The client's audiences come from
 * the rendered manifests, the mount's review settings and the role's audience from the Vault
 * stack, Vault's local token from the rendered StatefulSet; the decision follows
 * vault-plugin-auth-kubernetes (checks/kubernetes-login.ts). The API audiences are facts about
 * the clusters, written out: EKS sets --api-audiences=https://kubernetes.default.svc; vcluster's
 * API server (k8s and k3s distros) accepts its issuer https://kubernetes.default.svc.cluster.local.
 */

type Obj = Record<string, any>;
const EKS_API = ["https://kubernetes.default.svc"];
const VCLUSTER_API = ["https://kubernetes.default.svc.cluster.local"];
const vclusterSpec = () => parseYaml(readFileSync(join(ROOT, "examples/vcluster-oidc.yaml"), "utf8")) as PlatformSpecInput;

interface Login {
  who: string;
  mount: string;
  role: string;
  audiences: string[];
  /** The client's service account, in its cluster. */
  serviceAccount: { cluster: string; namespace: string; name: string };
}

/** Every login the rendered manifests set up, with the audiences the client will request. */
function loginsOf(objects: RenderedObject[]): Login[] {
  const logins: Login[] = [];
  for (const { file, obj } of objects) {
    const vault = obj.kind === "VaultDynamicSecret" ? obj.spec.provider : ["SecretStore", "ClusterSecretStore"].includes(obj.kind) ? obj.spec.provider.vault : undefined;
    const k8s = vault?.auth?.kubernetes;
    const cluster = file.split("/")[0]!;
    if (k8s) {
      const sa = { cluster, namespace: k8s.serviceAccountRef.namespace ?? obj.metadata.namespace, name: k8s.serviceAccountRef.name };
      logins.push({ who: file, mount: k8s.mountPath, role: k8s.role, audiences: k8s.serviceAccountRef.audiences, serviceAccount: sa });
    }
    if (obj.kind === "CronJob") {
      const pod = obj.spec.jobTemplate.spec.template.spec;
      const script: string = pod.initContainers[0].args[0];
      const [, mount, role] = /auth\/([\w-]+)\/login role=([\w-]+)/.exec(script)!;
      const token = pod.volumes.find((v: Obj) => v.projected?.sources?.[0]?.serviceAccountToken).projected.sources[0].serviceAccountToken;
      logins.push({ who: file, mount: mount!, role: role!, audiences: [token.audience], serviceAccount: { cluster, namespace: obj.metadata.namespace, name: pod.serviceAccountName } });
    }
  }
  return logins;
}

/** The Vault stack's view of a mount and role. */
function vaultSide(stack: StackJson, mount: string, role: string) {
  const strip = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== "//")) as Obj;
  const backendKey = Object.entries(stack.resource.vault_auth_backend!).find(([, b]) => b.path === mount)?.[0];
  if (!backendKey) throw new Error(`no auth mount ${mount} in the Vault stack`);
  const ref = `\${vault_auth_backend.${backendKey}.path}`;
  const config = Object.values(stack.resource.vault_kubernetes_auth_backend_config!).map(strip).find((c) => c.backend === ref);
  // An environment's role names the core's mount by path; the core's own roles reference it.
  const roleRes = Object.values(stack.resource.vault_kubernetes_auth_backend_role!).map(strip).find((r) => (r.backend === ref || r.backend === mount) && r.role_name === role);
  if (!config || !roleRes) throw new Error(`mount ${mount}: config or role ${role} missing`);
  return { config, role: roleRes };
}

/** Vault's own token and CA where the plugin reads them: admission-mounted, or an explicit projected volume. */
function vaultHasLocalToken(objects: RenderedObject[]): boolean {
  const pod = find(objects, "StatefulSet", "vault", "vault").spec.template.spec;
  const vault = pod.containers.find((c: Obj) => c.name === "vault");
  if (pod.automountServiceAccountToken !== false) return true;
  const dir = PLUGIN_LOCAL_TOKEN.slice(0, PLUGIN_LOCAL_TOKEN.lastIndexOf("/"));
  const mount = vault.volumeMounts.find((m: Obj) => m.mountPath === dir);
  const sources: Obj[] = pod.volumes.find((v: Obj) => v.name === mount?.name)?.projected?.sources ?? [];
  const hasToken = sources.some((s) => s.serviceAccountToken?.path === "token" && !s.serviceAccountToken.audience);
  const hasCa = sources.some((s) => s.configMap?.items?.some((i: Obj) => `${dir}/${i.path}` === PLUGIN_LOCAL_CA));
  return hasToken && hasCa;
}

/** A ClusterRoleBinding in that cluster's output grants the service account system:auth-delegator. */
function mayCreateTokenReviews(objects: RenderedObject[], sa: { cluster: string; namespace: string; name: string }): boolean {
  return objects.some(
    ({ file, obj }) =>
      file.startsWith(`${sa.cluster}/`) &&
      obj.kind === "ClusterRoleBinding" &&
      obj.roleRef.name === "system:auth-delegator" &&
      obj.subjects.some((s: Obj) => s.kind === "ServiceAccount" && s.namespace === sa.namespace && s.name === sa.name),
  );
}

const PRIMARY = "shop-platform";
const vaultReviews = (objects: RenderedObject[]) => mayCreateTokenReviews(objects, { cluster: PRIMARY, namespace: "vault", name: "vault" });

function checkAll(objects: RenderedObject[], stack: StackJson, apiAudiences: Record<string, string[]>) {
  const localToken = vaultHasLocalToken(objects);
  return loginsOf(objects).map((l) => {
    const { config, role } = vaultSide(stack, l.mount, l.role);
    const failure = kubernetesLoginFailure({
      tokenAudiences: l.audiences,
      roleAudience: role.audience,
      config: { disableLocalCaJwt: config.disable_local_ca_jwt, tokenReviewerJwt: config.token_reviewer_jwt },
      vaultHasLocalToken: localToken,
      mayCreateTokenReviews: { vault: vaultReviews(objects), client: mayCreateTokenReviews(objects, l.serviceAccount) },
      apiServerAudiences: apiAudiences[l.mount]!,
    });
    return { who: l.who, mount: l.mount, failure };
  });
}

describe.each([
  ["vcluster example (vcluster defaults)", vclusterSpec, VCLUSTER_API, ["vault", "https://kubernetes.default.svc.cluster.local"]],
  [
    "staging on a separate EKS cluster",
    () => {
      const s = vclusterSpec() as any;
      const { podLabels: _labels, targetPort: _port, ...cluster } = s.environments[1].cluster;
      s.environments[1].cluster = { ...cluster, type: "eks", apiServerUrl: "https://0A1B2C.gr7.eu-west-1.eks.amazonaws.com", apiServerCidrs: ["10.70.16.0/20"] };
      return s;
    },
    EKS_API,
    ["vault", "https://kubernetes.default.svc"],
  ],
  [
    "a vcluster with a custom cluster domain (apiAudience set)",
    () => {
      const s = vclusterSpec() as any;
      s.environments[1].cluster.apiAudience = "https://kubernetes.default.svc.staging.local";
      return s;
    },
    ["https://kubernetes.default.svc.staging.local"],
    ["vault", "https://kubernetes.default.svc.staging.local"],
  ],
])("every Kubernetes login succeeds: %s", (_name, spec, stagingApi, stagingAudiences) => {
  let objects: RenderedObject[];
  let vault: StackJson;
  beforeAll(() => {
    objects = synthDist(spec()).objects;
    vault = synthStacks(spec()).vault;
  });

  it("ESO stores and generators, the snapshot job: each login passes the role check and the token review", () => {
    const results = checkAll(objects, vault, { kubernetes: EKS_API, "kubernetes-staging-vcluster": stagingApi });
    expect(results.filter((r) => r.failure)).toEqual([]);
    // Both mounts and every kind of client were checked.
    expect(new Set(results.map((r) => r.mount))).toEqual(new Set(["kubernetes", "kubernetes-staging-vcluster"]));
    expect(results.filter((r) => r.mount === "kubernetes-staging-vcluster").map((r) => r.who).sort()).toEqual([
      "staging-vcluster/env-staging/secretstore-vault.yaml",
      "staging-vcluster/env-staging/vaultdynamicsecret-payment-service-payments-db.yaml",
      "staging-vcluster/env-staging/vaultdynamicsecret-payment-service-tls.yaml",
      "staging-vcluster/env-staging/vaultdynamicsecret-payment-service-users-db.yaml",
      "staging-vcluster/env-staging/vaultdynamicsecret-user-service-users-db.yaml",
    ]);
    expect(results.some((r) => r.who.endsWith("cronjob-vault-snapshot.yaml"))).toBe(true);
  });

  it("the dedicated cluster's clients request the Vault audience and that API server's", () => {
    const store = find(objects, "SecretStore", "vault", "staging");
    expect(store.spec.provider.vault.auth.kubernetes.serviceAccountRef.audiences).toEqual(stagingAudiences);
    // Primary-cluster clients keep a Vault-only token: Vault reviews it with its own.
    expect(find(objects, "ClusterSecretStore", "vault-dev").spec.provider.vault.auth.kubernetes.serviceAccountRef.audiences).toEqual(["vault"]);
  });

  it("a service logging in itself finds the audiences on its ServiceAccount, may review its token, and passes its role", () => {
    const sa = find(objects, "ServiceAccount", "payment-service", "staging");
    const audiences = sa.metadata.annotations["vault-eks-platform/vault-token-audiences"].split(",");
    expect(audiences).toEqual(stagingAudiences);
    const { config, role } = vaultSide(vault, "kubernetes-staging-vcluster", "svc-staging-payment-service");
    expect(
      kubernetesLoginFailure({
        tokenAudiences: audiences,
        roleAudience: role.audience,
        config: { disableLocalCaJwt: config.disable_local_ca_jwt, tokenReviewerJwt: config.token_reviewer_jwt },
        vaultHasLocalToken: vaultHasLocalToken(objects),
        mayCreateTokenReviews: { vault: vaultReviews(objects), client: mayCreateTokenReviews(objects, { cluster: "staging-vcluster", namespace: "staging", name: "payment-service" }) },
        apiServerAudiences: stagingApi,
      }),
    ).toBeUndefined();
    expect(find(objects, "ServiceAccount", "payment-service", "dev").metadata.annotations["vault-eks-platform/vault-token-audiences"]).toBe("vault");
  });
});

describe("the login check itself can fail (the defects it guards against)", () => {
  const dedicated = { roleAudience: "vault", config: { disableLocalCaJwt: true }, vaultHasLocalToken: true, mayCreateTokenReviews: { vault: true, client: true }, apiServerAudiences: VCLUSTER_API };

  it("a Vault-only token on a mount that reviews with the client's token: the API server rejects the bearer", () => {
    expect(kubernetesLoginFailure({ ...dedicated, tokenAudiences: ["vault"] })).toMatch(/reviews with the client's own token/);
  });

  it("a token without the role's audience", () => {
    expect(kubernetesLoginFailure({ ...dedicated, tokenAudiences: VCLUSTER_API })).toMatch(/lack the role's audience "vault"/);
  });

  it("a client whose service account may not create TokenReviews", () => {
    expect(kubernetesLoginFailure({ ...dedicated, tokenAudiences: ["vault", ...VCLUSTER_API], mayCreateTokenReviews: { vault: true, client: false } })).toMatch(/client's service account may not create TokenReviews/);
  });

  it("an in-cluster mount without Vault's own token", () => {
    expect(kubernetesLoginFailure({ ...dedicated, config: { disableLocalCaJwt: false }, vaultHasLocalToken: false, tokenAudiences: ["vault"] })).toMatch(/no service-account token/);
  });

  it("the reference spec's StatefulSet still gives Vault its own token and CA", () => {
    expect(vaultHasLocalToken(synthDist(referenceCopy()).objects)).toBe(true);
  });
});
