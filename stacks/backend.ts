import { relative, resolve } from "node:path";
import { LocalBackend, S3Backend, type TerraformStack } from "cdktf";
import type { BackendModel } from "../model/aws";

export interface BackendOptions {
  stackName: string;
  /** Final output directory (cdktf.out); local state lives beside it, in the project root. */
  outdir: string;
  /** Directory local state files go to. @default process.cwd() */
  stateDir?: string;
}

/** Local state (the default) or S3 with locking: S3-native (use_lockfile) or a named DynamoDB table. */
export function configureBackend(stack: TerraformStack, backend: BackendModel, opts: BackendOptions): void {
  // Terraform checks its own version at init: S3-native locking needs 1.10; otherwise terraform_data (1.4) is the newest feature used.
  stack.addOverride("terraform.required_version", backend.type === "s3" && !backend.dynamodbTable ? ">= 1.10" : ">= 1.4");
  if (backend.type === "local") {
    // Relative to the stack's working directory (cdktf.out/stacks/<name>), so the file is the same on
    // every machine and the state survives a re-synth that replaces cdktf.out.
    const stackDir = resolve(opts.outdir, "stacks", opts.stackName);
    const statePath = relative(stackDir, resolve(opts.stateDir ?? process.cwd(), `terraform.${opts.stackName}.tfstate`));
    new LocalBackend(stack, { path: statePath });
    return;
  }
  const s3 = new S3Backend(stack, {
    bucket: backend.bucket,
    key: `${backend.keyPrefix}/${opts.stackName}.tfstate`,
    region: backend.region,
    encrypt: true,
    ...(backend.dynamodbTable ? { dynamodbTable: backend.dynamodbTable } : {}),
  });
  // cdktf 0.21 predates the S3 backend's native locking argument (Terraform >= 1.10).
  if (!backend.dynamodbTable) s3.addOverride("use_lockfile", true);
}
