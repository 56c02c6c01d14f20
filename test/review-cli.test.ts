import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { referenceCopy } from "./helpers/synth";
import { reviewJsonIn, runReviewAsync, writeTrees } from "./helpers/review";
import { runCliAsync } from "./helpers/synth";

/** `npm run review` as a command: existing trees, exit codes, review.md and review.json, --stale-check. */

const withClient = () => {
  const s = referenceCopy();
  s.vault!.allowedClientNamespaces!.push("batch-jobs");
  return s;
};

describe("review CLI on existing trees (--base-dir, --head-dir)", () => {
  let base: string;
  let head: string;
  beforeAll(async () => {
    base = await writeTrees(referenceCopy());
    head = await writeTrees(withClient());
  });

  it("a broadening: exit 3, review.md (printed and written) and review.json", async () => {
    const out = mkdtempSync(join(tmpdir(), "vep-review-out-"));
    const r = await runReviewAsync(["--base-dir", base, "--head-dir", head, "--output", out], { cwd: out });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(3);
    const md = readFileSync(join(out, "review.md"), "utf8");
    expect(r.stdout).toBe(md);
    expect(md).toContain("any pod in namespace batch-jobs can now reach Vault on 8200/TCP");
    expect(md).toContain("| Kubernetes | 0 | 1 | 0 | 0 | 1 |");
    const json = reviewJsonIn(out);
    expect([json.exitCode, json.broadenings, json.day2]).toEqual([3, 1, []]);
    expect(json.notes).toEqual(["The base trees came without their spec: day-2 notes are left out (give --base-spec)."]);
  });

  it("--approve-broadening: exit 0, the broadening still listed", async () => {
    const out = mkdtempSync(join(tmpdir(), "vep-review-out-"));
    const r = await runReviewAsync(["--base-dir", base, "--head-dir", head, "--output", out, "--approve-broadening"], { cwd: out });
    expect(r.status).toBe(0);
    expect(reviewJsonIn(out)).toMatchObject({ exitCode: 0, approved: true, broadenings: 1 });
  });

  it("bad input: exit 2 with the reason", async () => {
    const out = mkdtempSync(join(tmpdir(), "vep-review-out-"));
    const missing = await runReviewAsync(["--base-dir", `${out}/nope,${out}/nope`, "--head-dir", head], { cwd: out });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("--base-dir: --out");
    writeFileSync(join(out, "plan.json"), "{}");
    const plan = await runReviewAsync(["--base-dir", base, "--head-dir", head, "--aws-plan", join(out, "plan.json")], { cwd: out });
    expect(plan.status).toBe(2);
    expect(plan.stderr).toContain("no resource_changes list; give the output of terraform show -json <planfile>");
  });
});

describe("review --stale-check", () => {
  it("exit 0 for a fresh synth's output, exit 5 with the differing files after an edit", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vep-review-stale-"));
    const synth = await runCliAsync([], { cwd: dir });
    expect(synth.status, synth.stderr).toBe(0);
    const fresh = await runReviewAsync(["--stale-check"], { cwd: dir });
    expect([fresh.status, fresh.stdout.trim()]).toEqual([0, "cdktf.out and dist are what a fresh synth of reference spec (spec/reference.ts) writes"]);
    const file = join(dir, "dist/shop-platform/vault/networkpolicy-vault-server.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("tekton-pipelines", "kube-system"));
    writeFileSync(join(dir, "dist/shop-platform/vault/extra.yaml"), "kind: ConfigMap\n");
    const stale = await runReviewAsync(["--stale-check"], { cwd: dir });
    expect(stale.status).toBe(5);
    expect(stale.stdout).toContain("  dist/shop-platform/vault/extra.yaml: not written by a fresh synth\n  dist/shop-platform/vault/networkpolicy-vault-server.yaml: differs from a fresh synth");
  });
});
