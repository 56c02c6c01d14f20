import { App } from "cdktf";
import type { PlatformModel } from "../model";
import { AwsStack } from "../stacks/aws-stack";
import { VaultStack } from "../stacks/vault-stack";

export interface TerraformSynthOptions {
  /** Where cdktf writes now (may be a temporary directory that is swapped in later). */
  writeDir: string;
  /** Where the output finally lives; relative state paths are computed from it. */
  finalDir: string;
  stateDir?: string;
}

/** Renders every cdktf stack of the model into writeDir (cdktf's layout: manifest.json, stacks/<name>/cdk.tf.json). */
export function synthTerraform(model: PlatformModel, opts: TerraformSynthOptions): void {
  const app = new App({ outdir: opts.writeDir, skipValidation: false });
  const backend = { outdir: opts.finalDir, ...(opts.stateDir ? { stateDir: opts.stateDir } : {}) };
  new AwsStack(app, { model: model.aws, backend });
  new VaultStack(app, { model: model.vault, backendModel: model.aws.backend, backend });
  app.synth();
}
