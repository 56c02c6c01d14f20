import { podTemplates } from "../context";
import type { Check, Obj } from "../types";
import { containers, fx, K } from "../util";

const RELOADER = ["reloader.stakater.com/auto", "secret.reloader.stakater.com/reload"];

/**
 * A pod that mounts a certificate cert-manager renews (a Certificate's secretName) must see the
 * renewal: no subPath mount of it (kubelet never updates those), and a reload path: a container
 * in a shared process namespace that mounts the secret and sends a signal (HUP), or a
 * Stakater Reloader annotation on the workload.
 */
export const certificateReload: Check = {
  id: "VEP-G18",
  severity: "error",
  title: "Every renewed certificate has a reload path into the pods that serve it",
  rationale: "Vault reads its listener certificate only at start and on SIGHUP: without a reload the renewed certificate is never served and clients fail at expiry.",
  fix: "Mount the secret without subPath and keep the housekeeping sidecar (shareProcessNamespace, SIGHUP on change), or annotate the workload for a reloader.",
  appliesTo: ["Certificate", "StatefulSet", "Deployment", "DaemonSet"],
  run(ctx) {
    const out: { resource: string; message: string }[] = [];
    const renewed = new Set(ctx.manifests("Certificate").map((c) => `${c.cluster}/${c.obj.metadata?.namespace}/${c.obj.spec?.secretName}`));
    for (const { m, template } of podTemplates(ctx)) {
      const spec = template.spec ?? {};
      const volumes = new Map<string, string>((spec.volumes ?? []).filter((v: Obj) => v.secret?.secretName).map((v: Obj) => [v.name, v.secret.secretName]));
      const annotations = { ...(m.obj.metadata?.annotations ?? {}), ...(template.metadata?.annotations ?? {}) };
      for (const secret of new Set(volumes.values())) {
        if (!renewed.has(`${m.cluster}/${m.obj.metadata?.namespace}/${secret}`)) continue;
        const mounting = containers(spec).filter(({ c }) => (c.volumeMounts ?? []).some((vm: Obj) => volumes.get(vm.name) === secret));
        for (const { c, where } of mounting) {
          for (const vm of (c.volumeMounts ?? []).filter((vm: Obj) => volumes.get(vm.name) === secret && vm.subPath)) out.push({ resource: m.key, message: `${where} mounts ${secret} with subPath ${vm.subPath}: kubelet never updates it after a renewal` });
        }
        const reloader = RELOADER.some((a) => annotations[a] === "true" || String(annotations[a] ?? "").split(",").includes(secret));
        const sidecar = spec.shareProcessNamespace === true && mounting.length > 1 && mounting.some(({ c }) => /\bHUP\b/.test([...(c.command ?? []), ...(c.args ?? [])].join(" ")));
        if (!reloader && !sidecar) out.push({ resource: m.key, message: `mounts the renewed certificate ${secret} but nothing makes the server reload it (no signalling sidecar in a shared process namespace, no reloader annotation)` });
      }
    }
    return out;
  },
  fixtures: {
    pass: {
      does: "no sidecar, but a Stakater Reloader annotation naming the secret",
      edit: (s) => {
        const sts = fx.manifest(s, K.statefulSet);
        sts.spec.template.spec.containers = sts.spec.template.spec.containers.filter((c: Obj) => c.name !== "housekeeping");
        sts.metadata.annotations = { "secret.reloader.stakater.com/reload": "vault-server-tls" };
      },
    },
    fail: {
      does: "the housekeeping sidecar removed from the Vault pods",
      edit: (s) => {
        const spec = fx.podSpec(s, K.statefulSet);
        spec.containers = spec.containers.filter((c: Obj) => c.name !== "housekeeping");
      },
      expect: { resource: K.statefulSet, message: "mounts the renewed certificate vault-server-tls but nothing makes the server reload it" },
    },
  },
};
