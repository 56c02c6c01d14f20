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
const { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } = require("node:fs");
const { dirname, join, resolve } = require("node:path");

const ROOT = resolve(__dirname, "..");
const OUT = join(ROOT, "build");
const INPUTS = join(OUT, "inputs.json");
const ENTRIES = ["main", "check", "review"];
// Loaded at run time from node_modules, not bundled: tsx loads .ts specs and the base's reference
// spec (it needs its own esbuild binary); @cdktf/hcl2json reads its WebAssembly next to its code.
const EXTERNAL = ["tsx", "tsx/*", "esbuild", "@cdktf/hcl2json"];

/** Each bundle is one function expression taking CommonJS's module arguments (scripts/load-bundle.cjs calls it). */
const BUNDLE_WRAPPER = { head: "(function (exports, require, module, __filename, __dirname) {", tail: "\n})" };

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
 * Dependency code no run executes, left out of the bundles or loaded only when called (node_modules
 * stays as installed; the tests run the full modules too, and test/build.test.ts compares the
 * bundle's output with them): zod's 40 message locales (the spec's messages are English: zod
 * registers en itself), cdktf's token creation stacks, its JSON writer's sorting library, and the
 * zip library cdktf's TerraformAsset would archive folders with (this project has no assets).
 */
const SLIMMED = [
  {
    filter: /^\.\.\/locales\/index\.js$/,
    importer: /node_modules\/zod\/v4\/(classic\/external|core\/index)\.js$/,
    contents: 'export { default as en } from "./en.js";',
    resolveDir: (importer) => join(importer, "../../locales"),
  },
  {
    // Every cdktf token records the full stack it was created at, formatted (V8 computes source
    // positions for every function on it): a tenth of a reference synth, and only ever shown in
    // the message of a token that fails to resolve. cdktf leaves out an empty stack itself.
    filter: /\/stack-trace$/,
    importer: /node_modules\/cdktf\/lib\/(tokens\/(private\/)?)?[^/]+\.js$/,
    contents: "exports.captureStackTrace = () => [];",
  },
  {
    // cdktf's own file writer (app.synth(), which lib/synth-terraform.ts does not call) sorts JSON
    // with json-stable-stringify, whose dependencies (get-intrinsic and a dozen more) set up
    // polyfill tables when loaded: loaded on its first call instead.
    filter: /^json-stable-stringify$/,
    importer: /node_modules\/cdktf\/lib\/.+\.js$/,
    contents: 'module.exports = function stringify(...args) { return require("json-stable-stringify")(...args); };',
    resolveDir: (importer) => dirname(importer),
  },
  {
    filter: /^archiver$/,
    importer: /node_modules\/cdktf\/lib\/private\/fs\.js$/,
    contents: 'module.exports = () => { throw new Error("archiver is left out of the vault-eks-platform bundles (scripts/build.cjs): cdktf assets are not supported"); };',
  },
];

/**
 * Packages a dependency carries its own copy of, at the same version as the project's: bundled once.
 * cdk8s ships yaml inside its package (jsii bundles its dependencies), and both copies ran their module code.
 */
const DEDUPED = [{ name: "yaml", inside: "cdk8s" }];

const dedupe = {
  name: "dedupe",
  setup(b) {
    const version = (dir) => JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).version;
    for (const { name, inside } of DEDUPED) {
      const nested = join(ROOT, "node_modules", inside, "node_modules", name);
      const top = join(ROOT, "node_modules", name);
      // A different version (after an upgrade of either) is bundled as it is: two copies, both right.
      if (!existsSync(nested) || version(nested) !== version(top)) continue;
      const filter = new RegExp(`^${name}(/.*)?$`);
      const importers = join(ROOT, "node_modules", inside, "/");
      b.onResolve({ filter }, (args) => (args.importer.startsWith(importers) && args.pluginData !== dedupe ? b.resolve(args.path, { kind: args.kind, resolveDir: ROOT, pluginData: dedupe }) : undefined));
    }
  },
};

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

/**
 * esbuild's `__toESM(require(...))`, which each `import { X } from "<CommonJS package>"` compiles to,
 * copies the package's whole export table into a new object, one getter closure per export, for
 * every importing file: 15 of our files import cdk8s-plus-28's k8s module (582 exports), and the
 * reference synth made 10,981 such getters. For a module compiled from ES modules (`__esModule`,
 * as cdktf, cdk8s and the providers are) the copy only forwards reads to the module itself, so the
 * helper returns the module instead; other modules still get a copy with their `default`.
 */
function directInterop(bundle) {
  const helper = /var __toESM=\((\w+),(\w+),(\w+)\)=>\(/g;
  const found = bundle.match(helper) ?? [];
  if (found.length !== 1) throw new Error(`scripts/build.cjs: expected esbuild's __toESM helper once in a bundle, found it ${found.length} times (esbuild ${require("esbuild").version}): update directInterop`);
  return bundle.replace(helper, (_, mod, isNodeMode, target) => `var __toESM=(${mod},${isNodeMode},${target})=>!${isNodeMode}&&${mod}!=null&&${mod}.__esModule?${mod}:(`);
}

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
      // The module wrapper is part of the file: scripts/load-bundle.cjs compiles the text as read,
      // instead of a 3 MB concatenation V8 would first have to copy into one flat string.
      banner: { js: BUNDLE_WRAPPER.head },
      footer: { js: BUNDLE_WRAPPER.tail },
      plugins: [slim, dedupe],
      // Written below, once directInterop has rewritten them.
      write: false,
      metafile: true,
      logLevel: "error",
    });
    const dynamic = Object.entries(result.metafile.inputs).flatMap(([file, input]) => input.imports.filter((i) => i.kind === "dynamic-import" && i.external).map((i) => `${file}: import("${i.path}")`));
    if (dynamic.length > 0) throw new Error(`the bundles must not hold import() (scripts/load-bundle.cjs says why; use lib/import-esm.ts):\n  ${dynamic.join("\n  ")}`);
    const files = [...Object.keys(result.metafile.inputs).filter((f) => !f.startsWith("slim:")).map(stampedFile), "package.json", "scripts/build.cjs"];
    const inputs = Object.fromEntries([...new Set(files)].sort().map((f) => [f, stamp(join(ROOT, f))]));
    mkdirSync(tmp);
    for (const file of result.outputFiles) writeFileSync(file.path, directInterop(file.text));
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

module.exports = { BUNDLE_WRAPPER, build, directInterop, fresh, isFresh, ENTRIES, OUT };

if (require.main === module) {
  mkdirSync(OUT, { recursive: true });
  build().catch((e) => {
    console.error(e.message);
    process.exitCode = 1;
  });
}
