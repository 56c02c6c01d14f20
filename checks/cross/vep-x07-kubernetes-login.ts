import { kubernetesLoginFailure, PLUGIN_LOCAL_CA, PLUGIN_LOCAL_TOKEN } from "../kubernetes-login";
import { podTemplates } from "../context";
import type { Check, Obj } from "../types";
import { fx, K } from "../util";
import { VaultIndex } from "./vault-index";

const AUDIENCES_ANNOTATION = "vault-eks-platform/vault-token-audiences";

/**
 * Every Kubernetes login the output sets up succeeds the way vault-plugin-auth-kubernetes decides
 * it (checks/kubernetes-login.ts): the client's token audiences (store serviceAccountRef, the
 * service account's audience annotation, the snapshot job's projected token) against the role's
 * audience, the mount's review settings, Vault's own token, the auth-delegator bindings, and the
 * audiences the reviewing API server accepts (the model's: EKS's default for the primary cluster,
 * each dedicated cluster's apiAudience).
 */
export const kubernetesLogin: Check = {
  id: "VEP-X07",
  severity: "error",
  title: "Token audiences, role audiences and the reviewing API server agree for every Kubernetes login",
  rationale: "A token the role or the API server rejects fails every login: ESO never syncs, the snapshot job never runs.",
  fix: "Request the Vault audience (and a dedicated cluster's API audience) and bind the client to system:auth-delegator there; in the spec: vault.auth.kubernetes.audience, environments[].cluster.apiAudience.",
  appliesTo: ["SecretStore", "ClusterSecretStore", "VaultDynamicSecret", "ServiceAccount", "CronJob", "ClusterRoleBinding", "vault_kubernetes_auth_backend_config", "vault_kubernetes_auth_backend_role"],
  run(ctx) {
    const v = VaultIndex.of(ctx);
    const model = ctx.model;
    const primary = model.network.primaryCluster;
    const apiAudiences = (cluster: string) => model.kubernetes.clusters.find((c) => c.name === cluster)?.apiAudiences ?? [];
    const delegators = new Set(
      ctx.manifests("ClusterRoleBinding").filter((b) => b.obj.roleRef?.name === "system:auth-delegator").flatMap((b) => (b.obj.subjects ?? []).map((s: Obj) => `${b.cluster}/${s.namespace}/${s.name}`)),
    );
    const vaultPod = podTemplates(ctx).find(({ m, template }) => m.cluster === primary && (template.spec?.volumes ?? []).some((vol: Obj) => Object.keys(ctx.hcl).some((k) => vol.configMap?.name && k.startsWith(`${m.cluster}/${m.obj.metadata?.namespace}/${vol.configMap.name}/`) && ctx.hcl[k].listener)));
    const vaultSa = vaultPod ? `${primary}/${vaultPod.m.obj.metadata?.namespace}/${vaultPod.template.spec?.serviceAccountName ?? "default"}` : "";
    const logins: { resource: string; cluster: string; mount: string; role: string; audiences: string[]; sa: { namespace: string; name: string } }[] = v.requests.map((q) => ({ resource: q.resource, cluster: q.cluster, mount: q.login.mount, role: q.login.role, audiences: q.login.audiences, sa: q.login.serviceAccount }));
    for (const { m, template } of podTemplates(ctx)) {
      for (const c of [...(template.spec?.initContainers ?? []), ...(template.spec?.containers ?? [])]) {
        const login = /auth\/([\w-]+)\/login role=([\w-]+) jwt=@(\S+)/.exec([...(c.command ?? []), ...(c.args ?? [])].join("\n"));
        if (!login) continue;
        const mountPath = (c.volumeMounts ?? []).find((vm: Obj) => login[3].startsWith(`${vm.mountPath}/`));
        const token = (template.spec?.volumes ?? []).find((vol: Obj) => vol.name === mountPath?.name)?.projected?.sources?.find((s: Obj) => s.serviceAccountToken)?.serviceAccountToken;
        logins.push({ resource: m.key, cluster: m.cluster, mount: login[1], role: login[2], audiences: token?.audience ? [token.audience] : [], sa: { namespace: m.obj.metadata?.namespace, name: template.spec?.serviceAccountName ?? "default" } });
      }
    }
    for (const sa of ctx.manifests("ServiceAccount")) {
      const auds = sa.obj.metadata?.annotations?.[AUDIENCES_ANNOTATION];
      if (!auds) continue;
      for (const role of v.roles.filter((r) => r.namespaces.includes(sa.obj.metadata.namespace) && r.names.includes(sa.obj.metadata.name))) {
        logins.push({ resource: sa.key, cluster: sa.cluster, mount: role.mount, role: role.name, audiences: String(auds).split(","), sa: { namespace: sa.obj.metadata.namespace, name: sa.obj.metadata.name } });
      }
    }
    const out: { resource: string; message: string }[] = [];
    for (const l of logins) {
      const role = v.role(l.mount, l.role);
      const backend = ctx.resources("vault_auth_backend").find((b) => b.value.path === l.mount);
      const config = ctx.resources("vault_kubernetes_auth_backend_config").find((c) => ctx.referenced(c.value.backend)?.resource === backend?.resource)?.value;
      if (!role || !config) continue; // VEP-X01 names a missing role
      const failure = kubernetesLoginFailure({
        tokenAudiences: l.audiences,
        roleAudience: role.audience,
        config: { disableLocalCaJwt: config.disable_local_ca_jwt === true, tokenReviewerJwt: config.token_reviewer_jwt },
        vaultHasLocalToken: vaultPod ? hasLocalToken(vaultPod.template.spec) : false,
        mayCreateTokenReviews: { vault: delegators.has(vaultSa), client: delegators.has(`${l.cluster}/${l.sa.namespace}/${l.sa.name}`) },
        apiServerAudiences: apiAudiences(l.cluster),
      });
      if (failure) out.push({ resource: l.resource, message: `login to auth/${l.mount} as role ${l.role} (service account ${l.sa.namespace}/${l.sa.name}) fails: ${failure}` });
    }
    return out;
  },
  fixtures: {
    pass: {
      does: "the dev store requests a second audience besides vault (Vault accepts a token listing several)",
      edit: (s) => void fx.manifest(s, K.storeDev).spec.provider.vault.auth.kubernetes.serviceAccountRef.audiences.push("sts.amazonaws.com"),
    },
    fail: {
      does: "the dev store requests a token for another audience",
      edit: (s) => void (fx.manifest(s, K.storeDev).spec.provider.vault.auth.kubernetes.serviceAccountRef.audiences = ["sts.amazonaws.com"]),
      expect: { resource: "shop-platform/env-dev/externalsecret-payment-service-stripe.yaml", message: `login to auth/kubernetes as role eso-dev (service account dev/eso-vault-store) fails: the token's audiences [sts.amazonaws.com] lack the role's audience "vault"` },
    },
  },
};

/** Vault's own token and CA where the plugin reads them: admission-mounted, or an explicit projected volume. */
function hasLocalToken(pod: Obj): boolean {
  if (pod.automountServiceAccountToken !== false) return true;
  const dir = PLUGIN_LOCAL_TOKEN.slice(0, PLUGIN_LOCAL_TOKEN.lastIndexOf("/"));
  const vault = (pod.containers ?? []).find((c: Obj) => (c.volumeMounts ?? []).some((m: Obj) => m.mountPath === dir));
  const mount = vault?.volumeMounts.find((m: Obj) => m.mountPath === dir);
  const sources: Obj[] = (pod.volumes ?? []).find((v: Obj) => v.name === mount?.name)?.projected?.sources ?? [];
  return sources.some((s) => s.serviceAccountToken?.path === "token" && !s.serviceAccountToken.audience) && sources.some((s) => s.configMap?.items?.some((i: Obj) => `${dir}/${i.path}` === PLUGIN_LOCAL_CA));
}
