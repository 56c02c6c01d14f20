import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import type { PlatformSpecInput } from "../spec/schema";
import { validateSpec } from "../spec/validate";
import { find, type RenderedObject, synthDist } from "./helpers/dist";
import { referenceCopy, ROOT } from "./helpers/synth";

/**
 * Vault's NetworkPolicy opens exactly what Vault's own configuration connects to, with the right
 * peer type and port, and admits exactly the declared clients (issue 7, items 1, 2 and 7).
 * Everything is read from the rendered manifests; expected values are written out.
 */

const CERT = String(referenceCopy().vault.tls.caCertificate);
const vclusterSpec = () => parseYaml(readFileSync(join(ROOT, "examples/vcluster-oidc.yaml"), "utf8")) as PlatformSpecInput;
const ip = (...cidrs: string[]) => cidrs.map((cidr) => ({ ipBlock: { cidr } }));
const tcp = (port: number) => [{ protocol: "TCP", port }];
type Rule = { to?: unknown[]; from?: unknown[]; ports: { port: number }[] };
const vaultPolicy = (objects: RenderedObject[]) => find(objects, "NetworkPolicy", "vault-server", "vault").spec;
const egressOn = (objects: RenderedObject[], port: number) => vaultPolicy(objects).egress.filter((r: Rule) => r.ports.some((p) => p.port === port));

describe("item 1: Vault reaches every database it has a connection for, at exactly the declared CIDRs", () => {
  let objects: RenderedObject[];
  beforeAll(() => ({ objects } = synthDist(referenceCopy())));

  it("5432 to the RDS subnets of dev, staging and production, nothing else on 5432", () => {
    expect(egressOn(objects, 5432)).toEqual([{ to: ip("10.40.96.0/24", "10.40.97.0/24", "10.40.100.0/24", "10.40.101.0/24", "10.40.102.0/24"), ports: tcp(5432) }]);
  });

  it("a database on another port and subnet gets its own rule; kafka/redis endpoints open nothing (Vault never connects there)", () => {
    const spec = referenceCopy();
    spec.sharedServices!.push({ name: "orders-pg", kind: "postgres", trustSystemRoots: true, endpoints: { dev: { host: "orders.dev.shop.internal", port: 6432, cidrs: ["10.41.7.0/24"] } } });
    spec.databases!.push({ name: "orders", server: "orders-pg" });
    spec.services![0].databases!.push({ name: "orders" });
    spec.services![0].environments = ["dev"];
    spec.sharedServices![2].endpoints.dev.cidrs = ["10.40.120.0/24"];
    const { objects: o } = synthDist(spec);
    expect(egressOn(o, 6432)).toEqual([{ to: ip("10.41.7.0/24"), ports: tcp(6432) }]);
    expect(JSON.stringify(vaultPolicy(o).egress)).not.toContain("10.40.120.0/24");
  });
});

describe("item 2: identity provider, IAM and dedicated API servers (examples/vcluster-oidc.yaml)", () => {
  let objects: RenderedObject[];
  beforeAll(() => ({ objects } = synthDist(vclusterSpec())));

  it("443 to the IAM path (no IAM endpoint outside us-east-1), the VPC endpoints and the identity provider", () => {
    expect(egressOn(objects, 443)).toEqual([{ to: ip("10.30.10.0/24", "10.40.0.0/16", "10.50.8.0/24"), ports: tcp(443) }]);
  });

  it("the vcluster's API server is a pod-to-pod flow: its namespace AND its pods in one peer, on targetPort 8443", () => {
    expect(egressOn(objects, 8443)).toEqual([
      {
        to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "vcluster-staging" } }, podSelector: { matchLabels: { app: "vcluster", release: "staging-vcluster" } } }],
        ports: tcp(8443),
      },
    ]);
    expect(egressOn(objects, 443)[0].to).not.toContainEqual(expect.objectContaining({ namespaceSelector: expect.anything() }));
  });

  it("a dedicated EKS cluster's API server: ipBlock of its declared CIDRs on the URL's port; custom vcluster labels and port are honoured", () => {
    const spec = vclusterSpec();
    spec.environments.push({ name: "qa", cluster: { type: "eks", name: "qa-eks", apiServerUrl: "https://0A1B2C.gr7.eu-west-1.eks.amazonaws.com:6443", caCertificate: CERT, apiServerCidrs: ["10.70.16.0/20"] } });
    spec.environments[1].cluster = { type: "vcluster", name: "staging-vcluster", apiServerUrl: "https://vc.tenants.svc.cluster.local", caCertificate: CERT, podLabels: { "app.kubernetes.io/name": "vc" }, targetPort: 9443 };
    const { objects: o } = synthDist(spec);
    expect(egressOn(o, 6443)).toEqual([{ to: ip("10.70.16.0/20"), ports: tcp(6443) }]);
    expect(egressOn(o, 9443)[0].to).toEqual([{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "tenants" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "vc" } } }]);
    expect(egressOn(o, 8443)).toEqual([]);
  });

  it("in us-east-1, IAM is reached at the AWS endpoint CIDRs (its interface endpoint lives there); elsewhere network.iamCidrs is required", () => {
    const spec = referenceCopy();
    spec.services![2].vaultLogin = "aws-iam";
    const eu = validateSpec(spec);
    expect(eu.ok ? [] : eu.problems.map((p) => `${p.path} ${p.rule}`)).toEqual(["network.iamCidrs VEP-S23"]);
    spec.aws.region = "us-east-1";
    spec.cluster.oidcIssuerUrl = "https://oidc.eks.us-east-1.amazonaws.com/id/5E1B3A0C9D8F7E6A5B4C3D2E1F0A9B8C";
    spec.network = { awsApiCidrs: ["10.40.32.0/24"] };
    const { objects: o } = synthDist(spec);
    expect(egressOn(o, 443)).toEqual([{ to: ip("10.40.0.0/16", "10.40.32.0/24"), ports: tcp(443) }]);
  });
});

describe("item 7: Vault admits exactly the declared external clients", () => {
  it("with a dedicated cluster: the load balancer's subnets and the AppRole runners, never the VPC", () => {
    const { objects } = synthDist(vclusterSpec());
    const ingress = vaultPolicy(objects).ingress;
    const fromCidrs = ingress.filter((r: Rule) => (r.from ?? []).some((p) => (p as { ipBlock?: unknown }).ipBlock));
    expect(fromCidrs).toEqual([{ from: ip("10.40.4.0/24", "10.40.5.0/24", "10.40.6.0/24", "10.60.0.0/24"), ports: tcp(8200) }]);
    expect(JSON.stringify(ingress)).not.toContain("10.40.0.0/16");
  });

  it("without an external address: no ipBlock ingress at all", () => {
    const { objects } = synthDist(referenceCopy());
    expect(JSON.stringify(vaultPolicy(objects).ingress)).not.toContain("ipBlock");
  });
});
