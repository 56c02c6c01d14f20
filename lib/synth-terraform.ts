import { AnnotationMetadataEntryType, TerraformStack } from "cdktf";
import { DISABLE_STACK_TRACE_IN_METADATA } from "cdktf/lib/annotations";
import { invokeAspects } from "cdktf/lib/synthesize/synthesizer";
import { Construct } from "constructs";
import type { PlatformModel } from "../model";
import { AwsStack } from "../stacks/aws-stack";
import { VaultStack } from "../stacks/vault-stack";
import { stackJson } from "./stack-json";
import type { CdktfManifest, TerraformSynthesis } from "./synthesis";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const CDKTF_VERSION: string = require("cdktf/package.json").version;

export interface TerraformSynthOptions {
  /** Where the output will live (cdktf.out); relative local-state paths are computed from it. */
  outDir: string;
  /** Where local state files live. @default process.cwd() */
  stateDir?: string;
}

/**
 * A root for the stacks that carries what cdktf's App puts into the construct context (the
 * CLI's CDKTF_CONTEXT_JSON and the cdktf version, app.js) but, unlike App, creates no folder:
 * rendering stays in memory.
 */
function terraformRoot(): Construct {
  const root = new Construct(undefined as unknown as Construct, "");
  for (const [key, value] of Object.entries(JSON.parse(process.env.CDKTF_CONTEXT_JSON ?? "{}"))) root.node.setContext(key, value);
  root.node.setContext("cdktfVersion", CDKTF_VERSION);
  // App({ stackTraces: false }) (cdktf/lib/app.js): annotations carry no stack trace.
  root.node.setContext(DISABLE_STACK_TRACE_IN_METADATA, true);
  return root;
}

/**
 * cdktf captures a stack trace for every token it creates, whatever App's stackTraces says
 * (tokens/private/intrinsic.js and tokens/lazy.js call captureStackTrace), and formats it into
 * strings that only its error messages would quote. While the stacks render, those captures (plain
 * objects, not errors) format to nothing, so cdktf records an empty creation stack; errors keep
 * their stack.
 */
function withoutTokenStackTraces<T>(render: () => T): T {
  const previous = Error.prepareStackTrace;
  Error.prepareStackTrace = (error, frames) =>
    !(error instanceof Error) ? "" : previous ? previous(error, frames) : [String(error), ...frames.map((f) => `    at ${String(f)}`)].join("\n");
  try {
    return render();
  } finally {
    Error.prepareStackTrace = previous;
  }
}

/**
 * Renders every cdktf stack of the model in memory, as App.synth would (cdktf/lib/app.js,
 * synthesize/synthesizer.js): prepare, aspects, validations, annotations, toTerraform; and the
 * manifest the cdktf CLI reads.
 */
export function synthTerraform(model: PlatformModel, opts: TerraformSynthOptions): TerraformSynthesis {
  return withoutTokenStackTraces(() => render(model, opts));
}

/** The model's cdktf stacks, constructed and not yet rendered: aws, vault-core, then one Vault stack per environment. */
export function terraformStacks(model: PlatformModel, opts: TerraformSynthOptions): TerraformStack[] {
  const root = terraformRoot();
  const backend = { outdir: opts.outDir, ...(opts.stateDir ? { stateDir: opts.stateDir } : {}) };
  new AwsStack(root, { model: model.aws, backend });
  const [core, ...environments] = model.vault.stacks;
  const coreStack = new VaultStack(root, { part: core, backendModel: model.aws.backend, backend });
  for (const part of environments) new VaultStack(root, { part, backendModel: model.aws.backend, backend, after: coreStack });
  return root.node.findAll().filter((c): c is TerraformStack => TerraformStack.isStack(c));
}

function render(model: PlatformModel, opts: TerraformSynthOptions): TerraformSynthesis {
  const stacks = terraformStacks(model, opts);
  const root = stacks[0].node.root;
  // App.synth calls prepareStack: a backend, then a "preparing" resolve of every element whose only
  // effect is to register cross-stack references (App.crossStackReference). The stacks share none,
  // they meet through derived names only (test/stack-json.test.ts holds every reference to its own
  // stack), so that full extra resolve pass is skipped.
  for (const stack of stacks) stack.ensureBackendExists();
  const manifest: CdktfManifest = { version: CDKTF_VERSION, stacks: {} };
  const out: Record<string, unknown> = {};
  for (const stack of stacks) {
    invokeAspects(stack);
    stack.runAllValidations();
    const annotations = stack.node.findAll().flatMap((node) =>
      node.node.metadata
        .filter((m) => (Object.values(AnnotationMetadataEntryType) as string[]).includes(m.type))
        .map((m) => ({ constructPath: node.node.path, level: m.type, message: m.data, stacktrace: m.trace })),
    );
    const errors = annotations.filter((a) => a.level === AnnotationMetadataEntryType.ERROR);
    if (errors.length > 0) throw new Error(`stack ${stack.node.id}: ${errors.map((a) => `[${a.constructPath}] ${String(a.message)}`).join("\n")}`);
    const id = stack.node.id;
    manifest.stacks[id] = {
      name: id,
      constructPath: stack.node.path,
      workingDirectory: `stacks/${id}`,
      synthesizedStackPath: `stacks/${id}/cdk.tf.json`,
      stackMetadataPath: `stacks/${id}/metadata.json`,
      annotations,
      dependencies: stack.dependencies.map((d) => d.node.path),
    };
    out[id] = stackJson(stack);
  }
  const problems = root.node.validate();
  if (problems.length > 0) throw new Error(`validation failed:\n  ${problems.join("\n  ")}`);
  return { manifest, stacks: out };
}
