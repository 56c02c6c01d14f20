import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { reviewJsonIn, runReviewAsync } from "./helpers/review";
import { referenceCopy, ROOT } from "./helpers/synth";

/**
 * The real `git worktree` path of `npm run review`: a temporary repository holding this project
 * (its tracked and new files) with a spec; the base commit is synthesized by its own code in a
 * temporary worktree sharing node_modules, the head is the working tree.
 */

function git(args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, { cwd, env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com" }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`git ${args.join(" ")}: ${err}`))));
  });
}

const spec = (clients: string[]) => {
  const s = referenceCopy();
  s.vault!.allowedClientNamespaces = clients;
  return `${JSON.stringify(s, null, 2)}\n`;
};

describe("review --base <git-ref>: a temporary git worktree of the base commit", () => {
  let repo: string;
  let baseCommit: string;
  beforeAll(async () => {
    repo = mkdtempSync(join(tmpdir(), "vep-review-repo-"));
    const files = (await git(["ls-files", "-co", "--exclude-standard"], ROOT)).split("\n").filter((f) => f && !f.startsWith("node_modules/"));
    for (const f of files) {
      mkdirSync(dirname(join(repo, f)), { recursive: true });
      cpSync(join(ROOT, f), join(repo, f));
    }
    symlinkSync(join(ROOT, "node_modules"), join(repo, "node_modules"), "dir");
    writeFileSync(join(repo, "platform.json"), spec(["argocd", "tekton-pipelines"]));
    await git(["init", "-q", "-b", "main"], repo);
    await git(["add", "-A"], repo);
    await git(["commit", "-q", "-m", "base"], repo);
    baseCommit = await git(["rev-parse", "HEAD"], repo);
    await git(["checkout", "-q", "-b", "feature"], repo);
    writeFileSync(join(repo, "platform.json"), spec(["argocd", "tekton-pipelines", "batch-jobs"]));
    await git(["commit", "-q", "-am", "a new client namespace"], repo);
  }, 120_000);

  it("default base (merge base with main): the base synthesizes in a worktree, the broadening is found, the worktree is removed", async () => {
    const out = join(repo, "review-out");
    const r = await runReviewAsync(["platform.json", "--output", out], { cwd: repo, script: join(repo, "review.ts"), timeoutMs: 240_000 });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(3);
    const json = reviewJsonIn(out);
    expect(json.base).toBe(`${baseCommit} (${baseCommit.slice(0, 10)})`);
    expect(json.findings.filter((f: { weight: string }) => f.weight === "broadening").map((f: { message: string }) => f.message)).toEqual(["any pod in namespace batch-jobs can now reach Vault on 8200/TCP"]);
    expect(json.notes).toEqual([]);
    expect((await git(["worktree", "list", "--porcelain"], repo)).match(/^worktree /gm)).toHaveLength(1);
  }, 300_000);

  it("--base HEAD against the committed head: a no-op, exit 0", async () => {
    const out = join(repo, "review-noop");
    const r = await runReviewAsync(["platform.json", "--base", "HEAD", "--output", out], { cwd: repo, script: join(repo, "review.ts"), timeoutMs: 240_000 });
    expect(r.status).toBe(0);
    expect(reviewJsonIn(out)).toMatchObject({ exitCode: 0, broadenings: 0, changes: [], findings: [], day2: [] });
  }, 300_000);

  it("an unknown ref: exit 2", async () => {
    const r = await runReviewAsync(["platform.json", "--base", "no-such-branch"], { cwd: repo, script: join(repo, "review.ts") });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--base no-such-branch: not a commit of");
  }, 120_000);
});
