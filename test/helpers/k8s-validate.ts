// Schema validation of synthesized Kubernetes manifests, strict like `kubectl apply --validate=strict`.
//
// Built-in kinds: the compiled validators of kubernetes-models (Kubernetes 1.33 OpenAPI).
// Custom resources: the openAPIV3Schema of the served version in the CRD copies under crds/.
// Unknown fields, wrong types and unserved or unknown apiVersion/kind pairs are all problems.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import Ajv, { type ErrorObject } from "ajv";
import { parseAllDocuments } from "yaml";

type CompiledValidator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };
type Manifest = Record<string, unknown>;
type Schema = Record<string, unknown>;

const CRD_DIR = resolve(__dirname, "../../crds");

/** Custom resources the platform emits, by `<group>/<Kind>`, and the CRD file declaring each. */
const CRD_FILES: Record<string, string> = {
  "external-secrets.io/ClusterSecretStore": "external-secrets/external-secrets.io_clustersecretstores.yaml",
  "external-secrets.io/SecretStore": "external-secrets/external-secrets.io_secretstores.yaml",
  "external-secrets.io/ExternalSecret": "external-secrets/external-secrets.io_externalsecrets.yaml",
  "generators.external-secrets.io/VaultDynamicSecret": "external-secrets/generators.external-secrets.io_vaultdynamicsecrets.yaml",
  "monitoring.coreos.com/ServiceMonitor": "prometheus-operator/monitoring.coreos.com_servicemonitors.yaml",
  "monitoring.coreos.com/PrometheusRule": "prometheus-operator/monitoring.coreos.com_prometheusrules.yaml",
  "cert-manager.io/Certificate": "cert-manager/cert-manager.io_certificates.yaml",
  "argoproj.io/Application": "argo-cd/application-crd.yaml",
  "argoproj.io/AppProject": "argo-cd/appproject-crd.yaml",
  "apiextensions.crossplane.io/CompositeResourceDefinition": "crossplane/apiextensions.crossplane.io_compositeresourcedefinitions.yaml",
  "apiextensions.crossplane.io/Composition": "crossplane/apiextensions.crossplane.io_compositions.yaml",
  "secrets.hashicorp.com/VaultConnection": "vault-secrets-operator/secrets.hashicorp.com_vaultconnections.yaml",
  "secrets.hashicorp.com/VaultAuth": "vault-secrets-operator/secrets.hashicorp.com_vaultauths.yaml",
  "secrets.hashicorp.com/VaultStaticSecret": "vault-secrets-operator/secrets.hashicorp.com_vaultstaticsecrets.yaml",
  "secrets.hashicorp.com/VaultDynamicSecret": "vault-secrets-operator/secrets.hashicorp.com_vaultdynamicsecrets.yaml",
  "secrets.hashicorp.com/VaultPKISecret": "vault-secrets-operator/secrets.hashicorp.com_vaultpkisecrets.yaml",
  "secrets-store.csi.x-k8s.io/SecretProviderClass": "secrets-store-csi-driver/secrets-store.csi.x-k8s.io_secretproviderclasses.yaml",
};

// kubernetes-models also carries versions removed before 1.28 (policy/v1beta1, batch/v1beta1, ...)
// that a current API server refuses, so only these group versions count as built in.
const BUILT_IN_GROUP_VERSIONS = new Set([
  "v1",
  "apps/v1",
  "batch/v1",
  "policy/v1",
  "autoscaling/v2",
  "coordination.k8s.io/v1",
  "discovery.k8s.io/v1",
  "networking.k8s.io/v1",
  "node.k8s.io/v1",
  "rbac.authorization.k8s.io/v1",
  "scheduling.k8s.io/v1",
  "storage.k8s.io/v1",
  "admissionregistration.k8s.io/v1",
  "certificates.k8s.io/v1",
]);

/** Kinds whose names are DNS labels; RBAC names are path segments; everything else DNS subdomains. */
const DNS_LABEL_KINDS = new Set(["Namespace", "Service"]);
const RBAC_KINDS = new Set(["Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding"]);
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

// The package exports no _schemas/ path, so its files are required relative to its package.json.
const modelsRequire = createRequire(require.resolve("kubernetes-models/package.json"));
const builtInCache = new Map<string, CompiledValidator | null>();

function builtInValidator(definition: string): CompiledValidator | null {
  if (!builtInCache.has(definition)) {
    let validate: CompiledValidator | null = null;
    try {
      validate = (modelsRequire(`./_schemas/${definition}.js`) as { validate: CompiledValidator }).validate;
    } catch (e) {
      const missing = (e as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND" && String(e).includes(`${definition}.js`);
      if (!missing) throw e;
    }
    builtInCache.set(definition, validate);
  }
  return builtInCache.get(definition) ?? null;
}

const objectMetaValidator: CompiledValidator = modelsRequire(
  "@kubernetes-models/apimachinery/_schemas/IoK8sApimachineryPkgApisMetaV1ObjectMeta",
).validate;

/** `IoK8sApiAppsV1StatefulSet` for apps/v1 StatefulSet, the naming of kubernetes-models' schemas. */
function definitionName(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["core", apiVersion];
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  return `IoK8sApi${cap(group!.split(".")[0]!)}${cap(version!)}${kind}`;
}

/** `/spec/containers/0/image` -> `spec.containers[0].image` */
function fieldPath(pointer: string): string {
  return pointer
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce((path, s) => (/^\d+$/.test(s) ? `${path}[${s}]` : path ? `${path}.${s}` : s), "");
}

function describe(e: ErrorObject, prefix = ""): string {
  const at = fieldPath(prefix + e.instancePath) || "(root)";
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "required":
      return `${at}: missing required field "${String(p.missingProperty)}"`;
    case "additionalProperties":
      return `${at}: unknown field "${String(p.additionalProperty)}"`;
    case "type":
      return `${at}: must be of type ${String(p.type)}`;
    case "enum":
      return `${at}: must be one of ${JSON.stringify(p.allowedValues)}`;
    case "oneOf":
    case "anyOf":
      return `${at}: matches none of the allowed types`;
    default:
      return `${at}: ${e.message ?? `fails ${e.keyword} ${JSON.stringify(p)}`}`;
  }
}

interface Reads {
  pointer: string;
  target: object;
  read: Set<string>;
  enumerated: boolean;
}

/**
 * Runs a kubernetes-models validator and also reports unknown fields. The package ships compiled
 * validators, not JSON schemas, and they accept undeclared fields (the API server's non-strict
 * mode). But they read every declared property of each object they check (`data.x`) and
 * enumerate maps (`for (k in data)`), so the validator runs on a proxy that records both: an own
 * key never read, in an object that was read but not enumerated, is a field the schema lacks.
 * Objects read not at all have no declared properties (free-form) and accept anything.
 */
function runStrict(validate: CompiledValidator, data: unknown, pointer: string, uncheckedRootFields: readonly string[] = []): string[] {
  const seen = new Map<object, { proxy: object; reads?: Reads }>();
  const wrap = (value: unknown, at: string): unknown => {
    if (value === null || typeof value !== "object") return value;
    const known = seen.get(value);
    if (known) return known.proxy;
    const isArray = Array.isArray(value);
    const reads: Reads = { pointer: at, target: value, read: new Set(), enumerated: false };
    const proxy = new Proxy(value, {
      get(target, key, receiver) {
        const v: unknown = Reflect.get(target, key, receiver);
        if (typeof key !== "string" || (isArray && !/^\d+$/.test(key))) return v;
        reads.read.add(key);
        return wrap(v, `${at}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`);
      },
      ownKeys(target) {
        reads.enumerated = true;
        return Reflect.ownKeys(target);
      },
    });
    seen.set(value, isArray ? { proxy } : { proxy, reads });
    return proxy;
  };
  validate(wrap(data, pointer));
  const problems = (validate.errors ?? []).map((e) => describe(e, pointer));
  for (const { reads } of seen.values()) {
    if (!reads || reads.enumerated || reads.read.size === 0) continue;
    for (const key of Object.keys(reads.target)) {
      if (reads.pointer === pointer && uncheckedRootFields.includes(key)) continue;
      if (!reads.read.has(key)) problems.push(`${fieldPath(reads.pointer) || "(root)"}: unknown field "${key}"`);
    }
  }
  return problems;
}

// ---- custom resources ----

const crdValidators = new Map<string, { served: string[]; byVersion: Map<string, CompiledValidator> }>();
// CRD patterns are Go (RE2) expressions; the only Go-only syntax in ours is a leading (?i).
const goRegExp = Object.assign(
  (pattern: string, flags: string) => {
    const caseless = /^(\^?)\(\?i\)/.exec(pattern);
    return caseless ? new RegExp(caseless[1] + pattern.slice(caseless[0].length), `${flags}i`) : new RegExp(pattern, flags);
  },
  { code: "goRegExp" },
);
// Unoptimized code compiles the ESO store schemas (every provider, 220 KB) in half the time.
const ajv = new Ajv({ allErrors: true, strictTypes: false, code: { optimize: false, regExp: goRegExp } });
ajv.addFormat("int32", { type: "number", validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isInteger(n) });
ajv.addFormat("byte", /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/);
ajv.addFormat("date-time", (s: string) => !Number.isNaN(Date.parse(s)) && /^\d{4}-\d\d-\d\dT/.test(s));

/**
 * Turns a structural CRD schema into the JSON schema the API server applies with strict field
 * validation: objects reject fields they do not declare unless they say
 * x-kubernetes-preserve-unknown-fields or declare additionalProperties (a map). Structural
 * schemas keep types and properties out of anyOf/allOf/not, so only properties, items and
 * additionalProperties are walked. CEL rules (x-kubernetes-validations) are not evaluated.
 */
function strictSchema(node: unknown): unknown {
  if (node === null || typeof node !== "object") return node;
  const n = node as Schema;
  const s: Schema = {};
  for (const [k, v] of Object.entries(n)) {
    if (k === "description" || k === "example" || k === "nullable" || k.startsWith("x-kubernetes-")) continue;
    if (k === "properties") s[k] = Object.fromEntries(Object.entries(v as Schema).map(([p, sub]) => [p, strictSchema(sub)]));
    else s[k] = k === "items" || k === "additionalProperties" ? strictSchema(v) : v;
  }
  if ((s.type === "object" || s.properties) && s.additionalProperties === undefined && n["x-kubernetes-preserve-unknown-fields"] !== true) {
    s.additionalProperties = false;
  }
  if (n["x-kubernetes-int-or-string"] === true && s.type === undefined && s.anyOf === undefined) {
    s.anyOf = [{ type: "integer" }, { type: "string" }];
  }
  if (n.nullable === true && typeof s.type === "string") s.type = [s.type, "null"];
  return s;
}

interface Crd {
  spec: { group: string; names: { kind: string }; versions: { name: string; served: boolean; schema: { openAPIV3Schema: Schema } }[] };
}

const crdCache = new Map<string, Crd>();

function crdDocument(groupKind: string): Crd {
  if (!crdCache.has(groupKind)) {
    const text = readFileSync(join(CRD_DIR, CRD_FILES[groupKind]!), "utf8");
    const crd = parseAllDocuments(text, { uniqueKeys: false })
      .map((d) => d.toJS() as Crd)
      .find((c) => `${c.spec.group}/${c.spec.names.kind}` === groupKind);
    if (!crd) throw new Error(`crds/${CRD_FILES[groupKind]} does not declare ${groupKind}`);
    crdCache.set(groupKind, crd);
  }
  return crdCache.get(groupKind)!;
}

/** The served openAPIV3Schema (as written in the CRD) of a custom resource, or undefined for other kinds. */
export function crdSchema(apiVersion: string, kind: string): Schema | undefined {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const groupKind = `${group}/${kind}`;
  if (!CRD_FILES[groupKind]) return undefined;
  return crdDocument(groupKind).spec.versions.find((v) => v.served && v.name === version)?.schema.openAPIV3Schema;
}

function crdFor(groupKind: string) {
  if (!crdValidators.has(groupKind)) {
    const crd = crdDocument(groupKind);
    const byVersion = new Map<string, CompiledValidator>();
    const served = crd.spec.versions.filter((v) => v.served);
    for (const v of served) {
      // metadata is checked against ObjectMeta, which the CRD schema leaves as a bare object
      const root = { ...v.schema.openAPIV3Schema, properties: { ...v.schema.openAPIV3Schema.properties as Schema, metadata: {} } };
      byVersion.set(v.name, ajv.compile(strictSchema(root) as Schema) as CompiledValidator);
    }
    crdValidators.set(groupKind, { served: served.map((v) => v.name), byVersion });
  }
  return crdValidators.get(groupKind)!;
}

// ---- metadata ----

function isObject(v: unknown): v is Manifest {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function nameProblems(kind: string, meta: Manifest): string[] {
  const problems: string[] = [];
  const name = meta.name;
  if (typeof name !== "string" || name === "") return ['metadata.name: missing required field "name"'];
  if (RBAC_KINDS.has(kind)) {
    if (name === "." || name === ".." || /[/%]/.test(name)) problems.push(`metadata.name: "${name}" is not a valid path segment name`);
  } else if (DNS_LABEL_KINDS.has(kind)) {
    if (name.length > 63 || !DNS_LABEL.test(name)) problems.push(`metadata.name: "${name}" is not a DNS-1123 label`);
  } else if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    problems.push(`metadata.name: "${name}" is not a DNS-1123 subdomain`);
  }
  if (kind === "CronJob" && name.length > 52) problems.push(`metadata.name: "${name}" is longer than 52 characters`);
  const ns = meta.namespace;
  if (typeof ns === "string" && (ns.length > 63 || !DNS_LABEL.test(ns))) {
    problems.push(`metadata.namespace: "${ns}" is not a DNS-1123 label`);
  }
  return problems;
}

function qualifiedNameProblem(key: string): string | null {
  const slash = key.lastIndexOf("/");
  const [prefix, name] = slash < 0 ? [null, key] : [key.slice(0, slash), key.slice(slash + 1)];
  if (prefix !== null && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return "prefix is not a DNS-1123 subdomain";
  if (name.length > 63 || !QUALIFIED_NAME.test(name)) return "name part is not a qualified name";
  return null;
}

function labelProblems(meta: Manifest): string[] {
  const problems: string[] = [];
  for (const field of ["labels", "annotations"] as const) {
    const map = meta[field];
    if (map === null || typeof map !== "object") continue;
    for (const [key, value] of Object.entries(map)) {
      const bad = qualifiedNameProblem(key);
      if (bad) problems.push(`metadata.${field}: key "${key}": ${bad}`);
      if (field === "labels" && typeof value === "string" && value !== "" && (value.length > 63 || !QUALIFIED_NAME.test(value))) {
        problems.push(`metadata.labels.${key}: "${value}" is not a valid label value`);
      }
    }
  }
  return problems;
}

/**
 * Declared fields that a compiled kubernetes-models validator never reads, so read-tracking would
 * call them unknown. Each entry is checked against the package's own type declarations
 * (e.g. scheduling.k8s.io/v1/PriorityClass.d.ts declares `description?: string`).
 */
const DECLARED_BUT_NEVER_READ: Record<string, readonly string[]> = {
  "scheduling.k8s.io/v1 PriorityClass": ["description"],
};

// ---- public API ----

/** Problems of one manifest, sorted (empty when the API server would accept it with strict validation). */
export function validateManifest(obj: unknown): string[] {
  if (!isObject(obj)) return ["(root): a manifest must be an object"];
  const { apiVersion, kind, metadata } = obj;
  if (typeof apiVersion !== "string" || typeof kind !== "string") return ["(root): apiVersion and kind must be strings"];
  const metaProblems = isObject(metadata)
    ? [...nameProblems(kind, metadata), ...labelProblems(metadata)]
    : ['(root): missing required field "metadata"'];

  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const groupKind = `${group}/${kind}`;
  if (CRD_FILES[groupKind]) {
    const crd = crdFor(groupKind);
    const validate = crd.byVersion.get(version!);
    if (!validate) {
      return [`apiVersion: ${apiVersion} ${kind} is not served (served: ${crd.served.map((v) => `${group}/${v}`).join(", ")})`];
    }
    validate(obj);
    const objectMeta = isObject(metadata) ? runStrict(objectMetaValidator, metadata, "/metadata") : [];
    return [...(validate.errors ?? []).map((e) => describe(e)), ...objectMeta, ...metaProblems].sort();
  }
  const validate = BUILT_IN_GROUP_VERSIONS.has(apiVersion) ? builtInValidator(definitionName(apiVersion, kind)) : null;
  if (!validate) return [`(root): unknown apiVersion/kind ${apiVersion} ${kind}`];
  return [...runStrict(validate, obj, "", DECLARED_BUT_NEVER_READ[`${apiVersion} ${kind}`]), ...metaProblems].sort();
}

/** Problems of many manifests, each prefixed with `<apiVersion> <kind> <namespace>/<name>: `. */
export function validateManifests(objs: readonly unknown[]): string[] {
  return objs.flatMap((obj) => {
    const m = (obj ?? {}) as Manifest;
    const meta = (m.metadata ?? {}) as Manifest;
    const id = `${String(m.apiVersion)} ${String(m.kind)} ${meta.namespace ? `${String(meta.namespace)}/` : ""}${String(meta.name)}`;
    return validateManifest(obj).map((p) => `${id}: ${p}`);
  });
}
