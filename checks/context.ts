import { importEsm } from "../lib/import-esm";
import type { Obj, Synthesis } from "../lib/synthesis";
import { type SynthesizedPlatform } from "./network/inventory";
import { plainHcl } from "./plain-hcl";
import { type AclRule, rulesFromParsedHcl } from "./vault-acl";

/** HashiCorp's HCL parser, loaded on first use: importing it starts its WebAssembly runtime (about 0.3 s). */
let hcl2json: Promise<typeof import("@cdktf/hcl2json")> | undefined;
const parseHcl = async (file: string, text: string): Promise<Obj> => (await (hcl2json ??= importEsm<typeof import("@cdktf/hcl2json")>("@cdktf/hcl2json"))).parse(file, text);

/** Set on a policy Vault's parser refuses (hand-edited output): its rules are empty, VEP-G04 reports it. */
export const UNPARSED = "(unparsed)";

/** A rendered Kubernetes object with its report name. */
export interface Manifest {
  key: string;
  cluster: string;
  obj: Obj;
}

/** A Terraform resource with its report name (`<stack>/<type>.<name>`). */
export interface TfResource {
  resource: string;
  stack: string;
  type: string;
  name: string;
  value: Obj;
}

/**
 * What every check reads: the synthesis, indexed, with the embedded HCL (vault.hcl ConfigMap
 * values, Vault policies) parsed once: by HashiCorp's HCL parser, or by a plain reader proven
 * equal to it for the layout the model renders (plain-hcl.ts, plainPolicyRules).
 */
export class CheckContext {
  private readonly byKind = new Map<string, Manifest[]>();
  private platformCache?: SynthesizedPlatform;

  private constructor(
    readonly synthesis: Synthesis,
    /** Parsed `.hcl` ConfigMap values, keyed `<cluster>/<namespace>/<configmap>/<key>`. */
    readonly hcl: Record<string, Obj>,
    /** Vault policies by name: their resource and ACL rules. */
    readonly policies: Map<string, { resource: string; rules: AclRule[]; error?: string }>,
  ) {
    for (const [key, obj] of Object.entries(synthesis.kubernetes.manifests)) {
      if (!obj || typeof obj !== "object") continue;
      const m = { key, cluster: key.slice(0, key.indexOf("/")), obj };
      const list = this.byKind.get(obj.kind);
      if (list) list.push(m);
      else this.byKind.set(obj.kind, [m]);
    }
  }

  static async of(synthesis: Synthesis): Promise<CheckContext> {
    const hcl: Record<string, Obj> = {};
    for (const [key, obj] of Object.entries(synthesis.kubernetes.manifests)) {
      if (obj?.kind !== "ConfigMap") continue;
      const cluster = key.slice(0, key.indexOf("/"));
      for (const [k, value] of Object.entries<string>(obj.data ?? {})) {
        if (k.endsWith(".hcl")) hcl[`${cluster}/${obj.metadata?.namespace}/${obj.metadata?.name}/${k}`] = plainHcl(String(value)) ?? (await parseHcl(k, String(value)));
      }
    }
    const policies = new Map<string, { resource: string; rules: AclRule[]; error?: string }>();
    const rendered = Object.entries(synthesis.terraform.stacks).flatMap(([stack, json]) =>
      Object.entries<Obj>(json?.resource?.vault_policy ?? {}).map(([name, p]) => ({ name: String(p.name), resource: `${stack}/vault_policy.${name}`, text: String(p.policy ?? "") })),
    );
    for (const [i, parsed] of (await parsePolicies(rendered.map((p) => p.text))).entries()) {
      policies.set(rendered[i].name, { resource: rendered[i].resource, rules: rulesFromParsedHcl(parsed), ...(parsed[UNPARSED] ? { error: String(parsed[UNPARSED]) } : {}) });
    }
    return new CheckContext(synthesis, hcl, policies);
  }

  get model() {
    return this.synthesis.model;
  }

  manifests(...kinds: string[]): Manifest[] {
    return kinds.flatMap((k) => this.byKind.get(k) ?? []);
  }

  private readonly resourceCache = new Map<string, TfResource[]>();

  resources(type: string, stack?: string): TfResource[] {
    const key = `${type}/${stack ?? ""}`;
    let hit = this.resourceCache.get(key);
    if (!hit) this.resourceCache.set(key, (hit = this.findResources(type, stack)));
    return hit;
  }

  private findResources(type: string, stack?: string): TfResource[] {
    return Object.entries(this.synthesis.terraform.stacks)
      .filter(([name]) => stack === undefined || name === stack)
      .flatMap(([s, json]) => Object.entries<Obj>(json?.resource?.[type] ?? {}).map(([name, value]) => ({ resource: `${s}/${type}.${name}`, stack: s, type, name, value })));
  }

  /** Every `.hcl` value of a rendered ConfigMap, parsed, with its manifest. */
  hclFiles(): { m: Manifest; key: string; hcl: Obj }[] {
    return this.manifests("ConfigMap").flatMap((m) =>
      Object.keys(m.obj.data ?? {})
        .filter((k) => k.endsWith(".hcl"))
        .map((k) => ({ m, key: k, hcl: this.hcl[`${m.cluster}/${m.obj.metadata?.namespace}/${m.obj.metadata?.name}/${k}`] ?? {} })),
    );
  }

  /** `${vault_auth_backend.x.path}` -> the resource it names. */
  referenced(ref: unknown): TfResource | undefined {
    const m = /^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.[a-z_]+\}$/.exec(String(ref));
    return m ? this.resources(m[1]).find((r) => r.name === m[2]) : undefined;
  }

  /** The rendered output in the shape the network-flow evaluator reads. */
  get platform(): SynthesizedPlatform {
    if (!this.platformCache) {
      const clusters: Record<string, Obj[]> = {};
      for (const [key, obj] of Object.entries(this.synthesis.kubernetes.manifests)) (clusters[key.slice(0, key.indexOf("/"))] ??= []).push(obj);
      this.platformCache = { clusters, stacks: this.synthesis.terraform.stacks, hcl: this.hcl };
    }
    return this.platformCache;
  }
}

/** Pod templates of every workload kind, with the workload's manifest. */
export function podTemplates(ctx: CheckContext): { m: Manifest; template: Obj }[] {
  const out: { m: Manifest; template: Obj }[] = [];
  for (const m of ctx.manifests("StatefulSet", "Deployment", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod")) {
    const t = m.obj.kind === "CronJob" ? m.obj.spec?.jobTemplate?.spec?.template : m.obj.kind === "Pod" ? m.obj : m.obj.spec?.template;
    if (t) out.push({ m, template: t });
  }
  return out;
}

/**
 * Parses Vault policies with few calls of HashiCorp's HCL parser (each call costs milliseconds of
 * WebAssembly): each document becomes the body of a block `policy "<index>"`. A batch that does
 * not parse (a hand-edited policy) is parsed one by one, so the error names its policy.
 */
/**
 * The rules of a policy in the plain layout the model renders (comment lines, then `path "<p>" {`,
 * `  capabilities = ["a", "b"]`, `}` blocks; paths and capabilities without quotes, escapes or
 * template sequences), proven by rebuilding the text without its comments and blank lines from the
 * rules read. Anything else returns undefined and goes to HashiCorp's parser.
 */
export function plainPolicyRules(text: string): AclRule[] | undefined {
  const rules: AclRule[] = [];
  const block = /^path "([A-Za-z0-9_./*+-]*)" \{\n {2}capabilities = \[((?:"[a-z]+"(?:, "[a-z]+")*)?)\]\n\}$/gm;
  for (const m of text.matchAll(block)) rules.push({ path: m[1], capabilities: m[2] ? m[2].split(", ").map((c) => c.slice(1, -1)) : [] });
  const meaningful = text.split("\n").filter((l) => l.trim() !== "" && !/^\s*#/.test(l)).join("\n");
  const rebuilt = rules.map((r) => `path "${r.path}" {\n  capabilities = [${r.capabilities.map((c) => `"${c}"`).join(", ")}]\n}`).join("\n");
  return meaningful === rebuilt ? rules : undefined;
}

async function parsePolicies(texts: string[]): Promise<Obj[]> {
  const out: Obj[] = new Array(texts.length);
  const rest: number[] = [];
  texts.forEach((t, i) => {
    const plain = plainPolicyRules(t);
    if (plain) out[i] = { path: Object.fromEntries(groupByPath(plain)) };
    else rest.push(i);
  });
  const parsed = await parseWithHcl(rest.map((i) => texts[i]));
  rest.forEach((i, j) => (out[i] = parsed[j]));
  return out;
}

/** The hcl2json shape of rules: path -> blocks. */
function groupByPath(rules: AclRule[]): [string, { capabilities: string[] }[]][] {
  const byPath = new Map<string, { capabilities: string[] }[]>();
  for (const r of rules) (byPath.get(r.path) ?? byPath.set(r.path, []).get(r.path)!).push({ capabilities: r.capabilities });
  return [...byPath];
}

async function parseWithHcl(texts: string[]): Promise<Obj[]> {
  const out: Obj[] = [];
  // The parser's cost grows faster than the document: batches of 50 were fastest (measured, 308 policies).
  for (let start = 0; start < texts.length; start += 50) {
    const batch = texts.slice(start, start + 50);
    try {
      const parsed = (await parseHcl("policies.hcl", batch.map((t, i) => `policy "${i}" {\n${t}\n}\n`).join(""))).policy ?? {};
      out.push(...batch.map((_, i) => parsed[String(i)]?.[0] ?? {}));
    } catch {
      for (const t of batch) out.push(await parseHcl("policy.hcl", t).catch((e: Error) => ({ [UNPARSED]: e.message })));
    }
  }
  return out;
}
