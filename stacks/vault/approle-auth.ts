import { ApproleAuthBackendRole } from "@cdktf/provider-vault/lib/approle-auth-backend-role";
import { AuthBackend } from "@cdktf/provider-vault/lib/auth-backend";
import { Construct } from "constructs";
import type { VaultModel } from "../../model/vault";

/** AppRole for CI pipelines outside the cluster: short-lived, few-use secret ids, bound to runner CIDRs. */
export class AppRoleAuth extends Construct {
  constructor(scope: Construct, id: string, approle: NonNullable<VaultModel["appRole"]>) {
    super(scope, id);
    const backend = new AuthBackend(this, "backend", { type: "approle", path: approle.path, description: "CI pipelines outside the cluster" });
    for (const r of approle.roles) {
      new ApproleAuthBackendRole(this, `role_${r.name}`, {
        backend: backend.path,
        roleName: r.name,
        bindSecretId: true,
        secretIdTtl: r.secretIdTtlSeconds,
        secretIdNumUses: r.secretIdNumUses,
        secretIdBoundCidrs: r.boundCidrs,
        tokenBoundCidrs: r.boundCidrs,
        tokenPolicies: r.policies,
        tokenNoDefaultPolicy: true,
        tokenTtl: r.ttlSeconds,
        tokenMaxTtl: r.maxTtlSeconds,
      });
    }
  }
}
