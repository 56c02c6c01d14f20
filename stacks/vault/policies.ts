import { Policy } from "@cdktf/provider-vault/lib/policy";
import { Construct } from "constructs";
import { renderPolicyHcl, type VaultPolicy } from "../../model/vault/policy";

/** One vault_policy per consumer policy of the model. */
export class VaultPolicies extends Construct {
  readonly byName = new Map<string, Policy>();

  constructor(scope: Construct, id: string, policies: VaultPolicy[]) {
    super(scope, id);
    for (const p of policies) this.byName.set(p.name, new Policy(this, p.name, { name: p.name, policy: renderPolicyHcl(p) }));
  }
}
