import { randomUUID } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { type PlanJson, type ResourceChange, type TerraformWorkdir, terraformWorkdir } from "./terraform";

/**
 * "What would `terraform apply` do to a platform that was deployed from the base spec?", answered by
 * the real Terraform and provider, offline. Terraform plans the base stack; its planned values become
 * a state (values only known after apply, such as ids and ARNs, get stand-ins of the schema's type);
 * then Terraform plans the base stack again against that state, and every change it still wants
 * (references now resolved, provider normalisation) is written back, until the base plans no change
 * at all. That state is the deployed base. The head stack is then planned against it, with
 * `-refresh=false` (nothing to refresh offline), and Terraform's own answer is returned: the plan, or
 * its error (e.g. prevent_destroy).
 */

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
type CtyType = string | [string, Json];
interface SchemaBlock {
  attributes?: Record<string, { type?: CtyType; nested_type?: Json }>;
  block_types?: Record<string, { nesting_mode: string; block: SchemaBlock }>;
}
interface ResourceSchema {
  version: number;
  block: SchemaBlock;
}

export interface HeadPlan {
  status: number;
  stderr: string;
  stdout: string;
  plan?: PlanJson;
  /** Actions by address, e.g. { "aws_s3_bucket.snapshots_bucket": "delete,create" }; only resources that change. */
  actions: Record<string, string>;
}

export interface DeployedBase {
  /** Rounds of the fixed point until the base stack planned no change against its own state. */
  rounds: number;
  /** The deployed state (state file contents). */
  state: Json;
  planHead(headStackDir: string, opts?: { patch?: (stack: Record<string, Json>) => void }): Promise<HeadPlan>;
}

const MAX_ROUNDS = 6;

/** A value of a cty type that a provider accepts in state where apply would have filled one in. */
function standIn(type: CtyType | undefined, label: string): unknown {
  if (type === "string") return `stand-in-${label}`;
  if (type === "number") return 0;
  if (type === "bool") return false;
  if (Array.isArray(type)) {
    if (type[0] === "list" || type[0] === "set") return [];
    if (type[0] === "map") return {};
  }
  return null;
}

/** Replaces every unknown leaf of `value` (as `unknown` marks them) with a stand-in of its schema type. */
function fillUnknowns(value: Json, unknown: Json, block: SchemaBlock | undefined, label: string): Json {
  if (unknown === true) return standIn(undefined, label);
  if (!unknown || typeof unknown !== "object") return value;
  const out: Json = value && typeof value === "object" ? (Array.isArray(value) ? [...value] : { ...value }) : {};
  for (const [key, mark] of Object.entries<Json>(unknown)) {
    const attr = block?.attributes?.[key];
    const nested = block?.block_types?.[key];
    if (mark === true) {
      out[key] = attr ? standIn(attr.type, `${label}.${key}`) : nested ? (nested.nesting_mode === "single" ? null : []) : null;
      if (key === "id") out[key] = out.name ?? out.bucket ?? out[key];
    } else if (Array.isArray(mark) && Array.isArray(out[key])) {
      out[key] = out[key].map((item: Json, i: number) => fillUnknowns(item, mark[i] ?? {}, nested?.block, `${label}.${key}.${i}`));
    } else if (mark && typeof mark === "object" && out[key] && typeof out[key] === "object") {
      out[key] = fillUnknowns(out[key], mark, nested?.block, `${label}.${key}`);
    }
  }
  return out;
}

/** The plan's after_sensitive marks as state paths: a state without them plans an update that changes only sensitivity. */
function sensitivePaths(marks: Json, path: Json[] = []): Json[][] {
  if (marks === true) return [path];
  if (!marks || typeof marks !== "object") return [];
  return Object.entries<Json>(marks).flatMap(([key, mark]) =>
    sensitivePaths(mark, [...path, Array.isArray(marks) ? { type: "index", value: { value: Number(key), type: "number" } } : { type: "get_attr", value: key }]),
  );
}

function providerKey(rc: ResourceChange): string {
  return `provider[${JSON.stringify(rc.provider_name ?? "registry.terraform.io/hashicorp/aws")}]`;
}

function stateOf(resources: Map<string, { rc: ResourceChange; attributes: Json; version: number }>): Json {
  return {
    version: 4,
    terraform_version: "1.11.4",
    serial: 1,
    lineage: randomUUID(),
    outputs: {},
    resources: [...resources.values()].map(({ rc, attributes, version }) => ({
      mode: "managed",
      type: rc.type,
      name: rc.name,
      provider: providerKey(rc),
      instances: [{ schema_version: version, attributes, sensitive_attributes: sensitivePaths(rc.change.after_sensitive) }],
    })),
    check_results: null,
  };
}

/** Plans the base stack, turns its plan into a deployed state, and returns a planner for head stacks. */
export async function deployedBase(baseStackDir: string): Promise<DeployedBase> {
  const tf: TerraformWorkdir = terraformWorkdir(baseStackDir, { testProvider: true });
  await tf.runAsync(["init", "-input=false"]);
  const schemas = JSON.parse((await tf.runAsync(["providers", "schema", "-json"])).stdout) as { provider_schemas: Record<string, { resource_schemas: Record<string, ResourceSchema> }> };
  const schemaOf = (rc: ResourceChange): ResourceSchema => schemas.provider_schemas[rc.provider_name ?? "registry.terraform.io/hashicorp/aws"].resource_schemas[rc.type];
  const stack = JSON.parse(readFileSync(join(tf.dir, "cdk.tf.json"), "utf8"));
  const statePath = resolve(tf.dir, stack.terraform.backend.local.path);

  const plan = async (file: string): Promise<{ status: number; stderr: string; stdout: string; plan?: PlanJson }> => {
    const r = await tf.runAsync(["plan", "-input=false", "-refresh=false", `-out=${file}`], { allowFailure: true });
    if (r.status !== 0) return r;
    return { ...r, plan: JSON.parse((await tf.runAsync(["show", "-json", file])).stdout) as PlanJson };
  };

  const resources = new Map<string, { rc: ResourceChange; attributes: Json; version: number }>();
  const record = (rc: ResourceChange) => {
    const schema = schemaOf(rc);
    resources.set(rc.address, { rc, attributes: fillUnknowns(rc.change.after, rc.change.after_unknown, schema.block, rc.address), version: schema.version });
  };
  const first = await plan("base.bin");
  if (!first.plan) throw new Error(`the base stack does not plan:\n${first.stderr}`);
  for (const rc of first.plan.resource_changes) record(rc);

  let unsettled: string[] = [];
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    writeFileSync(statePath, JSON.stringify(stateOf(resources), null, 2));
    const again = await plan(`base-${round}.bin`);
    if (!again.plan) throw new Error(`the base stack does not plan against its own state (round ${round}):\n${again.stderr}`);
    const changes = again.plan.resource_changes.filter((rc) => rc.change.actions.join() !== "no-op");
    if (changes.length === 0) {
      const state = JSON.parse(readFileSync(statePath, "utf8"));
      return { rounds: round, state, planHead: (dir, opts) => planHead(tf, statePath, state, dir, opts) };
    }
    for (const rc of changes) record(rc);
    unsettled = changes.map((rc) => `${rc.address} (${rc.change.actions.join(",")}): ${JSON.stringify(rc.change.before)} -> ${JSON.stringify(rc.change.after)}`);
  }
  throw new Error(`the base state did not settle in ${MAX_ROUNDS} rounds; still changing:\n${unsettled.join("\n")}`);
}

async function planHead(tf: TerraformWorkdir, statePath: string, state: Json, headStackDir: string, opts: { patch?: (stack: Record<string, Json>) => void } = {}): Promise<HeadPlan> {
  const head = JSON.parse(readFileSync(join(headStackDir, "cdk.tf.json"), "utf8"));
  opts.patch?.(head);
  writeFileSync(join(tf.dir, "cdk.tf.json"), JSON.stringify(head, null, 2));
  // Every head is planned against the same deployed base.
  writeFileSync(statePath, JSON.stringify(state, null, 2));
  const file = `head-${randomUUID()}.bin`;
  const r = await tf.runAsync(["plan", "-input=false", "-refresh=false", `-out=${file}`], { allowFailure: true });
  if (r.status !== 0) return { ...r, actions: {} };
  const plan = JSON.parse((await tf.runAsync(["show", "-json", file])).stdout) as PlanJson;
  const actions = Object.fromEntries(plan.resource_changes.filter((rc) => rc.change.actions.join() !== "no-op").map((rc) => [rc.address, rc.change.actions.join()]));
  return { ...r, plan, actions };
}

/** A stack without any lifecycle block (patch for planHead): what prevent_destroy stands between. */
export const withoutLifecycle = (stack: Record<string, Json>) => {
  for (const byName of Object.values<Json>(stack.resource)) for (const r of Object.values<Json>(byName)) delete r.lifecycle;
};
