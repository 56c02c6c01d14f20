import { parse as parseHcl } from "@cdktf/hcl2json";
import type { Obj, Synthesis } from "../lib/synthesis";
import { type SynthesizedPlatform } from "./network/inventory";
import { type AclRule, rulesFromParsedHcl } from "./vault-acl";

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
 * values, Vault policies) parsed by HashiCorp's HCL parser once.
 */
export class CheckContext {
  private readonly byKind = new Map<string, Manifest[]>();
  private platformCache?: SynthesizedPlatform;

  private constructor(
    readonly synthesis: Synthesis,
    /** Parsed `.hcl` ConfigMap values, keyed `<cluster>/<namespace>/<configmap>/<key>`. */
    readonly hcl: Record<string, Obj>,
    /** Vault policies by name: their resource and ACL rules. */
    readonly policies: Map<string, { resource: string; rules: AclRule[] }>,
  ) {
    for (const [key, obj] of Object.entries(synthesis.kubernetes.manifests)) {
      if (!obj || typeof obj !== "object") continue;
      const m = { key, cluster: key.slice(0, key.indexOf("/")), obj };
      this.byKind.set(obj.kind, [...(this.byKind.get(obj.kind) ?? []), m]);
    }
  }

  static async of(synthesis: Synthesis): Promise<CheckContext> {
    const hcl: Record<string, Obj> = {};
    for (const [key, obj] of Object.entries(synthesis.kubernetes.manifests)) {
      if (obj?.kind !== "ConfigMap") continue;
      const cluster = key.slice(0, key.indexOf("/"));
      for (const [k, value] of Object.entries<string>(obj.data ?? {})) {
        if (k.endsWith(".hcl")) hcl[`${cluster}/${obj.metadata?.namespace}/${obj.metadata?.name}/${k}`] = await parseHcl(k, String(value));
      }
    }
    const policies = new Map<string, { resource: string; rules: AclRule[] }>();
    for (const [stack, json] of Object.entries(synthesis.terraform.stacks)) {
      for (const [name, p] of Object.entries<Obj>(json?.resource?.vault_policy ?? {})) {
        policies.set(String(p.name), { resource: `${stack}/vault_policy.${name}`, rules: rulesFromParsedHcl(await parseHcl(`${p.name}.hcl`, String(p.policy ?? ""))) });
      }
    }
    return new CheckContext(synthesis, hcl, policies);
  }

  get model() {
    return this.synthesis.model;
  }

  manifests(...kinds: string[]): Manifest[] {
    return kinds.flatMap((k) => this.byKind.get(k) ?? []);
  }

  resources(type: string, stack?: string): TfResource[] {
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
