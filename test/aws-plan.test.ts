import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { type PlanJson, type ResourceChange, terraformWorkdir } from "./helpers/terraform";
import type { PlatformSpecInput } from "../spec/schema";
import { putObjectDeniedBy, s3CpRequestContext } from "./helpers/s3-policy";
import { referenceCopy, ROOT, synthTerraformToTemp } from "./helpers/synth";

/**
 * The AWS stack, planned by the real Terraform engine with the real hashicorp/aws 5.100.0
 * provider. Every assertion reads `terraform show -json`, never our own objects; expected
 * values are written out literally from the reference spec.
 */

const ACCOUNT = "111122223333";
const ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/5E1B3A0C9D8F7E6A5B4C3D2E1F0A9B8C";
const VAULT_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/shop-vault-server`;
const SNAPSHOT_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/shop-vault-snapshot`;
const BUCKET = `shop-vault-snapshots-${ACCOUNT}-eu-west-1`;
/** Actions that let a principal use key material, directly or by delegation. */
const KEY_USE = /^kms:(Encrypt|Decrypt|ReEncrypt.*|GenerateDataKey.*|CreateGrant|Sign|Verify|GenerateMac|VerifyMac|DeriveSharedSecret|\*)$/;

interface Statement {
  Sid: string;
  Effect: string;
  Principal?: unknown;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}
const doc = (s: unknown): { Statement: Statement[] } => JSON.parse(String(s));
const actions = (s: Statement) => [s.Action].flat().sort();
const principals = (s: Statement) => {
  const p = s.Principal as { AWS?: string | string[] } | string;
  return typeof p === "string" ? [p] : [p.AWS ?? []].flat();
};

// The synthesized stack is read back as plain JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type TfJson = Record<string, any>;

/** Terraform runs without blocking the test worker (a plan can take a minute on a busy machine). */
async function planOf(spec = referenceCopy()): Promise<{ plan: PlanJson; byAddress: Map<string, ResourceChange>; stack: TfJson }> {
  const out = synthTerraformToTemp(spec);
  const stack = JSON.parse(readFileSync(join(out, "stacks", "aws", "cdk.tf.json"), "utf8"));
  const tf = terraformWorkdir(join(out, "stacks", "aws"), { testProvider: true });
  await tf.runAsync(["init", "-input=false"]);
  const validate = JSON.parse((await tf.runAsync(["validate", "-json"])).stdout) as { valid: boolean; error_count: number; diagnostics: unknown[] };
  expect(validate, JSON.stringify(validate.diagnostics)).toMatchObject({ valid: true, error_count: 0 });
  await tf.runAsync(["plan", "-input=false", "-refresh=false", "-out=plan.bin"]);
  const plan = await tf.showPlanJsonAsync();
  return { plan, byAddress: new Map(plan.resource_changes.map((r) => [r.address, r])), stack };
}

/** A key ARN standing for the snapshot key's, which AWS assigns at apply time. */
const SNAPSHOT_KEY_ARN = "arn:aws:kms:eu-west-1:111122223333:key/2f4e6a8c-0000-4000-8000-000000000000";

/**
 * The bucket policy interpolates the snapshot key's ARN, so the plan knows it only after apply.
 * The plan proves that is the only unknown (after_unknown and its references); the statements are
 * read from the configuration Terraform planned, with a key ARN in place of the reference.
 */
function bucketPolicy(plan: PlanJson, byAddress: Map<string, ResourceChange>, stack: TfJson): Statement[] {
  const address = "aws_s3_bucket_policy.snapshots_policy";
  expect(byAddress.get(address)!.change.after_unknown.policy).toBe(true);
  expect(referencesOf(plan, address, "policy")).toContain("aws_kms_key.vault_snapshots_key.arn");
  const text = String(stack.resource.aws_s3_bucket_policy.snapshots_policy.policy);
  expect(text.match(/\$\{[^}]+\}/g)).toEqual(expect.arrayContaining(["${aws_kms_key.vault_snapshots_key.arn}"]));
  return doc(text.split("${aws_kms_key.vault_snapshots_key.arn}").join(SNAPSHOT_KEY_ARN)).Statement;
}

function after(byAddress: Map<string, ResourceChange>, address: string): Record<string, unknown> {
  const rc = byAddress.get(address);
  if (!rc) throw new Error(`plan has no ${address}; it has ${[...byAddress.keys()].join(", ")}`);
  expect(rc.change.actions).toEqual(["create"]);
  return rc.change.after;
}

function referencesOf(plan: PlanJson, address: string, attribute: string): string[] {
  const res = plan.configuration.root_module.resources.find((r) => r.address === address);
  const expr = res?.expressions[attribute];
  const flat = JSON.stringify(expr ?? {});
  return [...flat.matchAll(/"(aws_[a-z0-9_]+\.[a-z0-9_]+(?:\.[a-z_]+)?)"/g)].map((m) => m[1]);
}

describe("aws stack (IRSA, reference spec) under terraform validate + plan", () => {
  let plan: PlanJson;
  let byAddress: Map<string, ResourceChange>;
  let stack: TfJson;
  beforeAll(async () => ({ plan, byAddress, stack } = await planOf()), 300_000);

  it("plans only creations and nothing else", () => {
    expect(plan.resource_changes.every((r) => r.change.actions.join() === "create")).toBe(true);
    expect(plan.resource_changes.filter((r) => r.type === "aws_eks_pod_identity_association")).toHaveLength(0);
  });

  it("unseal key: rotation on, 30-day window, alias, symmetric", () => {
    const key = after(byAddress, "aws_kms_key.vault_unseal_key");
    expect(key).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30, key_usage: "ENCRYPT_DECRYPT", customer_master_key_spec: "SYMMETRIC_DEFAULT", bypass_policy_lockout_safety_check: false });
    expect(after(byAddress, "aws_kms_alias.vault_unseal_alias").name).toBe("alias/shop-vault-unseal");
  });

  it("unseal key policy: root administers (no lockout) and only the Vault role gets exactly Encrypt/Decrypt/DescribeKey", () => {
    const statements = doc(after(byAddress, "aws_kms_key.vault_unseal_key").policy).Statement;
    const admin = statements.find((s) => principals(s).includes(`arn:aws:iam::${ACCOUNT}:root`))!;
    expect(actions(admin)).toContain("kms:PutKeyPolicy");
    expect(actions(admin)).toContain("kms:ScheduleKeyDeletion");
    expect(actions(admin).filter((a) => KEY_USE.test(a))).toEqual([]);
    const users = statements.filter((s) => actions(s).some((a) => KEY_USE.test(a)));
    expect(users).toHaveLength(1);
    expect(principals(users[0])).toEqual([VAULT_ROLE_ARN]);
    expect(actions(users[0])).toEqual(["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt"]);
    expect(statements.every((s) => s.Effect === "Allow" && !actions(s).some((a) => a.endsWith("*")))).toBe(true);
  });

  it("the KMS key policy names the Vault role only after the role exists", () => {
    const config = plan.configuration.root_module.resources.find((r) => r.address === "aws_kms_key.vault_unseal_key") as unknown as { depends_on?: string[] };
    expect(config.depends_on).toContain("aws_iam_role.vault_server_role");
  });

  it("snapshot bucket: its own SSE-KMS key (not the unseal key), bucket key, versioning, public access block, owner enforced", () => {
    expect(after(byAddress, "aws_s3_bucket.snapshots_bucket").bucket).toBe(BUCKET);
    const sse = after(byAddress, "aws_s3_bucket_server_side_encryption_configuration.snapshots_encryption") as {
      rule: { bucket_key_enabled: boolean; apply_server_side_encryption_by_default: { sse_algorithm: string }[] }[];
    };
    expect(sse.rule[0].bucket_key_enabled).toBe(true);
    expect(sse.rule[0].apply_server_side_encryption_by_default[0].sse_algorithm).toBe("aws:kms");
    const keyRefs = referencesOf(plan, "aws_s3_bucket_server_side_encryption_configuration.snapshots_encryption", "rule");
    expect(keyRefs).toContain("aws_kms_key.vault_snapshots_key.arn");
    expect(keyRefs.some((r) => r.startsWith("aws_kms_key.vault_unseal_key"))).toBe(false);
    expect(after(byAddress, "aws_s3_bucket_versioning.snapshots_versioning")).toMatchObject({ versioning_configuration: [{ status: "Enabled" }] });
    expect(after(byAddress, "aws_s3_bucket_public_access_block.snapshots_public_access_block")).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(after(byAddress, "aws_s3_bucket_ownership_controls.snapshots_ownership")).toMatchObject({ rule: [{ object_ownership: "BucketOwnerEnforced" }] });
  });

  it("snapshot bucket policy denies every request without TLS (and below TLS 1.2)", () => {
    const statements = bucketPolicy(plan, byAddress, stack);
    const noTls = statements.find((s) => s.Condition?.Bool?.["aws:SecureTransport"] === "false")!;
    expect(noTls).toMatchObject({ Effect: "Deny", Principal: "*" });
    expect([noTls.Resource].flat().sort()).toEqual([`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`]);
    expect(statements.find((s) => s.Condition?.NumericLessThan?.["s3:TlsVersion"] === "1.2")?.Effect).toBe("Deny");
    expect(statements.every((s) => s.Effect === "Deny")).toBe(true);
  });

  it("(issue 15) snapshot bucket policy refuses uploads under any encryption but the bucket's own key; an upload with no encryption headers gets the default", () => {
    const statements = bucketPolicy(plan, byAddress, stack);
    const object = `arn:aws:s3:::${BUCKET}/raft/vault-20260101T000000Z.snap`;
    const upload = ["s3", "cp", "/snapshots/vault-20260101T000000Z.snap", `s3://${BUCKET}/raft/vault-20260101T000000Z.snap`, "--only-show-errors"];
    const denied = (flags: string[]) => putObjectDeniedBy(statements, object, s3CpRequestContext([...upload, ...flags]));
    expect(denied([])).toEqual([]);
    expect(denied(["--sse", "aws:kms", "--sse-kms-key-id", SNAPSHOT_KEY_ARN])).toEqual([]);
    expect(denied(["--sse", "AES256"])).toEqual(["DenyOtherEncryption"]);
    expect(denied(["--sse", "aws:kms"])).toEqual(["DenyAwsManagedKey"]);
    expect(denied(["--sse", "aws:kms", "--sse-kms-key-id", "arn:aws:kms:eu-west-1:444455556666:key/9a8b7c6d-0000-4000-8000-000000000000"])).toEqual(["DenyOtherKmsKey"]);
    expect(denied(["--sse-c"])).toEqual(["DenyCustomerProvidedKey"]);
    // An alias is not the key ARN S3 compares: only the header-free upload (or the key ARN) passes.
    expect(denied(["--sse", "aws:kms", "--sse-kms-key-id", "arn:aws:kms:eu-west-1:111122223333:alias/shop-vault-snapshots"])).toEqual(["DenyOtherKmsKey"]);
    const sse = after(byAddress, "aws_s3_bucket_server_side_encryption_configuration.snapshots_encryption") as { rule: { apply_server_side_encryption_by_default: { sse_algorithm: string }[] }[] };
    expect(sse.rule[0].apply_server_side_encryption_by_default[0].sse_algorithm).toBe("aws:kms");
  });

  it("(issue 15) Object Lock: every snapshot version is kept 14 days (GOVERNANCE), enabled on the versioned bucket without replacing it", () => {
    const lock = after(byAddress, "aws_s3_bucket_object_lock_configuration.snapshots_object_lock");
    expect(lock).toMatchObject({ object_lock_enabled: "Enabled", rule: [{ default_retention: [{ mode: "GOVERNANCE", days: 14 }] }] });
    expect(referencesOf(plan, "aws_s3_bucket_object_lock_configuration.snapshots_object_lock", "bucket")).toContain("aws_s3_bucket.snapshots_bucket.id");
    const config = plan.configuration.root_module.resources.find((r) => r.address === "aws_s3_bucket_object_lock_configuration.snapshots_object_lock") as unknown as { depends_on?: string[] };
    expect(config.depends_on).toContain("aws_s3_bucket_versioning.snapshots_versioning");
    // object_lock_enabled on the bucket itself would force a new bucket on existing platforms.
    expect(stack.resource.aws_s3_bucket.snapshots_bucket).not.toHaveProperty("object_lock_enabled");
    expect(byAddress.has("aws_s3_bucket_logging.snapshots_logging")).toBe(false);
  });

  it("snapshot lifecycle expires objects under the prefix after the spec's retention", () => {
    const lc = after(byAddress, "aws_s3_bucket_lifecycle_configuration.snapshots_lifecycle") as { rule: Record<string, unknown>[] };
    expect(lc.rule).toHaveLength(1);
    expect(lc.rule[0]).toMatchObject({
      status: "Enabled",
      filter: [{ prefix: "raft/" }],
      expiration: [{ days: 30 }],
      noncurrent_version_expiration: [{ noncurrent_days: 7 }],
      abort_incomplete_multipart_upload: [{ days_after_initiation: 1 }],
    });
  });

  it("snapshot key: only the snapshot role may use it, only through S3, only for this bucket", () => {
    const key = after(byAddress, "aws_kms_key.vault_snapshots_key");
    expect(key.enable_key_rotation).toBe(true);
    const users = doc(key.policy).Statement.filter((s) => actions(s).some((a) => KEY_USE.test(a)));
    expect(users).toHaveLength(1);
    expect(principals(users[0])).toEqual([SNAPSHOT_ROLE_ARN]);
    expect(actions(users[0])).toEqual(["kms:Decrypt", "kms:GenerateDataKey"]);
    expect(users[0].Condition?.StringEquals?.["kms:ViaService"]).toBe("s3.eu-west-1.amazonaws.com");
    expect([users[0].Condition?.StringLike?.["kms:EncryptionContext:aws:s3:arn"]].flat()).toContain(`arn:aws:s3:::${BUCKET}`);
  });

  it("IRSA: each role trusts exactly one service account through the cluster's OIDC provider", () => {
    const expected: Record<string, string> = {
      "aws_iam_role.vault_server_role": "system:serviceaccount:vault:vault",
      "aws_iam_role.vault_snapshot_role": "system:serviceaccount:vault:vault-snapshot",
      "aws_iam_role.eso_secretsmanager_role": "system:serviceaccount:external-secrets:eso-secretsmanager",
    };
    const roles = plan.resource_changes.filter((r) => r.type === "aws_iam_role").map((r) => r.address).sort();
    expect(roles).toEqual(Object.keys(expected).sort());
    for (const [address, sub] of Object.entries(expected)) {
      const trust = doc(after(byAddress, address).assume_role_policy).Statement;
      expect(trust).toHaveLength(1);
      expect(trust[0]).toEqual({
        Sid: expect.any(String),
        Effect: "Allow",
        Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER}` },
        Action: ["sts:AssumeRoleWithWebIdentity"],
        Condition: { StringEquals: { [`${ISSUER}:sub`]: sub, [`${ISSUER}:aud`]: "sts.amazonaws.com" } },
      });
    }
    expect(after(byAddress, "aws_iam_role.vault_server_role").name).toBe("shop-vault-server");
  });

  it("identity policies: no wildcard actions, no bare '*' resources, exactly the documented grants", () => {
    const policies = plan.resource_changes.filter((r) => r.type === "aws_iam_role_policy");
    for (const p of policies) {
      for (const s of doc(p.change.after.policy).Statement) {
        expect(actions(s).every((a) => !a.includes("*")), p.address).toBe(true);
        expect([s.Resource].flat().every((r) => r !== "*"), p.address).toBe(true);
      }
    }
    const snapshot = doc(after(byAddress, "aws_iam_role_policy.vault_snapshot_policy").policy).Statement;
    expect(snapshot).toHaveLength(1);
    expect(actions(snapshot[0])).toEqual(["s3:AbortMultipartUpload", "s3:PutObject"]);
    expect(snapshot[0].Resource).toEqual([`arn:aws:s3:::${BUCKET}/raft/*`]);
    const eso = doc(after(byAddress, "aws_iam_role_policy.eso_secretsmanager_policy").policy).Statement;
    expect(actions(eso[0])).toEqual(["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"]);
    expect(eso[0].Resource).toEqual([`arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:shop/*`]);
    // The Vault role's only power is the key policy grant: no identity policy at all.
    expect(byAddress.has("aws_iam_role_policy.vault_server_policy")).toBe(false);
  });

  it("outputs give operators the alias and bucket before apply, ARNs after", () => {
    expect(plan.planned_values.outputs.unseal_key_alias.value).toBe("alias/shop-vault-unseal");
    expect(plan.planned_values.outputs.snapshot_bucket.value).toBe(BUCKET);
    expect(Object.keys(plan.planned_values.outputs).sort()).toEqual(
      ["eso_secretsmanager_role_arn", "snapshot_bucket", "snapshot_key_arn", "unseal_key_alias", "unseal_key_arn", "vault_server_role_arn", "vault_snapshot_role_arn"].sort(),
    );
  });
});

describe("aws stack (EKS Pod Identity, AWS IAM service login: examples/vcluster-oidc.yaml) under terraform validate + plan", () => {
  let byAddress: Map<string, ResourceChange>;
  beforeAll(async () => {
    const spec = parseYaml(readFileSync(join(ROOT, "examples/vcluster-oidc.yaml"), "utf8")) as PlatformSpecInput;
    ({ byAddress } = await planOf(spec));
  }, 300_000);

  it("(issue 15) access logs go to the spec's log bucket under the snapshot bucket's name; COMPLIANCE retention as the example asks", () => {
    expect(after(byAddress, "aws_s3_bucket_logging.snapshots_logging")).toMatchObject({ target_bucket: "shop-s3-access-logs-111122223333", target_prefix: `${BUCKET}/` });
    expect(after(byAddress, "aws_s3_bucket_object_lock_configuration.snapshots_object_lock")).toMatchObject({ rule: [{ default_retention: [{ mode: "COMPLIANCE", days: 7 }] }] });
  });

  it("trusts pods.eks.amazonaws.com with AssumeRole+TagSession pinned to cluster, namespace and service account", () => {
    const trust = doc(after(byAddress, "aws_iam_role.vault_server_role").assume_role_policy).Statement;
    expect(trust).toEqual([
      {
        Sid: expect.any(String),
        Effect: "Allow",
        Principal: { Service: "pods.eks.amazonaws.com" },
        Action: ["sts:AssumeRole", "sts:TagSession"],
        Condition: {
          StringEquals: {
            "aws:SourceAccount": ACCOUNT,
            "aws:RequestTag/eks-cluster-name": "shop-platform",
            "aws:RequestTag/kubernetes-namespace": "vault",
            "aws:RequestTag/kubernetes-service-account": "vault",
          },
        },
      },
    ]);
  });

  it("creates one association per role, for the same service account the trust names", () => {
    const assoc = [...byAddress.values()].filter((r) => r.type === "aws_eks_pod_identity_association");
    const pairs = assoc.map((a) => `${a.change.after.cluster_name}/${a.change.after.namespace}/${a.change.after.service_account}`).sort();
    expect(pairs).toEqual(["shop-platform/dev/analytics-service", "shop-platform/production/analytics-service", "shop-platform/vault/vault", "shop-platform/vault/vault-snapshot"]);
    for (const a of assoc) {
      const roleAddress = a.address.replace(/_pod_identity$/, "_role").replace("aws_eks_pod_identity_association", "aws_iam_role");
      const cond = doc(after(byAddress, roleAddress).assume_role_policy).Statement[0].Condition!.StringEquals;
      expect(cond["aws:RequestTag/kubernetes-namespace"]).toBe(a.change.after.namespace);
      expect(cond["aws:RequestTag/kubernetes-service-account"]).toBe(a.change.after.service_account);
    }
  });

  it("(issue 7.8) the Secrets Manager role stays IRSA, trusted by exactly ESO's eso-secretsmanager account, and no association hands it to ESO's controller", () => {
    const trust = doc(after(byAddress, "aws_iam_role.eso_secretsmanager_role").assume_role_policy).Statement;
    expect(trust).toEqual([
      {
        Sid: expect.any(String),
        Effect: "Allow",
        Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER}` },
        Action: ["sts:AssumeRoleWithWebIdentity"],
        Condition: { StringEquals: { [`${ISSUER}:sub`]: "system:serviceaccount:external-secrets:eso-secretsmanager", [`${ISSUER}:aud`]: "sts.amazonaws.com" } },
      },
    ]);
    expect(byAddress.has("aws_eks_pod_identity_association.eso_secretsmanager_pod_identity")).toBe(false);
    const assoc = [...byAddress.values()].filter((r) => r.type === "aws_eks_pod_identity_association");
    expect(assoc.filter((a) => a.change.after.namespace === "external-secrets")).toEqual([]);
  });

  it("service login roles carry no AWS permissions; Vault may only resolve exactly those roles (iam:GetRole)", () => {
    expect(after(byAddress, "aws_iam_role.login_dev_analytics_service_role").name).toBe("shop-dev-analytics-service");
    expect([...byAddress.keys()].filter((a) => a.startsWith("aws_iam_role_policy.login_"))).toEqual([]);
    const vaultPolicy = doc(after(byAddress, "aws_iam_role_policy.vault_server_policy").policy).Statement;
    expect(vaultPolicy).toHaveLength(1);
    expect(actions(vaultPolicy[0])).toEqual(["iam:GetRole"]);
    expect([vaultPolicy[0].Resource].flat().sort()).toEqual([`arn:aws:iam::${ACCOUNT}:role/shop-dev-analytics-service`, `arn:aws:iam::${ACCOUNT}:role/shop-production-analytics-service`]);
  });
});

describe("S3 backend under terraform init", () => {
  // A real S3 is out of reach offline: init is pointed at a closed port, so it gets past Terraform's
  // backend schema check (where a wrong argument fails) and stops at the first network call.
  const initAgainstDeadS3 = async (spec: ReturnType<typeof referenceCopy>) => {
    // Test-only settings go into the working copy's backend block itself: Terraform skips the schema
    // check of the file's backend body when -backend-config flags are given.
    const tf = terraformWorkdir(join(synthTerraformToTemp(spec), "stacks", "aws"), {
      patch: (stack) =>
        Object.assign(stack.terraform.backend.s3, {
          skip_credentials_validation: true,
          skip_requesting_account_id: true,
          skip_metadata_api_check: true,
          max_retries: 1,
          access_key: "AKIAIOSFODNN7EXAMPLE",
          secret_key: "test-only-not-a-secret",
          endpoints: { s3: "http://127.0.0.1:1" },
        }),
    });
    return tf.runAsync(["init", "-input=false"], { allowFailure: true });
  };

  it.each([
    ["S3-native locking (use_lockfile)", {}],
    ["DynamoDB locking", { dynamodbTable: "shop-terraform-locks" }],
  ])("%s: Terraform accepts every backend argument", async (_name, extra) => {
    const spec = referenceCopy();
    spec.terraformState = { backend: "s3", bucket: "shop-terraform-state", ...extra };
    const r = await initAgainstDeadS3(spec);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('Unable to list objects in S3 bucket "shop-terraform-state"');
    expect(r.stderr).not.toMatch(/Extraneous|Unsupported argument|Invalid backend/);
  });
});
