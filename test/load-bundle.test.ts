import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { bundleIdentity, launch, projectCopy, readCodeCache, referenceCopy, ROOT, runNode } from "./helpers/synth";
import { treeHash } from "./helpers/tree";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { BUNDLE_WRAPPER, directInterop } = require("../scripts/build.cjs") as { BUNDLE_WRAPPER: { head: string }; directInterop: (bundle: string) => string };

const readCache = readCodeCache;

const freshDir = () => mkdtempSync(join(tmpdir(), "vep-bundle-"));

const node = runNode;

const identity = bundleIdentity;

describe("the V8 code cache beside each bundle (scripts/load-bundle.cjs)", () => {
  let project: string;
  const caches = (entry: string) => readdirSync(join(project, "build")).filter((f) => new RegExp(`^${entry}\\.js\\.[0-9a-f]{12}\\.cache$`).test(f));
  const cachePath = (entry = "main") => {
    const files = caches(entry);
    expect(files, `one ${entry} cache for the default flags`).toHaveLength(1);
    return join(project, "build", files[0]);
  };
  const cacheFileId = (path: string) => `${statSync(path).ino}:${statSync(path).mtimeMs}`;
  const synth = async (out: string, args: string[] = []) => {
    const r = await node([join(project, "scripts/launch.cjs"), "main", ...args, "--out", join(out, "cdktf.out"), "--dist", join(out, "dist")], { cwd: project });
    expect(r.status, r.stderr).toBe(0);
    return { tf: treeHash(join(out, "cdktf.out")), k8s: treeHash(join(out, "dist")) };
  };

  beforeAll(() => {
    project = projectCopy();
  });

  it("the first run writes the cache for the bundle it ran; the next run uses it (V8 accepts it: not rewritten) and renders the same trees", async () => {
    const first = await synth(freshDir());
    const path = cachePath();
    const cache = readCache(path)!;
    expect(cache.header).toMatchObject({ bundle: identity(join(project, "build/main.js")), status: 0 });
    expect(cache.data.length).toBeGreaterThan(1_000_000);
    const written = cacheFileId(path);
    expect(await synth(freshDir())).toEqual(first);
    expect(cacheFileId(path), "an accepted cache is left as it is").toBe(written);
    expect(Object.keys(first.k8s).length).toBeGreaterThan(100);
  });

  it("the bundle is the module function itself, and the cache's V8 data starts on a 16-byte boundary (V8 copies unaligned data)", async () => {
    await synth(freshDir());
    const bundle = readFileSync(join(project, "build/main.js"), "latin1");
    expect(bundle.startsWith(BUNDLE_WRAPPER.head)).toBe(true);
    expect(bundle.trimEnd().endsWith("})")).toBe(true);
    const raw = readFileSync(cachePath());
    const dataStart = raw.indexOf(10) + 1;
    expect(dataStart % 16).toBe(0);
    expect(raw.subarray(dataStart).equals(readCache(cachePath())!.data)).toBe(true);
  });

  it("damaged cache data never reaches V8 (a release V8 aborts on it): the run succeeds, with the same trees, and writes a good cache", async () => {
    const expected = await synth(freshDir());
    const path = cachePath();
    const { header, data } = readCache(path)!;
    const damaged = Buffer.from(data);
    damaged.fill(0x5a, 64, 4096);
    writeFileSync(path, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), damaged]));
    expect(readCache(path), "the digest no longer matches").toBeUndefined();
    expect(await synth(freshDir())).toEqual(expected);
    const good = cacheFileId(path);
    expect(readCache(path)!.header.bundle).toBe(identity(join(project, "build/main.js")));
    expect(await synth(freshDir())).toEqual(expected);
    expect(cacheFileId(path), "the rewritten cache is accepted").toBe(good);
  });

  it("a cache naming another bundle file is ignored, and garbage is no header: both are replaced", async () => {
    const path = cachePath();
    const { data } = readCache(path)!;
    writeFileSync(path, Buffer.concat([Buffer.from(`${JSON.stringify({ magic: "vep-code-cache-1", bundle: "1:2:3", status: 0 })}\n`), data]));
    await synth(freshDir());
    expect(readCache(path)!.header.bundle).toBe(identity(join(project, "build/main.js")));
    writeFileSync(path, "not a cache");
    await synth(freshDir());
    expect(readCache(path)!.header.bundle).toBe(identity(join(project, "build/main.js")));
  });

  it("a cache written by a failing run or a --help (they compile less) is replaced after the next successful run", async () => {
    const path = cachePath();
    writeFileSync(path, "");
    const failed = await node([join(project, "scripts/launch.cjs"), "main", "--only", "helm"], { cwd: project });
    expect(failed.status).toBe(2);
    expect(readCache(path)!.header.status).toBe(2);
    await synth(freshDir());
    expect(readCache(path)!.header.status).toBe(0);
    writeFileSync(path, "");
    const help = await node([join(project, "scripts/launch.cjs"), "main", "--help"], { cwd: project });
    expect(help.status, help.stderr).toBe(0);
    expect(readCache(path)!.header.status).toBe("partial");
    await synth(freshDir());
    expect(readCache(path)!.header.status).toBe(0);
  });

  it("other V8 flags keep their own cache; a cache V8 refuses (made under other flags) is rewritten", async () => {
    const path = cachePath();
    const before = cacheFileId(path);
    const r = await node(["--max-semi-space-size=2", join(project, "scripts/launch.cjs"), "main", "--help"], { cwd: project });
    expect(r.status, r.stderr).toBe(0);
    const other = join(project, "build", caches("main").find((f) => join(project, "build", f) !== path)!);
    expect(caches("main")).toHaveLength(2);
    expect(cacheFileId(path)).toBe(before);
    // The other flags' cache, valid but for the wrong flags: V8 refuses it (cachedDataRejected).
    writeFileSync(path, readFileSync(other));
    const refused = cacheFileId(path);
    const help = await node([join(project, "scripts/launch.cjs"), "main", "--help"], { cwd: project });
    expect(help.status, help.stderr).toBe(0);
    expect(cacheFileId(path)).not.toBe(refused);
    expect(readCache(path)!.data.equals(readCache(other)!.data)).toBe(false);
  });

  it("the ES modules a run imports load with a warm cache too: a TypeScript spec, and the checks' HCL parser", async () => {
    const dir = freshDir();
    const spec = join(dir, "platform.ts");
    writeFileSync(spec, `export default ${JSON.stringify(referenceCopy())};\n`);
    for (let run = 0; run < 2; run++) {
      await synth(join(dir, `run-${run}`), [spec]);
      const check = await node([join(project, "scripts/launch.cjs"), "check"], { cwd: project });
      expect(check.status, check.stderr).toBe(0);
      expect(check.stdout).toMatch(/0 errors/);
    }
    expect(caches("check")).toHaveLength(1);
  });

  it("a bundle holding import() is refused at build time, with the file that holds it", async () => {
    const main = join(project, "main.ts");
    writeFileSync(main, `${readFileSync(main, "utf8")}\nexport const os = () => import("node:os");\n`);
    const r = await node([join(project, "scripts/launch.cjs"), "main", "--help"], { cwd: project });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('could not build the main bundle (scripts/build.cjs): the bundles must not hold import()');
    expect(r.stderr).toContain('main.ts: import("node:os")');
    expect(readdirSync(join(project, "build")).filter((f) => f.startsWith(".tmp-")), "no half-built folder is left").toEqual([]);
  });
});

describe("what the bundles are made of (scripts/build.cjs)", () => {
  interface Metafile {
    inputs: Record<string, unknown>;
  }
  const meta = () => JSON.parse(readFileSync(join(ROOT, "build/metafile.json"), "utf8")) as Metafile;

  beforeAll(async () => {
    // Built (when stale) by a run, as every command line does.
    const r = await node(launch("main", ["--help"]), { cwd: ROOT });
    expect(r.status, r.stderr).toBe(0);
  });

  it("zod's locales other than English and cdktf's zip library are left out", () => {
    const inputs = Object.keys(meta().inputs);
    expect(inputs.filter((f) => f.includes("node_modules/zod/v4/locales/"))).toEqual(["node_modules/zod/v4/locales/en.js"]);
    expect(inputs.filter((f) => /node_modules\/(cdktf\/node_modules\/)?(archiver|readable-stream|glob)\//.test(f))).toEqual([]);
    expect(inputs.some((f) => f.startsWith("node_modules/cdktf/lib/"))).toBe(true);
  });

  it("one copy of yaml (cdk8s ships its own, at the same version); cdktf's token stacks are left out and its JSON sorter loads when called", () => {
    const { inputs } = meta() as { inputs: Record<string, { imports: { path: string }[] }> };
    const files = Object.keys(inputs);
    const version = (dir: string) => (JSON.parse(readFileSync(join(ROOT, dir, "package.json"), "utf8")) as { version: string }).version;
    expect(version("node_modules/cdk8s/node_modules/yaml"), "the same version: else both copies are bundled, as they should be").toBe(version("node_modules/yaml"));
    expect(files.filter((f) => f.includes("node_modules/cdk8s/node_modules/yaml/"))).toEqual([]);
    expect(files.filter((f) => f.includes("node_modules/yaml/dist/")).length).toBeGreaterThan(10);
    expect(files.filter((f) => f.endsWith("stack-trace.js") && f.includes("node_modules/cdktf/"))).toEqual([]);
    expect(inputs["node_modules/cdktf/lib/manifest.js"].imports.map((i) => i.path)).toContainEqual(expect.stringMatching(/^slim:json-stable-stringify#/));
  });

  it("directInterop returns a compiled ES module itself instead of copying its exports, and refuses a bundle without the helper it expects", () => {
    const helper = 'var __toESM=(mod,isNodeMode,target2)=>(target2=mod!=null?__create(__getProtoOf(mod)):{},__copyProps(target2,mod));';
    expect(directInterop(`a;${helper}b`)).toBe("a;var __toESM=(mod,isNodeMode,target2)=>!isNodeMode&&mod!=null&&mod.__esModule?mod:(target2=mod!=null?__create(__getProtoOf(mod)):{},__copyProps(target2,mod));b");
    expect(() => directInterop("var x=1;")).toThrow(/__toESM helper once in a bundle, found it 0 times/);
    expect(() => directInterop(helper + helper)).toThrow(/found it 2 times/);
  });

  it("a reference synth records no token stacks and copies no export tables (test/helpers/record-run-work.cjs); the sources run by tsx do both", async () => {
    const dir = freshDir();
    const work = async (args: string[], name: string) => {
      const log = join(dir, `${name}.json`);
      const r = await node(["--require", join(ROOT, "test/helpers/record-run-work.cjs"), ...args, "--out", join(dir, name, "cdktf.out"), "--dist", join(dir, name, "dist")], { cwd: ROOT, env: { VEP_WORK_LOG: log } });
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(readFileSync(log, "utf8")) as { stacks: number; interopCopies: number };
    };
    const viaTsx = await work(["--require", require.resolve("tsx/cjs"), join(ROOT, "main.ts")], "tsx");
    expect(viaTsx.stacks, "the recorder sees cdktf's stacks").toBeGreaterThan(100);
    expect(viaTsx.interopCopies, "and export copies").toBeGreaterThan(1000);
    const viaBundle = await work(launch("main", []), "bundle");
    expect(viaBundle.stacks).toBe(0);
    // What is left: CommonJS modules not compiled from ES modules (they get a `default`); 10,981 before.
    expect(viaBundle.interopCopies).toBeLessThan(500);
  });

  it("a refused spec gets the same messages from the bundle as from the sources (zod's English messages survive the slimming)", async () => {
    const dir = freshDir();
    const spec = join(dir, "bad.json");
    const bad = referenceCopy() as unknown as Record<string, unknown>;
    writeFileSync(spec, JSON.stringify({ ...bad, name: "Shop!", environments: "dev", extra: 1 }));
    const viaBundle = await node(launch("main", [spec, "--out", join(dir, "a"), "--dist", join(dir, "b")]), { cwd: dir });
    const viaTsx = await node(["--require", require.resolve("tsx/cjs"), join(ROOT, "main.ts"), spec, "--out", join(dir, "a"), "--dist", join(dir, "b")], { cwd: dir });
    expect(viaBundle.status).toBe(2);
    expect(viaBundle.stderr).toMatch(/name/);
    expect(viaBundle.stderr.split("\n").length).toBeGreaterThan(2);
    expect({ status: viaBundle.status, stderr: viaBundle.stderr }).toEqual({ status: viaTsx.status, stderr: viaTsx.stderr });
    expect(existsSync(join(dir, "a"))).toBe(false);
  });

  it("the freshness record stamps our sources and, for dependencies, each bundled package's package.json", () => {
    const { inputs } = JSON.parse(readFileSync(join(ROOT, "build/inputs.json"), "utf8")) as { inputs: Record<string, string> };
    const files = Object.keys(inputs);
    expect(files.filter((f) => f.includes("node_modules/") && !/node_modules\/(@[^/]+\/)?[^/]+\/package\.json$/.test(f))).toEqual([]);
    for (const pkg of ["cdktf", "cdk8s", "zod", "yaml", "@cdktf/provider-aws", "cron-parser", "luxon"]) expect(files).toContain(`node_modules/${pkg}/package.json`);
    expect(files).toEqual(expect.arrayContaining(["main.ts", "lib/output.ts", "spec/cron.ts", "package.json", "scripts/build.cjs"]));
  });
});
