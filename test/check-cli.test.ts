import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml, stringify } from "yaml";
import { README, SAMPLE_FILE, sampleReport, sampleSpec } from "../scripts/readme-checks";
import { referenceCopy, ROOT, runCliAsync } from "./helpers/synth";

/**
 * `npm run check` and the checks inside `npm run synth`, through the real command line: exit codes
 * (0 clean, 4 error findings, 2 bad spec or usage), the three report formats (SARIF validated
 * against the OASIS schema), --no-synth on trees edited by hand, suppressions with their reasons,
 * and synth refusing to write on error findings unless --skip-checks.
 */

function runCheck(args: string[], cwd: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--require", require.resolve("tsx/cjs"), join(ROOT, "check.ts"), ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("exit", (status) => resolve({ status, stdout, stderr }));
  });
}

/** The reference platform reachable from outside through 0.0.0.0/0: a valid spec that VEP-G07 refuses. */
function openSpec(suppress = false) {
  const spec = referenceCopy();
  spec.vault = { ...spec.vault, externalAddress: "https://vault.shop.internal:8200", externalClientCidrs: ["0.0.0.0/0"] };
  if (suppress) spec.suppressions = [{ rule: "VEP-G07", resource: "shop-platform/vault/networkpolicy-vault-server.yaml", reason: "the partner network reaches Vault through the WAF only" }];
  return spec;
}

const fresh = () => mkdtempSync(join(tmpdir(), "vep-check-"));

describe("npm run check", () => {
  it("the reference spec: exit 0, a report with no finding, nothing written", async () => {
    const cwd = fresh();
    const r = await runCheck([], cwd);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("shop: 47 checks on the output of reference spec (spec/reference.ts)");
    expect(r.stdout).toContain("0 errors, 0 warnings, 0 suppressed");
    expect(existsSync(join(cwd, "cdktf.out")) || existsSync(join(cwd, "dist"))).toBe(false);
  });

  it("a bad spec exits 2 with the spec's problems; a bad --format exits 2", async () => {
    const cwd = fresh();
    writeFileSync(join(cwd, "bad.yaml"), stringify({ ...referenceCopy(), vault: { ...referenceCopy().vault, replicas: 4 } }));
    const bad = await runCheck(["bad.yaml"], cwd);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("vault.replicas: must be odd and at least 3 (got 4) [VEP-S01]");
    const usage = await runCheck(["--format", "xml"], cwd);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('--format takes text, json or sarif, got "xml"');
  });

  describe("an error finding, as text, JSON and SARIF; then suppressed in the spec", () => {
    let cwd: string;
    let json: { summary: Record<string, number>; findings: { check: string; resource: string; message: string }[]; suppressed: { reason: string }[] };
    let sarif: { runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; level: string; locations: { physicalLocation?: { artifactLocation: { uri: string }; region?: { startLine: number } } }[]; suppressions?: unknown[] }[] }[] };
    let text: { status: number | null; stdout: string };
    beforeAll(async () => {
      cwd = fresh();
      writeFileSync(join(cwd, "open.yaml"), stringify(openSpec()));
      writeFileSync(join(cwd, "accepted.yaml"), stringify(openSpec(true)));
      const [t, j, s] = await Promise.all([runCheck(["open.yaml"], cwd), runCheck(["accepted.yaml", "--format", "json"], cwd), runCheck(["open.yaml", "--format", "sarif"], cwd)]);
      text = t;
      json = JSON.parse(j.stdout);
      expect(j.status).toBe(0);
      expect(s.status).toBe(4);
      sarif = JSON.parse(s.stdout);
    }, 240_000);

    it("text: exit 4, the finding under errors with its resource, message and fix", () => {
      expect(text.status).toBe(4);
      const lines = text.stdout.split("\n");
      const at = lines.indexOf("  VEP-G07 shop-platform/vault/networkpolicy-vault-server.yaml");
      expect(lines.slice(lines.indexOf("errors (1):"), at + 3)).toEqual([
        "errors (1):",
        "  VEP-G07 shop-platform/vault/networkpolicy-vault-server.yaml",
        "    ingress[4] admits 0.0.0.0/0",
        "    fix: Name the namespaces (kubernetes.io/metadata.name), pods and CIDRs the flow needs.",
      ]);
      expect(text.stdout).toContain("1 error, 0 warnings, 0 suppressed");
    });

    it("JSON with the suppression: exit 0, the finding listed as suppressed with its reason", () => {
      expect(json.summary).toEqual({ errors: 0, warnings: 0, notes: 2, suppressed: 1 });
      // Only the notes remain: info findings state the kit's choices and fail nothing.
      expect(json.findings.map((f) => [f.check, (f as { severity?: string }).severity])).toEqual([
        ["VEP-G28", "info"],
        ["VEP-G32", "info"],
      ]);
      expect(json.suppressed).toEqual([
        { check: "VEP-G07", severity: "error", resource: "shop-platform/vault/networkpolicy-vault-server.yaml", message: "ingress[4] admits 0.0.0.0/0", reason: "the partner network reaches Vault through the WAF only" },
      ]);
    });

    it("SARIF: valid against the OASIS SARIF 2.1.0 schema, one rule per check, the finding at its file", () => {
      const ajv = new Ajv({ allErrors: true, strict: false });
      addFormats(ajv);
      const validate = ajv.compile(JSON.parse(readFileSync(join(ROOT, "test/schemas/sarif-schema-2.1.0.json"), "utf8")));
      expect(validate(sarif), JSON.stringify(validate.errors, null, 2)).toBe(true);
      const run = sarif.runs[0];
      expect(run.tool.driver.rules.map((r) => r.id)).toContain("VEP-X01");
      expect(run.results.map((r) => [r.ruleId, r.level, r.locations[0].physicalLocation?.artifactLocation.uri])).toEqual([
        ["VEP-G07", "error", "dist/shop-platform/vault/networkpolicy-vault-server.yaml"],
        ["VEP-G28", "note", "cdktf.out/stacks/aws/cdk.tf.json"],
        ["VEP-G32", "note", "dist/shop-platform/vault/configmap-vault-config.yaml"],
      ]);
    });

    it("a suppression that matches nothing is a warning (exit 0), located at the spec file in SARIF", async () => {
      const spec = openSpec();
      spec.suppressions = [{ rule: "VEP-G99", resource: "nothing/*", reason: "a stale suppression, reported as a warning" }];
      writeFileSync(join(cwd, "stale.yaml"), stringify(spec));
      const r = await runCheck(["stale.yaml", "--format", "sarif"], cwd);
      expect(r.status).toBe(4);
      const results = JSON.parse(r.stdout).runs[0].results as { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[];
      expect(results.find((x) => x.ruleId === "VEP-C01")?.locations[0].physicalLocation.artifactLocation.uri).toBe("stale.yaml");
    });
  });

  it("prints the README's sample report for the sample spec, exit 4", async () => {
    const cwd = fresh();
    writeFileSync(join(cwd, SAMPLE_FILE), stringify(sampleSpec()));
    const r = await runCheck([SAMPLE_FILE], cwd);
    expect(r.status).toBe(4);
    expect(r.stdout).toBe(`${await sampleReport()}\n`);
    expect(readFileSync(README, "utf8")).toContain(r.stdout.split("\n").slice(0, 6).map((l) => (l ? `    ${l}` : "")).join("\n"));
  });

  it("--no-synth checks trees edited by hand: a container without runAsNonRoot fails with exit 4", async () => {
    const cwd = fresh();
    expect((await runCliAsync([], { cwd })).status).toBe(0);
    const file = join(cwd, "dist/shop-platform/vault-backup/cronjob-vault-snapshot.yaml");
    const job = parseYaml(readFileSync(file, "utf8"));
    delete job.spec.jobTemplate.spec.template.spec.securityContext.runAsNonRoot;
    delete job.spec.jobTemplate.spec.template.spec.containers[0].securityContext.runAsNonRoot;
    writeFileSync(file, stringify(job));
    // The issue-15 guardrails read the written trees too: a committed policy and start script edited by hand.
    const stackFile = join(cwd, "cdktf.out/stacks/vault/cdk.tf.json");
    const stack = JSON.parse(readFileSync(stackFile, "utf8"));
    stack.resource.vault_policy.policy_svc_dev_payment_service.policy += '\npath "transit/decrypt/production-payments" {\n  capabilities = ["update"]\n}\n';
    writeFileSync(stackFile, JSON.stringify(stack, null, 2));
    const statefulSetFile = join(cwd, "dist/shop-platform/vault/statefulset-vault.yaml");
    const statefulSet = parseYaml(readFileSync(statefulSetFile, "utf8"));
    const vault = statefulSet.spec.template.spec.containers.find((c: { name: string }) => c.name === "vault");
    vault.command[2] = vault.command[2].replace("ulimit -c 0\n", "");
    writeFileSync(statefulSetFile, stringify(statefulSet));
    const r = await runCheck(["--no-synth", "--out", "cdktf.out", "--dist", "dist"], cwd);
    expect(r.status).toBe(4);
    expect(r.stdout).toContain("  VEP-G08 shop-platform/vault-backup/cronjob-vault-snapshot.yaml\n    container upload may run as root (runAsNonRoot is not true)");
    expect(r.stdout).toContain("  VEP-G19 vault/vault_policy.policy_svc_dev_payment_service\n    policy svc-dev-payment-service (environment dev) may decrypt with production-payments (environment production's key)");
    expect(r.stdout).toContain("  VEP-G25 shop-platform/vault/statefulset-vault.yaml\n    container vault starts vault server without ulimit -c 0 before exec");
    const clean = await runCheck(["--no-synth", "--dist", join(cwd, "nowhere")], cwd);
    expect(clean.status).toBe(2);
  }, 180_000);
});

describe("npm run synth runs the error-level checks", () => {
  it("refuses to write on an error finding (exit 4, the report on stderr), writes with a suppression, and with --skip-checks says so", async () => {
    const cwd = fresh();
    writeFileSync(join(cwd, "open.yaml"), stringify(openSpec()));
    writeFileSync(join(cwd, "accepted.yaml"), stringify(openSpec(true)));
    const refused = await runCliAsync(["open.yaml"], { cwd });
    expect(refused.status).toBe(4);
    expect(refused.stderr).toContain("  VEP-G07 shop-platform/vault/networkpolicy-vault-server.yaml\n    ingress[4] admits 0.0.0.0/0");
    expect(refused.stderr).toContain("nothing was written");
    expect(existsSync(join(cwd, "dist")) || existsSync(join(cwd, "cdktf.out"))).toBe(false);
    const [accepted, skipped] = await Promise.all([runCliAsync(["accepted.yaml", "--out", "a/cdktf.out", "--dist", "a/dist"], { cwd }), runCliAsync(["open.yaml", "--skip-checks", "--out", "b/cdktf.out", "--dist", "b/dist"], { cwd })]);
    expect(accepted.status).toBe(0);
    expect(existsSync(join(cwd, "a/dist/shop-platform/vault/networkpolicy-vault-server.yaml"))).toBe(true);
    expect(skipped.status).toBe(0);
    expect(skipped.stdout).toContain("checks:     skipped (--skip-checks): run npm run check");
  }, 240_000);
});
