import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";

/**
 * Prometheus' own rule checker and unit-test runner (`promtool`, Debian package `prometheus`).
 * Rule groups go to a temporary rule file exactly as the PrometheusRule's `spec.groups` hold
 * them (the operator writes them to Prometheus unchanged).
 */
export const PROMTOOL_ENV = "VAULT_EKS_PROMTOOL";

export function promtoolPath(): string {
  const bin = process.env[PROMTOOL_ENV] ?? "promtool";
  const r = spawnSync(bin, ["--version"], { encoding: "utf8" });
  if (r.error || r.status !== 0) {
    throw new Error(`promtool is not runnable (${r.error?.message ?? r.stderr}): apt-get install prometheus (or set ${PROMTOOL_ENV})`);
  }
  return bin;
}

export interface PromtoolResult {
  ok: boolean;
  output: string;
}

function run(args: string[], cwd: string): PromtoolResult {
  const r = spawnSync(promtoolPath(), args, { cwd, encoding: "utf8" });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

/** Writes rule groups to `<dir>/rules.yaml`; returns the directory. */
export function writeRuleFile(groups: unknown[], dir = mkdtempSync(join(tmpdir(), "vep-promtool-"))): string {
  writeFileSync(join(dir, "rules.yaml"), stringify({ groups }));
  return dir;
}

/** `promtool check rules`: syntax, PromQL parsing, durations, templates, duplicate rules. */
export function checkRules(groups: unknown[]): PromtoolResult {
  const dir = writeRuleFile(groups);
  return run(["check", "rules", "rules.yaml"], dir);
}

export interface PromSeries {
  series: string;
  /** promtool's expanding notation, e.g. "1x10" or "0+1x5". */
  values: string;
}

export interface AlertExpectation {
  evalTime: string;
  alertname: string;
  alerts: { labels: Record<string, string>; annotations: Record<string, string> }[];
}

export interface RuleTest {
  name: string;
  interval: string;
  series: PromSeries[];
  expectations: AlertExpectation[];
}

/** `promtool test rules` with the given tests against the groups; the output names every failed expectation. */
export function testRules(groups: unknown[], tests: RuleTest[], evaluationInterval = "1m"): PromtoolResult {
  const dir = writeRuleFile(groups);
  const file = {
    rule_files: ["rules.yaml"],
    evaluation_interval: evaluationInterval,
    tests: tests.map((t) => ({
      name: t.name,
      interval: t.interval,
      input_series: t.series,
      alert_rule_test: t.expectations.map((e) => ({
        eval_time: e.evalTime,
        alertname: e.alertname,
        exp_alerts: e.alerts.map((a) => ({ exp_labels: a.labels, exp_annotations: a.annotations })),
      })),
    })),
  };
  writeFileSync(join(dir, "tests.yaml"), stringify(file));
  return run(["test", "rules", "tests.yaml"], dir);
}
