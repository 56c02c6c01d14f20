import type { Synthesis } from "../lib/synthesis";
import { asList, changedFields, type Obj, same, show } from "./fields";
import type { ResourceChange, ReviewFinding } from "./types";

/** A manifest by identity (`<cluster>/<kind>/<namespace>/<name>`), so a renamed file is no change. */
export function objects(s: Synthesis): Map<string, Obj> {
  const out = new Map<string, Obj>();
  for (const [key, obj] of Object.entries(s.kubernetes.manifests)) {
    if (!obj || typeof obj !== "object") continue;
    out.set(`${key.slice(0, key.indexOf("/"))}/${obj.kind}/${obj.metadata?.namespace ?? "-"}/${obj.metadata?.name}`, obj);
  }
  return out;
}

export function kubernetesChanges(base: Synthesis, head: Synthesis): ResourceChange[] {
  const b = objects(base);
  const h = objects(head);
  const out: ResourceChange[] = [];
  for (const id of [...new Set([...b.keys(), ...h.keys()])].sort()) {
    const was = b.get(id);
    const now = h.get(id);
    if (!was) out.push({ layer: "kubernetes", action: "add", resource: id, fields: [] });
    else if (!now) out.push({ layer: "kubernetes", action: "remove", resource: id, fields: [] });
    else {
      const fields = changedFields(was, now);
      if (fields.length) out.push({ layer: "kubernetes", action: "change", resource: id, fields });
    }
  }
  return out;
}

const POD_KINDS = ["StatefulSet", "Deployment", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"];
const podSpecOf = (o: Obj): Obj | undefined => (o.kind === "CronJob" ? o.spec?.jobTemplate?.spec?.template?.spec : o.kind === "Pod" ? o.spec : o.spec?.template?.spec);
const containersOf = (spec: Obj): Obj[] => [...asList<Obj>(spec?.initContainers), ...asList<Obj>(spec?.containers)];

/**
 * securityContext settings whose loss weakens a container (those of the restricted Pod Security
 * Standard), on the effective context: the container's over the pod's.
 */
function containerWeakening(was: Obj, now: Obj): string[] {
  const out: string[] = [];
  if (was.runAsNonRoot === true && now.runAsNonRoot !== true) out.push("runAsNonRoot no longer true");
  if (was.runAsUser !== 0 && now.runAsUser === 0) out.push("runs as uid 0");
  if (was.privileged !== true && now.privileged === true) out.push("privileged");
  if (was.allowPrivilegeEscalation === false && now.allowPrivilegeEscalation !== false) out.push("allowPrivilegeEscalation no longer false");
  if (was.readOnlyRootFilesystem === true && now.readOnlyRootFilesystem !== true) out.push("root filesystem writable");
  const drops = (c: Obj) => asList<string>(c.capabilities?.drop);
  if (drops(was).includes("ALL") && !drops(now).includes("ALL")) out.push("capabilities no longer drop ALL");
  const added = asList<string>(now.capabilities?.add).filter((x) => !asList<string>(was.capabilities?.add).includes(x));
  if (added.length) out.push(`adds capabilities ${show(added)}`);
  const confined = (c: Obj) => ["RuntimeDefault", "Localhost"].includes(c.seccompProfile?.type);
  if (confined(was) && !confined(now)) out.push(`seccompProfile ${was.seccompProfile?.type} -> ${now.seccompProfile?.type ?? "(unset)"}`);
  return out;
}

function podWeakening(was: Obj, now: Obj): string[] {
  const out: string[] = [];
  for (const f of ["hostNetwork", "hostPID", "hostIPC"]) if (was[f] !== true && now[f] === true) out.push(`${f}: true`);
  if (was.automountServiceAccountToken === false && now.automountServiceAccountToken !== false) out.push("automountServiceAccountToken no longer false");
  const hostPaths = (s: Obj) => asList<Obj>(s.volumes).filter((v) => v.hostPath).map((v) => v.hostPath.path);
  const newHostPaths = hostPaths(now).filter((p) => !hostPaths(was).includes(p));
  if (newHostPaths.length) out.push(`mounts hostPath ${show(newHostPaths)}`);
  if (was.serviceAccountName !== now.serviceAccountName) out.push(`runs as service account ${now.serviceAccountName ?? "default"} (was ${was.serviceAccountName ?? "default"})`);
  return out;
}

/** RBAC rules as single grants: apiGroup/resource[/name] verb. */
const grants = (o: Obj) =>
  asList<Obj>(o?.rules).flatMap((r) =>
    asList<string>(r.apiGroups ?? [""]).flatMap((g) =>
      [...asList<string>(r.resources), ...asList<string>(r.nonResourceURLs)].flatMap((res) => asList<string>(r.verbs).flatMap((v) => (r.resourceNames?.length ? r.resourceNames.map((n: string) => `${g || "core"}/${res}/${n} ${v}`) : [`${g || "core"}/${res} ${v}`]))),
    ),
  );
const subjects = (o: Obj) => asList<Obj>(o?.subjects).map((s) => `${s.kind} ${s.namespace ? `${s.namespace}/` : ""}${s.name}`);

/** Fields of a cert-manager Certificate that change the requested certificate: cert-manager issues a new one. */
const REISSUE_FIELDS = ["commonName", "dnsNames", "ipAddresses", "uris", "emailAddresses", "subject", "usages", "isCA", "privateKey", "issuerRef", "secretName", "literalSubject", "otherNames"];

export function kubernetesFindings(base: Synthesis, head: Synthesis): ReviewFinding[] {
  const out: ReviewFinding[] = [];
  const b = objects(base);
  for (const [id, now] of objects(head)) {
    const was = b.get(id);
    const add = (f: Omit<ReviewFinding, "layer" | "resource">) => out.push({ layer: "kubernetes", resource: id, ...f });
    if (["Role", "ClusterRole"].includes(now.kind)) {
      const added = grants(now).filter((g) => !grants(was).includes(g));
      if (added.length) add({ kind: "rbac", weight: "broadening", message: `${was ? "grants more" : `new ${now.kind}`}: ${show(added)}${added.some((g) => g.includes("*")) ? " (a wildcard)" : ""}` });
    }
    if (["RoleBinding", "ClusterRoleBinding"].includes(now.kind)) {
      const added = subjects(now).filter((s) => !subjects(was).includes(s));
      if (added.length) add({ kind: "rbac", weight: "broadening", message: `${was ? "binds more subjects" : `new ${now.kind} to ${now.roleRef?.kind} ${now.roleRef?.name}`}: ${show(added)}` });
      if (was && !same(was.roleRef, now.roleRef)) add({ kind: "rbac", weight: "broadening", message: `roleRef ${was.roleRef?.kind} ${was.roleRef?.name} -> ${now.roleRef?.kind} ${now.roleRef?.name} (roleRef is immutable: the sync must delete and recreate the binding)` });
    }
    if (!was) continue;
    if (POD_KINDS.includes(now.kind)) {
      const wp = podSpecOf(was) ?? {};
      const np = podSpecOf(now) ?? {};
      for (const w of podWeakening(wp, np)) add({ kind: "security-context", weight: "broadening", message: `pod ${w}` });
      const before = new Map(containersOf(wp).map((c) => [c.name, c]));
      for (const c of containersOf(np)) {
        const prev = before.get(c.name);
        if (!prev) continue;
        for (const w of containerWeakening({ ...wp.securityContext, ...prev.securityContext }, { ...np.securityContext, ...c.securityContext })) add({ kind: "security-context", weight: "broadening", message: `container ${c.name}: ${w}` });
        if (prev.image !== c.image) add({ kind: "image", weight: "info", message: `container ${c.name}: image ${prev.image} -> ${c.image}` });
      }
      if (now.kind === "StatefulSet" && !same(was.spec?.template, now.spec?.template)) {
        const onDelete = now.spec?.updateStrategy?.type === "OnDelete";
        add({
          kind: "statefulset-roll",
          weight: "attention",
          message: onDelete
            ? `the pod template changes (${changedFields(was.spec?.template, now.spec?.template).slice(0, 6).join(", ")}) and updateStrategy is OnDelete: no pod restarts by itself. Roll one pod at a time, standbys first, step down, the active pod last (README: "Rolling a configuration change (OnDelete)")`
            : `the pod template changes: the StatefulSet controller replaces its pods one by one`,
        });
      }
    }
    if (now.kind === "Certificate") {
      const fields = REISSUE_FIELDS.filter((f) => !same(was.spec?.[f], now.spec?.[f]));
      if (fields.length) add({ kind: "certificate-reissue", weight: "attention", message: `spec.${fields.join(", spec.")} changed: cert-manager issues a new certificate into Secret ${now.spec?.secretName} right after the sync; every client must trust its issuer before the merge` });
    }
  }
  return out;
}
