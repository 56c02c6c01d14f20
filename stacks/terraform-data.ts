import { TerraformResource } from "cdktf";
import type { Construct } from "constructs";

export interface TerraformDataProps {
  /** Values whose change replaces this resource (and whatever names it in replace_triggered_by). */
  input: Record<string, string>;
}

/**
 * Terraform's built-in `terraform_data` resource as plain JSON. cdktf's DataResource adds a
 * validation that runs `terraform version` during synth, so rendering would need Terraform on PATH;
 * the stack's `required_version` states the need instead, where Terraform itself checks it.
 */
export class TerraformData extends TerraformResource {
  constructor(scope: Construct, id: string, private readonly props: TerraformDataProps) {
    super(scope, id, { terraformResourceType: "terraform_data" });
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return { input: this.props.input };
  }
}
