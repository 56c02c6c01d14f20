import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { KmsKeyModel } from "../../model/aws";

export interface EncryptionKeyProps {
  key: KmsKeyModel;
  /** Resources the key policy names (IAM roles): KMS rejects a policy whose principals do not exist yet. */
  dependsOn: ITerraformDependable[];
}

/** A symmetric KMS key with yearly rotation, a key policy from the model, and its alias. */
export class EncryptionKey extends Construct {
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    this.key = new KmsKey(this, "key", {
      description: props.key.description,
      enableKeyRotation: true,
      deletionWindowInDays: props.key.deletionWindowDays,
      policy: JSON.stringify(props.key.policy),
      dependsOn: props.dependsOn,
      lifecycle: { preventDestroy: props.key.preventDestroy },
    });
    new KmsAlias(this, "alias", { name: props.key.alias, targetKeyId: this.key.keyId });
  }
}
