import type { Obj, Synthesis } from "../lib/synthesis";
import type { CheckContext, Manifest } from "./context";
import { podTemplates } from "./context";

/** Every container of a pod spec (init containers first), with where it sits for messages. */
export function containers(podSpec: Obj): { c: Obj; where: string }[] {
  return [
    ...(podSpec?.initContainers ?? []).map((c: Obj) => ({ c, where: `init container ${c.name}` })),
    ...(podSpec?.containers ?? []).map((c: Obj) => ({ c, where: `container ${c.name}` })),
  ];
}

/** Each container of each rendered workload. */
export function everyContainer(ctx: CheckContext): { m: Manifest; podSpec: Obj; c: Obj; where: string }[] {
  return podTemplates(ctx).flatMap(({ m, template }) => containers(template.spec).map(({ c, where }) => ({ m, podSpec: template.spec, c, where })));
}

/** Go's time.ParseDuration, in seconds ("1h0m0s", "30m", "1.5h"; "0" is zero). */
export function goDurationSeconds(text: string): number {
  if (text === "0") return 0;
  const units: Record<string, number> = { ns: 1e-9, us: 1e-6, "µs": 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|\u00b5s|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (const m of text.matchAll(re)) {
    total += Number(m[1]) * units[m[2]];
    consumed += m[0].length;
  }
  if (consumed !== text.length || text.length === 0) throw new Error(`not a Go duration: "${text}"`);
  return total;
}

/** IAM policy documents of the AWS stack: [resource, where, document]. */
export function iamDocuments(ctx: CheckContext): { resource: string; kind: "identity" | "trust" | "key" | "bucket"; doc: Obj }[] {
  const parse = (v: unknown) => (typeof v === "string" ? JSON.parse(v) : v);
  return [
    ...ctx.resources("aws_iam_role").map((r) => ({ resource: r.resource, kind: "trust" as const, doc: parse(r.value.assume_role_policy) })),
    ...ctx.resources("aws_iam_role").flatMap((r) => (r.value.inline_policy ?? []).map((p: Obj) => ({ resource: r.resource, kind: "identity" as const, doc: parse(p.policy) }))),
    ...ctx.resources("aws_iam_role_policy").map((r) => ({ resource: r.resource, kind: "identity" as const, doc: parse(r.value.policy) })),
    ...ctx.resources("aws_iam_policy").map((r) => ({ resource: r.resource, kind: "identity" as const, doc: parse(r.value.policy) })),
    ...ctx.resources("aws_kms_key").filter((r) => r.value.policy).map((r) => ({ resource: r.resource, kind: "key" as const, doc: parse(r.value.policy) })),
    ...ctx.resources("aws_s3_bucket_policy").map((r) => ({ resource: r.resource, kind: "bucket" as const, doc: parse(r.value.policy) })),
  ].filter((d) => d.doc && typeof d.doc === "object");
}

export const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Fixture helpers: the object at a manifest key, a Terraform resource, a Vault policy's text. */
export const fx = {
  manifest(s: Synthesis, key: string): Obj {
    const m = s.kubernetes.manifests[key];
    if (!m) throw new Error(`fixture: no manifest ${key}`);
    return m;
  },
  resource(s: Synthesis, stack: string, type: string, name: string): Obj {
    const r = s.terraform.stacks[stack]?.resource?.[type]?.[name];
    if (!r) throw new Error(`fixture: no ${stack}/${type}.${name}`);
    return r;
  },
  /** Edits a JSON-encoded document argument (an IAM policy) in place. */
  editJson(r: Obj, arg: string, edit: (doc: Obj) => void): void {
    const doc = JSON.parse(r[arg]);
    edit(doc);
    r[arg] = JSON.stringify(doc);
  },
  podSpec(s: Synthesis, key: string): Obj {
    const o = fx.manifest(s, key);
    return o.kind === "CronJob" ? o.spec.jobTemplate.spec.template.spec : o.spec.template.spec;
  },
  container(s: Synthesis, key: string, name: string): Obj {
    const spec = fx.podSpec(s, key);
    const c = [...(spec.initContainers ?? []), ...spec.containers].find((c: Obj) => c.name === name);
    if (!c) throw new Error(`fixture: no container ${name} in ${key}`);
    return c;
  },
};

export const K = {
  statefulSet: "shop-platform/vault/statefulset-vault.yaml",
  vaultConfig: "shop-platform/vault/configmap-vault-config.yaml",
  vaultPolicy: "shop-platform/vault/networkpolicy-vault-server.yaml",
  pdb: "shop-platform/vault/poddisruptionbudget-vault.yaml",
  certificate: "shop-platform/vault/certificate-vault-server-tls.yaml",
  snapshotJob: "shop-platform/vault-backup/cronjob-vault-snapshot.yaml",
  probe: "shop-platform/monitoring/deployment-vault-cert-probe.yaml",
  storeDev: "shop-platform/env-dev/clustersecretstore-vault-dev.yaml",
  stripeDev: "shop-platform/env-dev/externalsecret-payment-service-stripe.yaml",
  devEgress: "shop-platform/env-dev/networkpolicy-allow-dns-and-vault-egress.yaml",
} as const;
