// Preloaded into a CLI run (node --require): on exit, writes the file name of every module the
// process loaded (require's cache) to $VEP_LOADED_MODULES, one per line.
"use strict";
const { writeFileSync } = require("node:fs");
const file = process.env.VEP_LOADED_MODULES;
if (file) process.on("exit", () => writeFileSync(file, Object.keys(require.cache).join("\n")));
