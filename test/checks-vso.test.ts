import { beforeAll, describe, expect, it } from "vitest";
import { runChecks } from "../checks/run";
import { secretReachability } from "../checks/cross/vep-x01-secret-reachability";
import { leastPrivilege } from "../checks/cross/vep-x02-least-privilege";
import { neededFlows } from "../checks/cross/vep-x03-needed-flows";
import { tlsNames } from "../checks/cross/vep-x10-tls-names";
import { tlsOff } from "../checks/rules/vep-g01-tls-off";
import type { Check } from "../checks/types";
import { type Synthesis, vaultResources } from "../lib/synthesis";
import { specByName, synthesisOf } from "./helpers/synthesis";

/**
 * The Vault Secrets Operator's objects under the same cross-layer proofs as ESO's (examples/vso.yaml,
 * production delivered by VSO): every VaultStaticSecret, VaultDynamicSecret and VaultPKISecret reaches
 * its path through its VaultAuth's role bound to exactly its service account, the VSO policy grants
 * nothing unused, and the VSO controller's flow to Vault is open. Each edit breaks one link.
 */
const ENV = "vso-shop/env-production";
const ROLE = "auth_kubernetes_role_vso_production";
const POLICY = "policy_vso_production";
let good: Synthesis;
beforeAll(async () => void (good = await synthesisOf(specByName("examples/vso.yaml"))));

async function findings(check: Check, edit: (s: Synthesis) => void = () => {}) {
  const s = structuredClone(good);
  edit(s);
  const report = await runChecks(s, { checks: [check] });
  return report.findings.filter((f) => f.check === check.id).map((f) => `${f.resource}: ${f.message}`);
}
const manifest = (s: Synthesis, file: string) => s.kubernetes.manifests[`${ENV}/${file}`];
// Whichever Vault stack holds it (the vso-<env> role and policy live in vault-<env>); the objects are the synthesis's own, so edits stick.
const tf = (s: Synthesis, type: string, name: string) => vaultResources(s.terraform.stacks).resource[type][name];

describe("VSO secrets: reachability (VEP-X01)", () => {
  it("every VSO object of the example reaches its secret", async () => {
    expect(await findings(secretReachability)).toEqual([]);
  });

  it("a VaultStaticSecret pointed at another environment's path is refused by the production VSO policy", async () => {
    const out = await findings(secretReachability, (s) => void (manifest(s, "vaultstaticsecret-orders-service-payment.yaml").spec.path = "apps/dev/orders-service/payment"));
    expect(out).toEqual([
      `${ENV}/vaultstaticsecret-orders-service-payment.yaml: role vso-production's policies [vso-production] do not grant read on secret/data/apps/dev/orders-service/payment (grants nothing there): add it to policy vso-production, or point the read at a path the role may read`,
    ]);
  });

  it("the VSO role rebound to another service account fails every VSO object", async () => {
    const out = await findings(secretReachability, (s) => void (tf(s, "vault_kubernetes_auth_backend_role", ROLE).bound_service_account_names = ["orders-service"]));
    const message = "role vso-production binds service accounts [orders-service] in [production], not VaultAuth production/vault's serviceAccountRef production/vso-vault-auth";
    expect([...out].sort()).toEqual(
      [
        "vaultdynamicsecret-orders-service-orders-db.yaml",
        "vaultpkisecret-orders-service-tls.yaml",
        "vaultstaticsecret-catalog-service-search.yaml",
        "vaultstaticsecret-orders-service-payment.yaml",
        "vaultstaticsecret-orders-service-redis.yaml",
      ].map((f) => `${ENV}/${f}: ${message}`),
    );
  });

  it("a VaultDynamicSecret whose lease renewal the policy does not grant is reported (VSO renews with sys/leases/renew)", async () => {
    const out = await findings(secretReachability, (s) => {
      const r = tf(s, "vault_policy", POLICY);
      r.policy = String(r.policy).replace(/# renew the leases[^\n]*\npath "sys\/leases\/renew" \{\n {2}capabilities = \["update"\]\n\}\n\n/, "");
    });
    expect(out).toEqual([
      `${ENV}/vaultdynamicsecret-orders-service-orders-db.yaml: role vso-production's policies [vso-production] do not grant update on sys/leases/renew (grants nothing there): add it to policy vso-production, or point the read at a path the role may read`,
    ]);
  });

  it("a VSO object whose VaultAuth is missing is reported", async () => {
    const out = await findings(secretReachability, (s) => void (manifest(s, "vaultpkisecret-orders-service-tls.yaml").spec.vaultAuthRef = "other"));
    expect(out).toEqual([`${ENV}/vaultpkisecret-orders-service-tls.yaml: vaultAuthRef other: no VaultAuth production/other is rendered in cluster vso-shop`]);
  });
});

describe("VSO policy: least privilege (VEP-X02)", () => {
  it("the VSO policy grants exactly what the VSO objects use", async () => {
    expect(await findings(leastPrivilege)).toEqual([]);
  });

  it("without the VaultPKISecret, the PKI grant is unused", async () => {
    const out = await findings(leastPrivilege, (s) => void delete s.kubernetes.manifests[`${ENV}/vaultpkisecret-orders-service-tls.yaml`]);
    expect(out).toEqual(["vault-production/vault_policy.policy_vso_production: policy vso-production grants [update] on pki/issue/production-cert, which role vso-production never uses"]);
  });
});

describe("VSO network flow (VEP-X03)", () => {
  it("the VSO controller reaches Vault", async () => {
    expect(await findings(neededFlows)).toEqual([]);
  });

  it("Vault's NetworkPolicy without the VSO namespace denies the controller's flow", async () => {
    const out = await findings(neededFlows, (s) => {
      const np = s.kubernetes.manifests["vso-shop/vault/networkpolicy-vault-server.yaml"];
      for (const rule of np.spec.ingress) for (const peer of rule.from ?? []) {
        const names: string[] | undefined = peer.namespaceSelector?.matchExpressions?.[0]?.values;
        if (names) peer.namespaceSelector.matchExpressions[0].values = names.filter((n) => n !== "vault-secrets-operator-system");
      }
    });
    expect(out.some((f) => f.startsWith("vso-shop/vault/networkpolicy-vault-server.yaml: denied: vso-shop:vault-secrets-operator-system Vault Secrets Operator controller -> vso-shop:vault/vault (active) 8200/TCP"))).toBe(true);
  });
});

describe("VSO connection: TLS (VEP-X10, VEP-G01)", () => {
  it("the VaultConnection's address is covered by Vault's certificate and verified", async () => {
    expect(await findings(tlsNames)).toEqual([]);
    expect(await findings(tlsOff)).toEqual([]);
  });

  it("a VaultConnection at a name the certificate lacks, or with skipTLSVerify, is reported", async () => {
    const file = `${ENV}/vaultconnection-vault.yaml`;
    expect(await findings(tlsNames, (s) => void (manifest(s, "vaultconnection-vault.yaml").spec.address = "https://vault.example.com:8200"))).toEqual([
      expect.stringMatching(new RegExp(`^${file}: .*vault\\.example\\.com`)),
    ]);
    expect(await findings(tlsOff, (s) => void (manifest(s, "vaultconnection-vault.yaml").spec.skipTLSVerify = true))).toEqual([`${file}: VaultConnection skipTLSVerify: true accepts any certificate`]);
  });
});
