import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ApiObject, App, Chart, JsonPatch, Lazy } from "cdk8s";
import { KubeConfigMap } from "cdk8s-plus-28/lib/imports/k8s";
import { describe, expect, it } from "vitest";
import { benchmarkSpec } from "../bench/specs";
import { LINEAR_FILTER, linearUndefinedFilter, QUADRATIC_FILTER } from "../scripts/import-filter";
import { chartObjects, plainObjectJson, validateConstructs } from "../lib/kubernetes-json";
import { synthKubernetes } from "../lib/synth-kubernetes";
import type { Obj } from "../lib/synthesis";
import type { PlatformSpecInput } from "../spec/schema";
import { modelOf, ROOT } from "./helpers/synth";
import { specByName } from "./helpers/synthesis";

const examples = readdirSync(join(ROOT, "examples")).filter((f) => /\.(ya?ml|json)$/.test(f));
const specs: [string, () => PlatformSpecInput][] = [
  ["reference", () => specByName("reference")],
  ...examples.map((f) => [`examples/${f}`, () => specByName(`examples/${f}`)] as [string, () => PlatformSpecInput]),
  ["benchmark spec, 20 services", () => benchmarkSpec({ services: 20 })],
];

describe("chart JSON without cdk8s's per-chart app passes and resolvers (lib/kubernetes-json.ts)", () => {
  let plain = 0;
  let all = 0;
  it.each(specs)("%s: every object is byte-identical to chart.toJson()", (_, spec) => {
    const model = modelOf(spec());
    const viaCdk8s = synthKubernetes(model, (chart) => chart.toJson() as Obj[]);
    const fast = synthKubernetes(model, (chart) => {
      const objects = chart.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c));
      all += objects.length;
      plain += objects.filter((o) => plainObjectJson(o) !== undefined).length;
      return chartObjects(chart);
    });
    expect(Object.keys(fast.manifests).sort()).toEqual(Object.keys(viaCdk8s.manifests).sort());
    // Key order too: the YAML follows it.
    for (const [key, obj] of Object.entries(viaCdk8s.manifests)) expect(JSON.stringify(fast.manifests[key]), key).toBe(JSON.stringify(obj));
  });

  it("most objects take the plain path (else this compares cdk8s with itself)", () => {
    expect(all).toBeGreaterThan(0);
    expect(plain / all).toBeGreaterThan(0.8);
  });

  it("a Lazy value, a JSON patch or an object without a generated class's manifest takes cdk8s's own path", () => {
    const app = new App();
    const chart = new Chart(app, "c", { disableResourceNameHashes: true });
    const lazy = new KubeConfigMap(chart, "lazy", { metadata: { name: "lazy" }, data: { key: Lazy.any({ produce: () => "produced" }) as unknown as string } });
    const patched = new KubeConfigMap(chart, "patched", { metadata: { name: "patched" }, data: { key: "value" } });
    patched.addJsonPatch(JsonPatch.add("/data/added", "by patch"));
    const raw = new ApiObject(chart, "raw", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "raw" }, data: { key: "value" } });
    const plainMap = new KubeConfigMap(chart, "plain", { metadata: { name: "plain" }, data: { b: "2", a: "1", gone: undefined as unknown as string } });
    for (const o of [lazy, patched, raw]) expect(plainObjectJson(o), o.node.id).toBeUndefined();
    expect(plainObjectJson(plainMap)).toEqual(plainMap.toJson());
    const byName = Object.fromEntries(chartObjects(chart).map((o) => [o.metadata.name, o]));
    expect(byName.lazy.data).toEqual({ key: "produced" });
    expect(byName.patched.data).toEqual({ key: "value", added: "by patch" });
    expect(JSON.stringify(byName.plain)).toBe(JSON.stringify(plainMap.toJson()));
    expect(Object.keys(byName.plain.data)).toEqual(["a", "b"]);
  });

  it("validates with cdk8s's message", () => {
    const app = new App();
    const chart = new Chart(app, "c");
    chart.node.addValidation({ validate: () => ["no objects"] });
    const later = new Chart(app, "later");
    new ApiObject(later, "cm", { apiVersion: "v1", kind: "ConfigMap" }).node.addValidation({ validate: () => ["empty"] });
    expect(() => validateConstructs([app])).toThrow("Validation failed with the following errors:\n  [c] no objects\n  [later/cm] empty");
    // The charts added after the first render (Argo CD's) are validated on their own.
    expect(() => validateConstructs([later])).toThrow("Validation failed with the following errors:\n  [later/cm] empty");
    expect(() => app.synthYaml()).toThrow("Validation failed with the following errors:\n  [c] no objects\n  [later/cm] empty");
  });
});

describe("generated imports drop undefined fields in one pass (scripts/import-filter.ts)", () => {
  const reducer = (code: string) => new Function("entries", `return entries${code};`) as (entries: [string, unknown][]) => Record<string, unknown>;

  it("every committed import is post-processed (npm run import:crds applies it)", () => {
    for (const file of readdirSync(join(ROOT, "imports"))) {
      const source = readFileSync(join(ROOT, "imports", file), "utf8");
      expect(source.includes(QUADRATIC_FILTER), file).toBe(false);
      expect(linearUndefinedFilter(source), file).toBe(source);
    }
    expect(readFileSync(join(ROOT, "imports/external-secrets.io.ts"), "utf8").split(LINEAR_FILTER).length).toBeGreaterThan(100);
  });

  it("the one-pass reduce builds what cdk8s's does: same keys, order, values and property kinds, __proto__ included", () => {
    const entries: [string, unknown][] = [["b", 1], ["gone", undefined], ["a", { x: 1 }], ["__proto__", "own"], ["n", null], ["z", [1]]];
    const quadratic = reducer(QUADRATIC_FILTER)(entries);
    const linear = reducer(LINEAR_FILTER)(entries);
    expect(Reflect.ownKeys(linear)).toEqual(Reflect.ownKeys(quadratic));
    expect(Reflect.ownKeys(linear)).toEqual(["b", "a", "__proto__", "n", "z"]);
    for (const key of Reflect.ownKeys(quadratic)) expect(Object.getOwnPropertyDescriptor(linear, key)).toEqual(Object.getOwnPropertyDescriptor(quadratic, key));
    expect(Object.getPrototypeOf(linear)).toBe(Object.prototype);
    expect(JSON.stringify(linear)).toBe(JSON.stringify(quadratic));
  });
});
