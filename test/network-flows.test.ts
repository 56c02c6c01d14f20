import { readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { CheckContext } from "../checks/context";
import { neededFlows } from "../checks/cross/vep-x03-needed-flows";
import { unneededFlows } from "../checks/cross/vep-x04-unneeded-flows";
import { describeFlow } from "../checks/network/evaluate";
import { deriveFlows } from "../checks/network/flows";
import { runChecks } from "../checks/run";
import type { Synthesis } from "../lib/synthesis";
import { specByName, synthesisOf, vaultOf } from "./helpers/synthesis";
import { ROOT } from "./helpers/synth";

/**
 * The network-flow checks on the real synthesis: every flow the configuration needs (derived from
 * vault.hcl, the Vault and AWS stacks, the ESO stores, the ServiceMonitor, the workloads) is
 * allowed by the rendered NetworkPolicies under Kubernetes semantics (VEP-X03), and every peer,
 * namespace, CIDR and port the policies admit carries a needed flow (VEP-X04), for the reference
 * spec and every example.
 */

const specs: string[] = ["reference", ...readdirSync(join(ROOT, "examples")).map((f) => `examples/${f}`)];
const problems = async (s: Synthesis, check = neededFlows) => (await runChecks(s, { checks: [check] })).findings.map((f) => `${f.resource}: ${f.message}`);
const VAULT_POLICY = "shop-platform/vault/networkpolicy-vault-server.yaml";

describe.each(specs)("network flows: %s", (name) => {
  let synthesis: Synthesis;
  beforeAll(async () => void (synthesis = await synthesisOf(specByName(name as "reference"))));

  it("every needed flow is allowed, every destination has a known location, and every allowed flow is needed", async () => {
    expect(await problems(synthesis)).toEqual([]);
    expect(await problems(synthesis, unneededFlows)).toEqual([]);
    expect(deriveFlows((await CheckContext.of(synthesis)).platform, synthesis.model.network).flows.length).toBeGreaterThan(20);
  });
});

describe("network flows of the reference spec", () => {
  let synthesized: Synthesis;
  let flows: string[];
  const edited = (edit: (policy: any, s: Synthesis) => void) => {
    const s = structuredClone(synthesized);
    edit(s.kubernetes.manifests[VAULT_POLICY], s);
    return s;
  };
  beforeAll(async () => {
    synthesized = await synthesisOf(specByName("reference"));
    flows = deriveFlows((await CheckContext.of(synthesized)).platform, synthesized.model.network).flows.map(describeFlow);
  });

  it("are derived from what was rendered: databases, KMS, STS, the API server, peers, DNS, ESO, Prometheus, the snapshot job, direct-login namespaces", () => {
    const active = "shop-platform:vault/vault (active)";
    expect(flows).toEqual(
      expect.arrayContaining([
        `${active} -> postgres.dev.shop.internal (10.40.96.0/24) 5432/TCP (PostgreSQL connection dev-users)`,
        `${active} -> postgres.production.shop.internal (10.40.101.0/24) 5432/TCP (PostgreSQL connection production-payments)`,
        `${active} -> kms.eu-west-1.amazonaws.com (10.40.0.0/16) 443/TCP (KMS: auto-unseal)`,
        `${active} -> sts.eu-west-1.amazonaws.com (10.40.0.0/16) 443/TCP (STS: IRSA web identity credentials)`,
        `${active} -> kubernetes.default.svc (10.40.0.0/16) 443/TCP (Kubernetes auth kubernetes: token reviews)`,
        `${active} -> shop-platform:vault/vault (standby) 8201/TCP (raft and request forwarding (cluster_addr))`,
        `${active} -> shop-platform:vault/vault (standby) 8200/TCP (raft: retry_join)`,
        `${active} -> shop-platform:kube-system cluster DNS 53/UDP (DNS)`,
        "shop-platform:external-secrets External Secrets controller -> shop-platform:vault/vault (active) 8200/TCP (ESO ClusterSecretStore vault-dev)",
        "shop-platform:monitoring Prometheus -> shop-platform:vault/vault (standby) 8200/TCP (metrics scrape (ServiceMonitor vault))",
        "shop-platform:vault/vault-snapshot -> shop-platform:vault/vault (active) 8200/TCP (Vault API (VAULT_ADDR))",
        "shop-platform:vault/vault-snapshot -> shop-vault-snapshots-111122223333-eu-west-1.s3.eu-west-1.amazonaws.com (10.40.0.0/16) 443/TCP (S3 upload)",
        "shop-platform:dev pods running as payment-service (Kubernetes auth role svc-dev-payment-service) -> shop-platform:vault/vault (active) 8200/TCP (Vault login (pods running as payment-service (Kubernetes auth role svc-dev-payment-service)))",
        "shop-platform:argocd pods running as argocd-repo-server (Kubernetes auth role ci-argocd) -> shop-platform:vault/vault (active) 8200/TCP (Vault login (pods running as argocd-repo-server (Kubernetes auth role ci-argocd)))",
      ]),
    );
    // The client services route only to the active pod (Vault's service-registration label).
    expect(flows.filter((f) => f.includes("(ESO ClusterSecretStore vault-dev)") && f.includes("(standby)"))).toEqual([]);
  });

  it("fail, naming the flow and the policy, when the database egress rule is removed from the rendered policy", async () => {
    const broken = edited((policy) => {
      const before = policy.spec.egress.length;
      policy.spec.egress = policy.spec.egress.filter((r: { ports: { port: number }[] }) => !r.ports.some((p) => p.port === 5432));
      expect(policy.spec.egress.length).toBe(before - 1);
    });
    const found = await problems(broken);
    expect(found).toContain(
      `${VAULT_POLICY}: denied: shop-platform:vault/vault (active) -> postgres.dev.shop.internal (10.40.96.0/24) 5432/TCP (PostgreSQL connection dev-users): egress of shop-platform:vault/vault (active) is isolated by vault/default-deny-all, vault/vault-server and no rule admits it`,
    );
    expect(found.every((p) => p.includes("5432/TCP (PostgreSQL connection"))).toBe(true);
  });

  it("fail when a namespace loses its ingress to Vault, or Vault's peers their cluster port", async () => {
    const found = await problems(
      edited((policy) => {
        policy.spec.ingress[0].from[0].namespaceSelector.matchExpressions[0].values = ["external-secrets"];
        policy.spec.ingress.find((r: { from: { podSelector?: { matchLabels: Record<string, string> } }[] }) => r.from[0].podSelector?.matchLabels.component === "server").ports = [{ protocol: "TCP", port: 8200 }];
      }),
    );
    expect(found.some((p) => p.includes("Prometheus -> shop-platform:vault/vault (active) 8200/TCP") && p.includes("ingress of shop-platform:vault/vault (active)"))).toBe(true);
    expect(found.some((p) => p.includes("(Kubernetes auth role ci-argocd)") && p.includes("ingress"))).toBe(true);
    expect(found.some((p) => p.includes("8201/TCP (raft and request forwarding"))).toBe(true);
    expect(found.some((p) => p.includes("External Secrets controller"))).toBe(false);
  });

  it("fail when the certificate probe loses its way in to the Vault pods it probes", async () => {
    const found = await problems(
      edited((policy) => {
        policy.spec.ingress = policy.spec.ingress.filter((r: { from: { podSelector?: { matchLabels: Record<string, string> } }[] }) => r.from[0].podSelector?.matchLabels["app.kubernetes.io/name"] !== "vault-cert-probe");
      }),
    );
    expect(found).toContain(
      `${VAULT_POLICY}: denied: shop-platform:vault/vault-cert-probe -> shop-platform:vault/vault (active) 8200/TCP (probe target of ServiceMonitor vault-cert-probe): ingress of shop-platform:vault/vault (active) is isolated by vault/default-deny-all, vault/vault-server and no rule admits it`,
    );
  });

  it("report a destination the address book does not place", async () => {
    const broken = edited((_, s) => {
      const first = Object.values(vaultOf(s).vault_database_secret_backend_connection)[0] as { postgresql: { connection_url: string } };
      first.postgresql.connection_url = first.postgresql.connection_url.replace(/@[^:]+:/, "@orders.db.internal:");
    });
    expect(await problems(broken)).toContain(
      "network:shop-platform: shop-platform:vault/vault (active): PostgreSQL connection dev-payments: orders.db.internal:5432 has no declared location (no rendered Service, not in the spec's address book)",
    );
  });

  it("every allowed flow is needed: a namespace without a client, an ipBlock wider than the declared clients, egress to the internet", async () => {
    const ref = await synthesisOf(specByName("examples/vcluster-oidc.yaml"));
    const s = structuredClone(ref);
    const policy = s.kubernetes.manifests[VAULT_POLICY];
    policy.spec.ingress[0].from[0].namespaceSelector.matchExpressions[0].values.push("default");
    const external = policy.spec.ingress.find((r: { from: { ipBlock?: unknown }[] }) => r.from[0].ipBlock);
    external.from[0].ipBlock.cidr = "10.40.4.0/22";
    policy.spec.egress.push({ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 443 }] });
    const found = await problems(s, unneededFlows);
    expect(found).toEqual(
      expect.arrayContaining([
        `${VAULT_POLICY}: ingress[0] admits namespace default, which needs no access`,
        `${VAULT_POLICY}: ingress[4] ipBlock 10.40.4.0/22 is wider than the addresses needed there: 10.40.4.0/24, 10.40.5.0/24, 10.40.6.0/24`,
      ]),
    );
    expect(found.some((f) => f.startsWith(`${VAULT_POLICY}: egress[`) && f.includes("ipBlock 0.0.0.0/0") && f.includes("wider than the addresses needed there"))).toBe(true);
  });
});
