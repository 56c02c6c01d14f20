import { type TerraformElement, TerraformStack } from "cdktf";

/**
 * A stack whose Terraform addresses are readable and stable: the construct path below the
 * stack, in snake case, with no hash suffix (e.g. `aws_kms_key.vault_unseal_key`).
 * Renaming a construct therefore shows up in a PR as a replace, as it should.
 */
export class PlatformStack extends TerraformStack {
  protected allocateLogicalId(element: TerraformElement): string {
    const parts = element.node.scopes.slice(2).map((s) => s.node.id);
    const id = parts.join("_").replace(/[^A-Za-z0-9_]/g, "_").toLowerCase();
    return /^[a-z_]/.test(id) ? id : `_${id}`;
  }
}
