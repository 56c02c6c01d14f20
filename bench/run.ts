/**
 * npm run bench [-- --sizes reference,100,500,1000,2000] [--runs 3] [--no-cdktf] [--write docs/benchmarks.md]
 *
 * Each size is synthesized in fresh processes, as a user runs them (`npm run synth` into new folders,
 * `npm run synth` again over that output, as on every later commit or save, `npm run check` and
 * `npm run review` of a one-service change against the synthesized trees: the compiled bundle
 * through scripts/launch.cjs, without npm's own start-up), several times; the table gives the median
 * wall time, the CPU time and peak RSS of every Node process of the run (bench/measure.cjs,
 * preloaded), the ratio of each size to the previous one, and the resources per Terraform stack. `npx cdktf synth` of the reference (which
 * renders only the Terraform half) runs in the same session for comparison. Run it on a quiet
 * machine: the numbers are wall-clock. Before each measured run the page cache is flushed (`sync`,
 * not timed), so no run pays for writing back the files of the run before it. One unmeasured round
 * first leaves the V8 code caches a user's first run leaves (scripts/load-bundle.cjs).
 */
import { cpus, loadavg } from "node:os";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { performance } from "node:perf_hooks";
import { spawnSync } from "node:child_process";
import { run } from "../review/spawn";
import { referenceSpec } from "../spec/reference";
import type { PlatformSpecInput } from "../spec/schema";
import { benchmarkSpec } from "./specs";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { fresh } = require("../scripts/build.cjs") as { fresh: (entry: string) => Promise<string> };

const ROOT = resolve(__dirname, "..");
const MEASURE = join(__dirname, "measure.cjs");
const LAUNCH = join(ROOT, "scripts", "launch.cjs");

interface Sample {
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
}

interface Row {
  size: string;
  services: number;
  synth: Sample[];
  resynth: Sample[];
  check: Sample[];
  review: Sample[];
  stacks: Record<string, number>;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs a command in a fresh process tree and measures it. */
async function measured(cmd: string, args: string[], cwd: string, okStatus: number[] = [0]): Promise<Sample> {
  const rusage = join(mkdtempSync(join(tmpdir(), "vep-rusage-")), "rusage.jsonl");
  writeFileSync(rusage, "");
  const env = { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${MEASURE}`.trim(), VEP_BENCH_RUSAGE: rusage, CHECKPOINT_DISABLE: "1", CDKTF_DISABLE_PLUGIN_CACHE_ENV: "1" };
  spawnSync("sync");
  const start = performance.now();
  const r = await run(cmd, args, { cwd, env });
  const wallMs = performance.now() - start;
  if (!okStatus.includes(r.status ?? -1)) throw new Error(`${cmd} ${args.join(" ")}: exit ${r.status}\n${r.stderr.slice(-2000)}`);
  const procs = readFileSync(rusage, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as { userUs: number; systemUs: number; maxRssKb: number });
  rmSync(join(rusage, ".."), { recursive: true, force: true });
  return { wallMs, cpuMs: procs.reduce((n, p) => n + (p.userUs + p.systemUs) / 1000, 0), peakRssMb: Math.max(0, ...procs.map((p) => p.maxRssKb / 1024)) };
}

function resourcesPerStack(outDir: string): Record<string, number> {
  const stacks: Record<string, number> = {};
  for (const id of readdirSync(join(outDir, "stacks")).sort()) {
    const json = JSON.parse(readFileSync(join(outDir, "stacks", id, "cdk.tf.json"), "utf8")) as { resource?: Record<string, object> };
    stacks[id] = Object.values(json.resource ?? {}).reduce((n, r) => n + Object.keys(r).length, 0);
  }
  return stacks;
}

/**
 * Every run's folders stay until the whole bench has run (main removes them): on a disk like this
 * machine's (ext4), creating files within a minute or so of deleting many costs several times as
 * much (inode allocation skips the recently freed ones), so removing one run's 30,000 files would
 * slow the next run's synth into new folders with the bench's own clean-up.
 */
async function benchSize(size: string, runs: number, root: string): Promise<Row> {
  const dir = mkdtempSync(join(root, `${size}-`));
  const services = size === "reference" ? 0 : Number(size);
  // The reference runs exactly as `npm run synth` does (the bundled TypeScript spec); the others from JSON.
  const base = size === "reference" ? referenceSpec : benchmarkSpec({ services });
  const specArgs = size === "reference" ? [] : [join(dir, "spec.json")];
  if (size !== "reference") writeFileSync(specArgs[0], JSON.stringify(base));
  const baseSpec = join(dir, "base.json");
  writeFileSync(baseSpec, JSON.stringify(base));
  const head = join(dir, "head.json");
  writeFileSync(head, JSON.stringify(oneServiceChanged(base)));
  const node = (entry: string, args: string[], okStatus?: number[]) => measured(process.execPath, [LAUNCH, entry, ...args], ROOT, okStatus);
  const row: Row = { size, services, synth: [], resynth: [], check: [], review: [], stacks: {} };
  for (let i = 0; i < runs; i++) {
    const out = join(dir, `run-${i}`);
    const synthArgs = [...specArgs, "--out", join(out, "cdktf.out"), "--dist", join(out, "dist")];
    row.synth.push(await node("main", synthArgs));
    row.resynth.push(await node("main", synthArgs));
    row.check.push(await node("check", specArgs));
    // Exit 3: the change broadens what a service may read (the review reports it, as it should).
    const baseTrees = `${join(out, "cdktf.out")},${join(out, "dist")}`;
    row.review.push(await node("review", [head, "--base-dir", baseTrees, "--base-spec", baseSpec, "--output", join(out, "review")], [0, 3]));
    if (i === runs - 1) row.stacks = resourcesPerStack(join(out, "cdktf.out"));
  }
  return row;
}

async function cdktfSynth(runs: number): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    const out = mkdtempSync(join(tmpdir(), "vep-bench-cdktf-"));
    samples.push(await measured(join(ROOT, "node_modules/.bin/cdktf"), ["synth", "--output", out], ROOT));
    rmSync(out, { recursive: true, force: true });
  }
  return samples;
}

/** The pull request the review benchmark reviews: the first service gets one more secret key. */
function oneServiceChanged(spec: PlatformSpecInput): PlatformSpecInput {
  const changed = structuredClone(spec);
  const service = changed.services![0];
  service.secrets = [...(service.secrets ?? []), { name: "added", keys: ["ADDED_KEY"] }];
  return changed;
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (x: number) => `${Math.round(x)} MB`;

function table(rows: Row[], cdktf: Sample[] | undefined, runs: number): string {
  const lines = [
    `Machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? "unknown CPU"}, Node ${process.version}; each figure is the median of ${runs} fresh runs, with the code caches a first run leaves.`,
    "",
    "| spec | `npm run synth` wall (new folders) | CPU | peak RSS | × previous size | re-synth wall (previous output in place) | re-synth CPU | `npm run check` wall | check / synth | check peak RSS | `npm run review` wall (one service changed) | review / synth | review peak RSS | resources per stack |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  rows.forEach((r, i) => {
    const wall = median(r.synth.map((x) => x.wallMs));
    const prev = i > 0 ? median(rows[i - 1].synth.map((x) => x.wallMs)) : undefined;
    const check = median(r.check.map((x) => x.wallMs));
    const review = median(r.review.map((x) => x.wallMs));
    const rss = (xs: Sample[]) => mb(median(xs.map((x) => x.peakRssMb)));
    const name = r.size === "reference" ? "reference" : `${r.services} services × 3 environments`;
    const stacks = Object.entries(r.stacks).map(([id, n]) => `${id} ${n}`).join(", ");
    lines.push(`| ${name} | ${s(wall)} | ${s(median(r.synth.map((x) => x.cpuMs)))} | ${mb(median(r.synth.map((x) => x.peakRssMb)))} | ${prev ? (wall / prev).toFixed(2) : "—"} | ${s(median(r.resynth.map((x) => x.wallMs)))} | ${s(median(r.resynth.map((x) => x.cpuMs)))} | ${s(check)} | ${(check / wall).toFixed(2)} | ${rss(r.check)} | ${s(review)} | ${(review / wall).toFixed(2)} | ${rss(r.review)} | ${stacks} |`);
  });
  // Issue 17: one Terraform state per Vault stack; target: none above 5,000 resources, production in a stack of its own.
  const largest = rows.at(-1);
  const [id, n] = Object.entries(largest?.stacks ?? {}).sort((x, y) => y[1] - x[1])[0] ?? [];
  if (largest && id) lines.push("", `Largest Terraform state at ${largest.size === "reference" ? "the reference" : `${largest.services} services`}: ${id}, ${n} resources (target: none above 5,000).`);
  if (cdktf) {
    const ref = rows.find((r) => r.size === "reference");
    const wall = median(cdktf.map((x) => x.wallMs));
    lines.push("", `\`npx cdktf synth\` of the reference (the Terraform half only): ${s(wall)} wall, ${s(median(cdktf.map((x) => x.cpuMs)))} CPU, ${mb(median(cdktf.map((x) => x.peakRssMb)))} peak RSS${ref ? `; \`npm run synth\` (both layers) is ${(wall / median(ref.synth.map((x) => x.wallMs))).toFixed(1)}× faster` : ""}.`);
  }
  return lines.join("\n");
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { sizes: { type: "string" }, runs: { type: "string" }, "no-cdktf": { type: "boolean" }, write: { type: "string" } } });
  const sizes = (values.sizes ?? "reference,100,500,1000,2000").split(",");
  const runs = Number(values.runs ?? 3);
  await fresh("main"); // built before anything is timed
  // One unmeasured round writes the bundles' V8 code caches, as a user's first run after an
  // install or a pull does (that run is about 0.15 s slower); every measured run starts from them.
  const root = mkdtempSync(join(tmpdir(), "vep-bench-"));
  const rows: Row[] = [];
  let cdktf: Sample[] | undefined;
  try {
    process.stderr.write("bench: warming the code caches ...\n");
    await benchSize("reference", 1, root);
    for (const size of sizes) {
      process.stderr.write(`bench: ${size} ...\n`);
      rows.push(await benchSize(size, runs, root));
    }
    cdktf = values["no-cdktf"] ? undefined : (process.stderr.write("bench: npx cdktf synth ...\n"), await cdktfSynth(runs));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  const text = table(rows, cdktf, runs);
  console.log(text);
  if (values.write) {
    const load = loadavg().map((l) => l.toFixed(1)).join(", ");
    const doc = `# Benchmarks\n\nGenerated by \`npm run bench -- --write ${values.write}\` (bench/run.ts); the specs are bench/specs.ts. Load average when it finished: ${load} (1, 5, 15 min; the machine has ${cpus().length} cores: a load above that slows every figure).\n\n${text}\n`;
    writeFileSync(resolve(values.write), doc);
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
