import { Audit } from "@cdktf/provider-vault/lib/audit";
import { AuditRequestHeader } from "@cdktf/provider-vault/lib/audit-request-header";
import { RaftAutopilot } from "@cdktf/provider-vault/lib/raft-autopilot";
import { Construct } from "constructs";
import type { VaultModel } from "../../model/vault";
import { VAULT_AUDIT_DEVICES } from "../../model/names";

/**
 * Audit devices and request-header auditing. Every vault_audit argument forces replacement, and
 * a replaced device leaves a gap in the log: keep these options stable (a PR that changes them
 * deserves a second look).
 */
export class AuditDevices extends Construct {
  constructor(scope: Construct, id: string, audit: VaultModel["audit"]) {
    super(scope, id);
    new Audit(this, "file", {
      type: "file",
      path: VAULT_AUDIT_DEVICES.file,
      description: "JSON audit log on the Vault pods' audit volume",
      options: { file_path: audit.filePath, format: "json", log_raw: "false", mode: "0600" },
    });
    if (audit.stdout) {
      // Vault's file device writes to the process's stdout for this path; the cluster's log collector ships it.
      new Audit(this, "stdout", {
        type: "file",
        path: VAULT_AUDIT_DEVICES.stdout,
        description: "JSON audit log on the Vault container's stdout, shipped off the pod by the cluster's log collector",
        options: { file_path: "stdout", format: "json", log_raw: "false" },
      });
    }
    if (audit.socketAddress) {
      new Audit(this, "socket", {
        type: "socket",
        path: VAULT_AUDIT_DEVICES.socket,
        description: "Audit stream to a log shipper",
        options: { address: audit.socketAddress, socket_type: "tcp", format: "json", log_raw: "false" },
      });
    }
    for (const header of audit.requestHeaders) new AuditRequestHeader(this, `header_${header}`, { name: header, hmac: false });
  }
}

/** Raft autopilot: remove dead servers, never below a full quorum of the configured replicas. */
export class Autopilot extends Construct {
  constructor(scope: Construct, id: string, autopilot: VaultModel["autopilot"]) {
    super(scope, id);
    new RaftAutopilot(this, "config", {
      cleanupDeadServers: autopilot.cleanupDeadServers,
      deadServerLastContactThreshold: autopilot.deadServerLastContactThreshold,
      minQuorum: autopilot.minQuorum,
    });
  }
}
