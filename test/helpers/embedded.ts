// The languages embedded in rendered manifests, pulled out of the objects as they are on disk:
// pod specs of every workload kind, shell scripts of every container, lifecycle hook and exec
// probe (after the kubelet's $(VAR) expansion), PrometheusRule groups and vault.hcl ConfigMaps.
// Everything is found by walking the objects, so new workloads and alerts are covered unchanged.
import type { RenderedObject } from "./dist";

// Manifests are read back as plain data.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = any;

export interface PodSpecAt {
  file: string;
  /** Path of the pod spec inside the object, e.g. spec.jobTemplate.spec.template.spec. */
  path: string;
  spec: Obj;
}

/** Where each workload kind keeps its pod spec. */
const POD_SPEC_PATHS: Record<string, string[]> = {
  Pod: ["spec"],
  Deployment: ["spec", "template", "spec"],
  StatefulSet: ["spec", "template", "spec"],
  DaemonSet: ["spec", "template", "spec"],
  ReplicaSet: ["spec", "template", "spec"],
  Job: ["spec", "template", "spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
};

export function podSpecs(objects: RenderedObject[]): PodSpecAt[] {
  const out: PodSpecAt[] = [];
  for (const { file, obj } of objects) {
    const path = POD_SPEC_PATHS[obj.kind];
    if (!path) continue;
    const spec = path.reduce((o: Obj, k) => o?.[k], obj);
    if (spec) out.push({ file, path: path.join("."), spec });
  }
  return out;
}

export interface ContainerAt {
  file: string;
  pod: PodSpecAt;
  kind: "initContainers" | "containers";
  container: Obj;
}

export function containers(objects: RenderedObject[]): ContainerAt[] {
  return podSpecs(objects).flatMap((pod) =>
    (["initContainers", "containers"] as const).flatMap((kind) => (pod.spec[kind] ?? []).map((container: Obj) => ({ file: pod.file, pod, kind, container }))),
  );
}

/**
 * The kubelet's expansion of command, args and env values (k8s.io/kubernetes
 * third_party/forked/golang/expansion): `$$` is a literal `$`, `$(NAME)` becomes the variable's
 * value when NAME is defined, and anything else, undefined names included, stays as written.
 */
export function kubeletExpand(input: string, vars: Map<string, string>): string {
  let out = "";
  for (let i = 0; i < input.length; i++) {
    if (input[i] !== "$" || i + 1 >= input.length) {
      out += input[i];
      continue;
    }
    const next = input[i + 1];
    if (next === "$") {
      out += "$";
      i++;
    } else if (next === "(") {
      const close = input.indexOf(")", i + 2);
      if (close < 0) {
        out += input.slice(i);
        break;
      }
      const name = input.slice(i + 2, close);
      out += vars.has(name) ? vars.get(name)! : input.slice(i, close + 1);
      i = close;
    } else out += "$";
  }
  return out;
}

/** A container's environment as the kubelet builds it; values from the API (fieldRef, ...) get a stand-in. */
export function containerEnv(container: Obj): Map<string, string> {
  const vars = new Map<string, string>();
  for (const e of container.env ?? []) vars.set(e.name, e.value !== undefined ? kubeletExpand(String(e.value), vars) : `runtime-value-of-${e.name}`);
  return vars;
}

export interface EmbeddedScript {
  /** e.g. shop-platform/vault-backup/cronjob-vault-snapshot.yaml initContainers[snapshot] command */
  where: string;
  /** The interpreter named in argv[0]: sh, bash, ash, dash. */
  shell: string;
  script: string;
  container: ContainerAt;
}

const SHELLS = new Set(["sh", "bash", "ash", "dash"]);

/** The `-c` script of an argv that runs a shell, or undefined for any other program. */
export function shellScriptOf(argv: string[]): { shell: string; script: string } | undefined {
  const shell = argv[0]?.split("/").pop() ?? "";
  if (!SHELLS.has(shell)) return undefined;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith("-")) return undefined;
    if (/^-[a-z]*c[a-z]*$/.test(a)) {
      const script = argv[i + 1];
      if (script === undefined) throw new Error(`${argv.join(" ")}: -c without a script`);
      return { shell, script };
    }
  }
  return undefined;
}

/** Every shell script a rendered container, lifecycle hook or exec probe runs. */
export function embeddedScripts(objects: RenderedObject[]): EmbeddedScript[] {
  const out: EmbeddedScript[] = [];
  for (const c of containers(objects)) {
    const vars = containerEnv(c.container);
    const at = `${c.file} ${c.kind}[${c.container.name}]`;
    const add = (where: string, argv: string[] | undefined) => {
      if (!argv?.length) return;
      const found = shellScriptOf(argv.map((a) => kubeletExpand(String(a), vars)));
      if (found) out.push({ where: `${at} ${where}`, ...found, container: c });
    };
    add("command", [...(c.container.command ?? []), ...(c.container.args ?? [])]);
    for (const hook of ["postStart", "preStop"]) add(`lifecycle.${hook}`, c.container.lifecycle?.[hook]?.exec?.command);
    for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) add(probe, c.container[probe]?.exec?.command);
  }
  return out;
}

export interface RuleGroupsAt {
  file: string;
  groups: Obj[];
}

export function prometheusRuleGroups(objects: RenderedObject[]): RuleGroupsAt[] {
  return objects.filter((o) => o.obj.kind === "PrometheusRule").map((o) => ({ file: o.file, groups: o.obj.spec.groups }));
}

export interface RenderedAlert {
  file: string;
  group: string;
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export function renderedAlerts(objects: RenderedObject[]): RenderedAlert[] {
  return prometheusRuleGroups(objects).flatMap(({ file, groups }) =>
    groups.flatMap((g: Obj) =>
      (g.rules ?? [])
        .filter((r: Obj) => r.alert)
        .map((r: Obj) => ({ file, group: g.name, alert: r.alert, expr: String(r.expr), for: r.for ?? "0s", labels: r.labels ?? {}, annotations: r.annotations ?? {} })),
    ),
  );
}

/** ConfigMap keys ending in .hcl: the Vault server configuration. */
export function hclConfigs(objects: RenderedObject[]): { file: string; configMap: string; namespace: string; key: string; hcl: string }[] {
  return objects
    .filter((o) => o.obj.kind === "ConfigMap")
    .flatMap((o) =>
      Object.entries<string>(o.obj.data ?? {})
        .filter(([key]) => key.endsWith(".hcl"))
        .map(([key, hcl]) => ({ file: o.file, configMap: o.obj.metadata.name, namespace: o.obj.metadata.namespace, key, hcl })),
    );
}
