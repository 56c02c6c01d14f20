import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { synthKubernetes } from "../lib/synth-kubernetes";
import { kubernetesFiles, writeFiles } from "../lib/write-synthesis";
import type { PlatformSpecInput } from "../spec/schema";
import { validateManifest } from "./helpers/k8s-validate";
import { kustomizeBuild } from "./helpers/kustomize";
import { modelOf, referenceCopy } from "./helpers/synth";

// Everything here reads the YAML files synthesis wrote to disk; expected values are written out.

type Obj = Record<string, any>;
const COMPONENTS = ["vault", "vault-backup", "monitoring"] as const;
type Component = (typeof COMPONENTS)[number];

interface Rendered {
  dir: (c: Component) => string;
  /** file name (<kind>-<name>.yaml) -> object, per component */
  files: Record<Component, Record<string, Obj>>;
}

function render(change: (spec: PlatformSpecInput) => void = () => {}): Rendered {
  const spec = referenceCopy();
  change(spec);
  const out = mkdtempSync(join(tmpdir(), "vep-k8s-vault-"));
  const { manifests } = synthKubernetes(modelOf(spec));
  // Written too: one test reads a file's text, another runs kubectl kustomize on the folders.
  writeFiles(out, kubernetesFiles({ manifests }));
  const dir = (c: Component) => join(out, "shop-platform", c);
  const files = {} as Rendered["files"];
  for (const c of COMPONENTS) files[c] = {};
  for (const [key, obj] of Object.entries(manifests)) {
    const [, c, f] = key.split("/");
    if (c in files) files[c as Component][f] = obj;
  }
  return { dir, files };
}

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const POD_LABELS = { "app.kubernetes.io/name": "vault", "app.kubernetes.io/instance": "vault", component: "server" };
const PORTS = [
  { name: "https", port: 8200, protocol: "TCP", targetPort: 8200 },
  { name: "https-internal", port: 8201, protocol: "TCP", targetPort: 8201 },
];

let ref: Rendered;
let five: Rendered;
let podIdentity: Rendered;
let sts: Obj;
let pod: Obj;
let vaultContainer: Obj;
let hcl: string;
let cron: Obj;
let snapshotPod: Obj;

beforeAll(() => {
  ref = render();
  five = render((s) => {
    s.vault!.replicas = 5;
  });
  podIdentity = render((s) => {
    s.workloadIdentity = "pod-identity";
  });
  sts = ref.files.vault["statefulset-vault.yaml"]!;
  pod = sts.spec.template.spec;
  vaultContainer = pod.containers[0];
  hcl = ref.files.vault["configmap-vault-config.yaml"]!.data["vault.hcl"];
  cron = ref.files["vault-backup"]["cronjob-vault-snapshot.yaml"]!;
  snapshotPod = cron.spec.jobTemplate.spec.template.spec;
});

const env = (name: string) => vaultContainer.env.find((e: Obj) => e.name === name);
const mountAt = (path: string) => vaultContainer.volumeMounts.find((m: Obj) => m.mountPath === path);
const volume = (p: Obj, name: string) => p.volumes.find((v: Obj) => v.name === name);

describe("parity with hashicorp/vault-helm (HA Raft)", () => {
  it("StatefulSet vault: serviceName vault-internal, 3 replicas, selector = pod labels", () => {
    expect(sts.metadata).toMatchObject({ name: "vault", namespace: "vault" });
    expect(sts.spec.serviceName).toBe("vault-internal");
    expect(sts.spec.replicas).toBe(3);
    expect(sts.spec.selector).toEqual({ matchLabels: POD_LABELS });
    expect(sts.spec.template.metadata.labels).toEqual(POD_LABELS);
  });

  it("podManagementPolicy Parallel", () => expect(sts.spec.podManagementPolicy).toBe("Parallel"));

  it("updateStrategy OnDelete", () => expect(sts.spec.updateStrategy).toEqual({ type: "OnDelete" }));

  it("runs as uid 100, gid 1000, fsGroup 1000 with the vault service account, whose token only the vault container mounts", () => {
    expect(pod.securityContext).toMatchObject({ runAsUser: 100, runAsGroup: 1000, fsGroup: 1000 });
    expect(pod.serviceAccountName).toBe("vault");
    // What the ServiceAccount admission plugin would inject, declared so that it reaches one container.
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(volume(pod, "kube-api-access")).toEqual({
      name: "kube-api-access",
      projected: {
        defaultMode: 0o644,
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: "token" } },
          { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
          { downwardAPI: { items: [{ path: "namespace", fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } }] } },
        ],
      },
    });
    expect(mountAt("/var/run/secrets/kubernetes.io/serviceaccount")).toEqual({ name: "kube-api-access", mountPath: "/var/run/secrets/kubernetes.io/serviceaccount", readOnly: true });
  });

  it("runs docker-entrypoint.sh vault server with the mounted vault.hcl, after turning core dumps off (issue 15.7)", () => {
    expect(vaultContainer.command.slice(0, 2)).toEqual(["/bin/sh", "-c"]);
    expect(vaultContainer.command[2].split("\n").filter((l: string) => !l.startsWith("#"))).toEqual(["ulimit -c 0", 'exec /usr/local/bin/docker-entrypoint.sh "$@"']);
    expect([vaultContainer.command[3], ...vaultContainer.args]).toEqual(["/usr/local/bin/docker-entrypoint.sh", "vault", "server", "-config=/vault/config/vault.hcl"]);
  });

  it.each([
    ["POD_IP", { valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "status.podIP" } } }],
    ["HOSTNAME", { valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "metadata.name" } } }],
    ["VAULT_K8S_POD_NAME", { valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "metadata.name" } } }],
    ["VAULT_K8S_NAMESPACE", { valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } } }],
    ["VAULT_ADDR", { value: "https://127.0.0.1:8200" }],
    ["VAULT_API_ADDR", { value: "https://$(HOSTNAME).vault-internal.vault.svc:8200" }],
    ["VAULT_CLUSTER_ADDR", { value: "https://$(HOSTNAME).vault-internal:8201" }],
    ["VAULT_CACERT", { value: "/vault/userconfig/tls/ca.crt" }],
    ["SKIP_CHOWN", { value: "true" }],
    ["SKIP_SETCAP", { value: "true" }],
    ["HOME", { value: "/home/vault" }],
  ])("env %s", (name, expected) => expect(env(name)).toEqual({ name, ...expected }));

  it("env HOSTNAME is defined before the addresses that expand $(HOSTNAME)", () => {
    const order = vaultContainer.env.map((e: Obj) => e.name);
    expect(order.indexOf("HOSTNAME")).toBeLessThan(order.indexOf("VAULT_API_ADDR"));
    expect(order.indexOf("HOSTNAME")).toBeLessThan(order.indexOf("VAULT_CLUSTER_ADDR"));
  });

  it("container ports 8200 https and 8201 https-internal", () => {
    expect(vaultContainer.ports).toEqual([
      { name: "https", containerPort: 8200, protocol: "TCP" },
      { name: "https-internal", containerPort: 8201, protocol: "TCP" },
    ]);
  });

  it("data volume claim template: 10Gi ReadWriteOnce, mounted at /vault/data", () => {
    expect(sts.spec.volumeClaimTemplates[0]).toEqual({
      metadata: { name: "data" },
      spec: { accessModes: ["ReadWriteOnce"], storageClassName: "vault-gp3-encrypted", volumeMode: "Filesystem", resources: { requests: { storage: "10Gi" } } },
    });
    expect(mountAt("/vault/data")).toEqual({ name: "data", mountPath: "/vault/data" });
  });

  it("service vault: client service on 8200/8201 selecting every Vault pod", () => {
    const svc = ref.files.vault["service-vault.yaml"]!;
    expect(svc.metadata).toMatchObject({ name: "vault", namespace: "vault" });
    expect(svc.spec).toEqual({ type: "ClusterIP", publishNotReadyAddresses: false, selector: POD_LABELS, ports: PORTS });
  });

  it("service vault-active: only the pod Vault labels vault-active=true", () => {
    const svc = ref.files.vault["service-vault-active.yaml"]!;
    expect(svc.spec).toEqual({ type: "ClusterIP", publishNotReadyAddresses: false, selector: { ...POD_LABELS, "vault-active": "true" }, ports: PORTS });
  });

  it("service vault-standby: only pods labelled vault-active=false", () => {
    const svc = ref.files.vault["service-vault-standby.yaml"]!;
    expect(svc.spec).toEqual({ type: "ClusterIP", publishNotReadyAddresses: false, selector: { ...POD_LABELS, "vault-active": "false" }, ports: PORTS });
  });

  it("service vault-internal: headless, publishes not-ready pods (raft peers find sealed/joining nodes)", () => {
    const svc = ref.files.vault["service-vault-internal.yaml"]!;
    expect(svc.spec).toEqual({ type: "ClusterIP", clusterIP: "None", publishNotReadyAddresses: true, selector: POD_LABELS, ports: PORTS });
  });

  it("PodDisruptionBudget vault selects the Vault pods", () => {
    const pdb = ref.files.vault["poddisruptionbudget-vault.yaml"]!;
    expect(pdb.metadata).toMatchObject({ name: "vault", namespace: "vault" });
    expect(pdb.spec.selector).toEqual({ matchLabels: POD_LABELS });
  });

  it("ServiceAccount vault in the vault namespace, token mounted", () => {
    const sa = ref.files.vault["serviceaccount-vault.yaml"]!;
    expect(sa.metadata).toMatchObject({ name: "vault", namespace: "vault" });
    expect(sa.automountServiceAccountToken).toBe(true);
  });

  it("ClusterRoleBinding of vault/vault to system:auth-delegator (token reviews)", () => {
    const crb = ref.files.vault["clusterrolebinding-vault-vault-auth-delegator.yaml"]!;
    expect(crb.roleRef).toEqual({ apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:auth-delegator" });
    expect(crb.subjects).toEqual([{ kind: "ServiceAccount", name: "vault", namespace: "vault" }]);
  });

  it("Role + RoleBinding for service_registration \"kubernetes\"", () => {
    const rb = ref.files.vault["rolebinding-vault-service-registration.yaml"]!;
    expect(rb.metadata).toMatchObject({ name: "vault-service-registration", namespace: "vault" });
    expect(rb.roleRef).toEqual({ apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "vault-service-registration" });
    expect(rb.subjects).toEqual([{ kind: "ServiceAccount", name: "vault", namespace: "vault" }]);
    expect(ref.files.vault["role-vault-service-registration.yaml"]!.metadata).toMatchObject({ name: "vault-service-registration", namespace: "vault" });
    expect(hcl).toContain('service_registration "kubernetes" {}');
  });

  it("ConfigMap vault-config holds vault.hcl, mounted read-only at /vault/config", () => {
    expect(Object.keys(ref.files.vault["configmap-vault-config.yaml"]!.data)).toEqual(["vault.hcl"]);
    expect(hcl).toMatch(/^storage "raft" \{\n {2}path = "\/vault\/data"$/m);
    expect(mountAt("/vault/config")).toEqual({ name: "config", mountPath: "/vault/config", readOnly: true });
    expect(volume(pod, "config").configMap.name).toBe("vault-config");
  });
});

describe("beyond the Helm chart", () => {
  it("(1) TLS on: listener certificates, VAULT_CACERT, retry_join verifies the leader; Certificate SANs", () => {
    expect(hcl).toContain('tls_cert_file   = "/vault/userconfig/tls/tls.crt"');
    expect(hcl).toContain('tls_key_file    = "/vault/userconfig/tls/tls.key"');
    expect(hcl).not.toContain("tls_disable");
    expect(env("VAULT_CACERT").value).toBe("/vault/userconfig/tls/ca.crt");
    expect(hcl).toContain('leader_ca_cert_file   = "/vault/userconfig/tls/ca.crt"');
    expect(hcl).toContain('leader_tls_servername = "vault-0.vault-internal"');
    expect(mountAt("/vault/userconfig/tls")).toEqual({ name: "tls", mountPath: "/vault/userconfig/tls", readOnly: true });
    expect(volume(pod, "tls").secret.secretName).toBe("vault-server-tls");

    const cert = ref.files.vault["certificate-vault-server-tls.yaml"]!;
    expect(cert.spec.secretName).toBe("vault-server-tls");
    expect(cert.spec.issuerRef).toEqual({ group: "cert-manager.io", kind: "ClusterIssuer", name: "platform-ca" });
    expect(cert.spec.dnsNames).toEqual(
      expect.arrayContaining(["vault", "vault.vault.svc", "vault-active.vault.svc", "*.vault-internal", "*.vault-internal.vault.svc.cluster.local", "vault-0.vault-internal", "vault-1.vault-internal", "vault-2.vault-internal"]),
    );
    expect(cert.spec.dnsNames).not.toContain("vault-3.vault-internal");
    expect(cert.spec.ipAddresses).toEqual(["127.0.0.1"]);
    expect(cert.spec.privateKey).toMatchObject({ algorithm: "ECDSA", size: 256, rotationPolicy: "Always" });
    expect(cert.spec.usages).toEqual(["server auth", "digital signature"]);
  });

  it("(1) with 5 replicas: 5 retry_join blocks and vault-4 in the SANs", () => {
    const hcl5: string = five.files.vault["configmap-vault-config.yaml"]!.data["vault.hcl"];
    expect(hcl5.match(/retry_join \{/g)).toHaveLength(5);
    expect(hcl5).toContain('leader_api_addr       = "https://vault-4.vault-internal:8200"');
    expect(five.files.vault["certificate-vault-server-tls.yaml"]!.spec.dnsNames).toContain("vault-4.vault-internal");
    expect(five.files.vault["statefulset-vault.yaml"]!.spec.replicas).toBe(5);
  });

  it("(2) raft retry_join per ordinal, awskms seal, IRSA role, disable_mlock, telemetry", () => {
    expect(hcl.match(/retry_join \{/g)).toHaveLength(3);
    for (const i of [0, 1, 2]) expect(hcl).toContain(`leader_api_addr       = "https://vault-${i}.vault-internal:8200"`);
    expect(hcl).toMatch(/seal "awskms" \{\n\s+region\s+= "eu-west-1"\n\s+kms_key_id = "alias\/shop-vault-unseal"\n\}/);
    expect(hcl).toMatch(/^disable_mlock = true$/m);
    expect(hcl).toMatch(/^telemetry \{\n\s+prometheus_retention_time = "30s"/m);
    const sa = ref.files.vault["serviceaccount-vault.yaml"]!;
    expect(sa.metadata.annotations["eks.amazonaws.com/role-arn"]).toBe("arn:aws:iam::111122223333:role/shop-vault-server");
  });

  it("(2) with workloadIdentity pod-identity: no IRSA annotation on either service account", () => {
    expect(podIdentity.files.vault["serviceaccount-vault.yaml"]!.metadata.annotations).not.toHaveProperty("eks.amazonaws.com/role-arn");
    expect(podIdentity.files["vault-backup"]["serviceaccount-vault-snapshot.yaml"]!.metadata.annotations).not.toHaveProperty("eks.amazonaws.com/role-arn");
  });

  it("(3) restricted Pod Security: namespace labels and every security context", () => {
    expect(ref.files.vault["namespace-vault.yaml"]!.metadata.labels).toMatchObject({
      "pod-security.kubernetes.io/enforce": "restricted",
      "pod-security.kubernetes.io/audit": "restricted",
      "pod-security.kubernetes.io/warn": "restricted",
    });
    for (const p of [pod, snapshotPod]) {
      expect(p.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 100, runAsGroup: 1000, fsGroup: 1000, fsGroupChangePolicy: "OnRootMismatch", seccompProfile: { type: "RuntimeDefault" } });
      expect(p.hostNetwork ?? false).toBe(false);
      expect(p.volumes.some((v: Obj) => v.hostPath)).toBe(false);
      for (const c of [...(p.initContainers ?? []), ...p.containers]) {
        expect(c.securityContext, c.name).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true, runAsNonRoot: true });
      }
    }
    expect(mountAt("/tmp")).toEqual({ name: "tmp", mountPath: "/tmp" });
    expect(volume(pod, "home").emptyDir).toBeDefined();
  });

  it("(4) required anti-affinity per node and zone spread with DoNotSchedule", () => {
    expect(pod.affinity).toEqual({
      podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: POD_LABELS }, topologyKey: "kubernetes.io/hostname" }] },
    });
    expect(pod.topologySpreadConstraints).toEqual([{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: POD_LABELS } }]);
  });

  it("(5) client services never publish not-ready pods; only the headless one does", () => {
    const publish = Object.fromEntries(
      Object.values(ref.files.vault)
        .filter((o) => o.kind === "Service")
        .map((s) => [s.metadata.name, s.spec.publishNotReadyAddresses]),
    );
    expect(publish).toEqual({ vault: false, "vault-active": false, "vault-standby": false, "vault-internal": true });
  });

  it("(6) probes: ready only when unsealed, alive while sealed; preStop and grace period", () => {
    const get = (path: string) => ({ path, port: 8200, scheme: "HTTPS" });
    const tolerant = "/v1/sys/health?standbyok=true&perfstandbyok=true&sealedcode=204&uninitcode=204";
    expect(vaultContainer.readinessProbe.httpGet).toEqual(get("/v1/sys/health?standbyok=true&perfstandbyok=true"));
    expect(vaultContainer.livenessProbe.httpGet).toEqual(get(tolerant));
    expect(vaultContainer.livenessProbe.initialDelaySeconds).toBeGreaterThanOrEqual(60);
    expect(vaultContainer.livenessProbe.failureThreshold * vaultContainer.livenessProbe.periodSeconds).toBeGreaterThanOrEqual(60);
    expect(vaultContainer.startupProbe.httpGet).toEqual(get(tolerant));
    expect(vaultContainer.lifecycle.preStop.exec.command).toEqual(["/bin/sh", "-c", 'sleep 5 && for pid in $(pidof vault); do kill -TERM "$pid"; done']);
    expect(pod.terminationGracePeriodSeconds).toBe(60);
  });

  it("(7) config checksum annotation = sha256 of the rendered vault.hcl, and it follows the spec", () => {
    const annotation = (r: Rendered) => r.files.vault["statefulset-vault.yaml"]!.spec.template.metadata.annotations["vault-eks-platform/config-checksum"];
    const rendered = (r: Rendered) => r.files.vault["configmap-vault-config.yaml"]!.data["vault.hcl"] as string;
    expect(annotation(ref)).toBe(sha256(hcl));
    expect(annotation(five)).toBe(sha256(rendered(five)));
    expect(annotation(five)).not.toBe(annotation(ref));
  });

  it("(8) PDB: maxUnavailable 1, unhealthy pods always evictable", () => {
    const pdb = ref.files.vault["poddisruptionbudget-vault.yaml"]!;
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(pdb.spec.minAvailable).toBeUndefined();
    expect(pdb.spec.unhealthyPodEvictionPolicy).toBe("AlwaysAllow");
  });

  it("(9) service-registration Role: get/update/patch on the Vault pods only", () => {
    expect(ref.files.vault["role-vault-service-registration.yaml"]!.rules).toEqual([
      { apiGroups: [""], resources: ["pods"], resourceNames: ["vault-0", "vault-1", "vault-2"], verbs: ["get", "update", "patch"] },
    ]);
    expect(five.files.vault["role-vault-service-registration.yaml"]!.rules[0].resourceNames).toEqual(["vault-0", "vault-1", "vault-2", "vault-3", "vault-4"]);
  });

  it("(10) StorageClass gp3 encrypted, WaitForFirstConsumer, Retain; claims retained; audit volume", () => {
    expect(ref.files.vault["storageclass-vault-gp3-encrypted.yaml"]).toMatchObject({
      provisioner: "ebs.csi.aws.com",
      parameters: { type: "gp3", encrypted: "true" },
      volumeBindingMode: "WaitForFirstConsumer",
      reclaimPolicy: "Retain",
      allowVolumeExpansion: true,
    });
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: "Retain", whenScaled: "Retain" });
    expect(sts.spec.volumeClaimTemplates[1]).toEqual({
      metadata: { name: "audit" },
      spec: { accessModes: ["ReadWriteOnce"], storageClassName: "vault-gp3-encrypted", volumeMode: "Filesystem", resources: { requests: { storage: "10Gi" } } },
    });
    expect(mountAt("/vault/audit")).toEqual({ name: "audit", mountPath: "/vault/audit" });
  });

  it("(10) StorageClass names the spec's EBS KMS key when there is one", () => {
    const keyArn = "arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c-4b5a-6978-8091-a2b3c4d5e6f7";
    const withKey = render((s) => {
      s.vault!.storage = { ebsKmsKeyArn: keyArn };
    });
    expect(withKey.files.vault["storageclass-vault-gp3-encrypted.yaml"]!.parameters.kmsKeyId).toBe(keyArn);
    expect(ref.files.vault["storageclass-vault-gp3-encrypted.yaml"]!.parameters).not.toHaveProperty("kmsKeyId");
  });

  it("(11) Guaranteed QoS, PriorityClass, pinned image", () => {
    expect(vaultContainer.resources).toEqual({ requests: { cpu: "1", memory: "2Gi" }, limits: { cpu: "1", memory: "2Gi" } });
    expect(vaultContainer.image).toBe("hashicorp/vault:1.20.4");
    expect(pod.priorityClassName).toBe("vault-critical");
    const pc = ref.files.vault["priorityclass-vault-critical.yaml"]!;
    expect(pc.value).toBeGreaterThanOrEqual(1_000_000);
    expect(pc.globalDefault).toBe(false);
    expect(pc.description).toMatch(/^Vault servers/);
  });

  it("(12) certificate reload and audit rotation: a housekeeping sidecar sharing the pod's process namespace", () => {
    const sidecar = pod.containers.find((c: Obj) => c.name === "housekeeping");
    expect(pod.containers.map((c: Obj) => c.name)).toEqual(["vault", "housekeeping"]);
    expect(pod.shareProcessNamespace).toBe(true);
    // Sharing /proc is safe only while every container is the Vault image running as the Vault uid.
    for (const c of pod.containers) {
      expect(c.image, c.name).toBe("hashicorp/vault:1.20.4");
      expect(c.securityContext.runAsUser, c.name).toBeUndefined();
    }
    expect(pod.initContainers ?? []).toEqual([]);
    // No service-account token and no IRSA / Pod Identity credentials in the sidecar.
    expect(sidecar.volumeMounts.map((m: Obj) => m.mountPath)).toEqual(["/vault/userconfig/tls", "/vault/audit"]);
    expect(sts.spec.template.metadata.annotations["eks.amazonaws.com/skip-containers"]).toBe("housekeeping");
    // The certificate only (never the key), as a whole directory: kubelet's atomic Secret update reaches it.
    expect(volume(pod, "tls-certificate")).toEqual({ name: "tls-certificate", secret: { secretName: "vault-server-tls", defaultMode: 0o440, items: [{ key: "tls.crt", path: "tls.crt" }] } });
    expect(sidecar.volumeMounts.some((m: Obj) => m.subPath)).toBe(false);
    expect(sidecar.resources).toEqual({ requests: { cpu: "20m", memory: "32Mi" }, limits: { cpu: "20m", memory: "32Mi" } });
    // It finds the server by the argv the vault container starts it with.
    expect(vaultContainer.args.slice(0, 2)).toEqual(["vault", "server"]);
    expect(sidecar.command[2]).toContain('"vault server "*)');
    expect(sidecar.command[2]).toContain("max_bytes=536870912\nkeep=10\n");
  });

  it("Vault CA ConfigMap vault-ca in the vault namespace", () => {
    const cm = ref.files.vault["configmap-vault-ca.yaml"]!;
    expect(cm.metadata).toMatchObject({ name: "vault-ca", namespace: "vault" });
    expect(cm.data["ca.crt"]).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
  });
});

describe("network policies", () => {
  const dns = {
    to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
    ports: [
      { protocol: "UDP", port: 53 },
      { protocol: "TCP", port: 53 },
    ],
  };
  const vaultPods = { podSelector: { matchLabels: POD_LABELS } };
  const vpc443 = { to: [{ ipBlock: { cidr: "10.40.0.0/16" } }], ports: [{ protocol: "TCP", port: 443 }] };

  it("default deny for every pod of the vault namespace", () => {
    expect(ref.files.vault["networkpolicy-default-deny-all.yaml"]).toMatchObject({
      metadata: { name: "default-deny-all", namespace: "vault" },
      spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [], egress: [] },
    });
  });

  it("vault-server ingress: exactly these namespaces, the snapshot and certificate-probe pods and the peers", () => {
    const np = ref.files.vault["networkpolicy-vault-server.yaml"]!;
    expect(np.spec.podSelector).toEqual({ matchLabels: POD_LABELS });
    expect(np.spec.ingress).toEqual([
      {
        from: [
          {
            namespaceSelector: {
              matchExpressions: [
                { key: "kubernetes.io/metadata.name", operator: "In", values: ["argocd", "dev", "external-secrets", "monitoring", "production", "staging", "tekton-pipelines"] },
              ],
            },
          },
        ],
        ports: [{ protocol: "TCP", port: 8200 }],
      },
      { from: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "vault-snapshot" } } }], ports: [{ protocol: "TCP", port: 8200 }] },
      { from: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "vault-cert-probe" } } }], ports: [{ protocol: "TCP", port: 8200 }] },
      {
        from: [vaultPods],
        ports: [
          { protocol: "TCP", port: 8200 },
          { protocol: "TCP", port: 8201 },
        ],
      },
    ]);
  });

  it("vault-server egress: DNS, the peers, 443 to the VPC (Kubernetes API, KMS, STS), 5432 to exactly the database CIDRs", () => {
    expect(ref.files.vault["networkpolicy-vault-server.yaml"]!.spec.egress).toEqual([
      dns,
      {
        to: [vaultPods],
        ports: [
          { protocol: "TCP", port: 8200 },
          { protocol: "TCP", port: 8201 },
        ],
      },
      vpc443,
      {
        to: ["10.40.96.0/24", "10.40.97.0/24", "10.40.100.0/24", "10.40.101.0/24", "10.40.102.0/24"].map((cidr) => ({ ipBlock: { cidr } })),
        ports: [{ protocol: "TCP", port: 5432 }],
      },
    ]);
  });

  it("with pod-identity, egress to the node's Pod Identity agent on 80", () => {
    for (const [c, f] of [["vault", "networkpolicy-vault-server.yaml"], ["vault-backup", "networkpolicy-vault-snapshot.yaml"]] as const) {
      expect(podIdentity.files[c][f]!.spec.egress).toContainEqual({ to: [{ ipBlock: { cidr: "169.254.170.23/32" } }, { ipBlock: { cidr: "fd00:ec2::23/128" } }], ports: [{ protocol: "TCP", port: 80 }] });
    }
  });

  it("vault-snapshot: no ingress; egress DNS, Vault on 8200, 443 to the VPC (S3, STS)", () => {
    const np = ref.files["vault-backup"]["networkpolicy-vault-snapshot.yaml"]!;
    expect(np.metadata.namespace).toBe("vault");
    expect(np.spec).toEqual({
      podSelector: { matchLabels: { "app.kubernetes.io/name": "vault-snapshot" } },
      policyTypes: ["Ingress", "Egress"],
      ingress: [],
      egress: [dns, { to: [vaultPods], ports: [{ protocol: "TCP", port: 8200 }] }, vpc443],
    });
    expect(cron.spec.jobTemplate.spec.template.metadata.labels).toEqual({ "app.kubernetes.io/name": "vault-snapshot" });
  });

  it("the certificate probe: in from the monitoring namespace on 9115; out to DNS and Vault's 8200; Vault admits it on 8200", () => {
    const probePods = { podSelector: { matchLabels: { "app.kubernetes.io/name": "vault-cert-probe" } } };
    expect(ref.files.monitoring["networkpolicy-vault-cert-probe.yaml"]!.spec).toEqual({
      podSelector: probePods.podSelector,
      policyTypes: ["Ingress", "Egress"],
      ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["monitoring"] }] } }], ports: [{ protocol: "TCP", port: 9115 }] }],
      egress: [dns, { to: [vaultPods], ports: [{ protocol: "TCP", port: 8200 }] }],
    });
    // Vault's own policy admits the probe pods, beside the snapshot pods.
    expect(ref.files.vault["networkpolicy-vault-server.yaml"]!.spec.ingress[2]).toEqual({ from: [probePods], ports: [{ protocol: "TCP", port: 8200 }] });
    expect(ref.files.monitoring["networkpolicy-vault-server-from-vault-cert-probe.yaml"]).toBeUndefined();
  });

  it("every policy of the three components states both policy types", () => {
    const policies = COMPONENTS.flatMap((c) => Object.values(ref.files[c])).filter((o) => o.kind === "NetworkPolicy");
    expect(policies.map((p) => p.metadata.name).sort()).toEqual(["default-deny-all", "vault-cert-probe", "vault-server", "vault-snapshot"]);
    for (const p of policies) expect(p.spec.policyTypes, p.metadata.name).toEqual(["Ingress", "Egress"]);
  });
});

describe("raft snapshot CronJob", () => {
  const init = () => snapshotPod.initContainers[0];
  const upload = () => snapshotPod.containers[0];

  it("schedule, Forbid, history limits and deadlines", () => {
    expect(cron.metadata).toMatchObject({ name: "vault-snapshot", namespace: "vault" });
    expect(cron.spec).toMatchObject({ schedule: "0 * * * *", concurrencyPolicy: "Forbid", successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 3, startingDeadlineSeconds: 300 });
    expect(cron.spec.jobTemplate.spec).toMatchObject({ backoffLimit: 2, activeDeadlineSeconds: 1800, ttlSecondsAfterFinished: 86400 });
    expect(snapshotPod.restartPolicy).toBe("Never");
  });

  it("service account vault-snapshot: no automounted token, IRSA role", () => {
    const sa = ref.files["vault-backup"]["serviceaccount-vault-snapshot.yaml"]!;
    expect(sa.automountServiceAccountToken).toBe(false);
    expect(sa.metadata.annotations["eks.amazonaws.com/role-arn"]).toBe("arn:aws:iam::111122223333:role/shop-vault-snapshot");
    expect(snapshotPod.serviceAccountName).toBe("vault-snapshot");
    expect(snapshotPod.automountServiceAccountToken).toBe(false);
  });

  it("projected token: audience vault, 10 minutes, mounted read-only in the login container only", () => {
    expect(volume(snapshotPod, "vault-token")).toEqual({
      name: "vault-token",
      projected: { sources: [{ serviceAccountToken: { audience: "vault", expirationSeconds: 600, path: "token" } }] },
    });
    expect(init().volumeMounts).toContainEqual({ name: "vault-token", mountPath: "/var/run/secrets/vault", readOnly: true });
    expect(upload().volumeMounts.map((m: Obj) => m.name)).not.toContain("vault-token");
  });

  it("logs in with Kubernetes auth (role raft-snapshot, mount kubernetes), saves, revokes its token", () => {
    const script: string = init().args[0];
    expect(init().image).toBe("hashicorp/vault:1.20.4");
    expect(script).toContain("vault write -field=token auth/kubernetes/login role=raft-snapshot jwt=@/var/run/secrets/vault/token");
    expect(script).toMatch(/vault operator raft snapshot save "\/snapshots\/vault-\$\(date -u \+%Y%m%dT%H%M%SZ\)\.snap"/);
    expect(script).toContain("vault token revoke -self");
    expect(script.indexOf("snapshot save")).toBeLessThan(script.indexOf("token revoke -self"));
    expect(init().env).toEqual([
      { name: "VAULT_ADDR", value: "https://vault-active.vault.svc:8200" },
      { name: "VAULT_CACERT", value: "/etc/vault-ca/ca.crt" },
      { name: "HOME", value: "/home/snapshot" },
    ]);
    expect(volume(snapshotPod, "vault-ca").configMap.name).toBe("vault-ca");
    expect(init().volumeMounts).toContainEqual({ name: "vault-ca", mountPath: "/etc/vault-ca", readOnly: true });
  });

  it("no root token and no token in a Secret", () => {
    const text = readFileSync(join(ref.dir("vault-backup"), "cronjob-vault-snapshot.yaml"), "utf8");
    expect(text).not.toMatch(/secretKeyRef|secretRef|secretName|\broot\b/i);
    expect(init().env.map((e: Obj) => e.name)).not.toContain("VAULT_TOKEN");
    expect(snapshotPod.volumes.filter((v: Obj) => v.secret)).toEqual([]);
    for (const c of COMPONENTS) expect(Object.values(ref.files[c]).filter((o) => o.kind === "Secret")).toEqual([]);
  });

  it("uploads to s3://<bucket>/raft/ with no encryption override: the bucket's default (its own KMS key) applies, and its policy refuses any other", () => {
    const script: string = upload().args[0];
    expect(upload().image).toBe("amazon/aws-cli:2.31.6");
    expect(script).toContain('aws s3 cp "$1" "s3://shop-vault-snapshots-111122223333-eu-west-1/raft/${1##*/}" --only-show-errors');
    expect(script).not.toMatch(/--sse/);
    expect(upload().env).toContainEqual({ name: "AWS_REGION", value: "eu-west-1" });
    expect(upload().env).toContainEqual({ name: "HOME", value: "/home/snapshot" });
    expect(volume(snapshotPod, "home").emptyDir).toBeDefined();
  });

  it("the snapshot emptyDir is shared: written by the login container, read by the uploader", () => {
    expect(volume(snapshotPod, "snapshots")).toEqual({ name: "snapshots", emptyDir: { sizeLimit: "10Gi" } });
    expect(init().volumeMounts).toContainEqual({ name: "snapshots", mountPath: "/snapshots", readOnly: false });
    expect(upload().volumeMounts).toContainEqual({ name: "snapshots", mountPath: "/snapshots", readOnly: true });
  });

  it("both containers have resources set", () => {
    for (const c of [init(), upload()]) {
      expect(c.resources.requests, c.name).toEqual(c.resources.limits);
      expect(Object.keys(c.resources.limits).sort(), c.name).toEqual(["cpu", "memory"]);
    }
  });
});

describe("monitoring", () => {
  const sm = () => ref.files.monitoring["servicemonitor-vault.yaml"]!;
  const rule = () => ref.files.monitoring["prometheusrule-vault.yaml"]!;

  it("ServiceMonitor selects vault-internal and no other service", () => {
    const matchLabels: Record<string, string> = sm().spec.selector.matchLabels;
    const selected = Object.values(ref.files.vault)
      .filter((o) => o.kind === "Service" && Object.entries(matchLabels).every(([k, v]) => o.metadata.labels?.[k] === v))
      .map((s) => s.metadata.name);
    expect(selected).toEqual(["vault-internal"]);
    expect(sm().spec.namespaceSelector).toEqual({ matchNames: ["vault"] });
    expect(sm().metadata).toMatchObject({ name: "vault", namespace: "vault", labels: { release: "kube-prometheus-stack" } });
  });

  it("ServiceMonitor scrapes /v1/sys/metrics over TLS verified with the Vault CA", () => {
    expect(sm().spec.endpoints).toEqual([
      {
        port: "https",
        scheme: "https",
        path: "/v1/sys/metrics",
        params: { format: ["prometheus"] },
        interval: "30s",
        scrapeTimeout: "10s",
        tlsConfig: { ca: { configMap: { name: "vault-ca", key: "ca.crt" } }, serverName: "vault.vault.svc" },
      },
    ]);
  });

  it("PrometheusRule: the platform's alerts with severities, summaries and descriptions", () => {
    expect(rule().metadata).toMatchObject({ name: "vault", namespace: "vault", labels: { release: "kube-prometheus-stack" } });
    const rules: Obj[] = rule().spec.groups.flatMap((g: Obj) => g.rules);
    expect(Object.fromEntries(rules.map((r) => [r.alert, r.labels.severity]))).toEqual({
      VaultDown: "critical",
      VaultSealed: "critical",
      VaultNoActiveNode: "critical",
      VaultLeadershipChanges: "warning",
      VaultRequestLatencyHigh: "warning",
      VaultAutopilotUnhealthy: "critical",
      VaultRaftFailureToleranceZero: "warning",
      VaultSnapshotFailed: "warning",
      VaultAuditVolumeAlmostFull: "critical",
      VaultAuditWriteFailures: "critical",
      VaultAuditDeviceFailing: "warning",
      ExternalSecretSyncError: "warning",
      SecretNotUpdatedWithinRotationPeriod: "warning",
      DatabaseCredentialRenewalFailing: "warning",
      DatabaseCredentialIssueFailing: "critical",
      VaultCertificateExpiresSoon: "critical",
      VaultCertificateNotReady: "warning",
      VaultServedCertificateExpiresSoon: "critical",
      VaultServedCertificateStale: "warning",
      VaultTlsProbeFailing: "critical",
      VaultCertificateProbeMissing: "warning",
    });
    for (const r of rules) {
      expect(r.expr, r.alert).toEqual(expect.any(String));
      expect(r.for, r.alert).toMatch(/^\d+[smh]$/);
      expect(Object.keys(r.annotations).sort(), r.alert).toEqual(["description", "summary"]);
    }
    expect(rules.find((r) => r.alert === "VaultSealed")!.expr).toBe(
      'up{namespace="vault", service="vault-internal"} == 1 unless on (namespace, pod) vault_core_unsealed{namespace="vault"} == 1',
    );
  });
});

describe("served-certificate probe (blackbox exporter)", () => {
  const m = () => ref.files.monitoring;

  it("a restricted, token-less exporter pod with a pinned image, verifying against the Vault CA", () => {
    const d = m()["deployment-vault-cert-probe.yaml"]!;
    const p = d.spec.template.spec;
    expect(d.metadata).toMatchObject({ name: "vault-cert-probe", namespace: "vault" });
    expect(p.automountServiceAccountToken).toBe(false);
    expect(p.serviceAccountName).toBe("vault-cert-probe");
    expect(m()["serviceaccount-vault-cert-probe.yaml"]!.automountServiceAccountToken).toBe(false);
    expect(p.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, fsGroup: 65534, fsGroupChangePolicy: "OnRootMismatch", seccompProfile: { type: "RuntimeDefault" } });
    const c = p.containers[0];
    expect(c.image).toBe("quay.io/prometheus/blackbox-exporter:v0.28.0");
    expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true, runAsNonRoot: true });
    expect(c.resources.requests).toEqual(c.resources.limits);
    expect(c.args).toEqual(["--config.file=/etc/blackbox_exporter/blackbox.yml", "--web.listen-address=:9115"]);
    expect(volume(p, "vault-ca").configMap.name).toBe("vault-ca");
    const config = parse(m()["configmap-vault-cert-probe.yaml"]!.data["blackbox.yml"]);
    expect(config).toEqual({ modules: { vault_tls: { prober: "tcp", timeout: "5s", tcp: { tls: true, tls_config: { ca_file: "/etc/vault-ca/ca.crt", min_version: "TLS12" } } } } });
    expect(d.spec.template.metadata.annotations["vault-eks-platform/config-checksum"]).toBe(sha256(m()["configmap-vault-cert-probe.yaml"]!.data["blackbox.yml"]));
  });

  it("one scrape per Vault pod, by its DNS name (a SAN of the certificate), labelled with it", () => {
    const sm = m()["servicemonitor-vault-cert-probe.yaml"]!;
    expect(sm.metadata.labels).toMatchObject({ release: "kube-prometheus-stack" });
    expect(sm.spec.selector).toEqual({ matchLabels: { "app.kubernetes.io/name": "vault-cert-probe" } });
    expect(m()["service-vault-cert-probe.yaml"]!.metadata.labels).toMatchObject(sm.spec.selector.matchLabels);
    expect(sm.spec.endpoints.map((e: Obj) => [e.params.target[0], e.relabelings[0].replacement])).toEqual(
      [0, 1, 2].map((i) => [`vault-${i}.vault-internal.vault.svc:8200`, `vault-${i}.vault-internal.vault.svc:8200`]),
    );
    expect(sm.spec.endpoints[0]).toMatchObject({ port: "http", path: "/probe", params: { module: ["vault_tls"] }, relabelings: [{ action: "replace", targetLabel: "instance" }] });
    // Each target name is covered by the Certificate (wildcard of the headless service).
    expect(ref.files.vault["certificate-vault-server-tls.yaml"]!.spec.dnsNames).toContain("*.vault-internal.vault.svc");
  });

  it("opting out (monitoring.certificateProbe.enabled: false) removes the exporter and its alerts", () => {
    const off = render((s) => {
      s.monitoring = { certificateProbe: { enabled: false } };
    });
    expect(Object.keys(off.files.monitoring).sort()).toEqual(["prometheusrule-vault.yaml", "servicemonitor-vault.yaml"]);
    const alerts = off.files.monitoring["prometheusrule-vault.yaml"]!.spec.groups.flatMap((g: Obj) => g.rules.map((r: Obj) => r.alert));
    expect(alerts.filter((a: string) => /Served|Probe/.test(a))).toEqual([]);
  });
});

describe("schema and kustomize", () => {
  it.each(COMPONENTS)("every object of %s passes strict schema validation", (c) => {
    const problems = Object.entries(ref.files[c]).flatMap(([file, obj]) => validateManifest(obj).map((p) => `${file}: ${p}`));
    expect(problems).toEqual([]);
    expect(Object.keys(ref.files[c]).length).toBeGreaterThan(1);
  });

  it.each(COMPONENTS)("kubectl kustomize builds %s with every file", (c) => {
    const built = kustomizeBuild(ref.dir(c));
    expect(built.stderr).toBe("");
    expect(built.ok).toBe(true);
    expect(built.objects.map((o) => `${String(o.kind).toLowerCase()}-${(o.metadata as Obj).name}.yaml`).sort()).toEqual(Object.keys(ref.files[c]).sort());
  });
});
