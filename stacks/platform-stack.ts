import { TerraformDataSource, type TerraformElement, TerraformResource, TerraformStack } from "cdktf";
import { terraformName } from "../model/names";

/**
 * A stack whose Terraform addresses are readable and stable: the construct path below the
 * stack, in snake case, with no hash suffix (e.g. `aws_kms_key.vault_unseal_key`).
 * Renaming a construct therefore shows up in a PR as a replace, as it should.
 */
export class PlatformStack extends TerraformStack {
  private readonly addresses = new Map<string, TerraformElement>();

  protected allocateLogicalId(element: TerraformElement): string {
    const id = terraformName(element.node.scopes.slice(2).map((s) => s.node.id));
    // Snake case is not one-to-one (a-b/c and a/b-c meet): two elements sharing an address would be merged silently.
    const address = `${addressKind(element)}.${id}`;
    const holder = this.addresses.get(address);
    if (holder && holder !== element) {
      throw new Error(`two Terraform elements would share the address ${address} (${holder.node.path} and ${element.node.path}): rename one of the spec names they come from`);
    }
    this.addresses.set(address, element);
    return id;
  }
}

function addressKind(element: TerraformElement): string {
  if (element instanceof TerraformDataSource) return `data.${element.terraformResourceType}`;
  if (element instanceof TerraformResource) return element.terraformResourceType;
  return element.constructor.name;
}
