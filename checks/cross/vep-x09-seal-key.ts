import type { Check, Obj } from "../types";
import { asList, fx, K } from "../util";

const USE = /^kms:(Encrypt|Decrypt|ReEncrypt\*?|ReEncryptFrom|ReEncryptTo|GenerateDataKey.*|\*)$/;

/**
 * The awskms seal names a key alias the AWS stack creates, in the AWS provider's region; the key's
 * policy lets only the Vault server role use it, and that role is the one the Vault pods run as
 * (IRSA annotation or Pod Identity association).
 */
export const sealKey: Check = {
  id: "VEP-X09",
  severity: "error",
  title: "The seal names the AWS stack's key and region, and only the Vault server role may use that key",
  rationale: "A wrong alias or region leaves Vault sealed after its first restart; another principal with Decrypt can unseal a stolen copy of the storage.",
  fix: "Keep the alias, region and role in one place (model/names.ts); grant key use to the Vault server role only.",
  appliesTo: ["ConfigMap (vault.hcl seal)", "aws_kms_alias", "aws_kms_key", "ServiceAccount", "aws_eks_pod_identity_association"],
  run(ctx) {
    const out: { resource: string; message: string }[] = [];
    const regions: string[] = Object.values(ctx.synthesis.terraform.stacks).flatMap((j) => (j?.provider?.aws ?? []).map((p: { region?: string }) => p.region).filter(Boolean));
    const aliases = ctx.resources("aws_kms_alias");
    for (const { m: cm, hcl } of ctx.hclFiles()) {
      for (const seal of hcl?.seal?.awskms ?? []) {
        const alias = aliases.find((a) => a.value.name === seal.kms_key_id);
        if (!alias) {
          out.push({ resource: cm.key, message: `seal awskms names ${seal.kms_key_id}, which the AWS stack does not create (it creates ${aliases.map((a) => String(a.value.name)).sort().join(", ") || "no alias"})` });
          continue;
        }
        if (regions.length > 0 && !regions.includes(seal.region)) out.push({ resource: cm.key, message: `seal awskms region ${seal.region} is not the AWS stack's region ${regions.join(", ")}` });
        const key = ctx.referenced(alias.value.target_key_id);
        if (!key) continue;
        const doc = typeof key.value.policy === "string" ? JSON.parse(key.value.policy) : key.value.policy;
        const users = new Set<string>();
        for (const s of asList<Obj>(doc?.Statement)) {
          if (s.Effect !== "Allow" || !asList<string>(s.Action).some((a) => USE.test(a))) continue;
          for (const p of asList<string>(s.Principal?.AWS ?? s.Principal)) users.add(p);
        }
        const vaultRoles = vaultServerRoles(ctx, cm.obj.metadata?.namespace);
        for (const u of users) if (!vaultRoles.some((r) => u.endsWith(`:role/${r}`))) out.push({ resource: key.resource, message: `the seal key's policy lets ${u} use the key; only the Vault server role (${vaultRoles.join(", ") || "none found"}) may` });
        if (![...users].some((u) => vaultRoles.some((r) => u.endsWith(`:role/${r}`)))) out.push({ resource: key.resource, message: `the seal key's policy does not let the Vault server role (${vaultRoles.join(", ") || "none found"}) use the key: Vault cannot unseal` });
      }
    }
    return out;
  },
  fixtures: {
    pass: {
      does: "the key policy names the Vault server role in a one-element list",
      edit: (s) => fx.editJson(fx.resource(s, "aws", "aws_kms_key", "vault_unseal_key"), "policy", (d) => void (d.Statement[1].Principal.AWS = [d.Statement[1].Principal.AWS])),
    },
    fail: {
      does: "the seal alias changed",
      edit: (s) => {
        const cm = fx.manifest(s, K.vaultConfig);
        cm.data["vault.hcl"] = cm.data["vault.hcl"].replace("alias/shop-vault-unseal", "alias/shop-vault-other");
      },
      expect: { resource: K.vaultConfig, message: "seal awskms names alias/shop-vault-other, which the AWS stack does not create (it creates alias/shop-vault-snapshots, alias/shop-vault-unseal)" },
    },
  },
};

/** IAM role names the Vault server pods run as: their service account's IRSA annotation, or its Pod Identity association. */
function vaultServerRoles(ctx: Parameters<Check["run"]>[0], namespace: string): string[] {
  const names = new Set<string>();
  for (const m of ctx.manifests("StatefulSet").filter((m) => m.obj.metadata?.namespace === namespace)) {
    const sa = m.obj.spec?.template?.spec?.serviceAccountName;
    const acc = ctx.manifests("ServiceAccount").find((a) => a.cluster === m.cluster && a.obj.metadata?.namespace === namespace && a.obj.metadata?.name === sa);
    const arn = acc?.obj.metadata?.annotations?.["eks.amazonaws.com/role-arn"];
    if (arn) names.add(String(arn).split("/").pop()!);
    for (const a of ctx.resources("aws_eks_pod_identity_association").filter((a) => a.value.namespace === namespace && a.value.service_account === sa)) {
      const role = ctx.referenced(a.value.role_arn);
      if (role) names.add(String(role.value.name));
    }
  }
  return [...names].sort();
}
