import { readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { CHECKS } from "../checks/catalogue";
import { sarifReport } from "../checks/report/sarif";
import { runChecks } from "../checks/run";
import { kmsRotation } from "../checks/rules/vep-g15-kms-rotation";
import { terraformFiles } from "../lib/write-synthesis";
import type { Check, Fixture } from "../checks/types";
import type { Synthesis } from "../lib/synthesis";
import { specByName, synthesisOf } from "./helpers/synthesis";
import { ROOT } from "./helpers/synth";

/**
 * The check catalogue on real synthesized output: the reference spec and every example pass with
 * no suppression; every check and rule has a passing and a failing fixture, each an edit of a good
 * synthesis, and the failing one must report the check's id at the resource with the message
 * written out in the fixture.
 */

const specs = ["reference", ...readdirSync(join(ROOT, "examples")).map((f) => `examples/${f}` as const)] as const;
const good = new Map<string, Synthesis>();
const base = (name: string) => {
  if (!good.has(name)) good.set(name, synthesisOf(specByName(name as "reference")));
  return good.get(name)!;
};

async function findingsAfter(check: Check, fixture: Fixture) {
  const s = structuredClone(base(fixture.spec ?? "reference"));
  fixture.edit(s);
  // The suppression check is the runner's: it needs a full run.
  const report = check.id === "VEP-C01" ? await runChecks(s) : await runChecks(s, { checks: [check] });
  return report.findings.filter((f) => f.check === check.id);
}

describe.each(specs)("%s", (name) => {
  it("passes every check with no suppression", async () => {
    const report = await runChecks(base(name));
    expect(report.findings.map((f) => `${f.check} ${f.resource}: ${f.message}`)).toEqual([]);
    expect(report.suppressed).toEqual([]);
  });
});

describe("every check and rule has fixtures that decide it", () => {
  beforeAll(() => void base("reference"));

  it("ids are unique, dense per family, and every check file is in the catalogue", () => {
    const ids = CHECKS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const family of ["X", "G", "C"]) {
      const numbers = ids.filter((i) => i.startsWith(`VEP-${family}`)).map((i) => Number(i.slice(5)));
      expect(numbers).toEqual(numbers.map((_, i) => i + 1));
    }
    const files = ["cross", "rules"].flatMap((d) => readdirSync(join(ROOT, "checks", d)).filter((f) => f.startsWith("vep-")));
    expect(files.map((f) => f.slice(0, 7).toUpperCase()).sort()).toEqual([...ids].sort());
  });

  it.each(CHECKS.map((c) => [c.id, c] as const))("%s: the passing fixture reports nothing", async (_, check) => {
    expect(await findingsAfter(check, check.fixtures.pass)).toEqual([]);
  });

  it.each(CHECKS.map((c) => [c.id, c] as const))("%s: the failing fixture reports the finding", async (_, check) => {
    const { expect: want } = check.fixtures.fail;
    expect(want, "a failing fixture names its finding").toBeDefined();
    const findings = await findingsAfter(check, check.fixtures.fail);
    expect(findings.some((f) => f.resource === want!.resource && f.message.includes(want!.message)), JSON.stringify(findings, null, 2)).toBe(true);
  });
});

describe("SARIF locations", () => {
  it("a Terraform finding points at its resource's line in the written cdk.tf.json", async () => {
    const s = structuredClone(base("reference"));
    kmsRotation.fixtures.fail.edit(s);
    const report = await runChecks(s, { checks: [kmsRotation] });
    const log = JSON.parse(sarifReport(report, s, { out: "cdktf.out", dist: "dist" }));
    const location = log.runs[0].results[0].locations[0].physicalLocation;
    expect(location.artifactLocation.uri).toBe("cdktf.out/stacks/aws/cdk.tf.json");
    const lines = terraformFiles(s.terraform)["stacks/aws/cdk.tf.json"].split("\n");
    expect(lines[location.region.startLine - 1]).toBe('      "vault_unseal_key": {');
    expect(lines.slice(0, location.region.startLine - 1).reverse().find((l) => /^ {4}"/.test(l))).toBe('    "aws_kms_key": {');
  });
});

describe("hand-edited policies", () => {
  it("a policy that does not parse is reported by VEP-G04; the policies beside it are still read", async () => {
    const s = structuredClone(base("reference"));
    s.terraform.stacks.vault.resource.vault_policy.policy_eso_dev.policy += '\npath "secret/x" {\n  capabilities = ["read"\n';
    const report = await runChecks(s);
    expect(report.findings.filter((f) => f.check === "VEP-G04").map((f) => f.resource)).toEqual(["vault/vault_policy.policy_eso_dev"]);
    expect(report.findings.find((f) => f.check === "VEP-G04")!.message).toMatch(/^policy eso-dev is not valid HCL \(Vault refuses it\): /);
    // eso-dev's rules are gone, so its stores' reads fail; the other environments' are untouched.
    expect(report.findings.some((f) => f.check === "VEP-X01" && f.resource.startsWith("shop-platform/env-dev/"))).toBe(true);
    expect(report.findings.some((f) => f.check === "VEP-X01" && f.resource.startsWith("shop-platform/env-staging/"))).toBe(false);
  });
});
