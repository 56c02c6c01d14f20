import type { Synthesis } from "../../lib/synthesis";

/** Every name the reference synth renders, by kind: what a runbook may quote. */
export type NameIndex = Map<string, Set<string>>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = any;

export function nameIndex(s: Synthesis): NameIndex {
  const index: NameIndex = new Map();
  const add = (kind: string, ...names: (string | undefined)[]) => {
    if (!index.has(kind)) index.set(kind, new Set());
    for (const n of names) if (n) index.get(kind)!.add(n);
  };
  for (const [key, m] of Object.entries(s.kubernetes.manifests) as [string, Obj][]) {
    const [cluster, component] = key.split("/");
    add("cluster", cluster);
    add("component", component);
    add(m.kind.toLowerCase(), m.metadata.name);
    add("namespace", m.metadata.namespace);
    if (m.kind === "Namespace") add("namespace", m.metadata.name);
    add("kind", m.kind);
    // Labels rendered on objects and pod templates, and those a Service selects by (Vault's service registration sets vault-active).
    const selector = m.kind === "Service" ? m.spec.selector : undefined;
    for (const [k, v] of Object.entries<string>({ ...m.metadata.labels, ...m.spec?.template?.metadata?.labels, ...selector })) add("label", `${k}=${v}`);
    if (m.kind === "ExternalSecret") add("secret", m.spec.target?.name ?? m.metadata.name);
    if (m.kind === "Certificate") add("secret", m.spec.secretName);
    if (m.kind === "StatefulSet") {
      for (let i = 0; i < m.spec.replicas; i++) {
        add("pod", `${m.metadata.name}-${i}`);
        for (const t of m.spec.volumeClaimTemplates ?? []) add("persistentvolumeclaim", `${t.metadata.name}-${m.metadata.name}-${i}`);
      }
    }
    const pod = m.spec?.jobTemplate?.spec?.template?.spec ?? m.spec?.template?.spec;
    for (const c of [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])]) add("container", c.name);
    if (m.kind === "PrometheusRule") for (const g of m.spec.groups) for (const r of g.rules) add("alert", r.alert);
  }
  const v = s.model.vault;
  add("policy", ...v.policies.map((p) => p.name));
  const mounts = [...v.kubernetesAuth.map((m) => m.path), v.awsAuth?.path, v.appRole?.path, v.oidc?.path];
  add("auth-mount", ...mounts);
  for (const m of v.kubernetesAuth) add(`role:${m.path}`, ...m.roles.map((r) => r.name));
  if (v.awsAuth) add(`role:${v.awsAuth.path}`, ...v.awsAuth.roles.map((r) => r.name));
  add("vault-role", ...[...v.kubernetesAuth.flatMap((m) => m.roles), ...(v.awsAuth?.roles ?? []), ...(v.appRole?.roles ?? []), ...(v.oidc?.roles ?? [])].map((r) => r.name));
  add("mount", v.kv.mount, v.database?.mount, v.pki.mount, v.pki.rootMount, v.transit?.mount, ...mounts.map((m) => m && `auth/${m}`));
  add("connection", ...(v.database?.connections.map((c) => c.name) ?? []));
  add("database-role", ...(v.database?.roles.map((r) => r.name) ?? []));
  add("pki-role", ...v.pki.roles.map((r) => r.name));
  add("transit-key", ...(v.transit?.keys.map((k) => k.name) ?? []));
  add("kv-path", ...v.kv.secrets.map((e) => e.path));
  add("audit-device", ...Object.values<Obj>(s.terraform.stacks["vault-core"].resource.vault_audit ?? {}).map((a) => a.path));
  const aws = s.model.aws;
  add("aws", aws.region, aws.accountId, aws.clusterName, s.model.name);
  add("bucket", aws.snapshotBucket.name);
  add("kms-alias", aws.unsealKey.alias, aws.snapshotKey.alias);
  add("iam-role", ...aws.roles.map((r) => r.name));
  add("stack", ...Object.keys(s.terraform.stacks));
  for (const stack of Object.values<Obj>(s.terraform.stacks)) {
    for (const [type, resources] of Object.entries<Obj>(stack.resource ?? {})) {
      for (const [name, resource] of Object.entries<Obj>(resources)) {
        add("terraform-address", `${type}.${name}`);
        for (const argument of Object.keys(resource)) add("terraform-argument", `${type}.${argument}`);
      }
    }
    add("terraform-output", ...Object.keys(stack.output ?? {}));
    add("terraform-variable", ...Object.keys(stack.variable ?? {}));
  }
  return index;
}

/** Code in a Markdown text: fenced and indented blocks (each line) and inline code spans, with the words around inline ones. */
export interface CodeSpan {
  text: string;
  block: boolean;
  before: string;
  after: string;
}

export function codeSpans(markdown: string): CodeSpan[] {
  const spans: CodeSpan[] = [];
  const prose: string[] = [];
  let fenced = false;
  for (const line of markdown.split("\n")) {
    if (/^\s*```/.test(line)) {
      fenced = !fenced;
      continue;
    }
    if (fenced || /^ {4,}\S/.test(line)) spans.push({ text: line.trim(), block: true, before: "", after: "" });
    else prose.push(line);
  }
  const text = prose.join("\n").replace(/<!--[\s\S]*?-->/g, "");
  for (const m of text.matchAll(/`([^`\n]+)`/g)) {
    const before = text.slice(0, m.index).split(/\s+/).slice(-2).join(" ");
    const after = text.slice(m.index! + m[0].length).split(/\s+/).slice(0, 2).join(" ");
    spans.push({ text: m[1], block: false, before, after });
  }
  return spans;
}
