import type { Check } from "../types";
import { fx } from "../util";

/**
 * Root-protected endpoints the Vault stack's own resources call (auth mounts, audit devices, audited
 * request headers; Vault's PathsSpecial.Root): the terraform policy holds sudo on these, each named
 * exactly, and nothing else.
 */
const TERRAFORM_SUDO = /^(sys\/auth\/[^*+]+|sys\/audit|sys\/audit\/[^/*+]+|sys\/config\/auditing\/request-headers\/[^/*+]+)$/;

/** Only the admin policy may grant sudo or a bare "*" path; the terraform policy only sudo on the exact root-protected paths it applies. */
export const vaultPolicySudo: Check = {
  id: "VEP-G04",
  severity: "error",
  title: "Vault policies parse, and none but admin grants sudo (terraform: only on the exact root-protected paths it applies) or a bare \"*\" path",
  rationale: "sudo opens root-protected endpoints and \"*\" matches every path of every mount: either turns a consumer's policy into an administrator's.",
  fix: "Grant the exact paths the consumer uses (the model's policies do); people who administer Vault get the admin policy through OIDC.",
  appliesTo: ["vault_policy"],
  run(ctx) {
    const out: { resource: string; message: string }[] = [];
    for (const [name, p] of ctx.policies) {
      if (p.error) out.push({ resource: p.resource, message: `policy ${name} is not valid HCL (Vault refuses it): ${p.error}` });
      if (name === "admin") continue;
      for (const r of p.rules) {
        if (r.capabilities.includes("sudo") && !(name === "terraform" && TERRAFORM_SUDO.test(r.path))) out.push({ resource: p.resource, message: `policy ${name} grants sudo on ${r.path}` });
        if (r.path === "*" || r.path === "+" || /^\+(\/\+)*\/?\*?$/.test(r.path)) out.push({ resource: p.resource, message: `policy ${name} grants [${r.capabilities.join(", ")}] on every path ("${r.path}")` });
      }
    }
    return out;
  },
  fixtures: {
    pass: {
      does: "the terraform policy gains sudo on one more exact audit device path (as a second audit device would need), and eso-dev a \"+\" segment path below its environment",
      edit: (s) => {
        fx.resource(s, "vault-core", "vault_policy", "policy_terraform").policy += '\npath "sys/audit/socket" {\n  capabilities = ["create", "update", "sudo"]\n}\n';
        fx.resource(s, "vault-dev", "vault_policy", "policy_eso_dev").policy += '\npath "secret/data/apps/dev/+/config" {\n  capabilities = ["read"]\n}\n';
      },
    },
    fail: {
      does: "the eso-dev policy gains a bare \"*\" path with sudo",
      edit: (s) => {
        const p = fx.resource(s, "vault-dev", "vault_policy", "policy_eso_dev");
        p.policy += '\npath "*" {\n  capabilities = ["read", "sudo"]\n}\n';
      },
      expect: { resource: "vault-dev/vault_policy.policy_eso_dev", message: 'policy eso-dev grants [read, sudo] on every path ("*")' },
    },
  },
};
