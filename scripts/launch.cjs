// Runs a command line from its compiled bundle: `node scripts/launch.cjs <main|check|review> [args]`
// (npm run synth / check / review, cdktf.json, cdk8s.yaml). The bundle is rebuilt first when any of
// its sources changed (scripts/build.cjs), so a stale bundle is never run, and compiled from its
// V8 code cache (scripts/load-bundle.cjs), with V8's young generation held at its initial size
// until the spec shows a large platform (scripts/young-generation.cjs).
"use strict";
const { holdYoungGeneration } = require("./young-generation.cjs");

holdYoungGeneration();
const { fresh, ENTRIES } = require("./build.cjs");
const { loadBundle } = require("./load-bundle.cjs");

const [entry, ...args] = process.argv.slice(2);
if (!ENTRIES.includes(entry)) {
  console.error(`usage: node scripts/launch.cjs <${ENTRIES.join("|")}> [arguments]`);
  process.exitCode = 2;
} else {
  process.argv.splice(2, 1);
  fresh(entry).then(
    (bundle) => loadBundle(bundle, { partial: args.includes("--help") || args.includes("-h") }).cli(args),
    (e) => {
      console.error(`could not build the ${entry} bundle (scripts/build.cjs): ${e.message}`);
      process.exitCode = 1;
    },
  );
}
