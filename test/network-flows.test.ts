import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { checkNetworkFlows } from "../checks/network";
import { describeFlow } from "../checks/network/evaluate";
import { deriveFlows } from "../checks/network/flows";
import type { SynthesizedPlatform } from "../checks/network/inventory";
import { loadSynthesizedPlatform } from "../checks/network/load";
import type { AddressBook } from "../model/network";
import type { PlatformSpecInput } from "../spec/schema";
import { synthDist } from "./helpers/dist";
import { modelOf, referenceCopy, ROOT, synthTerraformToTemp } from "./helpers/synth";

/**
 * The network-flow check on the real synthesized output, read back from disk: every flow the
 * configuration needs (derived from vault.hcl, the Vault and AWS stacks, the ESO stores, the
 * ServiceMonitor, the workloads) is allowed by the rendered NetworkPolicies under Kubernetes
 * semantics, for the reference spec and every example.
 */

const exampleSpec = (file: string): PlatformSpecInput => {
  const text = readFileSync(join(ROOT, "examples", file), "utf8");
  return (file.endsWith(".json") ? JSON.parse(text) : parseYaml(text)) as PlatformSpecInput;
};

async function synthesize(spec: PlatformSpecInput): Promise<{ platform: SynthesizedPlatform; book: AddressBook }> {
  const cdktfOut = synthTerraformToTemp(spec);
  const { dir } = synthDist(spec);
  return { platform: await loadSynthesizedPlatform(dir, cdktfOut), book: modelOf(spec).network };
}

const specs: [string, () => PlatformSpecInput][] = [["reference spec", referenceCopy], ...readdirSync(join(ROOT, "examples")).map((f) => [`examples/${f}`, () => exampleSpec(f)] as [string, () => PlatformSpecInput])];

describe.each(specs)("network flows: %s", (_, spec) => {
  let synthesized: { platform: SynthesizedPlatform; book: AddressBook };
  beforeAll(async () => {
    synthesized = await synthesize(spec());
  });

  it("every needed flow is allowed and every destination has a known location", () => {
    const report = checkNetworkFlows(synthesized.platform, synthesized.book);
    expect(report.problems).toEqual([]);
    expect(report.results.length).toBeGreaterThan(20);
  });
});

describe("network flows of the reference spec", () => {
  let synthesized: { platform: SynthesizedPlatform; book: AddressBook };
  let flows: string[];
  beforeAll(async () => {
    synthesized = await synthesize(referenceCopy());
    flows = deriveFlows(synthesized.platform, synthesized.book).flows.map(describeFlow);
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

  it("fail, naming the flow, when the database egress rule is removed from the rendered policy", () => {
    const broken = structuredClone(synthesized.platform);
    const policy = broken.clusters["shop-platform"].find((o) => o.kind === "NetworkPolicy" && o.metadata.name === "vault-server");
    const before = policy.spec.egress.length;
    policy.spec.egress = policy.spec.egress.filter((r: { ports: { port: number }[] }) => !r.ports.some((p) => p.port === 5432));
    expect(policy.spec.egress.length).toBe(before - 1);
    const problems = checkNetworkFlows(broken, synthesized.book).problems;
    expect(problems).toContain(
      "denied in shop-platform: shop-platform:vault/vault (active) -> postgres.dev.shop.internal (10.40.96.0/24) 5432/TCP (PostgreSQL connection dev-users): egress of shop-platform:vault/vault (active) is isolated by vault/default-deny-all, vault/vault-server and no rule admits it",
    );
    expect(problems.every((p) => p.includes("5432/TCP (PostgreSQL connection"))).toBe(true);
  });

  it("fail when a namespace loses its ingress to Vault, or Vault's peers their cluster port", () => {
    const broken = structuredClone(synthesized.platform);
    const policy = broken.clusters["shop-platform"].find((o) => o.kind === "NetworkPolicy" && o.metadata.name === "vault-server");
    policy.spec.ingress[0].from[0].namespaceSelector.matchExpressions[0].values = ["external-secrets"];
    policy.spec.ingress.find((r: { from: { podSelector?: { matchLabels: Record<string, string> } }[] }) => r.from[0].podSelector?.matchLabels.component === "server").ports = [{ protocol: "TCP", port: 8200 }];
    const problems = checkNetworkFlows(broken, synthesized.book).problems;
    expect(problems.some((p) => p.includes("Prometheus -> shop-platform:vault/vault (active) 8200/TCP") && p.includes("ingress of shop-platform:vault/vault (active)"))).toBe(true);
    expect(problems.some((p) => p.includes("(Kubernetes auth role ci-argocd)") && p.includes("ingress"))).toBe(true);
    expect(problems.some((p) => p.includes("8201/TCP (raft and request forwarding"))).toBe(true);
    expect(problems.some((p) => p.includes("External Secrets controller"))).toBe(false);
  });

  it("fail when the certificate probe loses its way in to the Vault pods it probes", () => {
    const broken = structuredClone(synthesized.platform);
    const policy = broken.clusters["shop-platform"].find((o) => o.kind === "NetworkPolicy" && o.metadata.name === "vault-server");
    policy.spec.ingress = policy.spec.ingress.filter((r: { from: { podSelector?: { matchLabels: Record<string, string> } }[] }) => r.from[0].podSelector?.matchLabels["app.kubernetes.io/name"] !== "vault-cert-probe");
    const problems = checkNetworkFlows(broken, synthesized.book).problems;
    expect(problems).toContain(
      "denied in shop-platform: shop-platform:vault/vault-cert-probe -> shop-platform:vault/vault (active) 8200/TCP (probe target of ServiceMonitor vault-cert-probe): ingress of shop-platform:vault/vault (active) is isolated by vault/default-deny-all, vault/vault-server and no rule admits it",
    );
  });

  it("report a destination the address book does not place", () => {
    const broken = structuredClone(synthesized.platform);
    const conn = broken.stacks.vault.resource.vault_database_secret_backend_connection;
    const first = Object.values(conn)[0] as { postgresql: { connection_url: string } };
    first.postgresql.connection_url = first.postgresql.connection_url.replace(/@[^:]+:/, "@orders.db.internal:");
    expect(checkNetworkFlows(broken, synthesized.book).problems).toContain(
      "shop-platform:vault/vault (active): PostgreSQL connection dev-payments: orders.db.internal:5432 has no declared location (no rendered Service, not in the spec's address book)",
    );
  });
});
