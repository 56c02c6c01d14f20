import { beforeAll, describe, expect, it } from "vitest";
import type { Synthesis } from "../lib/synthesis";
import { reviewSyntheses } from "../review/index";
import { reviewMarkdown } from "../review/markdown";
import { reviewJson } from "../review/json";
import { type Review, reviewExitCode } from "../review/types";
import type { PlatformSpecInput } from "../spec/schema";
import { referenceCopy } from "./helpers/synth";
import { synthesisOf } from "./helpers/synthesis";

/**
 * Issue 10: fixture pairs (base, head) for each kind of finding, with the review's exit code. Heads
 * are specs where the spec can express the change, else a good synthesis edited the way a hand edit
 * or another tool would (a wider IRSA trust, a weaker securityContext). Expected findings are written out.
 */

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
type Line = { layer: string; kind: string; weight: string; resource: string; message: string };
const lines = (r: Review): Line[] => r.findings.map(({ layer, kind, weight, resource, message }) => ({ layer, kind, weight, resource, message }));
const spec = (edit: (s: Json) => void = () => {}): PlatformSpecInput => {
  const s = referenceCopy() as Json;
  edit(s);
  return s;
};
const review = (base: Synthesis, head: Synthesis) => reviewSyntheses(base, head, { base: "base", head: "head" });
const edited = (s: Synthesis, edit: (s: Synthesis) => void) => {
  const copy = structuredClone(s);
  edit(copy);
  return copy;
};

describe("review: fixture pairs per finding kind", () => {
  let reference: Synthesis;
  beforeAll(async () => {
    reference = await synthesisOf(spec());
  });

  it("a no-op change: empty review, exit 0", async () => {
    const r = await review(reference, await synthesisOf(spec()));
    expect([r.changes, r.findings, r.day2]).toEqual([[], [], []]);
    expect(reviewExitCode(r, false)).toBe(0);
    expect(reviewMarkdown(r)).toBe("## vault-eks-platform review: base → head\n\nNo change: both sides synthesize to the same output.\n");
  });

  it("a service added to an environment that did not use kafka: the environment's ESO policy broadens, a new ExternalSecret, exit 3", async () => {
    const noKafkaInProduction = (s: Json) => {
      for (const svc of s.services) if (svc.sharedServices?.includes("kafka")) svc.environments = ["dev", "staging"];
    };
    const base = await synthesisOf(spec(noKafkaInProduction));
    const head = await synthesisOf(
      spec((s) => {
        noKafkaInProduction(s);
        s.services.find((x: Json) => x.name === "notification-service").environments = ["dev", "staging", "production"];
      }),
    );
    const r = await review(base, head);
    expect(lines(r)).toEqual(
      expect.arrayContaining([
        { layer: "vault", kind: "vault-policy", weight: "broadening", resource: "policy eso-production", message: "secret/data/shared-services/kafka/production: +read" },
        { layer: "vault", kind: "vault-access", weight: "broadening", resource: "auth/kubernetes/role/eso-production", message: "can now read secret/data/shared-services/kafka/production" },
      ]),
    );
    expect(r.changes).toEqual(expect.arrayContaining([{ layer: "kubernetes", action: "add", resource: "shop-platform/ExternalSecret/production/notification-service-kafka", fields: [] }]));
    expect(reviewExitCode(r, false)).toBe(3);
    expect(reviewExitCode(r, true)).toBe(0);
    expect(reviewMarkdown(r)).toContain("| Vault |");
  });

  it("a shared service removed: narrowing only, exit 0, and every service that loses it is named", async () => {
    const head = await synthesisOf(
      spec((s) => {
        s.sharedServices = s.sharedServices.filter((x: Json) => x.name !== "redis");
        for (const svc of s.services) svc.sharedServices = svc.sharedServices?.filter((x: string) => x !== "redis");
      }),
    );
    const r = await review(reference, head);
    expect(r.findings.filter((f) => f.weight === "broadening")).toEqual([]);
    expect(reviewExitCode(r, false)).toBe(0);
    const lost = r.findings.filter((f) => f.kind === "vault-access-lost").map((f) => f.message);
    expect(lost).toEqual(
      expect.arrayContaining([
        "ExternalSecret dev/user-service-redis (service user-service) loses read on secret/data/shared-services/redis/dev: its reader is removed in this change too",
        "ExternalSecret production/notification-service-redis (service notification-service) loses read on secret/data/shared-services/redis/production: its reader is removed in this change too",
      ]),
    );
    expect(lost).toHaveLength(6);
  });

  it("a narrowing that breaks a service still running: the policy loses a path its ExternalSecret reads", async () => {
    const head = edited(reference, (s) => {
      const p = s.terraform.stacks["vault-dev"].resource.vault_policy.policy_eso_dev;
      p.policy = p.policy.replace('path "secret/data/shared-services/kafka/dev" {\n  capabilities = ["read"]\n}\n', "");
    });
    const r = await review(reference, head);
    expect(lines(r)).toEqual(
      expect.arrayContaining([
        {
          layer: "vault",
          kind: "vault-access-lost",
          weight: "narrowing",
          resource: "auth/kubernetes/role/eso-dev",
          message: "ExternalSecret dev/payment-service-kafka (service payment-service) loses read on secret/data/shared-services/kafka/dev: it is still rendered and will stop syncing (the running Secret keeps its last value until then)",
        },
      ]),
    );
    expect(reviewExitCode(r, false)).toBe(0);
  });

  it("a Vault version bump: the StatefulSet needs the ordered OnDelete roll, images change, exit 0", async () => {
    const r = await review(reference, await synthesisOf(spec((s) => (s.vault.image.tag = "1.20.5"))));
    expect(lines(r)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "statefulset-roll", weight: "attention", resource: "shop-platform/StatefulSet/vault/vault", message: expect.stringContaining("updateStrategy is OnDelete: no pod restarts by itself") }),
        { layer: "kubernetes", kind: "image", weight: "info", resource: "shop-platform/StatefulSet/vault/vault", message: "container vault: image hashicorp/vault:1.20.4 -> hashicorp/vault:1.20.5" },
      ]),
    );
    expect(reviewExitCode(r, false)).toBe(0);
  });

  it("a new client namespace for Vault: network broadening from the flow evaluator, exit 3", async () => {
    const r = await review(reference, await synthesisOf(spec((s) => s.vault.allowedClientNamespaces.push("batch-jobs"))));
    expect(r.findings.filter((f) => f.weight === "broadening")).toEqual([
      { layer: "kubernetes", kind: "network", weight: "broadening", resource: "shop-platform:vault/vault", message: "any pod in namespace batch-jobs can now reach Vault on 8200/TCP" },
    ]);
    expect(reviewExitCode(r, false)).toBe(3);
  });

  it("new egress from Vault: a wider database CIDR is a destination Vault can now connect to", async () => {
    const r = await review(reference, await synthesisOf(spec((s) => (s.sharedServices[0].endpoints.dev.cidrs = ["10.40.96.0/23"]))));
    expect(r.findings.filter((f) => f.kind === "network" && f.weight === "broadening").map((f) => f.message)).toContain("Vault can now connect to 10.40.96.0/23 on 5432/TCP");
    expect(reviewExitCode(r, false)).toBe(3);
  });

  it("a wider IRSA trust (wildcard sub, aud dropped): IAM broadening as cdk diff defines it, exit 3", async () => {
    const head = edited(reference, (s) => {
      const role = s.terraform.stacks.aws.resource.aws_iam_role.vault_server_role;
      const doc = JSON.parse(role.assume_role_policy);
      const cond = doc.Statement[0].Condition.StringEquals;
      const sub = Object.keys(cond).find((k) => k.endsWith(":sub"))!;
      doc.Statement[0].Condition = { StringLike: { [sub]: "system:serviceaccount:vault:*" } };
      role.assume_role_policy = JSON.stringify(doc);
    });
    const r = await review(reference, head);
    const issuer = "oidc.eks.eu-west-1.amazonaws.com/id/5E1B3A0C9D8F7E6A5B4C3D2E1F0A9B8C";
    expect(lines(r).filter((f) => f.weight === "broadening")).toEqual([
      {
        layer: "aws",
        kind: "iam",
        weight: "broadening",
        resource: "aws/aws_iam_role.vault_server_role",
        message: `assume_role_policy: statement Irsa drops the ${issuer}:aud condition (StringEquals ["sts.amazonaws.com"]); ${issuer}:sub now matches the pattern ["system:serviceaccount:vault:*"] (was StringEquals ["system:serviceaccount:vault:vault"])`,
      },
    ]);
    expect(reviewExitCode(r, false)).toBe(3);
  });

  it("a key policy letting another principal use the unseal key: key-policy broadening, and the unseal key is called out", async () => {
    const head = edited(reference, (s) => {
      const key = s.terraform.stacks.aws.resource.aws_kms_key.vault_unseal_key;
      const doc = JSON.parse(key.policy);
      doc.Statement.push({ Sid: "Extra", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:role/ops" }, Action: ["kms:Decrypt"], Resource: "*" });
      key.policy = JSON.stringify(doc);
    });
    const r = await review(reference, head);
    expect(lines(r)).toEqual(
      expect.arrayContaining([
        { layer: "aws", kind: "key-policy", weight: "broadening", resource: "aws/aws_kms_key.vault_unseal_key", message: 'policy: adds Allow statement Extra: ["kms:Decrypt"] on ["*"] for ["AWS:arn:aws:iam::111122223333:role/ops"]' },
        { layer: "aws", kind: "unseal-key", weight: "attention", resource: "aws/aws_kms_key.vault_unseal_key", message: "the unseal key changes (policy)" },
      ]),
    );
  });

  it("auth roles: a new service account bound, a longer TTL, a removed audit device", async () => {
    const head = edited(reference, (s) => {
      const dev = s.terraform.stacks["vault-dev"].resource;
      dev.vault_kubernetes_auth_backend_role.auth_kubernetes_role_eso_dev.bound_service_account_names.push("default");
      dev.vault_kubernetes_auth_backend_role.auth_kubernetes_role_eso_dev.token_ttl = 86400;
      const audit = s.terraform.stacks["vault-core"].resource.vault_audit;
      delete audit[Object.keys(audit)[0]];
    });
    const r = await review(reference, head);
    expect(lines(r).filter((f) => f.weight === "broadening")).toEqual(
      expect.arrayContaining([
        { layer: "vault", kind: "vault-auth", weight: "broadening", resource: "auth/kubernetes/role/eso-dev", message: 'bound_service_account_names now also admits ["default"]' },
        expect.objectContaining({ kind: "vault-ttl", resource: "vault-dev/vault_kubernetes_auth_backend_role.auth_kubernetes_role_eso_dev", message: expect.stringMatching(/^token_ttl longer: \d+ -> 86400$/) }),
        expect.objectContaining({ kind: "vault-audit", message: expect.stringMatching(/^audit device .* removed/) }),
      ]),
    );
  });

  it("a changed audit device is called out: every argument of vault_audit forces replacement", async () => {
    const head = edited(reference, (s) => {
      const a = Object.values<Json>(s.terraform.stacks["vault-core"].resource.vault_audit)[0];
      a.description = "changed";
    });
    const r = await review(reference, head);
    expect(r.findings.filter((f) => f.kind === "vault-audit").map((f) => [f.weight, f.message.split(":")[0]])).toEqual([["attention", expect.stringMatching(/^audit device \S+ changes$/)]]);
  });

  it("RBAC and securityContext weakening are broadenings", async () => {
    const head = edited(reference, (s) => {
      const m = s.kubernetes.manifests;
      m["shop-platform/vault/role-vault-service-registration.yaml"].rules[0].verbs.push("delete");
      const sts = m["shop-platform/vault/statefulset-vault.yaml"];
      sts.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem = false;
      sts.spec.template.spec.containers[0].securityContext.capabilities = { add: ["NET_ADMIN"] };
    });
    const r = await review(reference, head);
    const broad = r.findings.filter((f) => f.weight === "broadening").map((f) => `${f.kind} ${f.resource}: ${f.message}`);
    expect(broad.sort()).toEqual(
      expect.arrayContaining([
        'rbac shop-platform/Role/vault/vault-service-registration: grants more: ["core/pods/vault-0 delete","core/pods/vault-1 delete","core/pods/vault-2 delete"]',
        "security-context shop-platform/StatefulSet/vault/vault: container vault: root filesystem writable",
        "security-context shop-platform/StatefulSet/vault/vault: container vault: capabilities no longer drop ALL",
        'security-context shop-platform/StatefulSet/vault/vault: container vault: adds capabilities ["NET_ADMIN"]',
      ]),
    );
    expect(broad).toHaveLength(4);
  });

  it("a change to the server certificate's names forces a reissue", async () => {
    const head = edited(reference, (s) => s.kubernetes.manifests["shop-platform/vault/certificate-vault-server-tls.yaml"].spec.dnsNames.push("vault.example.com"));
    const r = await review(reference, head);
    expect(lines(r)).toEqual([expect.objectContaining({ kind: "certificate-reissue", weight: "attention", resource: "shop-platform/Certificate/vault/vault-server-tls", message: expect.stringMatching(/^spec\.dnsNames changed: cert-manager issues a new certificate/) })]);
  });

  it("day-2 notes of checks/day2 are part of the review", async () => {
    const r = await review(reference, await synthesisOf(spec((s) => (s.vault.replicas = 5))));
    expect(r.day2.length).toBeGreaterThan(0);
    expect(reviewMarkdown(r)).toContain(`Day-2 notes (${r.day2.length})`);
  });

  it("secret values never appear: a Secret's data changes, the review names the field only", async () => {
    const secret = (value: string) => ({ apiVersion: "v1", kind: "Secret", metadata: { name: "hand-made", namespace: "dev" }, data: { password: Buffer.from(value).toString("base64") } });
    const base = edited(reference, (s) => (s.kubernetes.manifests["shop-platform/env-dev/secret-hand-made.yaml"] = secret("old-hunter2")));
    const head = edited(reference, (s) => (s.kubernetes.manifests["shop-platform/env-dev/secret-hand-made.yaml"] = secret("new-hunter2")));
    const r = await review(base, head);
    expect(r.changes).toEqual([{ layer: "kubernetes", action: "change", resource: "shop-platform/Secret/dev/hand-made", fields: ["data.password"] }]);
    const text = reviewMarkdown(r) + reviewJson(r, { approved: false, exitCode: 0 });
    for (const v of ["old-hunter2", "new-hunter2", Buffer.from("old-hunter2").toString("base64"), Buffer.from("new-hunter2").toString("base64")]) expect(text).not.toContain(v);
  });
});
