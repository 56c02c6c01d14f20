import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { environmentDiagram } from "../lib/docs/architecture-graph";
import { generatedFiles } from "../lib/docs/generate";
import type { Diagram } from "../lib/docs/graph";
import { inventory } from "../lib/docs/inventory";
import { buildPlatformModel } from "../model";
import { validateSpec } from "../spec/validate";
import { ROOT } from "./helpers/synth";
import { specByName } from "./helpers/synthesis";

/** Generated docs are current, and the pictures and inventory say what the platform does (expected values written out). */

const platform = (name: "reference" | `examples/${string}`) => {
  const valid = validateSpec(specByName(name));
  if (!valid.ok) throw new Error(JSON.stringify(valid.problems));
  return { spec: valid.spec, model: buildPlatformModel(valid.spec) };
};
const edges = (d: Diagram) => {
  const label = (id: string) => d.nodes.find((n) => n.id === id)!.label.join(" ");
  return d.edges.map((e) => `${label(e.from)} -> ${label(e.to)}${e.label ? ` [${e.label}]` : ""}`);
};
const envOf = (model: ReturnType<typeof platform>["model"], name: string) => model.kubernetes.clusters.flatMap((c) => c.environments).find((e) => e.name === name)!;

describe("generated docs", () => {
  it("every generated file is current (npm run docs regenerates them)", async () => {
    const files = await generatedFiles();
    expect(Object.keys(files).sort()).toEqual(["README.md", "docs/architecture.md", "docs/spec-reference.md", "spec/platform.schema.json"]);
    for (const [path, text] of Object.entries(files)) expect(readFileSync(join(ROOT, path), "utf8"), `${path} is stale: run npm run docs`).toBe(text);
  }, 60_000);

  it("the spec reference lists every field of the schema, with defaults and descriptions", () => {
    const ref = readFileSync(join(ROOT, "docs/spec-reference.md"), "utf8");
    expect(ref).toContain("| `vault.replicas` | no | integer | `3` | Raft voters; odd and at least 3. |");
    expect(ref).toContain("| `environments[].cluster.apiServerCidrs` | yes | list of string (at least 1) |  | (type: eks) Where the API server endpoint resolves");
    expect(ref).toContain("| `aws.accountId` | yes | string |  | Format: an AWS account id: exactly 12 digits, as a string. |");
    expect(ref).toContain("| `environments[].namespace` | no | string (at most 63) |  | Namespace of the environment's workloads. Format: a lowercase DNS label: a-z, 0-9 and '-', starting with a letter. Default: the environment name. |");
  });

  it("dev's picture: mount → role → policy → path → Secret → service, the store's login, a service's own login, the databases", () => {
    const { model } = platform("reference");
    const dev = edges(environmentDiagram(model, envOf(model, "dev")));
    expect(dev).toEqual(
      expect.arrayContaining([
        "auth/kubernetes/ -> role eso-dev",
        "role eso-dev -> policy eso-dev",
        "policy eso-dev -> secret/data/apps/dev/* [read]",
        "ClusterSecretStore vault-dev service account eso-vault-store -> role eso-dev [logs in]",
        "secret/data/apps/dev/* -> Secret user-service-auth from secret/data/apps/dev/user-service/auth [ESO]",
        "Secret user-service-auth from secret/data/apps/dev/user-service/auth -> service user-service [delivered to]",
        "policy svc-dev-payment-service -> transit/encrypt/dev-payments [update]",
        "service payment-service -> role svc-dev-payment-service [logs in as payment-service]",
        "database/creds/dev-* -> connection dev-users postgres.dev.shop.internal:5432/users [role dev-user-service-users]",
      ]),
    );
    expect(dev.filter((e) => e.includes("staging") || e.includes("production"))).toEqual([]);
    expect(dev.filter((e) => e.includes("auth/token/"))).toEqual([]);
  });

  it("a vcluster environment: its own mount and namespaced store; an AWS IAM login through its IAM role", () => {
    const { model } = platform("examples/vcluster-oidc.yaml");
    const staging = edges(environmentDiagram(model, envOf(model, "staging")));
    expect(staging).toContain("auth/kubernetes-staging-vcluster/ -> role eso-staging");
    expect(staging).toContain("SecretStore vault service account eso-vault-store -> role eso-staging [logs in]");
    const production = edges(environmentDiagram(model, envOf(model, "production")));
    expect(production).toContain("service analytics-service -> IAM role shop-production-analytics-service [pod-identity (analytics-service)]");
    expect(production).toContain("IAM role shop-production-analytics-service -> role svc-production-analytics-service [logs in]");
  });

  it("the inventory: service → secrets, database roles, Vault roles and policies, AWS identities", () => {
    const { spec, model } = platform("examples/vcluster-oidc.yaml");
    const production = inventory(spec, model).find((e) => e.environment === "production")!;
    expect(production.rows.find((r) => r.service === "analytics-service")).toEqual({
      service: "analytics-service",
      serviceAccount: "production/analytics-service",
      secrets: ["analytics-service-warehouse ← secret/data/apps/production/analytics-service/warehouse", "analytics-service-payments-db ← database/creds/production-analytics-service-payments"],
      databaseRoles: ["production-analytics-service-payments (read-only)"],
      vaultRoles: ["auth/kubernetes role eso-production → policies eso-production (ESO)", "auth/aws role svc-production-analytics-service → policies svc-production-analytics-service"],
      awsIdentities: ["shop-production-analytics-service (pod-identity)"],
    });
  });
});
