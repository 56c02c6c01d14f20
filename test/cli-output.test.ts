import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { OWNER_MARKER, type OutputRecord, writeTreesAtomically } from "../lib/output";
import { launch, ROOT, runCliAsync as runCli } from "./helpers/synth";
import { treeHash } from "./helpers/tree";

/**
 * The output folders: never lose a user's files, never hang, never leave temporaries behind.
 * Every case runs the real command line in a temporary folder.
 */
const freshDir = () => mkdtempSync(join(tmpdir(), "vep-out-"));
const dotEntries = (dir: string) => readdirSync(dir).filter((f) => f.startsWith("."));

/** A folder that looks like a GitOps checkout: hand-written files, a .git folder, nested folders. */
function foreignFolder(dir: string): void {
  mkdirSync(join(dir, ".git/refs"), { recursive: true });
  writeFileSync(join(dir, ".git/HEAD"), "ref: refs/heads/main\n");
  mkdirSync(join(dir, "apps/billing"), { recursive: true });
  writeFileSync(join(dir, "apps/billing/deployment.yaml"), "kind: Deployment\n");
  writeFileSync(join(dir, "README.md"), "# our cluster\n");
}

describe("output folders the tool does not own are never touched", () => {
  it.each(["--dist", "--out"])("%s at a non-empty folder without the marker: exit 2, the folder survives byte for byte, nothing written", async (flag) => {
    const cwd = freshDir();
    const target = join(cwd, "gitops");
    foreignFolder(target);
    const before = treeHash(target);
    const r = await runCli([flag, target], { cwd });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${flag} ${target}: the folder exists and holds files vault-eks-platform did not write (there is no ${OWNER_MARKER} file in it)`);
    expect(r.stderr).toContain("in a GitOps repository: a subfolder only this tool writes");
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(treeHash(target)).toEqual(before);
    expect(readdirSync(cwd).sort()).toEqual(["gitops"]);
  });

  it("--dist . (the project root or any current folder) is refused and survives", async () => {
    const cwd = freshDir();
    writeFileSync(join(cwd, "platform.yaml"), readFileSync(join(ROOT, "examples/shop.yaml")));
    const before = treeHash(cwd);
    const r = await runCli(["platform.yaml", "--dist", "."], { cwd });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--dist .: is the current folder. Nothing was written.");
    expect(treeHash(cwd)).toEqual(before);
    const up = await runCli([join(cwd, "platform.yaml"), "--out", ".."], { cwd: join(cwd) });
    expect(up.status).toBe(2);
    expect(up.stderr).toMatch(/--out \.\.: contains the current folder/);
  });

  it("an output path that is a regular file is refused; the file survives", async () => {
    const cwd = freshDir();
    writeFileSync(join(cwd, "manifests"), "precious\n");
    const r = await runCli(["--dist", "manifests"], { cwd });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--dist manifests: is a file, not a folder");
    expect(readFileSync(join(cwd, "manifests"), "utf8")).toBe("precious\n");
    expect(existsSync(join(cwd, "cdktf.out"))).toBe(false);
  });

  it("--out and --dist may be neither the same folder nor nested", async () => {
    const cwd = freshDir();
    const same = await runCli(["--out", "out", "--dist", "out"], { cwd });
    expect(same.status).toBe(2);
    expect(same.stderr).toContain("is also the --dist folder");
    const nested = await runCli(["--out", "out", "--dist", "out/k8s"], { cwd });
    expect(nested.status).toBe(2);
    expect(nested.stderr).toContain("--out out: contains the --dist folder out/k8s");
    expect(readdirSync(cwd)).toEqual([]);
  });

  it("an unwritable path such as /proc/x fails within seconds, naming the user's path, never a temporary name", async () => {
    const cwd = freshDir();
    const started = Date.now();
    const r = await runCli(["--out", "/proc/x"], { cwd, timeoutMs: 60_000 });
    expect(r.timedOut).toBe(false);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect([1, 2]).toContain(r.status);
    expect(r.stderr).toMatch(/^--out \/proc\/x: cannot write in \/proc \(E[A-Z]+/m);
    expect(r.stderr).not.toMatch(/tmp-\d+/);
    expect(readdirSync(cwd)).toEqual([]);
  });
});

describe("the tool's own output folders", () => {
  it("re-synthesizes into its own output (the marker), and refuses once the marker is deleted", async () => {
    const cwd = freshDir();
    expect((await runCli(["--dist", "k8s"], { cwd })).status).toBe(0);
    expect(readFileSync(join(cwd, "k8s", OWNER_MARKER), "utf8")).toMatch(/^layer: kubernetes$/m);
    writeFileSync(join(cwd, "k8s/stale.yaml"), "kind: Stale\n");
    expect((await runCli(["--dist", "k8s"], { cwd })).status).toBe(0);
    expect(existsSync(join(cwd, "k8s/stale.yaml"))).toBe(false);
    rmSync(join(cwd, "k8s", OWNER_MARKER));
    const before = treeHash(join(cwd, "k8s"));
    const r = await runCli(["--dist", "k8s"], { cwd });
    expect(r.status).toBe(2);
    expect(treeHash(join(cwd, "k8s"))).toEqual(before);
  });

  it("never writes one layer into the other layer's folder", async () => {
    const cwd = freshDir();
    expect((await runCli(["--only", "terraform"], { cwd })).status).toBe(0);
    const r = await runCli(["--only", "kubernetes", "--dist", "cdktf.out"], { cwd });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--dist cdktf\.out: is also the --out folder|holds this tool's terraform output/);
  });

  it("a GitOps repository: --dist names a subfolder, written and rewritten beside the team's files; the repository root is refused", async () => {
    const cwd = freshDir();
    const repo = join(cwd, "gitops");
    foreignFolder(repo);
    const team = treeHash(repo);
    const sub = join(repo, "clusters/shop-platform");
    expect((await runCli(["--dist", sub, "--out", join(cwd, "cdktf.out")], { cwd })).status).toBe(0);
    expect((await runCli(["--dist", sub, "--out", join(cwd, "cdktf.out")], { cwd })).status).toBe(0);
    expect(existsSync(join(sub, "shop-platform/kustomization.yaml"))).toBe(true);
    const after = treeHash(repo);
    for (const [file, hash] of Object.entries(team)) expect(after[file]).toBe(hash);
    expect(dotEntries(join(repo, "clusters"))).toEqual([]);
    expect((await runCli(["--dist", repo], { cwd })).status).toBe(2);
  });
});

describe("interrupted and concurrent synths", () => {
  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)("%s while rendering removes every temporary folder and lock; the previous output stays", async (signal, exitCode) => {
    const cwd = freshDir();
    expect((await runCli([], { cwd })).status).toBe(0);
    const before = { tf: treeHash(join(cwd, "cdktf.out")), k8s: treeHash(join(cwd, "dist")) };
    const child = spawn(process.execPath, launch("main", [join(ROOT, "examples/vcluster-oidc.yaml")]), { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise<{ code: number | null; signal: string | null }>((r) => child.on("exit", (code, signal) => r({ code, signal })));
    const deadline = Date.now() + 60_000;
    while (!dotEntries(cwd).some((f) => f.startsWith(".cdktf.out.tmp-")) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(dotEntries(cwd).some((f) => f.startsWith(".cdktf.out.tmp-"))).toBe(true);
    child.kill(signal);
    const { code } = await exited;
    expect(code).toBe(exitCode);
    expect(stderr).toContain(`interrupted (${signal}): nothing was written`);
    expect(dotEntries(cwd)).toEqual([]);
    expect({ tf: treeHash(join(cwd, "cdktf.out")), k8s: treeHash(join(cwd, "dist")) }).toEqual(before);
  }, 120_000);

  it("stale temporaries and a dead run's lock are cleared by the next run; a live run's lock is respected", async () => {
    const cwd = freshDir();
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout;
    for (const stale of [".dist.tmp-4242", ".dist.old-4242", ".cdktf.out.tmp-4242"]) {
      mkdirSync(join(cwd, stale, "shop-platform"), { recursive: true });
      writeFileSync(join(cwd, stale, "shop-platform/x.yaml"), "x\n");
    }
    writeFileSync(join(cwd, ".dist.lock"), `${dead}\n`);
    expect((await runCli([], { cwd })).status).toBe(0);
    expect(dotEntries(cwd)).toEqual([]);
    writeFileSync(join(cwd, ".dist.lock"), `${process.pid}\n`);
    const r = await runCli([], { cwd });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`--dist dist: another synth (process ${process.pid}) is writing it`);
    expect(dotEntries(cwd)).toEqual([".dist.lock"]);
  });

  it("two synths at once: each writes everything or nothing, and the result is one complete output", async () => {
    const cwd = freshDir();
    const reference = freshDir();
    expect((await runCli([], { cwd: reference })).status).toBe(0);
    const run = () =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, launch("main", []), { cwd, stdio: ["ignore", "ignore", "pipe"] });
        let stderr = "";
        child.stderr.on("data", (d) => (stderr += d));
        child.on("exit", (code) => resolve({ code, stderr }));
      });
    const results = await Promise.all([run(), run()]);
    for (const r of results) {
      expect([0, 2]).toContain(r.code);
      if (r.code === 2) expect(r.stderr).toMatch(/another synth/);
    }
    expect(results.some((r) => r.code === 0)).toBe(true);
    expect(dotEntries(cwd)).toEqual([]);
    expect({ tf: treeHash(join(cwd, "cdktf.out")), k8s: treeHash(join(cwd, "dist")) }).toEqual({ tf: treeHash(join(reference, "cdktf.out")), k8s: treeHash(join(reference, "dist")) });
  }, 120_000);
});

describe("writeTreesAtomically", () => {
  const record = (layer: OutputRecord["layer"]): OutputRecord => ({ layer, platform: "t", spec: "test", specDigest: "sha256:0" });

  it("a tree that fails to build leaves every target as it was and names the user's folder, not the temporary one", async () => {
    const cwd = freshDir();
    const a = join(cwd, "a");
    const b = join(cwd, "b");
    await writeTreesAtomically(
      [
        { dir: a, option: "--a", record: record("terraform"), write: (d) => writeFileSync(join(d, "one"), "1") },
        { dir: b, option: "--b", record: record("kubernetes"), write: (d) => writeFileSync(join(d, "one"), "1") },
      ],
      { protect: [] },
    );
    const before = { a: treeHash(a), b: treeHash(b) };
    const failing = writeTreesAtomically(
      [
        { dir: a, option: "--a", record: record("terraform"), write: (d) => writeFileSync(join(d, "two"), "2") },
        {
          dir: b,
          option: "--b",
          record: record("kubernetes"),
          write: (d) => {
            throw new Error(`EACCES: permission denied, open '${join(d, "x.yaml")}'`);
          },
        },
      ],
      { protect: [] },
    );
    await expect(failing).rejects.toThrow(`cannot write --b ${b}: EACCES: permission denied, open '${join(b, "x.yaml")}'; the previous output is untouched`);
    expect({ a: treeHash(a), b: treeHash(b) }).toEqual(before);
    expect(dotEntries(cwd)).toEqual([]);
  });
});
