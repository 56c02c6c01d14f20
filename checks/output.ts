import type { CheckContext, TfResource } from "./context";
import { type AclRule, capabilitiesFor, winningPattern } from "./vault-acl";

/** A name no spec generates: probing a policy with it shows what its globs grant beyond the names that exist. */
export const PROBE = "vep-check-probe";

/** The environments of the platform (from the model: production is a spec setting, not visible in the output). */
export function environments(ctx: CheckContext): { name: string; production: boolean }[] {
  return ctx.model.kubernetes.clusters.flatMap((c) => c.environments.map((e) => ({ name: e.name, production: e.production })));
}

/** The environment whose name prefixes `name` as `<env>-...` (the longest, so dev-eu wins over dev). */
export function environmentPrefix(ctx: CheckContext, name: string, before = ""): string | undefined {
  return environments(ctx)
    .map((e) => e.name)
    .filter((e) => name.startsWith(`${before}${e}-`))
    .sort((a, b) => b.length - a.length)[0];
}

/** The environment a machine policy serves, read from its name (eso-<env>, svc-<env>-<service>), or undefined. */
export function policyEnvironment(ctx: CheckContext, policy: string): string | undefined {
  const eso = environments(ctx).find((e) => policy === `eso-${e.name}`);
  return eso ? eso.name : environmentPrefix(ctx, policy, "svc-");
}

/** Paths of the rendered secrets engines of these types (vault_mount), e.g. ["transit"]. */
export function mountPaths(ctx: CheckContext, ...types: string[]): string[] {
  return ctx.resources("vault_mount").filter((r) => types.includes(String(r.value.type))).map((r) => String(r.value.path));
}

/** A concrete request path inside a glob rule: each "+" segment and the trailing "*" become the probe name. */
export function instantiate(pattern: string): string {
  return pattern
    .split("/")
    .map((s) => (s === "+" ? PROBE : s))
    .join("/")
    .replace(/\*$/, PROBE);
}

/** What a policy lets its holder do on a request path (deny and nothing are both empty), and the rule that decides. */
export function grantOn(rules: AclRule[], path: string): { caps: string[]; rule?: string } {
  const caps = [...capabilitiesFor(rules, path)].filter((c) => c !== "deny");
  return { caps, rule: caps.length > 0 ? winningPattern(rules, path) : undefined };
}

/** The backend path a Terraform resource names (`${vault_auth_backend.x.path}` or a literal), else the fallback. */
export function backendPath(ctx: CheckContext, backend: unknown, fallback: string): string {
  if (backend === undefined) return fallback;
  const ref = ctx.referenced(backend);
  return ref ? String(ref.value.path ?? ref.value.type ?? fallback) : String(backend);
}

/** The snapshot bucket (by the model's name) and the resources of that type attached to it (by id, name or literal bucket). */
export function snapshotBucket(ctx: CheckContext): { bucket?: TfResource; attached(type: string): TfResource[] } {
  const name = ctx.model.aws.snapshotBucket.name;
  const bucket = ctx.resources("aws_s3_bucket").find((b) => b.value.bucket === name);
  const refs = bucket ? [`\${aws_s3_bucket.${bucket.name}.id}`, `\${aws_s3_bucket.${bucket.name}.bucket}`, name] : [];
  return { bucket, attached: (type) => (bucket ? ctx.resources(type, bucket.stack).filter((r) => refs.includes(r.value.bucket)) : []) };
}

/** The KMS key resource an alias of the model names (aws_kms_alias -> target_key_id -> aws_kms_key). */
export function keyOfAlias(ctx: CheckContext, alias: string): TfResource | undefined {
  const a = ctx.resources("aws_kms_alias").find((r) => r.value.name === alias);
  return a ? ctx.referenced(a.value.target_key_id) : undefined;
}

/**
 * The pipeline policies (terraform, terraform-<env>) and the Vault stack each applies; a stack the
 * rendered output lacks (an output from before the split) maps to undefined: every stack.
 */
export function pipelinePolicies(ctx: CheckContext): Map<string, string | undefined> {
  const rendered = ctx.synthesis.terraform.stacks;
  return new Map(ctx.synthesis.model.vault.stacks.map((s) => [s.pipelinePolicy, s.name in rendered ? s.name : undefined]));
}

const TOKEN_SELF = /^auth\/token\/(lookup|renew|revoke)-self$/;

/**
 * The rules of a narrow machine policy that leave its trees (path prefixes) or grant more than
 * `allowed` there; a token's own lookup, renew and revoke and pure denies never count.
 */
export function rulesBeyond(ctx: CheckContext, policy: string, trees: string[], allowed: string[], why: string): { resource: string; message: string }[] {
  const p = ctx.policies.get(policy);
  if (!p) return [];
  return p.rules.flatMap((r) => {
    if (TOKEN_SELF.test(r.path) || r.capabilities.every((c) => c === "deny")) return [];
    if (!trees.some((t) => r.path.startsWith(t))) return [{ resource: p.resource, message: `policy ${policy} grants [${r.capabilities.join(", ")}] on ${r.path}, outside ${trees.join(", ")}` }];
    const extra = r.capabilities.filter((c) => c !== "deny" && !allowed.includes(c));
    return extra.length > 0 ? [{ resource: p.resource, message: `policy ${policy} grants [${extra.join(", ")}] on ${r.path}: ${why}` }] : [];
  });
}
