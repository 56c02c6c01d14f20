import { beforeAll, describe, expect, it } from "vitest";
import { ALERT_CASES, type AlertCase } from "./alerts/cases";
import { type RenderedObject, synthDist } from "./helpers/dist";
import { prometheusRuleGroups, type RenderedAlert, renderedAlerts } from "./helpers/embedded";
import { checkRules, type RuleTest, testRules } from "./helpers/promtool";
import { referenceCopy, vclusterExample } from "./helpers/synth";

/**
 * The PromQL in the rendered PrometheusRules, through Prometheus' own tools: `promtool check
 * rules` on every group, and `promtool test rules` with the synthetic series of
 * test/alerts/cases.ts, which must fire every alert after its `for:` and leave it silent on
 * healthy series. Every rendered alert needs both kinds of case.
 */
const vclusterSpec = vclusterExample;

const minutes = (d: string): number => {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(d);
  if (!m || d === "") throw new Error(`unsupported duration in an alert case: ${d}`);
  const seconds = Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
  if (seconds % 60 !== 0) throw new Error(`alert cases use whole minutes: ${d}`);
  return seconds / 60;
};

/** promtool tests for one alert's cases; labels and annotations the rule itself adds are taken from it. */
function ruleTests(alert: RenderedAlert, cases: AlertCase[]): RuleTest[] {
  const staticAnnotations = Object.fromEntries(Object.entries(alert.annotations).filter(([k, v]) => k !== "summary" && !v.includes("{{")));
  return cases.map((c) => {
    const expectations: RuleTest["expectations"] = [];
    if (c.fires) {
      const firesAt = minutes(c.fires.from) + minutes(alert.for);
      if (firesAt >= 1) expectations.push({ evalTime: `${firesAt - 1}m`, alertname: alert.alert, alerts: [] });
      const alerts = c.fires.alerts.map((a) => ({ labels: { ...a.labels, ...alert.labels }, annotations: { ...staticAnnotations, summary: a.summary } }));
      expectations.push({ evalTime: `${firesAt}m`, alertname: alert.alert, alerts });
    }
    for (const t of c.silentAt ?? []) expectations.push({ evalTime: t, alertname: alert.alert, alerts: [] });
    return { name: `${alert.alert}: ${c.name}`, interval: "1m", series: c.series, expectations };
  });
}

describe.each([
  ["reference spec", referenceCopy],
  ["vcluster example", vclusterSpec],
])("PromQL through promtool (%s)", (_name, spec) => {
  let objects: RenderedObject[];
  beforeAll(() => ({ objects } = synthDist(spec())));

  it("promtool check rules accepts every rendered rule group", () => {
    const files = prometheusRuleGroups(objects);
    expect(files.length).toBeGreaterThan(0);
    for (const { file, groups } of files) {
      const r = checkRules(groups);
      expect(r.output, file).toMatch(/SUCCESS: \d+ rules found/);
      expect(r.ok, `${file}\n${r.output}`).toBe(true);
    }
  });
});

describe("alerts fire when they should (promtool test rules, reference spec)", () => {
  let objects: RenderedObject[];
  let alerts: RenderedAlert[];
  beforeAll(() => {
    ({ objects } = synthDist(referenceCopy()));
    alerts = renderedAlerts(objects);
  });

  it("every rendered alert has a firing and a healthy case, and every case names a rendered alert", () => {
    expect(alerts.length).toBeGreaterThan(0);
    const missing = alerts.flatMap((a) => {
      const cases = ALERT_CASES[a.alert] ?? [];
      const gaps = [];
      if (!cases.some((c) => c.fires)) gaps.push(`${a.alert}: add a case to test/alerts/cases.ts with series that fire it (expr: ${a.expr})`);
      if (!cases.some((c) => c.silentAt?.length)) gaps.push(`${a.alert}: add a case to test/alerts/cases.ts with healthy series that leave it silent`);
      return gaps;
    });
    expect(missing).toEqual([]);
    expect(Object.keys(ALERT_CASES).filter((name) => !alerts.some((a) => a.alert === name))).toEqual([]);
  });

  it("promtool test rules: each alert fires after its for: on failing series and stays silent on healthy ones", () => {
    const tests = alerts.flatMap((a) => ruleTests(a, ALERT_CASES[a.alert] ?? []));
    const groups = prometheusRuleGroups(objects).flatMap((f) => f.groups);
    const r = testRules(groups, tests);
    expect(r.output).toContain("SUCCESS");
    expect(r.ok, r.output).toBe(true);
  });

  it("the harness fails: an alert expected to fire on healthy series is reported", () => {
    const alert = alerts.find((a) => a.alert === "VaultSealed")!;
    const healthy = ALERT_CASES.VaultSealed!.find((c) => c.silentAt)!;
    const wrong = ruleTests(alert, [{ name: "deliberately wrong", series: healthy.series, fires: { from: "0m", alerts: [{ labels: {}, summary: "x" }] } }]);
    const r = testRules(prometheusRuleGroups(objects).flatMap((f) => f.groups), wrong);
    expect(r.ok).toBe(false);
    expect(r.output).toContain("VaultSealed");
  });

  it("without a certificate from cert-manager there is no cert-manager alert (its metrics would not exist)", () => {
    const spec = referenceCopy();
    spec.vault.tls = { source: "secret", secretName: "vault-tls", caCertificate: spec.vault.tls.caCertificate };
    const names = renderedAlerts(synthDist(spec).objects).map((a) => a.alert);
    expect(names).not.toContain("VaultCertificateExpiresSoon");
    expect(names).not.toContain("VaultCertificateNotReady");
    expect(names).toContain("VaultSealed");
  });
});
