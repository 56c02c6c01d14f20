import type { Check, Obj } from "../types";
import { PROBE } from "../output";
import { fx } from "../util";
import { boundTo, VaultIndex } from "./vault-index";

/** What ESO's Vault provider calls to push a KV v2 secret (providers/v1/vault/client_push.go): read both paths, then create or update them. */
const PUSH = ["create", "read", "update"];
const ENV = "spec.environment";

/** Go's fmt with %s verbs, as function-patch-and-transform's string combine applies it. */
const format = (fmt: string, values: string[]): string => {
  let i = 0;
  return fmt.replace(/%s/g, () => values[i++] ?? "");
};

/**
 * Every PushSecret a Composition composes can push: its SecretStore is rendered, logs in with a
 * role that binds the store's service account (rendered), and that role's policies grant what ESO
 * calls on every remote key the Composition can produce (each environment the XRD admits).
 */
export const compositionPushes: Check = {
  id: "VEP-X12",
  severity: "error",
  title: "Every PushSecret a Composition composes can write where it pushes",
  rationale: "A Composition whose push is refused provisions a database whose credentials never reach Vault: the XR shows Ready while every consumer waits for a secret that is never written.",
  fix: "Make the XRD's environments those the writer serves (platformWriters.crossplane.environments), or point the PushSecret at the store the writer's role binds.",
  appliesTo: ["Composition", "CompositeResourceDefinition", "SecretStore", "ServiceAccount", "vault_kubernetes_auth_backend_role", "vault_policy"],
  run(ctx) {
    const v = VaultIndex.of(ctx);
    const out: { resource: string; message: string }[] = [];
    const accounts = new Set(ctx.manifests("ServiceAccount").map((m) => `${m.cluster}/${m.obj.metadata?.namespace}/${m.obj.metadata?.name}`));
    for (const c of ctx.manifests("Composition")) {
      const ref = c.obj.spec?.compositeTypeRef ?? {};
      const served = (x: Obj) => (x.spec?.versions ?? []).find((ver: Obj) => `${x.spec?.group}/${ver.name}` === ref.apiVersion);
      const xrd = ctx.manifests("CompositeResourceDefinition").find((x) => x.cluster === c.cluster && x.obj.spec?.names?.kind === ref.kind && served(x.obj));
      const version = xrd && served(xrd.obj);
      const environments: string[] = version?.schema?.openAPIV3Schema?.properties?.spec?.properties?.environment?.enum ?? [];
      for (const step of c.obj.spec?.pipeline ?? []) {
        for (const r of (step.input?.resources ?? []).filter((x: Obj) => x.base?.kind === "PushSecret")) {
          const combine = (r.patches ?? []).find((p: Obj) => p.toFieldPath === "spec.data[0].match.remoteRef.remoteKey")?.combine;
          if (!combine) {
            out.push({ resource: c.key, message: `the composed PushSecret ${r.name} has no remote key patch: it pushes nowhere this check can follow` });
            continue;
          }
          const vars: string[] = combine.variables.map((x: Obj) => x.fromFieldPath);
          if (vars.includes(ENV) && environments.length === 0) out.push({ resource: c.key, message: `the remote key of PushSecret ${r.name} names ${ENV}, which no rendered XRD for ${ref.apiVersion} ${ref.kind} enumerates` });
          const keys = (vars.includes(ENV) ? environments : [PROBE]).map((env) => format(combine.string?.fmt ?? "", vars.map((x) => (x === ENV ? env : PROBE))));
          for (const storeRef of r.base.spec?.secretStoreRefs ?? []) {
            const stores = ctx.manifests("SecretStore").filter((s) => s.cluster === c.cluster && s.obj.metadata?.name === storeRef.name);
            if (stores.length === 0) out.push({ resource: c.key, message: `PushSecret ${r.name} pushes through SecretStore ${storeRef.name}, which no manifest of cluster ${c.cluster} renders` });
            for (const store of stores) {
              const vault = store.obj.spec?.provider?.vault ?? {};
              const login = vault.auth?.kubernetes ?? {};
              const sa = { namespace: String(store.obj.metadata?.namespace), name: String(login.serviceAccountRef?.name) };
              const role = v.role(String(login.mountPath ?? "kubernetes"), String(login.role));
              const via = `PushSecret ${r.name} (SecretStore ${sa.namespace}/${storeRef.name})`;
              if (!role) {
                out.push({ resource: c.key, message: `${via} logs in as role ${login.role} on auth/${login.mountPath}, which the Vault stack does not define` });
                continue;
              }
              if (!boundTo(role, sa)) out.push({ resource: c.key, message: `${via}: role ${role.name} binds [${role.names}] in [${role.namespaces}], not the store's service account ${sa.namespace}/${sa.name}` });
              if (!accounts.has(`${c.cluster}/${sa.namespace}/${sa.name}`)) out.push({ resource: c.key, message: `${via}: service account ${sa.namespace}/${sa.name} is not rendered in cluster ${c.cluster}` });
              for (const key of keys) {
                for (const area of ["data", "metadata"]) {
                  const path = `${String(vault.path ?? "secret").replace(/\/+$/, "")}/${area}/${key}`;
                  const caps = v.grants(role.policies, path);
                  const missing = caps.has("deny") ? PUSH : PUSH.filter((cap) => !caps.has(cap));
                  if (missing.length > 0) out.push({ resource: c.key, message: `${via} pushes to ${path} as role ${role.name}, whose policies [${role.policies}] do not grant [${missing.join(", ")}] there` });
                }
              }
            }
          }
        }
      }
    }
    return out;
  },
  fixtures: {
    pass: {
      does: "the Composition composes the PushSecret first (order does not matter)",
      spec: "examples/platform-writers.yaml",
      edit: (s) => {
        const resources = fx.manifest(s, "forge/crossplane/composition-postgresql-database-vault.yaml").spec.pipeline[0].input.resources;
        resources.unshift(resources.pop());
      },
    },
    fail: {
      does: "the XRD admits an environment the writer's policy does not cover",
      spec: "examples/platform-writers.yaml",
      edit: (s) => void fx.manifest(s, "forge/crossplane/compositeresourcedefinition-postgresqldatabases.forge.vault-eks-platform.io.yaml").spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.environment.enum.push("staging"),
      expect: {
        resource: "forge/crossplane/composition-postgresql-database-vault.yaml",
        message: "PushSecret push-to-vault (SecretStore crossplane-system/vault-infrastructure-databases) pushes to secret/data/infrastructure/databases/staging/vep-check-probe as role writer-crossplane, whose policies [writer-crossplane] do not grant [create, read, update] there",
      },
    },
  },
};
