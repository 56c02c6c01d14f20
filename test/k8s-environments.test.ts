import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { allows, type AclRule } from "../checks/vault-acl";
import type { PlatformSpecInput } from "../spec/schema";
import { find, type RenderedObject, synthDist } from "./helpers/dist";
import { referenceCopy, ROOT } from "./helpers/synth";
import { byArg, parsedPolicies, type StackJson, synthStacks } from "./helpers/vault-stack";

/** ESO stores, ExternalSecrets, generators and environment namespaces, read back from dist/. */
const vclusterSpec = () => parseYaml(readFileSync(join(ROOT, "examples/vcluster-oidc.yaml"), "utf8")) as PlatformSpecInput;

describe("external secrets: reference spec", () => {
  let objects: RenderedObject[];
  beforeAll(() => ({ objects } = synthDist(referenceCopy())));

  it("one ClusterSecretStore per environment: active Vault over TLS, KV v2, the environment's role and service account, its namespace only", () => {
    expect(find(objects, "ClusterSecretStore", "vault-dev").spec).toEqual({
      conditions: [{ namespaces: ["dev"] }],
      provider: {
        vault: {
          server: "https://vault-active.vault.svc:8200",
          path: "secret",
          version: "v2",
          caProvider: { type: "ConfigMap", name: "vault-ca", key: "ca.crt", namespace: "external-secrets" },
          auth: { kubernetes: { mountPath: "kubernetes", role: "eso-dev", serviceAccountRef: { name: "eso-vault-store", namespace: "dev", audiences: ["vault"] } } },
        },
      },
    });
    expect(objects.filter((o) => o.obj.kind === "ClusterSecretStore").map((o) => o.obj.metadata.name).sort()).toEqual(["aws-secrets-manager", "vault-dev", "vault-production", "vault-staging"]);
  });

  it("the CA the stores trust is the spec's CA certificate", () => {
    const pem = String(referenceCopy().vault.tls.caCertificate);
    expect(find(objects, "ConfigMap", "vault-ca", "external-secrets").data["ca.crt"]).toBe(pem);
    expect(find(objects, "ConfigMap", "vault-ca", "dev").data["ca.crt"]).toBe(pem);
  });

  it("a static ExternalSecret maps each key of the service's KV secret, with every defaulted field written out", () => {
    expect(find(objects, "ExternalSecret", "payment-service-stripe", "staging").spec).toEqual({
      refreshInterval: "1h0m0s",
      refreshPolicy: "Periodic",
      secretStoreRef: { kind: "ClusterSecretStore", name: "vault-staging" },
      // (issue 14.2) a template with metadata only: Reloader's match annotation, the fetched keys as they are.
      target: {
        name: "payment-service-stripe",
        creationPolicy: "Owner",
        deletionPolicy: "Retain",
        template: { type: "Opaque", engineVersion: "v2", mergePolicy: "Replace", metadata: { annotations: { "reloader.stakater.com/match": "true" } } },
      },
      data: ["STRIPE_API_KEY", "STRIPE_WEBHOOK_SECRET"].map((k) => ({
        secretKey: k,
        remoteRef: { key: "apps/staging/payment-service/stripe", property: k, conversionStrategy: "Default", decodingStrategy: "None", metadataPolicy: "None" },
      })),
    });
  });

  it("database credentials come from a VaultDynamicSecret generator, DATABASE_URL built from parts, renewed at half the TTL", () => {
    const es = find(objects, "ExternalSecret", "user-service-users-db", "production").spec;
    expect(es.dataFrom).toEqual([{ sourceRef: { generatorRef: { apiVersion: "generators.external-secrets.io/v1alpha1", kind: "VaultDynamicSecret", name: "user-service-users-db" } } }]);
    expect(es.data).toBeUndefined();
    expect(es.refreshInterval).toBe("30m0s");
    expect(es.target.template).toEqual({
      type: "Opaque",
      engineVersion: "v2",
      mergePolicy: "Merge",
      metadata: { annotations: { "reloader.stakater.com/match": "true" } },
      data: {
        DATABASE_URL: "postgresql://{{ .username }}:{{ .password }}@postgres.production.shop.internal:5432/users?sslmode=verify-full",
        PGUSER: "{{ .username }}",
        PGPASSWORD: "{{ .password }}",
      },
    });
    const gen = find(objects, "VaultDynamicSecret", "user-service-users-db", "production").spec;
    expect(gen).toMatchObject({ path: "/database/creds/production-user-service-users", method: "GET", resultType: "Data" });
    expect(gen.provider.auth.kubernetes).toEqual({ mountPath: "kubernetes", role: "eso-production", serviceAccountRef: { name: "eso-vault-store", audiences: ["vault"] } });
    expect(gen.provider.caProvider).toEqual({ type: "ConfigMap", name: "vault-ca", key: "ca.crt" });
  });

  it("shared services: credentials from KV, endpoints from the spec", () => {
    const kafka = find(objects, "ExternalSecret", "payment-service-kafka", "dev").spec;
    expect(kafka.data.map((d: { remoteRef: { key: string; property: string } }) => `${d.remoteRef.key}#${d.remoteRef.property}`)).toEqual([
      "shared-services/kafka/dev#password",
      "shared-services/kafka/dev#username",
    ]);
    expect(kafka.target.template.data.KAFKA_BOOTSTRAP_SERVERS).toBe("kafka.dev.shop.internal:9096");
    expect(find(objects, "ExternalSecret", "user-service-redis", "dev").spec.target.template.data).toEqual({ REDIS_URL: "rediss://:{{ .password | urlquery }}@redis.dev.shop.internal:6379" });
  });

  it("the Secrets Manager store uses the prefix-scoped IRSA role through a dedicated service account", () => {
    expect(find(objects, "ClusterSecretStore", "aws-secrets-manager").spec.provider.aws).toEqual({
      service: "SecretsManager",
      region: "eu-west-1",
      sessionTagsPolicy: "None",
      auth: { jwt: { serviceAccountRef: { name: "eso-secretsmanager", namespace: "external-secrets" } } },
    });
    expect(find(objects, "ServiceAccount", "eso-secretsmanager", "external-secrets").metadata.annotations["eks.amazonaws.com/role-arn"]).toBe(
      "arn:aws:iam::111122223333:role/shop-eso-secretsmanager",
    );
  });

  it("environment namespaces enforce restricted Pod Security, deny by default and open only DNS and Vault", () => {
    expect(find(objects, "Namespace", "dev").metadata.labels).toMatchObject({ "pod-security.kubernetes.io/enforce": "restricted" });
    const policies = objects.filter((o) => o.obj.kind === "NetworkPolicy" && o.obj.metadata.namespace === "dev").map((o) => o.obj);
    expect(policies.map((p) => p.metadata.name).sort()).toEqual(["allow-dns-and-vault-egress", "default-deny-all"]);
    for (const p of policies) expect(p.spec.policyTypes).toEqual(["Ingress", "Egress"]);
    const deny = policies.find((p) => p.metadata.name === "default-deny-all")!;
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [], egress: [] });
    const allow = policies.find((p) => p.metadata.name === "allow-dns-and-vault-egress")!;
    expect(allow.spec.ingress).toEqual([]);
    expect(allow.spec.egress[1]).toEqual({
      to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "vault" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "vault" } } }],
      ports: [{ protocol: "TCP", port: 8200 }],
    });
  });

  it("a namespace where no service logs in itself gets DNS only: ESO calls Vault from its own namespace (VEP-X04)", () => {
    const spec = referenceCopy();
    for (const svc of spec.services!) Object.assign(svc, { vaultLogin: "none", transitKeys: [] });
    const dev = synthDist(spec).objects.filter((o) => o.obj.kind === "NetworkPolicy" && o.obj.metadata.namespace === "dev").map((o) => o.obj);
    expect(dev.map((p) => p.metadata.name).sort()).toEqual(["allow-dns-egress", "default-deny-all"]);
    expect(dev.find((p) => p.metadata.name === "allow-dns-egress")!.spec.egress).toEqual([
      {
        to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
        ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }],
      },
    ]);
  });

  it("service accounts exist for every workload a Vault role binds, without automounted tokens", () => {
    for (const ns of ["dev", "staging", "production"]) {
      for (const sa of ["eso-vault-store", "user-service", "payment-service", "notification-service"]) {
        expect(find(objects, "ServiceAccount", sa, ns).automountServiceAccountToken, `${ns}/${sa}`).toBe(false);
      }
    }
  });
});

describe("external secrets: an environment in its own vcluster", () => {
  let objects: RenderedObject[];
  beforeAll(() => ({ objects } = synthDist(vclusterSpec())));

  it("gets a namespaced SecretStore reaching Vault at its external address through the cluster's own auth mount", () => {
    const store = objects.find((o) => o.file === "staging-vcluster/env-staging/secretstore-vault.yaml")!.obj;
    expect(store.metadata.namespace).toBe("staging");
    expect(store.spec.provider.vault).toMatchObject({
      server: "https://vault.shop.internal:8200",
      caProvider: { type: "ConfigMap", name: "vault-ca", key: "ca.crt" },
      // Vault reviews a dedicated cluster's token with the token itself: it must also be an API token there.
      auth: { kubernetes: { mountPath: "kubernetes-staging-vcluster", role: "eso-staging", serviceAccountRef: { name: "eso-vault-store", audiences: ["vault", "https://kubernetes.default.svc.cluster.local"] } } },
    });
    expect(find(objects, "ExternalSecret", "user-service-auth", "staging").spec.secretStoreRef).toEqual({ kind: "SecretStore", name: "vault" });
  });

  it("(issue 7.8) with Pod Identity, the Secrets Manager store still names its own IRSA service account, so no store without auth inherits the role", () => {
    const store = find(objects, "ClusterSecretStore", "aws-secrets-manager").spec;
    expect(store.conditions).toEqual([{ namespaces: ["dev", "production"] }]);
    expect(store.provider.aws.auth).toEqual({ jwt: { serviceAccountRef: { name: "eso-secretsmanager", namespace: "external-secrets" } } });
    const sa = find(objects, "ServiceAccount", "eso-secretsmanager", "external-secrets");
    expect(sa.metadata.annotations["eks.amazonaws.com/role-arn"]).toBe("arn:aws:iam::111122223333:role/shop-eso-secretsmanager");
    expect(sa.automountServiceAccountToken).toBe(false);
  });

  it("its store's service account may review its own token (system:auth-delegator), and egress goes only to where Vault's address resolves", () => {
    const crb = find(objects, "ClusterRoleBinding", "staging-eso-vault-store-auth-delegator");
    expect(crb.roleRef).toEqual({ apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:auth-delegator" });
    expect(crb.subjects).toEqual([{ kind: "ServiceAccount", name: "eso-vault-store", namespace: "staging" }]);
    const egress = find(objects, "NetworkPolicy", "allow-dns-and-vault-egress", "staging").spec.egress[1];
    // vault.externalAddressCidrs (the load balancer's subnets), not the whole VPC.
    expect(egress).toEqual({ to: ["10.40.4.0/24", "10.40.5.0/24", "10.40.6.0/24"].map((cidr) => ({ ipBlock: { cidr } })), ports: [{ protocol: "TCP", port: 8200 }] });
  });

  it("a namespace whose service logs in with AWS IAM (Pod Identity) may reach the agent, not STS; others may not", () => {
    // The agent hands out the credentials; the login is signed locally and sent to Vault, which calls STS.
    const aws = find(objects, "NetworkPolicy", "allow-aws-credentials-egress", "dev").spec;
    expect(aws.egress).toEqual([
      { to: [{ ipBlock: { cidr: "169.254.170.23/32" } }, { ipBlock: { cidr: "fd00:ec2::23/128" } }], ports: [{ protocol: "TCP", port: 80 }] },
    ]);
    expect(aws.policyTypes).toEqual(["Ingress", "Egress"]);
    expect(() => find(objects, "NetworkPolicy", "allow-aws-credentials-egress", "staging")).toThrow();
  });
});

/**
 * The layers agree: every ExternalSecret and generator, followed through its store to the Vault
 * auth role (in the synthesized Vault stack), the service account that role binds (in dist/) and
 * the role's policies (parsed by HCL), may read exactly what it asks for, and not a neighbour's.
 */
describe.each([
  ["reference spec", referenceCopy],
  ["vcluster example", vclusterSpec],
])("cross-layer: every ExternalSecret can read its paths and nothing of another environment (%s)", (_n, spec) => {
  let objects: RenderedObject[];
  let vault: StackJson;
  let policies: Awaited<ReturnType<typeof parsedPolicies>>;
  beforeAll(async () => {
    ({ objects } = synthDist(spec()));
    vault = synthStacks(spec()).vault;
    policies = await parsedPolicies(vault);
  });

  // An environment's role names its mount by path (its stack holds no mount); the core's roles reference theirs.
  const mountPathOf = (backend: string) => {
    const ref = /^\$\{vault_auth_backend\.([a-z0-9_]+)\.path\}$/.exec(backend);
    return ref ? String(vault.resource.vault_auth_backend[ref[1]].path) : backend;
  };
  const storeOf = (namespace: string, ref: { kind: string; name: string }) =>
    ref.kind === "ClusterSecretStore" ? find(objects, "ClusterSecretStore", ref.name) : find(objects, "SecretStore", ref.name, namespace);
  const rulesOfRole = (vaultProvider: { auth: { kubernetes: { mountPath: string; role: string; serviceAccountRef: { name: string; namespace?: string } } } }, namespace: string): AclRule[] => {
    const k = vaultProvider.auth.kubernetes;
    const role = Object.values(byArg(vault, "vault_kubernetes_auth_backend_role", "role_name")).find((r) => r.role_name === k.role && mountPathOf(String(r.backend)) === k.mountPath);
    expect(role, `Vault role ${k.mountPath}/${k.role}`).toBeDefined();
    const saNamespace = k.serviceAccountRef.namespace ?? namespace;
    expect(role!.bound_service_account_names).toEqual([k.serviceAccountRef.name]);
    expect(role!.bound_service_account_namespaces).toEqual([saNamespace]);
    expect(() => find(objects, "ServiceAccount", k.serviceAccountRef.name, saNamespace)).not.toThrow();
    return (role!.token_policies as string[]).flatMap((p) => policies.get(p)!.rules);
  };

  it("static and shared-service secrets", () => {
    const all = objects.filter((o) => o.obj.kind === "ExternalSecret" && o.obj.spec.data);
    expect(all.length).toBeGreaterThan(10);
    for (const { obj } of all) {
      const store = storeOf(obj.metadata.namespace, obj.spec.secretStoreRef);
      const rules = rulesOfRole(store.spec.provider.vault, obj.metadata.namespace);
      const env = obj.metadata.labels["vault-eks-platform/environment"];
      for (const d of obj.spec.data) {
        expect(allows(rules, `secret/data/${d.remoteRef.key}`, "read"), `${obj.metadata.name} -> ${d.remoteRef.key}`).toBe(true);
        const elsewhere = d.remoteRef.key.replace(`/${env}`, env === "production" ? "/dev" : "/production");
        expect(allows(rules, `secret/data/${elsewhere}`, "read"), `${obj.metadata.name} must not read ${elsewhere}`).toBe(false);
      }
    }
  });

  it("dynamic database credentials", () => {
    const gens = objects.filter((o) => o.obj.kind === "VaultDynamicSecret" && o.obj.spec.method === "GET");
    expect(gens.length).toBeGreaterThan(0);
    for (const { obj } of gens) {
      const rules = rulesOfRole(obj.spec.provider, obj.metadata.namespace);
      const path = obj.spec.path.replace(/^\//, "");
      expect(allows(rules, path, "read"), `${obj.metadata.name} -> ${path}`).toBe(true);
      expect(byArg(vault, "vault_database_secret_backend_role", "name")[path.split("/").at(-1)!], path).toBeDefined();
      const env = obj.metadata.namespace;
      const other = path.replace(`creds/${env}-`, env === "production" ? "creds/dev-" : "creds/production-");
      expect(allows(rules, other, "read"), `${obj.metadata.name} must not read ${other}`).toBe(false);
    }
  });

  it("(issue 15.6) certificates: the generator's POST is allowed on its environment's PKI role only, and every name it asks for is one that role issues", () => {
    const gens = objects.filter((o) => o.obj.kind === "VaultDynamicSecret" && o.obj.spec.method !== "GET");
    const roles = byArg(vault, "vault_pki_secret_backend_role", "name");
    for (const { obj } of gens) {
      expect(obj.spec.method).toBe("POST");
      const rules = rulesOfRole(obj.spec.provider, obj.metadata.namespace);
      const path = obj.spec.path.replace(/^\//, "");
      expect(path).toMatch(/^pki\/issue\/[a-z0-9-]+-cert$/);
      // ESO's generator writes with PUT: an update on a path without an existence check.
      expect(allows(rules, path, "update"), `${obj.metadata.name} -> ${path}`).toBe(true);
      const roleName = path.split("/").at(-1)!;
      const env = roleName.replace(/-cert$/, "");
      const other = path.replace(`${env}-cert`, env === "production" ? "dev-cert" : "production-cert");
      expect(allows(rules, other, "update"), `${obj.metadata.name} must not issue from ${other}`).toBe(false);
      const allowed = roles[roleName]!.allowed_domains as string[];
      const names = [obj.spec.parameters.common_name, ...String(obj.spec.parameters.alt_names).split(",")];
      for (const n of names) expect(allowed.some((d) => n.endsWith(`.${d}`)), `${n} within ${allowed.join(", ")}`).toBe(true);
    }
    if (spec === vclusterSpec) expect(gens.map((g) => `${g.obj.metadata.namespace}/${g.obj.metadata.name}`).sort()).toEqual(["dev/payment-service-tls", "production/payment-service-tls", "staging/payment-service-tls"]);
    else expect(gens).toEqual([]);
  });
});

describe("(issue 15.6) a certificate a service asks for (vcluster example)", () => {
  let objects: RenderedObject[];
  beforeAll(() => ({ objects } = synthDist(vclusterSpec())));

  it("a VaultDynamicSecret POSTs to the environment's PKI role with the service's in-cluster names; the ExternalSecret writes a kubernetes.io/tls Secret, re-issued at half the certificate TTL", () => {
    expect(find(objects, "VaultDynamicSecret", "payment-service-tls", "dev").spec).toMatchObject({
      path: "/pki/issue/dev-cert",
      method: "POST",
      parameters: { common_name: "payment-service.dev.svc", alt_names: "payment-service.dev.svc.cluster.local", ttl: "72h" },
      resultType: "Data",
      allowEmptyResponse: false,
    });
    const es = find(objects, "ExternalSecret", "payment-service-tls", "staging").spec;
    expect(es.refreshInterval).toBe("36h0m0s");
    expect(es.secretStoreRef).toEqual({ kind: "SecretStore", name: "vault" });
    expect(es.dataFrom).toEqual([{ sourceRef: { generatorRef: { apiVersion: "generators.external-secrets.io/v1alpha1", kind: "VaultDynamicSecret", name: "payment-service-tls" } } }]);
    expect(es.target.template).toEqual({
      type: "kubernetes.io/tls",
      engineVersion: "v2",
      mergePolicy: "Replace",
      // Stakater Reloader rolls the service when its certificate is re-issued (issue 14, secretReload: reloader).
      metadata: { annotations: { "reloader.stakater.com/match": "true" } },
      data: { "tls.crt": "{{ .certificate }}\n{{ .issuing_ca }}", "tls.key": "{{ .private_key }}", "ca.crt": "{{ .issuing_ca }}" },
    });
    // The staging generator logs in through the vcluster's own mount, like its store.
    expect(find(objects, "VaultDynamicSecret", "payment-service-tls", "staging").spec.provider.auth.kubernetes.mountPath).toBe("kubernetes-staging-vcluster");
  });
});
