import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bundleIdentity, launch, projectCopy, readCodeCache, ROOT, runNode } from "./helpers/synth";
import { treeHash } from "./helpers/tree";

const freshDir = () => mkdtempSync(join(tmpdir(), "vep-build-"));

const node = runNode;

/** Runs main.ts from the sources with a hook that records every module the run loaded. */
async function loadedModules(args: string[]): Promise<string[]> {
  const cwd = freshDir();
  const list = join(cwd, "modules.txt");
  const r = await node(["--require", require.resolve("tsx/cjs"), "--require", join(ROOT, "test/helpers/record-modules.cjs"), join(ROOT, "main.ts"), ...args], { cwd, env: { VEP_LOADED_MODULES: list } });
  expect(r.status, r.stderr).toBe(0);
  return readFileSync(list, "utf8").split("\n");
}

const KUBERNETES_MODULES = /node_modules\/(cdk8s|cdk8s-plus-28)\/|\/imports\/|\/charts\//;
const TERRAFORM_MODULES = /node_modules\/(cdktf|@cdktf\/provider-aws|@cdktf\/provider-vault)\/|\/stacks\//;

describe("what a run loads", () => {
  it("--only terraform --skip-checks loads no cdk8s, CRD constructs or charts; --only kubernetes --skip-checks no cdktf, providers or stacks", async () => {
    const terraform = await loadedModules(["--only", "terraform", "--skip-checks"]);
    expect(terraform.filter((m) => KUBERNETES_MODULES.test(m))).toEqual([]);
    expect(terraform.some((m) => m.includes("node_modules/@cdktf/provider-vault/lib/")), "the hook records the run's modules").toBe(true);
    const kubernetes = await loadedModules(["--only", "kubernetes", "--skip-checks"]);
    expect(kubernetes.filter((m) => TERRAFORM_MODULES.test(m))).toEqual([]);
    expect(kubernetes.some((m) => m.includes("node_modules/cdk8s-plus-28/")), "the hook records the run's modules").toBe(true);
  });

  it("with the checks (cdktf.json's and cdk8s.yaml's runs) both layers are rendered: the cross-layer checks read both", async () => {
    const terraform = await loadedModules(["--only", "terraform"]);
    expect(terraform.some((m) => KUBERNETES_MODULES.test(m))).toBe(true);
  });
});

describe("the compiled command lines (scripts/build.cjs, scripts/launch.cjs)", () => {
  it("npm run synth, check, review, cdktf.json and cdk8s.yaml run the bundle through the launcher; npm ci builds it (prepare)", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string>; devDependencies: Record<string, string> };
    expect(pkg.scripts).toMatchObject({ synth: "node scripts/launch.cjs main", check: "node scripts/launch.cjs check", review: "node scripts/launch.cjs review", prepare: "node scripts/build.cjs" });
    expect(pkg.devDependencies.esbuild).toMatch(/^\d+\.\d+\.\d+$/);
    expect(JSON.parse(readFileSync(join(ROOT, "cdktf.json"), "utf8")).app).toBe("node scripts/launch.cjs main --only terraform");
    expect(readFileSync(join(ROOT, "cdk8s.yaml"), "utf8")).toMatch(/^app: node scripts\/launch\.cjs main --only kubernetes --dist dist$/m);
  });

  it("the bundle renders byte-identical trees to the TypeScript sources run through tsx", async () => {
    const spec = join(ROOT, "examples/vcluster-oidc.yaml");
    const viaTsx = freshDir();
    const viaBundle = freshDir();
    const tsx = await node(["--require", require.resolve("tsx/cjs"), join(ROOT, "main.ts"), spec], { cwd: viaTsx });
    expect(tsx.status, tsx.stderr).toBe(0);
    const bundle = await node(launch("main", [spec]), { cwd: viaBundle });
    expect(bundle.status, bundle.stderr).toBe(0);
    const hash = (dir: string) => ({ tf: treeHash(join(dir, "cdktf.out")), k8s: treeHash(join(dir, "dist")) });
    expect(Object.keys(hash(viaBundle).k8s).length).toBeGreaterThan(100);
    expect(hash(viaBundle)).toEqual(hash(viaTsx));
  });

  it("a source change (an edit, a git pull) rebuilds the bundle before it runs; an unchanged project reuses it", async () => {
    const project = projectCopy();
    const help = () => node([join(project, "scripts/launch.cjs"), "main", "--help"], { cwd: project });
    const first = await help();
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain("render one layer (cdktf.json and cdk8s.yaml use this)");
    const built = statSync(join(project, "build/main.js")).mtimeMs;

    expect((await help()).status).toBe(0);
    expect(statSync(join(project, "build/main.js")).mtimeMs, "unchanged sources: the bundle is reused").toBe(built);

    // The same size and a later mtime, as a checkout writes it: still rebuilt.
    const main = join(project, "main.ts");
    writeFileSync(main, readFileSync(main, "utf8").replace("render one layer (cdktf.json and cdk8s.yaml use this)", "RENDER ONE LAYER (CDKTF.JSON AND CDK8S.YAML USE THIS)"));
    const second = await help();
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toContain("RENDER ONE LAYER (CDKTF.JSON AND CDK8S.YAML USE THIS)");
    // The bundle has the same size as before: only the cache's record of the file tells them apart.
    // The rebuild removed the old bundle's cache, and the run wrote one for the new bundle.
    const caches = readdirSync(join(project, "build")).filter((f) => f.endsWith(".cache"));
    expect(caches).toHaveLength(1);
    expect(readCodeCache(join(project, "build", caches[0]))?.header.bundle).toBe(bundleIdentity(join(project, "build/main.js")));

    // A change deep in an imported file counts too.
    const cli = join(project, "lib/cli.ts");
    writeFileSync(cli, readFileSync(cli, "utf8").replace("console.error(`${e.message}\\n${opts.usage}`);", "console.error(`USAGE ERROR ${e.message}\\n${opts.usage}`);"));
    const third = await node([join(project, "scripts/launch.cjs"), "main", "--only", "helm"], { cwd: project });
    expect(third.status).toBe(2);
    expect(third.stderr).toMatch(/^USAGE ERROR --only takes terraform or kubernetes/);
  });
});
