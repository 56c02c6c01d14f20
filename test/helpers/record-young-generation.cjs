// Preloaded into a CLI run (node --require): when the process exits, writes to $VEP_YOUNG_LOG as
// JSON the size of V8's young generation (its new space: both semi-spaces, in bytes) and what
// scripts/young-generation.cjs recorded ("held", "released", or absent when it left V8 alone).
"use strict";
const { writeFileSync } = require("node:fs");
const { getHeapSpaceStatistics } = require("node:v8");
const { STATE } = require("../../scripts/young-generation.cjs");
const file = process.env.VEP_YOUNG_LOG;
if (file) {
  process.on("exit", () => {
    const newSpace = getHeapSpaceStatistics().find((s) => s.space_name === "new_space");
    writeFileSync(file, JSON.stringify({ newSpaceBytes: newSpace.space_size, state: globalThis[STATE] ?? null }));
  });
}
