import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { synthKubernetes } from "../lib/synth-kubernetes";
import { kubernetesFiles, terraformFiles, writeFiles } from "../lib/write-synthesis";
import { synthTerraform } from "../lib/synth-terraform";
import { buildPlatformModel } from "../model";
import { platformSpecSchema } from "../spec/schema";
import { validateSpec } from "../spec/validate";
import { referenceCopy } from "./helpers/synth";

/**
 * Names generated from spec input that meet: each spec must be rejected by VEP-S34 (or VEP-S02
 * for a list entry given twice) at the field that introduced the second name, and, rendered
 * without the cross-field rules, shows the damage the rule prevents.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Mutable = any;

const CERT = String(referenceCopy().vault.tls.caCertificate);
const dedicated = (name: string) => ({ type: "eks", name, apiServerUrl: `https://${name}.example.com`, caCertificate: CERT, apiServerCidrs: ["10.70.0.0/20"] });

type Damage = "crash" | ((out: { tf: string; dist: string }) => void);
interface Case {
  name: string;
  break: (s: Mutable) => void;
  path: string;
  rule: string;
  message: RegExp;
  damage: Damage;
}

/**
 * Every Vault stack's resources as `<type>.<name>` (argument `arg` when given, e.g. a policy's
 * Vault name). The Vault layer is one stack per environment: a name two environments generate
 * lands in two states (each apply overwrites the other's object), and the checks and the review,
 * which read the Vault stacks together by address, would see one of them.
 */
function vaultNamesIn(tfOut: string, arg?: string): string[] {
  const stacks = readdirSync(join(tfOut, "stacks")).filter((d) => d.startsWith("vault-"));
  return stacks.flatMap((d) => {
    const json = JSON.parse(readFileSync(join(tfOut, "stacks", d, "cdk.tf.json"), "utf8"));
    return Object.entries<Record<string, Record<string, unknown>>>(json.resource ?? {}).flatMap(([type, rs]) => Object.entries(rs).map(([name, r]) => `${type}.${arg ? String(r[arg]) : name}`));
  });
}

/** IAM roles of the AWS stack, by role name. */
function iamRoleNames(tfOut: string): string[] {
  const stack = JSON.parse(readFileSync(join(tfOut, "stacks/aws/cdk.tf.json"), "utf8"));
  return Object.values(stack.resource.aws_iam_role as Record<string, { name: string }>).map((r) => r.name);
}

const cases: Case[] = [
  {
    name: "a KV secret named like the Vault CA Secret VSO's VaultConnection reads",
    break: (s) => {
      s.environments[0].delivery = "vso";
      s.services.push({ name: "vault", environments: ["dev"], secrets: [{ name: "ca", keys: ["X"] }] });
    },
    path: "services[3].secrets[0].name",
    rule: "VEP-S34",
    message: /"vault-ca", like the Secret with the Vault CA that VSO's VaultConnection trusts \(environments\[0\]\.delivery\); Kubernetes Secrets in namespace dev/,
    // GitOps applies the CA Secret and VSO (overwrite: false) is told to write the same Secret: one of them loses.
    damage: ({ dist }) => {
      const env = join(dist, "shop-platform", "env-dev");
      expect(readdirSync(env)).toContain("secret-vault-ca.yaml");
      expect(readFileSync(join(env, "vaultstaticsecret-vault-ca.yaml"), "utf8")).toMatch(/destination:\n(\s+\S.*\n)*?\s+name: vault-ca\n/);
    },
  },
  {
    name: "a service account named like the one VSO's VaultAuth logs in as",
    break: (s) => {
      s.environments[0].delivery = "vso";
      s.services[2].serviceAccount = "vso-vault-auth";
    },
    path: "services[2].serviceAccount",
    rule: "VEP-S34",
    message: /"vso-vault-auth", like the account the environment's VaultAuth logs in as/,
    damage: "crash",
  },
  {
    name: "a KV secret named like a shared service the service uses (the issue's crash)",
    break: (s) => s.services[1].secrets.push({ name: "kafka", keys: ["EXTRA"] }),
    path: "services[1].secrets[1].name",
    rule: "VEP-S34",
    message: /"payment-service-kafka", like the Secret with payment-service's kafka credentials \(services\[1\]\.sharedServices\[0\]\); Kubernetes Secrets in namespace dev/,
    damage: "crash",
  },
  {
    name: "a KV secret named like a database secret the service also gets",
    break: (s) => s.services[0].secrets.push({ name: "users-db", keys: ["X"] }),
    path: "services[0].secrets[1].name",
    rule: "VEP-S34",
    message: /"user-service-users-db", like the Secret with user-service's users database credentials \(services\[0\]\.databases\[0\]\.name\)/,
    damage: "crash",
  },
  {
    name: "'-' joins across two services: payment + service-kafka meets payment-service + kafka",
    break: (s) => s.services.push({ name: "payment", environments: ["dev"], secrets: [{ name: "service-kafka", keys: ["X"] }] }),
    path: "services[3].secrets[0].name",
    rule: "VEP-S34",
    message: /"payment-service-kafka"/,
    damage: "crash",
  },
  {
    name: "a service account named like the ESO store's",
    break: (s) => (s.services[2].serviceAccount = "eso-vault-store"),
    path: "services[2].serviceAccount",
    rule: "VEP-S34",
    message: /"eso-vault-store", like the account the environment's ESO store logs in as/,
    damage: "crash",
  },
  {
    name: "an AWS login role named like the Vault server's role (env vault + service server)",
    break: (s) => {
      s.environments.push({ name: "vault", namespace: "apps-vault" });
      s.services.push({ name: "server", environments: ["vault"], vaultLogin: "aws-iam" });
      s.network = { iamCidrs: ["10.40.250.0/24"] };
    },
    path: "services[3].environments[0]",
    rule: "VEP-S34",
    message: /"shop-vault-server", like the Vault server's role; IAM roles need unique names/,
    // Two aws_iam_role resources with one name: Terraform plans both, the second create fails at apply.
    damage: ({ tf }) => expect(iamRoleNames(tf).filter((n) => n === "shop-vault-server")).toHaveLength(2),
  },
  {
    name: "Vault policy names across '-' splits: env a + service b-c meets env a-b + service c",
    break: (s) => {
      s.environments.push({ name: "a" }, { name: "a-b" });
      s.services.push({ name: "b-c", environments: ["a"], vaultLogin: "kubernetes" }, { name: "c", environments: ["a-b"], vaultLogin: "kubernetes" });
    },
    path: "services[4].environments[0]",
    rule: "VEP-S34",
    message: /"svc-a-b-c", like the policy of b-c in a \(services\[3\]\.environments\[0\]\); Vault policies and roles need unique names/,
    // vault-a and vault-a-b each write policy svc-a-b-c: whichever applies last wins.
    damage: ({ tf }) => expect(vaultNamesIn(tf, "name").filter((n) => n === "vault_policy.svc-a-b-c")).toHaveLength(2),
  },
  {
    name: "cdk8s chart ids: primary env a--env-b meets env b of a cluster named shop-platform--env-a",
    break: (s) => {
      Object.assign(s.vault, { externalAddress: "https://vault.shop.internal:8200", externalClientCidrs: ["10.40.4.0/24"], externalAddressCidrs: ["10.40.4.0/24"] });
      s.environments.push({ name: "a--env-b", namespace: "ab" }, { name: "b", cluster: dedicated("shop-platform--env-a") });
    },
    path: "environments[4].name",
    rule: "VEP-S34",
    message: /"shop-platform--env-a--env-b", like the chart of environment a--env-b/,
    damage: "crash",
  },
  {
    name: "cluster folders that differ only in case (one folder on macOS and Windows)",
    break: (s) => {
      s.cluster.name = "Shop";
      Object.assign(s.vault, { externalAddress: "https://vault.shop.internal:8200", externalClientCidrs: ["10.40.4.0/24"], externalAddressCidrs: ["10.40.4.0/24"] });
      s.environments.push({ name: "edge", cluster: dedicated("shop") });
    },
    path: "environments[3].cluster.name",
    rule: "VEP-S34",
    message: /"shop", like the primary cluster's folder \(cluster\.name\); folders in the --dist output need unique names/,
    // Two top-level folders whose names a case-insensitive file system writes into one.
    damage: ({ dist }) => expect(readdirSync(dist).filter((d) => d.toLowerCase() === "shop").sort()).toEqual(["Shop", "shop"]),
  },
  {
    name: "Terraform names: auth mount kubernetes-role-eso + role eso-y meets mount kubernetes + role eso-role-eso-y",
    break: (s) => {
      Object.assign(s.vault, { externalAddress: "https://vault.shop.internal:8200", externalClientCidrs: ["10.40.4.0/24"], externalAddressCidrs: ["10.40.4.0/24"] });
      s.environments.push({ name: "role-eso-y" }, { name: "y", cluster: dedicated("role-eso") });
    },
    path: "environments[4].name",
    rule: "VEP-S34",
    message: /"auth_kubernetes_role_eso_role_eso_y", like the ESO store role of role-eso-y \(environments\[3\]\.name\); Kubernetes auth roles \(as Terraform resource names\)/,
    damage: ({ tf }) => expect(vaultNamesIn(tf).filter((a) => a === "vault_kubernetes_auth_backend_role.auth_kubernetes_role_eso_role_eso_y")).toHaveLength(2),
  },
  {
    name: "Terraform names: KV paths apps/a--b/c/d and apps/a/b--c/d",
    break: (s) => {
      s.environments.push({ name: "a--b" }, { name: "a" });
      s.services.push({ name: "c", environments: ["a--b"], secrets: [{ name: "d", keys: ["K"] }] }, { name: "b--c", environments: ["a"], secrets: [{ name: "d", keys: ["K"] }] });
    },
    path: "services[4].secrets[0].name",
    rule: "VEP-S34",
    message: /the KV entry apps\/a\/b--c\/d would be named "kv_metadata_apps__a__b__c__d", like the KV entry apps\/a--b\/c\/d/,
    damage: ({ tf }) => expect(vaultNamesIn(tf).filter((a) => a === "vault_generic_endpoint.kv_metadata_apps__a__b__c__d")).toHaveLength(2),
  },
  {
    name: "an environment listed twice by one service",
    break: (s) => s.services[0].environments.push("dev"),
    path: "services[0].environments[3]",
    rule: "VEP-S02",
    message: /"dev" listed twice/,
    damage: "crash",
  },
  {
    name: "an environment named core: its Vault stack (and Terraform state) would be the core's",
    break: (s) => s.environments.push({ name: "core" }),
    path: "environments[3].name",
    rule: "VEP-S34",
    message: /"vault-core", like the core Vault stack/,
    damage: "crash",
  },
  {
    name: "a shared service listed twice by one service",
    break: (s) => s.services[1].sharedServices.push("kafka"),
    path: "services[1].sharedServices[1]",
    rule: "VEP-S02",
    message: /"kafka" listed twice/,
    damage: "crash",
  },
];

function broken(c: Case): Mutable {
  const spec = referenceCopy() as Mutable;
  c.break(spec);
  return spec;
}

/** Renders both layers from the field-checked spec, skipping the cross-field rules (as before VEP-S34). */
function renderWithoutRules(input: unknown): { tf: string; dist: string } {
  const spec = platformSpecSchema.parse(input);
  const model = buildPlatformModel(spec);
  const root = mkdtempSync(join(tmpdir(), "vep-collide-"));
  const out = { tf: join(root, "cdktf.out"), dist: join(root, "dist") };
  writeFiles(out.tf, terraformFiles(synthTerraform(model, { outDir: out.tf, stateDir: root })));
  writeFiles(out.dist, kubernetesFiles(synthKubernetes(model)));
  return out;
}

describe("generated names never meet (VEP-S34)", () => {
  it.each(cases)("$name → $path [$rule]", (c) => {
    const result = validateSpec(broken(c));
    const problems = result.ok ? [] : result.problems;
    const match = problems.find((p) => p.path === c.path && p.rule === c.rule && c.message.test(p.message));
    expect(match, `problems were:\n${problems.map((p) => `  ${p.path}: ${p.message} [${p.rule ?? "field"}]`).join("\n")}`).toBeDefined();
  });

  it.each(cases)("without the rule, $name crashes the synth or damages the output", (c) => {
    if (c.damage === "crash") {
      expect(() => renderWithoutRules(broken(c))).toThrow(/There is already a Construct with name|two Terraform elements would share/);
    } else {
      c.damage(renderWithoutRules(broken(c)));
    }
  });

  it("the reference spec and every example claim no name twice", () => {
    expect(validateSpec(referenceCopy()).ok).toBe(true);
  });
});
