import type { CheckReport } from "../run";

/** Machine-readable report: every check run, every finding, every suppression with its reason. */
export function jsonReport(r: CheckReport, source: string): string {
  const count = (sev: string) => r.findings.filter((f) => f.severity === sev).length;
  return `${JSON.stringify(
    {
      platform: r.platform,
      source,
      summary: { errors: count("error"), warnings: count("warning"), notes: count("info"), suppressed: r.suppressed.length },
      checks: r.checks.map((c) => ({ id: c.id, severity: c.severity, title: c.title, fix: c.fix })),
      findings: r.findings,
      suppressed: r.suppressed.map((s) => ({ ...s.finding, reason: s.reason })),
    },
    null,
    2,
  )}\n`;
}
