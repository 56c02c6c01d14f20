// Preloaded into every Node process of a benchmark run (NODE_OPTIONS=--require): on exit, appends
// this process's CPU time and peak RSS to $VEP_BENCH_RUSAGE, one JSON line per process.
"use strict";
const { appendFileSync } = require("node:fs");
const file = process.env.VEP_BENCH_RUSAGE;
if (file) {
  process.on("exit", () => {
    const u = process.resourceUsage();
    appendFileSync(file, JSON.stringify({ pid: process.pid, userUs: u.userCPUTime, systemUs: u.systemCPUTime, maxRssKb: u.maxRSS }) + "\n");
  });
}
