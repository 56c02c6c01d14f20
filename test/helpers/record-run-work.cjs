// Preloaded into a CLI run (node --require): counts work a synth does not need and writes the counts
// to $VEP_WORK_LOG as JSON when the process exits:
// - stacks: Error.captureStackTrace calls (cdktf records a formatted stack for every token it makes);
// - interopCopies: getters esbuild's __copyProps defines, one per export of a CommonJS module for
//   each file that imports it (`__toESM`).
"use strict";
const { writeFileSync } = require("node:fs");
const file = process.env.VEP_WORK_LOG;
if (file) {
  const counts = { stacks: 0, interopCopies: 0 };
  const capture = Error.captureStackTrace;
  Error.captureStackTrace = function (...args) {
    counts.stacks++;
    return capture.apply(this, args);
  };
  const defineProperty = Object.defineProperty;
  Object.defineProperty = function (target, key, descriptor) {
    if (typeof descriptor?.get === "function" && /^\(\)\s*=>\s*from\[key\]$/.test(descriptor.get.toString())) counts.interopCopies++;
    return defineProperty(target, key, descriptor);
  };
  process.on("exit", () => writeFileSync(file, JSON.stringify(counts)));
}
