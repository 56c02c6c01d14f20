import { ApiObject, Chart } from "cdk8s";
import type { IConstruct } from "constructs";
import type { Obj } from "./synthesis";

/**
 * Chart JSON as cdk8s renders it (cdk8s 2.70.106, pinned), at a fraction of the cost:
 *
 * - Chart.toJson prepares and validates the whole app for every chart it renders (App._synthChart),
 *   so rendering N charts walked the app N times; here each construct is validated once, with
 *   cdk8s's message. Its dependency pass only orders a chart's objects, and every object gets its own file.
 * - ApiObject.toJson resolves every value through the app's resolvers, looking the app up from the
 *   object anew for each value. The objects the model renders in bulk (ExternalSecrets, service
 *   accounts, generators) are plain data: for those the resolve is a deep copy, so they are
 *   sanitized directly and mapped by their generated class's own `manifest` (the same
 *   toJson_<Kind>Props its toJson applies). Anything else, a Lazy, an IntOrString, a JSON patch,
 *   an L2 construct's object, takes cdk8s's own path.
 *
 * test/kubernetes-json.test.ts holds every object of the reference, the examples and a benchmark
 * spec to byte-identical JSON against chart.toJson().
 */
export function validateConstructs(scopes: IConstruct[]): void {
  const errors = scopes.flatMap((s) => s.node.findAll()).flatMap((c) => c.node.validate().map((e) => `[${c.node.path}] ${e}`));
  if (errors.length > 0) throw new Error(`Validation failed with the following errors:\n  ${errors.join("\n  ")}`);
}

/** The objects of one chart (not of charts nested in it), rendered; validate its constructs first. */
export function chartObjects(chart: Chart): Obj[] {
  return chart.node
    .findAll()
    .filter((c): c is ApiObject => ApiObject.isApiObject(c) && Chart.of(c) === chart)
    .map((o) => plainObjectJson(o) ?? (o.toJson() as Obj));
}

interface GeneratedClass {
  GVK: { apiVersion: string; kind: string };
  manifest(props: unknown): Obj;
}

/** The object's JSON without cdk8s's resolvers, or undefined when it holds anything but plain data. */
export function plainObjectJson(o: ApiObject): Obj | undefined {
  const generated = o.constructor as Partial<GeneratedClass>;
  const internals = o as unknown as { props: Record<string, unknown>; patches: unknown[] };
  if (typeof generated.manifest !== "function" || !generated.GVK || internals.patches.length > 0) return undefined;
  const data = sanitized({ ...internals.props, metadata: o.metadata.toJson() });
  return data === NOT_PLAIN ? undefined : generated.manifest(data);
}

const NOT_PLAIN = Symbol("not plain data");

/** cdk8s's sanitizeValue with sorted keys (lib/_util.js), refusing anything a resolver could change. */
function sanitized(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value === "function" || typeof value === "symbol") return NOT_PLAIN;
  if (typeof value !== "object") return value;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      const v = sanitized(value[i]);
      if (v === NOT_PLAIN) return NOT_PLAIN;
      out[i] = v;
    }
    return out;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return NOT_PLAIN;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = sanitized((value as Record<string, unknown>)[key]);
    if (v === NOT_PLAIN) return NOT_PLAIN;
    if (v !== undefined) out[key] = v;
  }
  return out;
}
