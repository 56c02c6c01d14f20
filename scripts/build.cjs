// Compiles the command lines (main.ts, check.ts, review.ts) into one JavaScript bundle each in
// build/, so a run loads compiled code instead of transpiling TypeScript with tsx on every start.
// Plain JavaScript on purpose: it must run before anything is compiled.
//
//   node scripts/build.cjs          build now (npm run build; npm ci runs it as `prepare`)
//   require("./build.cjs").fresh()  build only when an input changed (scripts/launch.cjs)
//
// build/inputs.json records the size and mtime of every file the bundles were made from (the
// esbuild metafile's inputs: our sources, the bundled node_modules files, package.json) and of this
// script; any difference (a git pull, an edit, npm ci) means the bundles are rebuilt before use.
"use strict";
const { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } = require("node:fs");
const { join, resolve } = require("node:path");

const ROOT = resolve(__dirname, "..");
const OUT = join(ROOT, "build");
const INPUTS = join(OUT, "inputs.json");
const ENTRIES = ["main", "check", "review"];
// Loaded at run time from node_modules, not bundled: tsx loads .ts specs and the base's reference
// spec (it needs its own esbuild binary); @cdktf/hcl2json reads its WebAssembly next to its code.
const EXTERNAL = ["tsx", "tsx/*", "esbuild", "@cdktf/hcl2json"];

function stamp(file) {
  const s = statSync(file);
  return `${s.size}:${s.mtimeMs}`;
}

/** Builds every bundle now; the files appear together with their inputs record. */
function build() {
  const esbuild = require("esbuild");
  const tmp = join(OUT, `.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  const result = esbuild.buildSync({
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
    metafile: true,
    logLevel: "error",
  });
  const files = [...Object.keys(result.metafile.inputs), "package.json", "scripts/build.cjs"];
  const inputs = Object.fromEntries([...new Set(files)].sort().map((f) => [f, stamp(join(ROOT, f))]));
  for (const e of ENTRIES) renameSync(join(tmp, `${e}.js`), join(OUT, `${e}.js`));
  writeFileSync(join(tmp, "inputs.json"), JSON.stringify({ esbuild: esbuild.version, inputs }));
  renameSync(join(tmp, "inputs.json"), INPUTS);
  rmSync(tmp, { recursive: true, force: true });
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
function fresh(entry) {
  if (!isFresh()) {
    mkdirSync(OUT, { recursive: true });
    build();
  }
  return join(OUT, `${entry}.js`);
}

module.exports = { build, fresh, isFresh, ENTRIES, OUT };

if (require.main === module) {
  mkdirSync(OUT, { recursive: true });
  build();
}
