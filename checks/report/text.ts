import type { CheckReport } from "../run";

/** The readable report: findings grouped by severity, each with its check's fix; suppressions listed. */
export function textReport(r: CheckReport, source: string): string {
  const byId = new Map(r.checks.map((c) => [c.id, c]));
  const lines = [`${r.platform}: ${r.checks.length} checks on the output of ${source}`];
  for (const [severity, title] of [["error", "errors"], ["warning", "warnings"], ["info", "notes"]] as const) {
    const list = r.findings.filter((f) => f.severity === severity);
    if (list.length === 0) continue;
    lines.push("", `${title} (${list.length}):`);
    for (const f of list) {
      lines.push(`  ${f.check} ${f.resource}`, `    ${f.message}`);
      const fix = byId.get(f.check)?.fix;
      if (fix) lines.push(`    fix: ${fix}`);
    }
  }
  if (r.suppressed.length > 0) {
    lines.push("", `suppressed in the spec (${r.suppressed.length}):`);
    for (const s of r.suppressed) lines.push(`  ${s.finding.check} ${s.finding.resource}`, `    ${s.finding.message}`, `    reason: ${s.reason}`);
  }
  const count = (sev: string, word: string) => {
    const n = r.findings.filter((f) => f.severity === sev).length;
    return `${n} ${word}${n === 1 ? "" : "s"}`;
  };
  lines.push("", `${count("error", "error")}, ${count("warning", "warning")}, ${r.suppressed.length} suppressed, ${count("info", "note")}`);
  return lines.join("\n");
}
