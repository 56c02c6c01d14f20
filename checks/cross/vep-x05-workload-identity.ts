import type { Check, Obj } from "../types";
import { asList, fx } from "../util";

const IRSA_ANNOTATION = "eks.amazonaws.com/role-arn";

/**
 * IRSA and Pod Identity bind the right service account: an annotated service account's role
 * trusts exactly that account (sub) for STS (aud) through the cluster's OIDC provider; every
 * IRSA trust and Pod Identity association names a service account the manifests render.
 */
export const workloadIdentity: Check = {
  id: "VEP-X05",
  severity: "error",
  title: "IRSA trusts and Pod Identity associations name the service accounts that use them",
  rationale: "A trust naming another namespace or account fails every AssumeRole (the workload gets no credentials), or hands the role to whoever runs as the named account.",
  fix: "Keep the role's trust, the association and the ServiceAccount on one name (model/names.ts); in the spec: workloadIdentity, cluster.oidcIssuerUrl.",
  appliesTo: ["ServiceAccount", "aws_iam_role", "aws_eks_pod_identity_association", "SecretStore (auth.jwt)"],
  run(ctx) {
    const out: { resource: string; message: string }[] = [];
    const primary = ctx.model.network.primaryCluster;
    const accounts = ctx.manifests("ServiceAccount").filter((m) => m.cluster === primary);
    const exists = (ns: string, name: string) => accounts.some((a) => a.obj.metadata?.namespace === ns && a.obj.metadata?.name === name);
    const roles = ctx.resources("aws_iam_role");
    const trustOf = (r: Obj) => (typeof r.value.assume_role_policy === "string" ? JSON.parse(r.value.assume_role_policy) : r.value.assume_role_policy);
    const irsaSubjects = (r: Obj) =>
      asList(trustOf(r)?.Statement).flatMap((s: Obj) => (asList<string>(s.Action).includes("sts:AssumeRoleWithWebIdentity") ? Object.entries<string>(s.Condition?.StringEquals ?? {}).filter(([k]) => k.endsWith(":sub")).map(([, v]) => v) : []));
    for (const sa of accounts) {
      const arn = sa.obj.metadata?.annotations?.[IRSA_ANNOTATION];
      if (!arn) continue;
      const roleName = String(arn).split("/").pop();
      const role = roles.find((r) => r.value.name === roleName);
      const want = `system:serviceaccount:${sa.obj.metadata.namespace}:${sa.obj.metadata.name}`;
      if (!role) out.push({ resource: sa.key, message: `annotated with ${arn}, a role the AWS stack does not create` });
      else if (!irsaSubjects(role).includes(want)) out.push({ resource: sa.key, message: `annotated with role ${roleName}, whose trust admits [${irsaSubjects(role).join(", ") || "no web identity"}], not ${want}` });
    }
    for (const role of roles) {
      for (const sub of irsaSubjects(role)) {
        const m = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(sub);
        if (m && !exists(m[1], m[2])) out.push({ resource: role.resource, message: `trusts ${sub}, a service account the manifests of ${primary} do not render` });
      }
    }
    for (const a of ctx.resources("aws_eks_pod_identity_association")) {
      if (!exists(String(a.value.namespace), String(a.value.service_account))) out.push({ resource: a.resource, message: `associates ${a.value.namespace}/${a.value.service_account}, a service account the manifests of ${primary} do not render` });
      const roleName = /\$\{aws_iam_role\.([\w-]+)\.arn\}/.exec(String(a.value.role_arn))?.[1];
      const role = roles.find((r) => r.name === roleName);
      const statements = role ? asList(trustOf(role)?.Statement) : [];
      const tags = statements.flatMap((s: Obj) => Object.entries<string>(s.Condition?.StringEquals ?? {}));
      const tagged = (k: string, v: string) => tags.some(([tk, tv]) => tk === `aws:RequestTag/${k}` && tv === v);
      if (role && !(tagged("kubernetes-namespace", String(a.value.namespace)) && tagged("kubernetes-service-account", String(a.value.service_account)))) {
        out.push({ resource: a.resource, message: `role ${role.value.name}'s Pod Identity trust does not pin ${a.value.namespace}/${a.value.service_account} (session tags)` });
      }
    }
    return out;
  },
  fixtures: {
    pass: { does: "the Vault service account annotated with its role's ARN", edit: (s) => void fx.manifest(s, "shop-platform/vault/serviceaccount-vault.yaml") },
    fail: {
      does: "the Vault server role's IRSA sub changed to another namespace",
      edit: (s) =>
        fx.editJson(fx.resource(s, "aws", "aws_iam_role", "vault_server_role"), "assume_role_policy", (d) => {
          const eq = d.Statement[0].Condition.StringEquals;
          eq[Object.keys(eq).find((k) => k.endsWith(":sub"))!] = "system:serviceaccount:default:vault";
        }),
      expect: { resource: "shop-platform/vault/serviceaccount-vault.yaml", message: "annotated with role shop-vault-server, whose trust admits [system:serviceaccount:default:vault], not system:serviceaccount:vault:vault" },
    },
  },
};
