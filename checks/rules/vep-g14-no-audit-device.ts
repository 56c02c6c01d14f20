import { vaultStackNames } from "../../model/names";
import type { Check } from "../types";

export const noAuditDevice: Check = {
  id: "VEP-G14",
  severity: "error",
  title: "Vault has an audit device",
  rationale: "Without one no request is recorded: a leaked token's use cannot be traced.",
  fix: "Keep the file audit device (and add vault.audit.socket to ship it off the pod).",
  appliesTo: ["vault_audit"],
  run(ctx) {
    // Audit devices are Vault-wide: one in any Vault stack (the core's) records every request.
    const vaultStacks = Object.entries(ctx.synthesis.terraform.stacks).filter(([, j]) => j?.provider?.vault).map(([name]) => name);
    if (vaultStacks.length === 0 || ctx.resources("vault_audit").length > 0) return [];
    const owner = vaultStacks.find((name) => name === vaultStackNames.core) ?? vaultStacks[0];
    return [{ resource: `${owner}/vault_audit`, message: "no Vault stack configures an audit device" }];
  },
  fixtures: {
    pass: {
      does: "a second (socket) audit device beside the file device",
      edit: (s) => void (s.terraform.stacks["vault-core"].resource.vault_audit.audit_socket = { type: "socket", path: "socket", options: { address: "127.0.0.1:9090", socket_type: "tcp" } }),
    },
    fail: { does: "the file audit device deleted", edit: (s) => void delete s.terraform.stacks["vault-core"].resource.vault_audit, expect: { resource: "vault-core/vault_audit", message: "no Vault stack configures an audit device" } },
  },
};
