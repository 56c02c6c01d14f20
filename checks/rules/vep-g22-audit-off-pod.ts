import type { Check } from "../types";
import type { Obj } from "../types";

/** A device whose entries leave the pod: a socket (to a log shipper), or a file device on stdout, which the cluster's log collector ships. */
const leavesPod = (a: Obj) => a.type === "socket" || (a.type === "file" && a.options?.file_path === "stdout");

export const auditOffPod: Check = {
  id: "VEP-G22",
  severity: "error",
  title: "An audit device leaves the pod (socket, or a file device on stdout), not only a file on the pod's volume",
  rationale: "A log only on the Vault pods' volume dies with the volume and can be rewritten by whoever controls the pod: an intruder's trail must leave it as it is written.",
  fix: "Keep vault.audit.stdout (the default), or add vault.audit.socket.",
  appliesTo: ["vault_audit"],
  run(ctx) {
    // Audit devices are Vault-wide, whichever Vault stack holds them.
    const devices = ctx.resources("vault_audit");
    if (devices.length === 0 || devices.some((d) => leavesPod(d.value))) return [];
    const message = `every audit device writes to the Vault pods' volume (${devices.map((d) => `${d.value.path ?? d.name}: ${d.value.options?.file_path ?? d.value.type}`).join(", ")}): none leaves the pod`;
    return [...new Set(devices.map((d) => d.stack))].map((name) => ({ resource: `${name}/vault_audit`, message }));
  },
  fixtures: {
    pass: {
      does: "the stdout device replaced by a socket device to a log shipper",
      edit: (s) => {
        const audit = s.terraform.stacks["vault-core"].resource.vault_audit;
        delete audit.audit_stdout;
        audit.audit_socket = { type: "socket", path: "socket", options: { address: "audit.logging.internal:9090", socket_type: "tcp", format: "json" } };
      },
    },
    fail: {
      does: "the stdout audit device deleted (only the file on the audit volume remains)",
      edit: (s) => void delete s.terraform.stacks["vault-core"].resource.vault_audit.audit_stdout,
      expect: { resource: "vault-core/vault_audit", message: "every audit device writes to the Vault pods' volume (file: /vault/audit/vault-audit.log): none leaves the pod" },
    },
  },
};
