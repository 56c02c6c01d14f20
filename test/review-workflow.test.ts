import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { APPROVAL_LABEL } from "../review/markdown";
import { ROOT } from "./helpers/synth";
import { githubWorkflowSchema } from "./helpers/workflow-schema";

/**
 * The pull-request workflow (.github/workflows/platform-review.yml) against the published GitHub
 * workflow schema (SchemaStore's github-workflow.json, from the pinned @action-validator/core), and
 * what the issue asks of it: tests, check with SARIF upload, the review as one sticky comment, the
 * approval label, only well-known actions pinned by version.
 */

const FILE = join(ROOT, ".github/workflows/platform-review.yml");
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const workflow = (): Json => parseYaml(readFileSync(FILE, "utf8"));
const WELL_KNOWN = ["actions/checkout", "actions/setup-node", "actions/upload-artifact", "github/codeql-action/upload-sarif", "hashicorp/setup-terraform", "marocchino/sticky-pull-request-comment"];

function validator() {
  const schema = githubWorkflowSchema();
  expect(schema.$id).toBe("https://json.schemastore.org/github-workflow.json");
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

describe("the platform-review workflow", () => {
  const validate = validator();
  const steps = (wf: Json) => Object.values<Json>(wf.jobs).flatMap((j) => j.steps);

  it("is valid against SchemaStore's github-workflow.json", () => {
    expect(validate(workflow()), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it("the schema refuses a broken workflow (the check can fail)", () => {
    const broken = workflow();
    delete broken.jobs.review["runs-on"];
    expect(validate(broken)).toBe(false);
    const misspelt = workflow();
    misspelt.jobs.test.step = misspelt.jobs.test.steps;
    expect(validate(misspelt)).toBe(false);
  });

  it("action-validator (the same schemas, compiled) accepts it too", async () => {
    const { validateWorkflow } = await import("@action-validator/core");
    expect(validateWorkflow(readFileSync(FILE, "utf8")).errors).toEqual([]);
  });

  it("uses only well-known actions, each pinned to an exact version", () => {
    const uses = steps(workflow()).filter((s) => s.uses).map((s) => String(s.uses));
    expect(uses.length).toBeGreaterThan(0);
    for (const u of uses) {
      const [name, version] = u.split("@");
      expect(WELL_KNOWN, u).toContain(name);
      expect(version, u).toMatch(/^v\d+\.\d+\.\d+$/);
    }
  });

  it("runs the tests, npm run check with a SARIF upload, and the review as one sticky comment gated by the approval label", () => {
    const wf = workflow();
    expect(Object.keys(wf.jobs).sort()).toEqual(["check", "review", "test"]);
    expect(wf.jobs.test.steps.map((s: Json) => s.run).join("\n")).toContain("bash .ci/run");
    const check = wf.jobs.check.steps;
    expect(check.map((s: Json) => s.run).join("\n")).toContain("npm run --silent check -- --format sarif > vault-eks.sarif");
    expect(check.find((s: Json) => String(s.uses).startsWith("github/codeql-action/upload-sarif@")).with.sarif_file).toBe("vault-eks.sarif");
    expect(wf.jobs.check.permissions["security-events"]).toBe("write");
    const review = wf.jobs.review;
    const run = review.steps.find((s: Json) => String(s.run).includes("npm run --silent review"));
    expect(run.run).toContain('--base "$BASE_SHA" $APPROVE');
    expect(run.env.APPROVE).toBe(`\${{ contains(github.event.pull_request.labels.*.name, '${APPROVAL_LABEL}') && '--approve-broadening' || '' }}`);
    expect(wf.on.pull_request.types).toEqual(expect.arrayContaining(["labeled", "unlabeled"]));
    const comment = review.steps.find((s: Json) => String(s.uses).startsWith("marocchino/sticky-pull-request-comment@"));
    expect(comment.with).toEqual({ header: "vault-eks-platform-review", path: "review.md" });
    expect(review.permissions["pull-requests"]).toBe("write");
    expect(review.steps[0].with["fetch-depth"]).toBe(0);
  });
});
