import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { neededFlows } from "../checks/cross/vep-x03-needed-flows";
import { unneededFlows } from "../checks/cross/vep-x04-unneeded-flows";
import { secretReachability } from "../checks/cross/vep-x01-secret-reachability";
import { runChecks } from "../checks/run";
import type { Synthesis } from "../lib/synthesis";
import { kubernetesFiles } from "../lib/write-synthesis";
import { validateManifests } from "./helpers/k8s-validate";
import { specByName, synthesisOf, vaultOf } from "./helpers/synthesis";

/**
 * The CSI delivery (examples/csi.yaml, service api): a SecretProviderClass the strict schema of
 * secrets-store-csi-driver v1.6.0 accepts, whose files are exactly the keys ESO would have
 * written; the reachability check follows its objects to the service's own role; Vault admits the
 * CSI provider's namespace (not more) and the network checks know that flow.
 */
const SPC = "csi/env-dev/secretproviderclass-api-vault.yaml";
let good: Synthesis;
beforeAll(async () => void (good = await synthesisOf(specByName("examples/csi.yaml"))));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const spcOf = (s: Synthesis) => s.kubernetes.manifests[SPC] as any;

describe("SecretProviderClass", () => {
  it("is the Vault provider's class for api: its own role, Vault's audience, TLS with the CA, KV v2 through data/, no secretObjects", () => {
    const spc = spcOf(good);
    expect(validateManifests([spc])).toEqual([]);
    expect(spc.apiVersion).toBe("secrets-store.csi.x-k8s.io/v1");
    expect(spc.metadata).toMatchObject({ name: "api-vault", namespace: "dev" });
    expect(spc.spec.secretObjects).toBeUndefined();
    expect({ ...spc.spec, parameters: { ...spc.spec.parameters, objects: parse(spc.spec.parameters.objects) } }).toEqual({
      provider: "vault",
      parameters: {
        vaultAddress: "https://vault-active.vault.svc:8200",
        roleName: "svc-dev-api",
        vaultKubernetesMountPath: "kubernetes",
        audience: "vault",
        vaultCACertPath: "/vault/tls/ca.crt",
        objects: [
          { objectName: "api-config/API_TOKEN", secretPath: "secret/data/apps/dev/api/config", secretKey: "API_TOKEN" },
          { objectName: "api-config/SIGNING_KEY", secretPath: "secret/data/apps/dev/api/config", secretKey: "SIGNING_KEY" },
        ],
      },
    });
  });

  it("its files are the keys of the Secrets ESO writes for the same service (api delivered by eso)", async () => {
    const spec = specByName("examples/csi.yaml");
    delete (spec.services![0] as { delivery?: string }).delivery;
    const eso = await synthesisOf(spec);
    const fromEso = Object.values(eso.kubernetes.manifests)
      .filter((o) => o.kind === "ExternalSecret" && String(o.metadata.name).startsWith("api-"))
      .flatMap((o) => (o.spec.data ?? []).map((d: { secretKey: string }) => `${o.spec.target.name}/${d.secretKey}`))
      .sort();
    expect(fromEso).toEqual(["api-config/API_TOKEN", "api-config/SIGNING_KEY"]);
    expect(parse(spcOf(good).spec.parameters.objects).map((o: { objectName: string }) => o.objectName)).toEqual(fromEso);
  });

  it("is listed in the environment folder's kustomization (Argo CD and Flux apply it with the namespace)", () => {
    const k = parse(kubernetesFiles(good.kubernetes)["csi/env-dev/kustomization.yaml"]);
    expect(k.resources).toContain("secretproviderclass-api-vault.yaml");
  });

  it("the strict schema refuses a field the CRD does not have (the validator is really applied)", () => {
    const spc = structuredClone(spcOf(good));
    spc.spec.secretObject = [];
    expect(validateManifests([spc]).join("\n")).toMatch(/secretObject/);
  });
});

describe("CSI reachability (VEP-X01)", () => {
  const findings = async (edit: (s: Synthesis) => void = () => {}) => {
    const s = structuredClone(good);
    edit(s);
    return (await runChecks(s, { checks: [secretReachability] })).findings.map((f) => `${f.resource}: ${f.message}`);
  };
  const setObjects = (s: Synthesis, objects: string) => void (spcOf(s).spec.parameters.objects = objects);

  it("every object is granted to the service's own role", async () => {
    expect(await findings()).toEqual([]);
  });

  it("an object pointed at another environment's path is refused", async () => {
    const out = await findings((s) => setObjects(s, "- objectName: api-config/API_TOKEN\n  secretPath: secret/data/apps/staging/api/config\n  secretKey: API_TOKEN\n"));
    expect(out).toEqual([
      `${SPC}: role svc-dev-api's policies [svc-dev-api] do not grant read on secret/data/apps/staging/api/config (grants nothing there): add it to policy svc-dev-api, or point the read at a path the role may read`,
      `${SPC}: secret/data/apps/staging/api/config is not declared in the Vault stack (no KV metadata entry or database role): the read finds nothing`,
    ]);
  });

  it("a KV v1 style path (no data/) is refused", async () => {
    const out = await findings((s) => setObjects(s, "- objectName: x\n  secretPath: secret/apps/dev/api/config\n  secretKey: API_TOKEN\n"));
    expect(out[0]).toMatch(/^csi\/env-dev\/secretproviderclass-api-vault\.yaml: role svc-dev-api's policies \[svc-dev-api\] do not grant read on secret\/apps\/dev\/api\/config/);
  });

  it("a role that binds another service account is refused", async () => {
    const out = await findings((s) => {
      const role = Object.values(vaultOf(s).vault_kubernetes_auth_backend_role ?? {}).find((r) => r.role_name === "svc-dev-api")!;
      role.bound_service_account_names = ["worker"];
    });
    expect(out).toEqual([`${SPC}: role svc-dev-api binds service accounts [worker] in [dev], not the Vault CSI provider for dev/api's serviceAccountRef dev/api`]);
  });
});

describe("CSI network flows (VEP-X03, VEP-X04)", () => {
  const network = async (edit: (s: Synthesis) => void = () => {}) => {
    const s = structuredClone(good);
    edit(s);
    return (await runChecks(s, { checks: [neededFlows, unneededFlows] })).findings.map((f) => `${f.check} ${f.message}`);
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const vaultIngress = (s: Synthesis) => (s.kubernetes.manifests["csi/vault/networkpolicy-vault-server.yaml"] as any).spec.ingress[0].from[0].namespaceSelector.matchExpressions[0];

  it("Vault admits the provider's namespace csi, and the checks find every flow exact", async () => {
    expect(vaultIngress(good).values).toEqual(["csi", "dev", "external-secrets", "monitoring"]);
    expect(await network()).toEqual([]);
  });

  it("without csi in Vault's ingress the provider's flow is reported as blocked", async () => {
    const out = await network((s) => void (vaultIngress(s).values = ["dev", "external-secrets", "monitoring"]));
    expect(out).toEqual([
      "VEP-X03 denied: csi:csi Vault CSI provider -> csi:vault/vault (active) 8200/TCP (SecretProviderClass dev/api-vault): ingress of csi:vault/vault (active) is isolated by vault/default-deny-all, vault/vault-server and no rule admits it",
    ]);
  });

  it("without the SecretProviderClass, admitting csi is reported as unneeded", async () => {
    const out = await network((s) => void delete s.kubernetes.manifests[SPC]);
    expect(out).toEqual(["VEP-X04 ingress[0] admits namespace csi, which needs no access"]);
  });
});
