// The CEL validation rules of CustomResourceDefinitions (`x-kubernetes-validations`), evaluated the
// way the API server does on create, with @bufbuild/cel (a CEL implementation conformance-tested
// against cel-spec): each rule runs at the schema node that declares it, with `self` bound to the
// object's value there (typed by the schema: integer -> int, number -> double, objects and maps
// -> map, so has() tests presence), once per list item or map value where the node is inside one.
// Transition rules (those naming `oldSelf`) run only on update; here they run with oldSelf = self,
// the no-op update a GitOps re-sync performs.
import { type CelInput, isCelError, parse, run } from "@bufbuild/cel";
import { strings } from "@bufbuild/cel/ext";

// CRD schemas and manifests are plain JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export interface CelRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  fieldPath?: string;
  reason?: string;
  optionalOldSelf?: boolean;
}

export interface RuleAt {
  /** Schema path, e.g. spec.provider.vault (list items as []). */
  path: string;
  rule: CelRule;
}

/** Every x-kubernetes-validations rule in a schema, with the path of the node that declares it. */
export function rulesOf(schema: Json, path = ""): RuleAt[] {
  if (!schema || typeof schema !== "object") return [];
  const here: RuleAt[] = (schema["x-kubernetes-validations"] ?? []).map((rule: CelRule) => ({ path: path || "(root)", rule }));
  const props = Object.entries<Json>(schema.properties ?? {}).flatMap(([k, s]) => rulesOf(s, path ? `${path}.${k}` : k));
  const items = schema.items ? rulesOf(schema.items, `${path}[]`) : [];
  const additional = typeof schema.additionalProperties === "object" ? rulesOf(schema.additionalProperties, `${path}{}`) : [];
  return [...here, ...props, ...items, ...additional];
}

/** JSON value -> CEL input, typed by its schema node. */
export function toCel(value: Json, schema: Json): CelInput {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map((v) => toCel(v, schema?.items));
  if (typeof value === "object") {
    const props = schema?.properties ?? {};
    return new Map(Object.entries(value).map(([k, v]) => [k, toCel(v, props[k] ?? (typeof schema?.additionalProperties === "object" ? schema.additionalProperties : undefined))]));
  }
  if (typeof value === "number") {
    const isInt = schema?.type === "integer" || (schema?.["x-kubernetes-int-or-string"] && Number.isInteger(value));
    return isInt ? BigInt(value) : value;
  }
  return value as CelInput;
}

export const usesOldSelf = (rule: string) => /\boldSelf\b/.test(rule);

export interface CelViolation {
  /** Field path in the object, e.g. spec.provider.vault */
  at: string;
  rule: string;
  message: string;
}

function evaluate(rule: CelRule, self: CelInput): true | string {
  const bindings: Record<string, CelInput> = { self };
  if (usesOldSelf(rule.rule)) bindings.oldSelf = self;
  const result = run(rule.rule, bindings, { funcs: strings });
  if (isCelError(result)) return `rule errored: ${result.message}`;
  if (result === true) return true;
  if (result === false) return rule.message ?? `failed rule: ${rule.rule}`;
  return `rule returned ${String(result)} instead of a bool`;
}

/** Evaluates every rule of the schema on the object; returns the violations (stats.evaluated lists where rules ran). */
export function celViolations(schema: Json, value: Json, at = "", stats: { evaluated: string[] } = { evaluated: [] }): CelViolation[] {
  if (value === undefined || value === null || !schema) return [];
  const out: CelViolation[] = [];
  for (const rule of (schema["x-kubernetes-validations"] ?? []) as CelRule[]) {
    stats.evaluated.push(`${at || "(root)"}: ${rule.rule}`);
    const verdict = evaluate(rule, toCel(value, schema));
    if (verdict !== true) out.push({ at: at || "(root)", rule: rule.rule, message: verdict });
  }
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...celViolations(schema.items, v, `${at}[${i}]`, stats)));
  else if (typeof value === "object") {
    for (const [k, v] of Object.entries<Json>(value)) {
      const child = schema.properties?.[k] ?? (typeof schema.additionalProperties === "object" ? schema.additionalProperties : undefined);
      out.push(...celViolations(child, v, at ? `${at}.${k}` : k, stats));
    }
  }
  return out;
}

/**
 * The functions, operators and macros a rule calls, from its parsed (macro-expanded) form plus the
 * macros it was written with; to compare with what the evaluator provides.
 */
export function celFunctionsUsed(rule: string): string[] {
  const parsed = parse(rule) as Json;
  const names = new Set<string>();
  const walk = (node: Json): void => {
    if (!node || typeof node !== "object") return;
    if (node.$typeName === "cel.expr.Expr.Call" && node.function) names.add(node.function);
    for (const v of Object.values(node)) {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === "object") walk(v);
    }
  };
  walk(parsed.expr);
  for (const call of Object.values<Json>(parsed.sourceInfo?.macroCalls ?? {})) {
    if (call.exprKind?.case === "callExpr") names.add(`${call.exprKind.value.function} (macro)`);
  }
  return [...names].sort();
}
