/**
 * How much `npm run check` adds to a synth, on the benchmark spec (bench/specs.ts):
 *
 *   node --require tsx/cjs bench/check-overhead.ts [services=1000] [runs=3] [--cli]
 *
 * In process, each phase (median, and every run: the first is a cold start like every CLI run):
 * synthesize (both layers in memory), write (the files of both trees), check (every check, as
 * `npm run check` runs them), and the check's share of synth (synthesize + write). With --cli, what a user sees: fresh processes of `npm run synth --
 * --skip-checks` and of `npm run synth` (which runs the error-level checks), alternated, and of
 * `npm run check`. Run it on a quiet machine; the numbers are wall-clock.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { runChecks } from "../checks/run";
import { synthesizeYielding } from "../lib/synthesize";
import { kubernetesFiles, terraformFiles, writeFiles } from "../lib/write-synthesis";
import { validateSpec } from "../spec/validate";
import { benchmarkSpec } from "./specs";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const seconds = (xs: number[]) => `${(median(xs) / 1000).toFixed(2)} s (median of ${xs.length}: ${xs.map((x) => (x / 1000).toFixed(2)).join(", ")})`;

/** Fresh processes, as a user runs them. */
function cli(services: number, runs: number): void {
  const dir = mkdtempSync(join(tmpdir(), "vep-bench-cli-"));
  const spec = join(dir, "bench.json");
  writeFileSync(spec, JSON.stringify(benchmarkSpec({ services })));
  const root = join(__dirname, "..");
  const time = (script: string, args: string[]) => {
    const t = performance.now();
    const r = spawnSync(process.execPath, [join(root, "scripts", "launch.cjs"), script, spec, ...args], { cwd: dir, encoding: "utf8", maxBuffer: 1 << 28 });
    if (r.status !== 0) throw new Error(`${script} ${args.join(" ")}: exit ${r.status}\n${r.stderr}`);
    return performance.now() - t;
  };
  const times: Record<string, number[]> = { "synth --skip-checks": [], "synth (with checks)": [], check: [] };
  for (let i = 0; i < runs; i++) {
    times["synth --skip-checks"].push(time("main", ["--skip-checks", "--out", "a/cdktf.out", "--dist", "a/dist"]));
    times["synth (with checks)"].push(time("main", ["--out", "b/cdktf.out", "--dist", "b/dist"]));
    times.check.push(time("check", []));
  }
  console.log(`${services} services x 3 environments, fresh processes:`);
  for (const [what, xs] of Object.entries(times)) console.log(`  ${what.padEnd(20)} ${seconds(xs)}`);
  const base = median(times["synth --skip-checks"]);
  console.log(`  the checks add ${((100 * (median(times["synth (with checks)"]) - base)) / base).toFixed(1)} % to npm run synth`);
  rmSync(dir, { recursive: true, force: true });
}

async function main() {
  const services = Number(process.argv[2] ?? 1000);
  const runs = Number(process.argv[3] ?? 3);
  if (process.argv.includes("--cli")) return cli(services, runs);
  const valid = validateSpec(benchmarkSpec({ services }));
  if (!valid.ok) throw new Error(JSON.stringify(valid.problems, null, 2));
  const times: Record<string, number[]> = { synthesize: [], write: [], check: [] };
  let counts = "";
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(join(tmpdir(), "vep-bench-"));
    let t = performance.now();
    // As check.ts and main.ts do: the checks' HCL parser compiles while the layers render.
    const s = await synthesizeYielding(valid.spec, { outDir: join(dir, "cdktf.out"), stateDir: dir });
    times.synthesize.push(performance.now() - t);
    t = performance.now();
    writeFiles(join(dir, "cdktf.out"), terraformFiles(s.terraform));
    writeFiles(join(dir, "dist"), kubernetesFiles(s.kubernetes));
    times.write.push(performance.now() - t);
    t = performance.now();
    const report = await runChecks(s);
    times.check.push(performance.now() - t);
    counts = `${Object.keys(s.kubernetes.manifests).length} manifests, ${Object.values(s.terraform.stacks).reduce((n, st) => n + Object.values<object>(st.resource ?? {}).reduce((m, r) => m + Object.keys(r).length, 0), 0)} Terraform resources, ${report.findings.length} findings`;
    rmSync(dir, { recursive: true, force: true });
  }
  const synth = median(times.synthesize) + median(times.write);
  console.log(`${services} services x 3 environments: ${counts}`);
  for (const [phase, xs] of Object.entries(times)) console.log(`  ${phase.padEnd(10)} ${seconds(xs)}`);
  console.log(`  check adds ${((100 * median(times.check)) / synth).toFixed(1)} % to synth (synthesize + write = ${(synth / 1000).toFixed(2)} s)`);
  const cold = times.check[0] / (times.synthesize[0] + times.write[0]);
  console.log(`  first (cold) run: check adds ${(100 * cold).toFixed(1)} % to synth`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
