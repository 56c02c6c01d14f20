import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateManifest, validateManifests } from "./helpers/k8s-validate";
import { kustomizeBuild } from "./helpers/kustomize";

type Obj = Record<string, any>;

/** A deep copy of a manifest with one change applied. */
function edit(manifest: Obj, change: (m: Obj) => void): Obj {
  const copy = structuredClone(manifest);
  change(copy);
  return copy;
}

const statefulSet: Obj = {
  apiVersion: "apps/v1",
  kind: "StatefulSet",
  metadata: { name: "vault", namespace: "vault", labels: { "app.kubernetes.io/name": "vault" } },
  spec: {
    serviceName: "vault-internal",
    replicas: 3,
    podManagementPolicy: "Parallel",
    persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
    selector: { matchLabels: { "app.kubernetes.io/name": "vault" } },
    template: {
      metadata: { labels: { "app.kubernetes.io/name": "vault" } },
      spec: {
        serviceAccountName: "vault",
        securityContext: { runAsNonRoot: true, runAsUser: 100, fsGroup: 1000 },
        containers: [
          {
            name: "vault",
            image: "hashicorp/vault:1.20.1",
            args: ["server"],
            ports: [{ name: "https", containerPort: 8200 }],
            resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { memory: "1Gi" } },
            readinessProbe: { httpGet: { path: "/v1/sys/health?standbyok=true", port: 8200, scheme: "HTTPS" } },
            volumeMounts: [{ name: "data", mountPath: "/vault/data" }],
          },
        ],
      },
    },
    volumeClaimTemplates: [
      {
        metadata: { name: "data" },
        spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "10Gi" } } },
      },
    ],
  },
};

const networkPolicy: Obj = {
  apiVersion: "networking.k8s.io/v1",
  kind: "NetworkPolicy",
  metadata: { name: "vault-ingress", namespace: "vault" },
  spec: {
    podSelector: { matchLabels: { "app.kubernetes.io/name": "vault" } },
    policyTypes: ["Ingress"],
    ingress: [
      {
        from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "external-secrets" } } }],
        ports: [{ protocol: "TCP", port: 8200 }],
      },
    ],
  },
};

const podDisruptionBudget: Obj = {
  apiVersion: "policy/v1",
  kind: "PodDisruptionBudget",
  metadata: { name: "vault", namespace: "vault" },
  spec: {
    maxUnavailable: 1,
    unhealthyPodEvictionPolicy: "AlwaysAllow",
    selector: { matchLabels: { "app.kubernetes.io/name": "vault" } },
  },
};

const externalSecret: Obj = {
  apiVersion: "external-secrets.io/v1",
  kind: "ExternalSecret",
  metadata: { name: "payment-service", namespace: "production" },
  spec: {
    refreshInterval: "1h",
    secretStoreRef: { kind: "ClusterSecretStore", name: "vault" },
    target: { name: "payment-service", creationPolicy: "Owner" },
    data: [{ secretKey: "stripe-api-key", remoteRef: { key: "production/payment-service", property: "stripe-api-key" } }],
  },
};

const clusterSecretStore: Obj = {
  apiVersion: "external-secrets.io/v1",
  kind: "ClusterSecretStore",
  metadata: { name: "vault" },
  spec: {
    provider: {
      vault: {
        server: "https://vault.vault.svc:8200",
        path: "secret",
        version: "v2",
        caProvider: { type: "ConfigMap", name: "vault-ca", namespace: "vault", key: "ca.crt" },
        auth: {
          kubernetes: {
            mountPath: "kubernetes",
            role: "external-secrets",
            serviceAccountRef: { name: "external-secrets", namespace: "external-secrets" },
          },
        },
      },
    },
  },
};

const vaultDynamicSecret: Obj = {
  apiVersion: "generators.external-secrets.io/v1alpha1",
  kind: "VaultDynamicSecret",
  metadata: { name: "orders-db", namespace: "production" },
  spec: {
    path: "database/creds/production-orders",
    method: "GET",
    resultType: "Data",
    parameters: { free: { form: ["parameters preserve unknown fields"] } },
    provider: {
      server: "https://vault.vault.svc:8200",
      version: "v2",
      auth: { kubernetes: { mountPath: "kubernetes", role: "payment-service" } },
    },
  },
};

const serviceMonitor: Obj = {
  apiVersion: "monitoring.coreos.com/v1",
  kind: "ServiceMonitor",
  metadata: { name: "vault", namespace: "vault", labels: { release: "prometheus" } },
  spec: {
    selector: { matchLabels: { "app.kubernetes.io/name": "vault" } },
    namespaceSelector: { matchNames: ["vault"] },
    endpoints: [
      {
        port: "https",
        targetPort: 8200,
        path: "/v1/sys/metrics",
        params: { format: ["prometheus"] },
        scheme: "https",
        interval: "30s",
        tlsConfig: { serverName: "vault.vault.svc", ca: { configMap: { name: "vault-ca", key: "ca.crt" } } },
      },
    ],
  },
};

const prometheusRule: Obj = {
  apiVersion: "monitoring.coreos.com/v1",
  kind: "PrometheusRule",
  metadata: { name: "vault", namespace: "vault" },
  spec: {
    groups: [
      {
        name: "vault",
        partial_response_strategy: "WARN",
        rules: [
          {
            alert: "VaultSealed",
            expr: "vault_core_unsealed == 0",
            for: "5m",
            labels: { severity: "critical" },
            annotations: { summary: "Vault {{ $labels.pod }} is sealed" },
          },
        ],
      },
    ],
  },
};

const certificate: Obj = {
  apiVersion: "cert-manager.io/v1",
  kind: "Certificate",
  metadata: { name: "vault-server-tls", namespace: "vault" },
  spec: {
    secretName: "vault-server-tls",
    duration: "2160h",
    renewBefore: "360h",
    dnsNames: ["vault", "vault.vault.svc", "*.vault-internal"],
    ipAddresses: ["127.0.0.1"],
    issuerRef: { name: "platform-ca", kind: "ClusterIssuer", group: "cert-manager.io" },
    privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
    usages: ["server auth", "client auth"],
  },
};

describe("validateManifest: built-in kinds (kubernetes-models, Kubernetes 1.33 schema)", () => {
  it("accepts a StatefulSet with persistentVolumeClaimRetentionPolicy", () => {
    expect(validateManifest(statefulSet)).toEqual([]);
  });

  it("rejects unknown StatefulSet fields at the top of spec and deep in the pod template", () => {
    const bad = edit(statefulSet, (m) => {
      m.spec.replica = 3;
      m.spec.template.spec.containers[0].imagePullPolicyy = "Always";
    });
    expect(validateManifest(bad)).toEqual([
      'spec.template.spec.containers[0]: unknown field "imagePullPolicyy"',
      'spec: unknown field "replica"',
    ]);
  });

  it("rejects wrong StatefulSet types and enum values", () => {
    const bad = edit(statefulSet, (m) => {
      m.spec.replicas = "3";
      m.spec.podManagementPolicy = "Sometimes";
    });
    expect(validateManifest(bad)).toEqual([
      'spec.podManagementPolicy: must be one of ["OrderedReady","Parallel"]',
      "spec.replicas: must be of type integer",
    ]);
  });

  it("accepts a NetworkPolicy and rejects an unknown nested field and a wrong type", () => {
    expect(validateManifest(networkPolicy)).toEqual([]);
    const bad = edit(networkPolicy, (m) => {
      m.spec.ingres = [];
      m.spec.ingress[0].ports[0].protocl = "TCP";
      m.spec.policyTypes = "Ingress";
    });
    expect(validateManifest(bad)).toEqual([
      'spec.ingress[0].ports[0]: unknown field "protocl"',
      "spec.policyTypes: must be of type array",
      'spec: unknown field "ingres"',
    ]);
  });

  it("accepts a PodDisruptionBudget with unhealthyPodEvictionPolicy, and rejects bad values and unknown fields", () => {
    expect(validateManifest(podDisruptionBudget)).toEqual([]);
    const bad = edit(podDisruptionBudget, (m) => {
      m.spec.unhealthyPodEvictionPolicy = "Never";
      m.spec.selector.matchLabel = { app: "vault" };
      m.spec.maxUnavailable = true;
      m.spec.minAvailabe = 2;
    });
    expect(validateManifest(bad)).toEqual([
      "spec.maxUnavailable: matches none of the allowed types",
      "spec.maxUnavailable: must be of type integer",
      "spec.maxUnavailable: must be of type string",
      'spec.selector: unknown field "matchLabel"',
      'spec.unhealthyPodEvictionPolicy: must be one of ["AlwaysAllow","IfHealthyBudget"]',
      'spec: unknown field "minAvailabe"',
    ]);
  });

  it("accepts a PriorityClass with a description (declared, but never read by the compiled validator) and still rejects unknown fields", () => {
    const pc = { apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", metadata: { name: "vault-critical" }, value: 1000000, globalDefault: false, description: "Vault" };
    expect(validateManifest(pc)).toEqual([]);
    expect(validateManifest({ ...pc, descriptoin: "typo" })).toEqual(['(root): unknown field "descriptoin"']);
  });

  it("rejects API versions removed before 1.28, unknown kinds and unknown top-level fields", () => {
    expect(validateManifest({ ...podDisruptionBudget, apiVersion: "policy/v1beta1" })).toEqual([
      "(root): unknown apiVersion/kind policy/v1beta1 PodDisruptionBudget",
    ]);
    expect(validateManifest({ apiVersion: "v1", kind: "ConfigMapp", metadata: { name: "x" } })).toEqual([
      "(root): unknown apiVersion/kind v1 ConfigMapp",
    ]);
    expect(validateManifest({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "x" } })).toEqual([
      "(root): unknown apiVersion/kind example.com/v1 Widget",
    ]);
    expect(validateManifest({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" }, dat: { a: "b" } })).toEqual([
      '(root): unknown field "dat"',
    ]);
  });

  it("checks metadata: required DNS name, string labels, qualified keys, no unknown fields", () => {
    expect(validateManifest({ apiVersion: "v1", kind: "ConfigMap", metadata: {}, data: { a: "b" } })).toEqual([
      'metadata.name: missing required field "name"',
    ]);
    const bad = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "vault.active", namespace: "Vault", labels: { tier: 1, "bad key!": "x" }, lables: {} },
      spec: { selector: { app: "vault" }, ports: [{ port: 8200 }] },
    };
    expect(validateManifest(bad)).toEqual([
      "metadata.labels.tier: must be of type string",
      'metadata.labels: key "bad key!": name part is not a qualified name',
      'metadata.name: "vault.active" is not a DNS-1123 label',
      'metadata.namespace: "Vault" is not a DNS-1123 label',
      'metadata: unknown field "lables"',
    ]);
    const rbac = { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "vault:auth-delegator" }, rules: [] };
    expect(validateManifest(rbac)).toEqual([]);
  });
});

describe("validateManifest: custom resources (CRD schemas under crds/)", () => {
  it("accepts an ExternalSecret in external-secrets.io/v1", () => {
    expect(validateManifest(externalSecret)).toEqual([]);
  });

  it("rejects external-secrets.io/v1beta1, which ESO v2.9.0 no longer serves", () => {
    expect(validateManifest({ ...externalSecret, apiVersion: "external-secrets.io/v1beta1" })).toEqual([
      "apiVersion: external-secrets.io/v1beta1 ExternalSecret is not served (served: external-secrets.io/v1)",
    ]);
    expect(validateManifest({ ...clusterSecretStore, apiVersion: "external-secrets.io/v1beta1" })).toEqual([
      "apiVersion: external-secrets.io/v1beta1 ClusterSecretStore is not served (served: external-secrets.io/v1)",
    ]);
  });

  it("rejects unknown ExternalSecret fields, wrong types and unknown metadata fields", () => {
    const bad = edit(externalSecret, (m) => {
      m.spec.refreshIntervall = "1h";
      m.spec.data[0].remoteRef.propery = "x";
      m.spec.target.creationPolicy = "Always";
      m.spec.data[0].secretKey = 7;
      m.metadata.anotations = {};
    });
    expect(validateManifest(bad)).toEqual([
      'metadata: unknown field "anotations"',
      'spec.data[0].remoteRef: unknown field "propery"',
      "spec.data[0].secretKey: must be of type string",
      'spec.target.creationPolicy: must be one of ["Owner","Orphan","Merge","None","CreateOrMerge"]',
      'spec: unknown field "refreshIntervall"',
    ]);
  });

  it("accepts a ClusterSecretStore with a vault provider and rejects unknown and mistyped fields", () => {
    expect(validateManifest(clusterSecretStore)).toEqual([]);
    const bad = edit(clusterSecretStore, (m) => {
      m.spec.providers = {};
      m.spec.provider.vault.auth.kubernetes.mountpath = "kubernetes";
      m.spec.provider.vault.version = 2;
    });
    expect(validateManifest(bad)).toEqual([
      'spec.provider.vault.auth.kubernetes: unknown field "mountpath"',
      "spec.provider.vault.version: must be of type string",
      'spec.provider.vault.version: must be one of ["v1","v2"]',
      'spec: unknown field "providers"',
    ]);
  });

  it("accepts a VaultDynamicSecret (free-form parameters) and rejects unknown and mistyped fields", () => {
    expect(validateManifest(vaultDynamicSecret)).toEqual([]);
    const bad = edit(vaultDynamicSecret, (m) => {
      m.spec.methods = "GET";
      m.spec.provider.auth.kubernetes.rol = "x";
      m.spec.provider.readYourWrites = "yes";
    });
    expect(validateManifest(bad)).toEqual([
      'spec.provider.auth.kubernetes: unknown field "rol"',
      "spec.provider.readYourWrites: must be of type boolean",
      'spec: unknown field "methods"',
    ]);
  });

  it("accepts a ServiceMonitor (int-or-string targetPort) and rejects unknown and mistyped fields", () => {
    expect(validateManifest(serviceMonitor)).toEqual([]);
    const bad = edit(serviceMonitor, (m) => {
      m.spec.endpoint = [];
      m.spec.endpoints[0].tlsConfig.insecureSkipVerifyy = true;
      m.spec.endpoints[0].targetPort = true;
    });
    expect(validateManifest(bad)).toEqual([
      "spec.endpoints[0].targetPort: matches none of the allowed types",
      "spec.endpoints[0].targetPort: must be of type integer",
      "spec.endpoints[0].targetPort: must be of type string",
      'spec.endpoints[0].tlsConfig: unknown field "insecureSkipVerifyy"',
      'spec: unknown field "endpoint"',
    ]);
  });

  it("accepts a PrometheusRule (Go (?i) pattern) and rejects unknown and mistyped fields", () => {
    expect(validateManifest(prometheusRule)).toEqual([]);
    const bad = edit(prometheusRule, (m) => {
      m.spec.group = [];
      m.spec.groups[0].rules[0].severity = "critical";
      m.spec.groups[0].rules[0].labels.severity = 1;
      m.spec.groups[0].partial_response_strategy = "ignore";
    });
    expect(validateManifest(bad)).toEqual([
      'spec.groups[0].partial_response_strategy: must match pattern "^(?i)(abort|warn)?$"',
      "spec.groups[0].rules[0].labels.severity: must be of type string",
      'spec.groups[0].rules[0]: unknown field "severity"',
      'spec: unknown field "group"',
    ]);
  });

  it("accepts a cert-manager Certificate and rejects unknown and mistyped fields", () => {
    expect(validateManifest(certificate)).toEqual([]);
    const bad = edit(certificate, (m) => {
      m.spec.dnsName = ["vault"];
      m.spec.issuerRef.namespace = "cert-manager";
      m.spec.privateKey.size = "256";
      m.spec.duration = 2160;
      m.spce = {};
    });
    expect(validateManifest(bad)).toEqual([
      '(root): unknown field "spce"',
      "spec.duration: must be of type string",
      'spec.issuerRef: unknown field "namespace"',
      "spec.privateKey.size: must be of type integer",
      'spec: unknown field "dnsName"',
    ]);
  });

  it("checks custom resource metadata against ObjectMeta and the DNS name rules", () => {
    const bad = edit(certificate, (m) => {
      m.metadata.name = "Vault_TLS";
      m.metadata.labels = { team: ["platform"] };
    });
    expect(validateManifest(bad)).toEqual([
      "metadata.labels.team: must be of type string",
      'metadata.name: "Vault_TLS" is not a DNS-1123 subdomain',
    ]);
  });
});

describe("validateManifests", () => {
  it("names each manifest in its problems and passes a valid set", () => {
    expect(validateManifests([statefulSet, clusterSecretStore, certificate])).toEqual([]);
    const bad = edit(certificate, (m) => delete m.spec.secretName);
    expect(validateManifests([statefulSet, bad])).toEqual([
      'cert-manager.io/v1 Certificate vault/vault-server-tls: spec: missing required field "secretName"',
    ]);
  });
});

describe("kustomizeBuild", () => {
  it("builds a kustomization with kubectl and returns the parsed objects", () => {
    const dir = mkdtempSync(join(tmpdir(), "vep-kustomize-"));
    writeFileSync(
      join(dir, "kustomization.yaml"),
      "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: vault\nlabels:\n  - pairs:\n      team: platform\nresources:\n  - config.yaml\n",
    );
    writeFileSync(join(dir, "config.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: vault-config\ndata:\n  ui: \"true\"\n");
    const r = kustomizeBuild(dir);
    expect(r.stderr).toBe("");
    expect(r.ok).toBe(true);
    expect(r.objects).toEqual([
      {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "vault-config", namespace: "vault", labels: { team: "platform" } },
        data: { ui: "true" },
      },
    ]);
    expect(validateManifests(r.objects)).toEqual([]);
  });

  it("reports a kustomization naming a missing resource as not ok", () => {
    const dir = mkdtempSync(join(tmpdir(), "vep-kustomize-"));
    writeFileSync(join(dir, "kustomization.yaml"), "resources:\n  - missing.yaml\n");
    const r = kustomizeBuild(dir);
    expect(r.ok).toBe(false);
    expect(r.stderr).toContain("missing.yaml");
    expect(r.objects).toEqual([]);
  });
});
