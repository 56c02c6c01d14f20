import { beforeAll, describe, expect, it } from "vitest";
import { boundServiceAccounts } from "../checks/cross/vep-x08-bound-service-accounts";
import { writersReadNothingConsumersRead } from "../checks/cross/vep-x11-writers-read-nothing-consumers-read";
import { runChecks } from "../checks/run";
import type { Check } from "../checks/types";
import { allows, type AclRule, capabilitiesFor } from "../checks/vault-acl";
import type { Obj, Synthesis } from "../lib/synthesis";
import type { PlatformSpecInput } from "../spec/schema";
import { synthDist } from "./helpers/dist";
import { validateManifest } from "./helpers/k8s-validate";
import { referenceCopy } from "./helpers/synth";
import { specByName, synthesisOf } from "./helpers/synthesis";
import { byArg, parsedPolicies, type StackJson, synthStacks } from "./helpers/vault-stack";

/**
 * Platform writers (issue 12): what Crossplane and Backstage may do in Vault, proven with Vault's
 * ACL rules (checks/vault-acl.ts) on the policies as HashiCorp's HCL parser reads them from the
 * synthesized stack, and how the rendered Composition, SecretStore and NetworkPolicy meet them.
 */
const withWriters = (): PlatformSpecInput => ({
  ...referenceCopy(),
  platformWriters: { crossplane: { environments: ["dev", "staging"] }, backstage: {} },
});

const CAPABILITIES = ["create", "read", "update", "patch", "delete", "list", "sudo"];
const granted = (rules: AclRule[], path: string) => CAPABILITIES.filter((c) => allows(rules, path, c));

describe("platform writers in Vault (reference spec + platformWriters)", () => {
  let stack: StackJson;
  let crossplane: AclRule[];
  let backstage: AclRule[];
  beforeAll(async () => {
    stack = synthStacks(withWriters()).vault;
    const policies = await parsedPolicies(stack);
    crossplane = policies.get("writer-crossplane")!.rules;
    backstage = policies.get("writer-backstage")!.rules;
  });

  it("Crossplane creates, reads and updates infrastructure/databases/<env>/ of the environments it serves: no delete, no list, nothing elsewhere", () => {
    for (const env of ["dev", "staging"]) {
      expect(granted(crossplane, `secret/data/infrastructure/databases/${env}/orders`), env).toEqual(["create", "read", "update"]);
      expect(granted(crossplane, `secret/metadata/infrastructure/databases/${env}/orders`), env).toEqual(["create", "read", "update"]);
      expect(granted(crossplane, `secret/metadata/infrastructure/databases/${env}/`), env).toEqual(["create", "read", "update"]);
    }
    for (const path of [
      "secret/data/infrastructure/databases/production/orders",
      "secret/metadata/infrastructure/databases/production/orders",
      "secret/data/infrastructure/databases/dev",
      "secret/data/infrastructure/clusters/dev",
      "secret/data/apps/dev/user-service/auth",
      "secret/metadata/apps/dev/user-service/auth",
      "secret/data/shared-services/kafka/dev",
      "secret/destroy/infrastructure/databases/dev/orders",
      "secret/delete/infrastructure/databases/dev/orders",
      "database/creds/dev-user-service-users",
      "sys/policies/acl/writer-crossplane",
    ]) {
      expect(granted(crossplane, path), path).toEqual([]);
    }
  });

  it("Backstage lists and reads metadata of the services' secrets only: never data/, never a write", () => {
    for (const env of ["dev", "staging", "production"]) {
      expect(granted(backstage, `secret/metadata/apps/${env}/`), env).toEqual(["read", "list"]);
      expect(granted(backstage, `secret/metadata/apps/${env}/payment-service/stripe`), env).toEqual(["read", "list"]);
      expect(granted(backstage, `secret/data/apps/${env}/payment-service/stripe`), env).toEqual([]);
    }
    for (const path of ["secret/metadata/", "secret/metadata/infrastructure/databases/dev/orders", "secret/data/shared-services/kafka/dev", "secret/metadata/ci-cd/argocd/token", "database/creds/dev-user-service-users"]) {
      expect(granted(backstage, path), path).toEqual([]);
    }
  });

  it("neither writer can touch any path a service, an ESO store or a CI consumer reads (every KV entry and database role the stack declares)", () => {
    const read = [
      ...Object.values(byArg(stack, "vault_generic_endpoint", "path")).map((e) => String(e.path).replace(/^secret\/metadata\//, "secret/data/")),
      ...Object.keys(byArg(stack, "vault_database_secret_backend_role", "name")).map((r) => `database/creds/${r}`),
      "secret/data/ci-cd/argocd/token",
      "secret/data/clusters/production",
    ];
    expect(read).toContain("secret/data/apps/production/user-service/auth");
    expect(read).toContain("secret/data/shared-services/redis/staging");
    expect(read).toContain("database/creds/production-payment-service-payments");
    expect(read.length).toBeGreaterThan(20);
    for (const path of read) {
      expect([...capabilitiesFor(crossplane, path)], `crossplane on ${path}`).toEqual([]);
      expect([...capabilitiesFor(backstage, path)], `backstage on ${path}`).toEqual([]);
    }
  });

  it("each writer's role binds exactly its own service account, with the Vault audience and its own policy", () => {
    const roles = byArg(stack, "vault_kubernetes_auth_backend_role", "role_name");
    const pick = (r: Record<string, unknown>) => ({ names: r.bound_service_account_names, namespaces: r.bound_service_account_namespaces, audience: r.audience, policies: r.token_policies });
    expect(pick(roles["writer-crossplane"])).toEqual({ names: ["crossplane-vault-writer"], namespaces: ["crossplane-system"], audience: "vault", policies: ["writer-crossplane"] });
    expect(pick(roles["writer-backstage"])).toEqual({ names: ["backstage"], namespaces: ["backstage"], audience: "vault", policies: ["writer-backstage"] });
  });
});

describe("Crossplane's Composition and the writers' Kubernetes objects", () => {
  let objects: { file: string; obj: Obj }[];
  const one = (file: string) => objects.find((o) => o.file === file)?.obj ?? expect.fail(`no ${file} in ${objects.map((o) => o.file).join(", ")}`);
  beforeAll(() => void ({ objects } = synthDist(withWriters())));

  it("renders each writer in its own folder of the primary cluster", () => {
    expect(objects.filter((o) => /^shop-platform\/(crossplane|backstage)\//.test(o.file)).map((o) => o.file)).toEqual([
      "shop-platform/backstage/configmap-vault-ca.yaml",
      "shop-platform/backstage/serviceaccount-backstage.yaml",
      "shop-platform/crossplane/compositeresourcedefinition-postgresqldatabases.shop.vault-eks-platform.io.yaml",
      "shop-platform/crossplane/composition-postgresql-database-vault.yaml",
      "shop-platform/crossplane/configmap-vault-ca.yaml",
      "shop-platform/crossplane/secretstore-vault-infrastructure-databases.yaml",
      "shop-platform/crossplane/serviceaccount-crossplane-vault-writer.yaml",
    ]);
  });

  it("the CRD schemas are enforced: an unknown or mistyped field in the XRD or the Composition is a problem", () => {
    const xrd = one("shop-platform/crossplane/compositeresourcedefinition-postgresqldatabases.shop.vault-eks-platform.io.yaml");
    const composition = one("shop-platform/crossplane/composition-postgresql-database-vault.yaml");
    expect(validateManifest(xrd)).toEqual([]);
    expect(validateManifest(composition)).toEqual([]);
    expect(validateManifest({ ...composition, spec: { ...composition.spec, resources: [] } }).join("\n")).toMatch(/resources/);
    expect(validateManifest({ ...composition, spec: { ...composition.spec, mode: "Resources" } }).join("\n")).toMatch(/mode/);
    expect(validateManifest({ ...xrd, spec: { ...xrd.spec, scope: "Global" } }).join("\n")).toMatch(/scope/);
    expect(validateManifest({ ...xrd, apiVersion: "apiextensions.crossplane.io/v3" }).length).toBeGreaterThan(0);
  });

  it("an XR names an environment the writer serves, and its connection details land where writer-crossplane may write", async () => {
    const xrd = one("shop-platform/crossplane/compositeresourcedefinition-postgresqldatabases.shop.vault-eks-platform.io.yaml");
    const composition = one("shop-platform/crossplane/composition-postgresql-database-vault.yaml");
    const version = xrd.spec.versions[0];
    expect(composition.spec.compositeTypeRef).toEqual({ apiVersion: `${xrd.spec.group}/${version.name}`, kind: xrd.spec.names.kind });
    const envs: string[] = version.schema.openAPIV3Schema.properties.spec.properties.environment.enum;
    expect(envs).toEqual(["dev", "staging"]);

    const resources = composition.spec.pipeline[0].input.resources;
    expect(resources.map((r: Obj) => `${r.base.apiVersion} ${r.base.kind}`)).toEqual([
      "postgresql.sql.m.crossplane.io/v1alpha1 Database",
      "postgresql.sql.m.crossplane.io/v1alpha1 Role",
      "postgresql.sql.m.crossplane.io/v1alpha1 Grant",
      "external-secrets.io/v1alpha1 PushSecret",
    ]);
    const push = resources[3];
    expect(push.base.spec.deletionPolicy).toBe("None");
    const key = push.patches.find((p: Obj) => p.toFieldPath === "spec.data[0].match.remoteRef.remoteKey");
    expect(key.combine.variables.map((v: Obj) => v.fromFieldPath)).toEqual(["spec.environment", "metadata.name"]);
    // The Role writes its connection Secret under the name the PushSecret selects.
    const role = resources[1];
    const secretOf = (r: Obj, to: string) => r.patches.find((p: Obj) => p.toFieldPath === to)?.transforms?.[0]?.string?.fmt;
    expect(secretOf(push, "spec.selector.secret.name")).toBe(secretOf(role, "spec.writeConnectionSecretToRef.name"));

    const store = one("shop-platform/crossplane/secretstore-vault-infrastructure-databases.yaml");
    expect(push.base.spec.secretStoreRefs).toEqual([{ kind: "SecretStore", name: store.metadata.name }]);
    const login = store.spec.provider.vault.auth.kubernetes;
    expect(login).toEqual({ mountPath: "kubernetes", role: "writer-crossplane", serviceAccountRef: { name: "crossplane-vault-writer", audiences: ["vault"] } });
    expect(store.metadata.namespace).toBe("crossplane-system");

    // Every remote key the Composition can produce (Go's %s, for each environment the XRD admits) is writable by the store's role.
    const rules = (await parsedPolicies(synthStacks(withWriters()).vault)).get(login.role)!.rules;
    for (const env of envs) {
      let i = 0;
      const remoteKey = key.combine.string.fmt.replace(/%s/g, () => [env, "orders"][i++]);
      for (const area of ["data", "metadata"]) expect(granted(rules, `${store.spec.provider.vault.path}/${area}/${remoteKey}`), `${env} ${area}`).toEqual(["create", "read", "update"]);
    }
  });

  it("Vault admits Backstage's namespace on 8200 (it logs in itself), not Crossplane's (ESO's controller pushes for it)", () => {
    const policy = one("shop-platform/vault/networkpolicy-vault-server.yaml");
    const admitted = policy.spec.ingress
      .filter((r: Obj) => r.ports?.some((p: Obj) => p.port === 8200))
      .flatMap((r: Obj) => r.from ?? [])
      .flatMap((f: Obj) => f.namespaceSelector?.matchExpressions?.flatMap((e: Obj) => e.values) ?? []);
    expect(admitted).toContain("backstage");
    expect(admitted).toContain("external-secrets");
    expect(admitted).not.toContain("crossplane-system");
  });
});

describe("the checks follow the writers (examples/platform-writers.yaml)", () => {
  let good: Synthesis;
  beforeAll(async () => void (good = await synthesisOf(specByName("examples/platform-writers.yaml"))));
  const findings = async (edit: (s: Synthesis) => void, check: Check) => {
    const s = structuredClone(good);
    edit(s);
    return (await runChecks(s, { checks: [check] })).findings.map((f) => `${f.check} ${f.resource}: ${f.message}`);
  };

  it("VEP-X08: a writer's role whose service account is gone is found even when nothing else of the output is in its namespace", async () => {
    const dropBackstage = (s: Synthesis) => {
      for (const key of Object.keys(s.kubernetes.manifests)) if (key.startsWith("forge/backstage/")) delete s.kubernetes.manifests[key];
    };
    expect(await findings(dropBackstage, boundServiceAccounts)).toEqual([
      "VEP-X08 vault-core/vault_kubernetes_auth_backend_role.auth_kubernetes_role_writer_backstage: role writer-backstage (auth/kubernetes) binds backstage/backstage, which no manifest of cluster forge renders",
    ]);
    expect(await findings(() => {}, boundServiceAccounts)).toEqual([]);
  });

  it("VEP-X11: Crossplane's role rebound to a policy that reads application secrets is found, path by path", async () => {
    const widen = (s: Synthesis) => {
      const r = s.terraform.stacks["vault-core"].resource.vault_kubernetes_auth_backend_role.auth_kubernetes_role_writer_crossplane;
      r.token_policies = [...r.token_policies, "eso-production"];
    };
    expect(await findings(widen, writersReadNothingConsumersRead)).toEqual([
      "VEP-X11 vault-core/vault_kubernetes_auth_backend_role.auth_kubernetes_role_writer_crossplane: writer role writer-crossplane's policies [writer-crossplane,eso-production] grant [read] on secret/data/apps/production/api/config, which role eso-production (ClusterSecretStore vault-production) reads: a writer never reaches what consumers read",
    ]);
  });
});
