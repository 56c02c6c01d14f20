import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { day2Notes } from "../checks/day2";
import type { PlatformSpecInput } from "../spec/schema";
import { modelOf, referenceCopy, synthTerraformToTemp, vclusterExample, yieldToWorker } from "./helpers/synth";
import { type PlanJson, terraformWorkdir } from "./helpers/terraform";
import { type StackJson, synthStacks } from "./helpers/vault-stack";

/**
 * Issue 14, item 5: `vault_pki_secret_backend_root_sign_intermediate.ttl` is neither ForceNew nor
 * read back, and its update is a no-op (hashicorp/vault 5.8.0 resource_pki_secret_backend_root_sign_
 * intermediate.go), so a changed intermediateTtl did nothing. The stack now carries the lifetime in
 * terraform_data.pki_intermediate_lifetime and re-signs on its change; set-signed imports the new
 * issuer, which Vault does not make the default by itself, so config/issuers names it.
 *
 * Terraform's replace_triggered_by semantics are checked with the real Terraform: the rendered
 * lifetime resource and the rendered lifecycle block of the signed intermediate, verbatim, on a
 * terraform_data stand-in (the vault provider is not in the offline mirror; terraform_data is built in).
 */

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const strip = ({ "//": _m, ...r }: Json) => r;

const SIGNED = "pki_intermediate_signed";

/** The rendered lifetime resource and lifecycle block, on a stand-in for the signed intermediate. */
function triggerStub(vault: StackJson): Json {
  const signed = strip(vault.resource.vault_pki_secret_backend_root_sign_intermediate[SIGNED]);
  const lifetime = vault.resource.terraform_data ? { pki_intermediate_lifetime: strip(vault.resource.terraform_data.pki_intermediate_lifetime) } : {};
  // The stand-in's input holds only the arguments that force a new certificate in the provider.
  // ignore_changes names the Vault resource's own arguments (issue 15), which the stand-in does not have.
  const trigger = signed.lifecycle?.replace_triggered_by;
  const standIn = { input: { common_name: signed.common_name }, ...(trigger ? { lifecycle: { replace_triggered_by: trigger } } : {}) };
  return { resource: { terraform_data: { ...lifetime, [SIGNED]: standIn } } };
}

/** Applies the base stub, then plans the head stub against that state; returns the stand-in's planned actions. */
async function signedAfterChange(base: StackJson, head: StackJson): Promise<{ actions: string[]; reason?: string }> {
  const dir = mkdtempSync(join(tmpdir(), "vep-pki-"));
  writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(triggerStub(base)));
  const tf = terraformWorkdir(dir);
  await tf.runAsync(["init", "-input=false"]);
  await tf.runAsync(["apply", "-input=false", "-auto-approve"]);
  writeFileSync(join(tf.dir, "cdk.tf.json"), JSON.stringify(triggerStub(head)));
  await tf.runAsync(["plan", "-input=false", "-out=head.bin"]);
  const plan = JSON.parse((await tf.runAsync(["show", "-json", "head.bin"])).stdout) as PlanJson;
  const rc = plan.resource_changes.find((r) => r.address === `terraform_data.${SIGNED}`)!;
  return { actions: rc.change.actions, ...(rc.action_reason ? { reason: rc.action_reason } : {}) };
}

const withPki = (pki: Partial<NonNullable<PlatformSpecInput["vault"]["pki"]>>): PlatformSpecInput => {
  const spec = referenceCopy();
  spec.vault.pki = { ...spec.vault.pki, ...pki };
  return spec;
};

describe("(issue 14.5) an intermediateTtl change re-issues the intermediate and makes it the default issuer", () => {
  it("the rendered stack: the lifetime resource, the trigger, the default issuer, the protected root", () => {
    const { vault } = synthStacks(referenceCopy());
    expect(strip(vault.resource.terraform_data.pki_intermediate_lifetime)).toEqual({ input: { ttl: "43800h" } });
    expect(vault.resource.vault_pki_secret_backend_root_sign_intermediate[SIGNED].lifecycle).toEqual({ ignore_changes: ["permitted_dns_domains"], replace_triggered_by: ["terraform_data.pki_intermediate_lifetime"] });
    expect(Object.values(vault.resource.vault_pki_secret_backend_config_issuers).map(strip)).toEqual([
      {
        backend: "${vault_mount.pki_mount.path}",
        // set-signed returns only issuers new to the mount, in bundle order: the intermediate first.
        default: "${element(vault_pki_secret_backend_intermediate_set_signed.pki_intermediate.imported_issuers, 0)}",
        default_follows_latest_issuer: false,
        depends_on: ["vault_policy.policy_terraform"],
      },
    ]);
    expect(vault.resource.vault_pki_secret_backend_root_cert.pki_root.lifecycle).toEqual({ ignore_changes: ["max_path_length"], prevent_destroy: true });
  });

  it("Terraform replaces the signed intermediate when intermediateTtl changes", async () => {
    const base = synthStacks(referenceCopy()).vault;
    await yieldToWorker();
    const head = synthStacks(withPki({ intermediateTtl: "26280h" })).vault;
    expect(await signedAfterChange(base, head)).toEqual({ actions: ["delete", "create"], reason: "replace_by_triggers" });
  });

  it("an unrelated change (a longer certificate TTL) leaves it alone", async () => {
    const base = synthStacks(referenceCopy()).vault;
    await yieldToWorker();
    const head = synthStacks(withPki({ certTtl: "96h" })).vault;
    expect(await signedAfterChange(base, head)).toEqual({ actions: ["no-op"] });
  });

  it("upgrading a stack rendered before the trigger existed does not re-issue anything", async () => {
    const before = synthStacks(referenceCopy()).vault;
    delete before.resource.terraform_data;
    delete before.resource.vault_pki_secret_backend_root_sign_intermediate[SIGNED].lifecycle;
    await yieldToWorker();
    expect(await signedAfterChange(before, synthStacks(referenceCopy()).vault)).toEqual({ actions: ["no-op"] });
  });

  it("the review: intermediate changes need a break-glass apply (warning), root changes are refused", () => {
    const base = modelOf(referenceCopy());
    const notes = (pki: Parameters<typeof withPki>[0]) => day2Notes(base, modelOf(withPki(pki))).map((n) => `${n.id} ${n.severity}`);
    expect(notes({ intermediateTtl: "26280h" })).toEqual(["VEP-D09 warning"]);
    expect(notes({ rootTtl: "175200h" })).toEqual(["VEP-D08 error"]);
    expect(notes({ rootCommonName: "Shop Root CA 2" })).toEqual(["VEP-D08 error"]);
    expect(notes({ certTtl: "96h" })).toEqual([]);
  });
});

describe("(issue 14.5, 14.6) the Vault stack's lifecycle blocks are valid Terraform", () => {
  // The hashicorp/vault provider is not in the offline mirror, so init stops when it looks for it; but
  // Terraform loads and checks the whole configuration first (a replace_triggered_by written as
  // "${...}" fails here with "Invalid character"), and reports those problems instead.
  it.each([
    ["reference spec", referenceCopy],
    ["vcluster example", vclusterExample],
  ])("%s: terraform init finds no problem in the configuration of any Vault stack, only the provider it cannot download offline", async (_name, spec) => {
    const out = synthTerraformToTemp(spec());
    for (const stack of ["vault-core", "vault-dev", "vault-staging", "vault-production"]) {
      const tf = terraformWorkdir(join(out, "stacks", stack));
      const r = await tf.runAsync(["init", "-input=false", "-backend=false"], { allowFailure: true });
      expect(r.stderr, stack).not.toContain("problems with the configuration");
      expect(r.stderr.replace(/\s+/g, " "), stack).toContain("Could not retrieve the list of available versions for provider hashicorp/vault");
    }
  });
});
