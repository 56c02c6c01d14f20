// Holds V8's young generation at its initial size while a command line starts (scripts/launch.cjs);
// lib/young-generation.ts lets it grow again once the spec shows a large platform.
//
// V8 doubles the young generation (two semi-spaces of 1 MB, up to 16 MB each) whenever more bytes
// survived its collections than it holds, and nearly everything a run allocates survives until the
// files are written. On a small platform the growth only moves the same objects through memory the
// process has not touched before, and first touches of fresh memory are what a short run's time goes
// to (DEVELOPERS.md): held, a reference synth touches about 2,800 fewer pages. On a large platform the
// copying outweighs the fresh memory, and the default growth is faster again.
//
// V8 stamps a code cache with a hash of its flags, so the flags are put back as they were when the
// bundle's cache was checked before a new cache is made (scripts/load-bundle.cjs).
"use strict";
const { setFlagsFromString } = require("node:v8");

/** Shared with lib/young-generation.ts (inside the bundle, another module instance): "held" or "released". */
const STATE = Symbol.for("vault-eks-platform.young-generation");

/** Flags a user sizes the young generation with: then this leaves it alone. */
const USER_FLAGS = /--(?:max|min)[-_]semi[-_]space[-_]size|--semi[-_]space[-_]growth[-_]factor/;

/** Stops the young generation from growing, unless the user sized it (node flags or NODE_OPTIONS); true when it did. */
function holdYoungGeneration() {
  if (USER_FLAGS.test(`${process.execArgv.join(" ")}\n${process.env.NODE_OPTIONS ?? ""}`)) return false;
  setFlagsFromString("--semi-space-growth-factor=1");
  globalThis[STATE] = "held";
  return true;
}

/** The flags as they were when the bundle was loaded: a code cache made now matches the next run's. */
function flagsAsLoaded() {
  if (globalThis[STATE] === "released") setFlagsFromString("--semi-space-growth-factor=1");
}

module.exports = { flagsAsLoaded, holdYoungGeneration, STATE };
