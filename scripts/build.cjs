// Compiles the command lines (main.ts, check.ts, review.ts) into one JavaScript bundle each in
// build/, so a run loads compiled code instead of transpiling TypeScript with tsx on every start.
// Plain JavaScript on purpose: it must run before anything is compiled.
//
//   node scripts/build.cjs                build now (npm run build; npm ci runs it as `prepare`)
//   await require("./build.cjs").fresh()  build only when an input changed (scripts/launch.cjs)
//
// build/inputs.json records the size and mtime of every file the bundles were made from (the
// esbuild metafile's inputs: our sources, and for the bundled node_modules files their packages'
// package.json, which every install of a package rewrites), of package.json and of this script;
// any difference (a git pull, an edit, npm ci) means the bundles are rebuilt before use. A file
// edited by hand inside node_modules is not noticed: `npm run build` rebuilds.
"use strict";
const { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } = require("node:fs");
const { join, resolve } = require("node:path");

const ROOT = resolve(__dirname, "..");
const OUT = join(ROOT, "build");
const INPUTS = join(OUT, "inputs.json");
const ENTRIES = ["main", "check", "review"];
// Loaded at run time from node_modules, not bundled: tsx loads .ts specs and the base's reference
// spec (it needs its own esbuild binary); @cdktf/hcl2json reads its WebAssembly next to its code.
const EXTERNAL = ["tsx", "tsx/*", "esbuild", "@cdktf/hcl2json"];

/** The file whose stamp stands for an input: itself, or for a package's file the package's package.json. */
function stampedFile(input) {
  const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
  return match ? `${match[1]}/package.json` : input;
}

function stamp(file) {
  const s = statSync(file);
  return `${s.size}:${s.mtimeMs}`;
}

/**
 * Dependency code no run executes, left out of the bundles (node_modules stays as installed; the
 * tests run the full modules too, and test/build.test.ts compares the bundle's output with them):
 * zod's 40 message locales (the spec's messages are English: zod registers en itself), and the zip
 * library cdktf's TerraformAsset would archive folders with (this project has no assets).
 */
const SLIMMED = [
  {
    filter: /^\.\.\/locales\/index\.js$/,
    importer: /node_modules\/zod\/v4\/(classic\/external|core\/index)\.js$/,
    contents: 'export { default as en } from "./en.js";',
    resolveDir: (importer) => join(importer, "../../locales"),
  },
  {
    filter: /^archiver$/,
    importer: /node_modules\/cdktf\/lib\/private\/fs\.js$/,
    contents: 'module.exports = () => { throw new Error("archiver is left out of the vault-eks-platform bundles (scripts/build.cjs): cdktf assets are not supported"); };',
  },
];

const slim = {
  name: "slim",
  setup(b) {
    for (const [i, s] of SLIMMED.entries()) {
      b.onResolve({ filter: s.filter }, (args) => (s.importer.test(args.importer) ? { path: `${args.path}#${i}`, namespace: "slim", pluginData: { i, importer: args.importer } } : undefined));
    }
    b.onLoad({ filter: /.*/, namespace: "slim" }, (args) => {
      const s = SLIMMED[args.pluginData.i];
      return { contents: s.contents, loader: "js", resolveDir: s.resolveDir?.(args.pluginData.importer) };
    });
  },
};

/** Builds every bundle now; the files appear together with their inputs record. */
async function build() {
  const esbuild = require("esbuild");
  const tmp = join(OUT, `.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  try {
    const result = await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: ENTRIES.map((e) => `${e}.ts`),
      outdir: tmp,
      bundle: true,
      platform: "node",
      target: "node20",
      format: "cjs",
      // jsonc-parser's "main" is a UMD build whose requires esbuild cannot follow; its "module" is plain ESM.
      mainFields: ["module", "main"],
      external: EXTERNAL,
      // Start-up reads and parses the whole bundle: without whitespace and comments it is a third
      // smaller and pure ASCII (comments with non-ASCII characters made Node decode a two-byte
      // string). Identifiers are not minified, so function and class names stay as written (cdk8s
      // checks constructor names, messages quote them) without keepNames' runtime wrappers.
      minifyWhitespace: true,
      minifySyntax: true,
      charset: "ascii",
      plugins: [slim],
      metafile: true,
      logLevel: "error",
    });
    const dynamic = Object.entries(result.metafile.inputs).flatMap(([file, input]) => input.imports.filter((i) => i.kind === "dynamic-import" && i.external).map((i) => `${file}: import("${i.path}")`));
    if (dynamic.length > 0) throw new Error(`the bundles must not hold import() (scripts/load-bundle.cjs says why; use lib/import-esm.ts):\n  ${dynamic.join("\n  ")}`);
    const files = [...Object.keys(result.metafile.inputs).filter((f) => !f.startsWith("slim:")).map(stampedFile), "package.json", "scripts/build.cjs"];
    const inputs = Object.fromEntries([...new Set(files)].sort().map((f) => [f, stamp(join(ROOT, f))]));
    for (const e of ENTRIES) renameSync(join(tmp, `${e}.js`), join(OUT, `${e}.js`));
    // The old bundles' code caches (scripts/load-bundle.cjs) name files that are gone.
    for (const f of readdirSync(OUT)) if (f.endsWith(".cache")) rmSync(join(OUT, f), { force: true });
    // What each bundle is made of, for `npx esbuild --analyze`-style inspection (DEVELOPERS.md).
    writeFileSync(join(OUT, "metafile.json"), JSON.stringify(result.metafile));
    writeFileSync(join(tmp, "inputs.json"), JSON.stringify({ esbuild: esbuild.version, inputs }));
    renameSync(join(tmp, "inputs.json"), INPUTS);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** True when the bundles exist and no input changed since they were built. */
function isFresh() {
  let recorded;
  try {
    recorded = JSON.parse(readFileSync(INPUTS, "utf8")).inputs;
    for (const e of ENTRIES) statSync(join(OUT, `${e}.js`));
  } catch {
    return false;
  }
  for (const [file, value] of Object.entries(recorded)) {
    try {
      if (stamp(join(ROOT, file)) !== value) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** The path of an entry's bundle, rebuilt first when stale. */
async function fresh(entry) {
  if (!isFresh()) {
    mkdirSync(OUT, { recursive: true });
    await build();
  }
  return join(OUT, `${entry}.js`);
}

module.exports = { build, fresh, isFresh, ENTRIES, OUT };

if (require.main === module) {
  mkdirSync(OUT, { recursive: true });
  build().catch((e) => {
    console.error(e.message);
    process.exitCode = 1;
  });
}
