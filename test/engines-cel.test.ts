import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { run } from "@bufbuild/cel";
import { strings } from "@bufbuild/cel/ext";
import { parse as parseYaml, parseAllDocuments } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { celFunctionsUsed, celViolations, rulesOf } from "./helpers/cel";
import { type RenderedObject, synthDist } from "./helpers/dist";
import { crdSchema } from "./helpers/k8s-validate";
import { referenceCopy, ROOT, vclusterExample } from "./helpers/synth";

/**
 * The CEL rules (`x-kubernetes-validations`) of the CRDs in crds/, evaluated on every rendered
 * custom resource with @bufbuild/cel (test/helpers/cel.ts): an object the API server would
 * reject fails here, where the schema check alone would pass it.
 */
const vclusterSpec = vclusterExample;

// CRDs and manifests are plain JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const CRD_DIR = join(ROOT, "crds");
const crdDocuments = (): { file: string; crd: Json }[] =>
  readdirSync(CRD_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      readdirSync(join(CRD_DIR, d.name))
        .filter((f) => f.endsWith(".yaml"))
        .flatMap((f) => parseAllDocuments(readFileSync(join(CRD_DIR, d.name, f), "utf8")).map((doc) => ({ file: f, crd: doc.toJS() }))),
    )
    .filter(({ crd }) => crd?.kind === "CustomResourceDefinition");

/**
 * One expression per CEL function, operator or macro the CRD rules use, run by the evaluator; a
 * rule using anything without a sample here fails the inventory test. Kubernetes' own CEL
 * libraries (isURL, quantity, ip/cidr, lists, regex, ...) are not part of @bufbuild/cel: a CRD
 * that starts using one needs it added to test/helpers/cel.ts as a tested extension.
 */
/** The CEL rules the platform writers' XRD and Composition reach (written out: a new one must show up here). */
const REACHED_BY_WRITERS = [
  "CompositeResourceDefinition spec.group: self == oldSelf",
  "CompositeResourceDefinition spec.names: !has(self.singular) || self.singular == self.singular.lowerAscii()",
  "CompositeResourceDefinition spec.names: self == oldSelf",
  "CompositeResourceDefinition spec.names: self.plural == self.plural.lowerAscii()",
  "CompositeResourceDefinition spec.scope: self == oldSelf",
  "CompositeResourceDefinition spec: !has(self.claimNames)",
  "CompositeResourceDefinition spec: !has(self.connectionSecretKeys)",
  "Composition spec.compositeTypeRef: self == oldSelf",
  "Composition spec: self.mode == 'Pipeline' && has(self.pipeline)",
];

const SAMPLES: Record<string, string> = {
  "!_": "!false",
  "@in": "'a' in {'a': 1}",
  "_&&_": "true && true",
  "_||_": "false || true",
  "_+_": "[1] + [2] == [1, 2]",
  "_<=_": "1 <= 2",
  "_==_": "'a' == 'a'",
  "_!=_": "1 != 2",
  "_?_:_": "true ? true : false",
  size: "size('ab') == 2 && [1].size() == 1",
  "has (macro)": "has({'a': 1}.a) && !has({'a': 1}.b)",
  "filter (macro)": "[1, 2, 3].filter(x, x > 1).size() == 2",
  // Kubernetes' strings library (Crossplane's XRD names must be lowercase): cel-go's ext.Strings, as @bufbuild/cel/ext's strings.
  lowerAscii: "'PostgreSQLDatabases'.lowerAscii() == 'postgresqldatabases'",
};

describe("CEL rules in the CRD copies", () => {
  const crds = crdDocuments();

  it("inventory: rules per served version (ESO stores carry 15 rules in 14 x-kubernetes-validations blocks; the other CRDs none)", () => {
    const counts = Object.fromEntries(
      crds.flatMap(({ crd }) => crd.spec.versions.filter((v: Json) => v.served).map((v: Json) => [`${crd.spec.names.kind}/${v.name}`, rulesOf(v.schema.openAPIV3Schema).length])),
    );
    expect(counts).toMatchObject({
      "ClusterSecretStore/v1": 15,
      "SecretStore/v1": 15,
      "ExternalSecret/v1": 0,
      "VaultDynamicSecret/v1alpha1": 0,
      "Certificate/v1": 0,
      "PrometheusRule/v1": 0,
      "ServiceMonitor/v1": 0,
    });
  });

  it("every function, operator and macro the rules use runs in the evaluator (sample expressions)", () => {
    const used = new Set(crds.flatMap(({ crd }) => crd.spec.versions.flatMap((v: Json) => rulesOf(v.schema?.openAPIV3Schema).flatMap((r) => celFunctionsUsed(r.rule.rule)))));
    expect([...used].filter((f) => !(f in SAMPLES)).map((f) => `${f}: no evaluator support known; add an extension and a sample`)).toEqual([]);
    for (const [name, expr] of Object.entries(SAMPLES)) expect(run(expr, {}, { funcs: strings }), `${name}: ${expr}`).toBe(true);
  });
});

/** Every CEL violation of the rendered custom resources, and the rules their fields reached (`<kind> <rule>`). */
function celOutcome(objects: RenderedObject[]): { problems: string[]; reached: string[] } {
  const reached: string[] = [];
  const problems = objects.flatMap(({ file, obj }) => {
    const schema = crdSchema(obj.apiVersion, obj.kind);
    if (!schema) return [];
    const stats = { evaluated: [] as string[] };
    const found = celViolations(schema, obj, "", stats).map((v) => `${file} ${v.at}: ${v.message} (${v.rule})`);
    reached.push(...stats.evaluated.map((e) => `${obj.kind} ${e}`));
    return found;
  });
  return { problems, reached };
}

describe.each([
  ["reference spec", referenceCopy],
  ["vcluster example", vclusterSpec],
])("CEL rules on the rendered custom resources (%s)", (_name, spec) => {
  let objects: RenderedObject[];
  beforeAll(() => ({ objects } = synthDist(spec())));

  it("no rendered custom resource breaks a CEL rule of its CRD", () => {
    const { problems, reached } = celOutcome(objects);
    expect(problems).toEqual([]);
    // Today's objects set no field that carries a rule: the ESO rules guard providers the platform
    // does not render (crd, doppler, openBao, pulumi, ...) and aws.customSessionTags. A rendered
    // field that reaches a rule shows up here, evaluated.
    expect([...new Set(reached)]).toEqual([]);
  });
});

describe("CEL rules on the rendered custom resources (platform writers example)", () => {
  it("the XRD and the Composition pass every CEL rule their fields reach, and the rules do run", () => {
    const { objects } = synthDist(parseYaml(readFileSync(join(ROOT, "examples/platform-writers.yaml"), "utf8")));
    const { problems, reached } = celOutcome(objects);
    expect(problems).toEqual([]);
    expect([...new Set(reached)].sort()).toEqual(REACHED_BY_WRITERS);
  });

  it("a Composition without a pipeline and an XRD with an uppercase plural are refused", () => {
    const { objects } = synthDist(parseYaml(readFileSync(join(ROOT, "examples/platform-writers.yaml"), "utf8")));
    const composition = structuredClone(objects.find((o) => o.obj.kind === "Composition")!.obj);
    delete composition.spec.pipeline;
    expect(celViolations(crdSchema(composition.apiVersion, composition.kind), composition).map((v) => v.message)).toEqual(["an array of pipeline steps is required in Pipeline mode"]);
    const xrd = structuredClone(objects.find((o) => o.obj.kind === "CompositeResourceDefinition")!.obj);
    xrd.spec.names.plural = "PostgreSQLDatabases";
    expect(celViolations(crdSchema(xrd.apiVersion, xrd.kind), xrd).map((v) => v.message)).toContain("Plural name must be lowercase");
  });
});

describe("CEL rules reject what the API server rejects", () => {
  let reference: RenderedObject[];
  let vcluster: RenderedObject[];
  beforeAll(() => {
    reference = synthDist(referenceCopy()).objects;
    vcluster = synthDist(vclusterSpec()).objects;
  });
  const violations = (obj: Json) => celViolations(crdSchema(obj.apiVersion, obj.kind), obj).map((v) => `${v.at}: ${v.message}`);

  const awsStore = () => structuredClone(reference.find((o) => o.obj.kind === "ClusterSecretStore" && o.obj.spec.provider.aws)!.obj);

  it("a ClusterSecretStore (external-secrets.io) whose session tags use a key ESO reserves", () => {
    const store = awsStore();
    expect(violations(store)).toEqual([]);
    store.spec.provider.aws.customSessionTags = { team: "payments", esoNamespace: "dev" };
    expect(violations(store)).toEqual(["spec.provider.aws.customSessionTags: customSessionTags cannot contain automatically injected reserved keys: esoNamespace, esoStoreName, esoStoreKind"]);
  });

  it("a SecretStore (external-secrets.io) with both caBundle and caProvider for OpenBao", () => {
    const store = structuredClone(vcluster.find((o) => o.obj.kind === "SecretStore")!.obj);
    expect(violations(store)).toEqual([]);
    const { vault } = store.spec.provider;
    store.spec.provider = { openBao: { server: vault.server, path: vault.path, caProvider: vault.caProvider, caBundle: "LS0tLS1CRUdJTi0tLS0t", auth: { tokenSecretRef: { name: "bao-token", key: "token" } } } };
    expect(violations(store)).toEqual(["spec.provider.openBao: at most one of the fields in [caBundle caProvider] may be set"]);
  });

  it("transition rules run with oldSelf = self (a GitOps re-sync), and an evaluation error is a violation", () => {
    const schema = {
      type: "object",
      properties: {
        spec: {
          type: "object",
          properties: { replicas: { type: "integer" }, url: { type: "string" } },
          "x-kubernetes-validations": [
            { rule: "self.replicas >= oldSelf.replicas", message: "replicas may not shrink" },
            { rule: "self.replicas != oldSelf.replicas", message: "must change" },
            { rule: "!has(self.url) || isURL(self.url)", message: "url" },
          ],
        },
      },
    };
    expect(celViolations(schema, { spec: { replicas: 3 } }).map((v) => v.message)).toEqual(["must change"]);
    expect(celViolations(schema, { spec: { replicas: 3, url: "https://x" } }).map((v) => v.message)).toEqual(["must change", "rule errored: unbound function: isURL"]);
  });
});
