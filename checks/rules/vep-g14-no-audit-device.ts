import type { Check } from "../types";

export const noAuditDevice: Check = {
  id: "VEP-G14",
  severity: "error",
  title: "Vault has an audit device",
  rationale: "Without one no request is recorded: a leaked token's use cannot be traced.",
  fix: "Keep the file audit device (and add vault.audit.socket to ship it off the pod).",
  appliesTo: ["vault_audit"],
  run(ctx) {
    const vaultStacks = Object.entries(ctx.synthesis.terraform.stacks).filter(([, j]) => j?.provider?.vault);
    return vaultStacks.filter(([name]) => ctx.resources("vault_audit", name).length === 0).map(([name]) => ({ resource: `${name}/vault_audit`, message: "the Vault stack configures no audit device" }));
  },
  fixtures: {
    pass: {
      does: "a second (socket) audit device beside the file device",
      edit: (s) => void (s.terraform.stacks.vault.resource.vault_audit.audit_socket = { type: "socket", path: "socket", options: { address: "127.0.0.1:9090", socket_type: "tcp" } }),
    },
    fail: { does: "the file audit device deleted", edit: (s) => void delete s.terraform.stacks.vault.resource.vault_audit, expect: { resource: "vault/vault_audit", message: "the Vault stack configures no audit device" } },
  },
};
