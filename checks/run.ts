import { compareStrings } from "../lib/compare";
import type { Synthesis } from "../lib/synthesis";
import { CHECKS } from "./catalogue";
import { CheckContext } from "./context";
import type { Check, Finding } from "./types";

export interface Suppressed {
  finding: Finding;
  reason: string;
}

export interface CheckReport {
  platform: string;
  checks: Check[];
  /** Findings no suppression covers, errors first, then by check and resource. */
  findings: Finding[];
  suppressed: Suppressed[];
}

/** The meta check the runner itself reports: a suppression in the spec that matches no finding. */
export const UNMATCHED_SUPPRESSION = "VEP-C01";

const glob = (pattern: string) => new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);

/**
 * Runs checks over a synthesis and applies the spec's suppressions. A check that fails on
 * malformed output (a hand-edited tree) reports that as its own error instead of stopping the run.
 */
export async function runChecks(synthesis: Synthesis, opts: { checks?: Check[]; severity?: "error" } = {}): Promise<CheckReport> {
  const checks = (opts.checks ?? CHECKS).filter((c) => !opts.severity || c.severity === opts.severity);
  const ctx = await CheckContext.of(synthesis);
  const raw: Finding[] = [];
  for (const check of checks) {
    try {
      for (const f of check.run(ctx)) raw.push({ check: check.id, severity: check.severity, resource: f.resource, message: f.message });
    } catch (e) {
      raw.push({ check: check.id, severity: "error", resource: "(output)", message: `the check could not read the output: ${e instanceof Error ? e.message : String(e)}` });
    }
  }
  const suppressions = synthesis.model.checks.suppressions.map((s) => ({ ...s, match: glob(s.resource), used: false }));
  const findings: Finding[] = [];
  const suppressed: Suppressed[] = [];
  for (const f of dedupe(raw)) {
    const s = suppressions.find((s) => s.rule === f.check && s.match.test(f.resource));
    if (s) {
      s.used = true;
      suppressed.push({ finding: f, reason: s.reason });
    } else findings.push(f);
  }
  // Only a full run can tell that a suppression matches nothing.
  if (!opts.checks && !opts.severity) {
    for (const s of suppressions.filter((s) => !s.used)) {
      findings.push({ check: UNMATCHED_SUPPRESSION, severity: "warning", resource: `suppressions: ${s.rule} ${s.resource}`, message: `the suppression matches no finding of ${s.rule} (remove it, or correct the rule id or resource)` });
    }
  }
  const rank = { error: 0, warning: 1, info: 2 };
  const order = (f: Finding) => `${rank[f.severity]} ${f.check} ${f.resource} ${f.message}`;
  findings.sort((a, b) => compareStrings(order(a), order(b)));
  return { platform: synthesis.model.name, checks, findings, suppressed };
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const k = `${f.check}\0${f.resource}\0${f.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export const errorsIn = (r: CheckReport) => r.findings.filter((f) => f.severity === "error");

/** Findings that ask for a change (errors and warnings); info findings state a deliberate choice. */
export const actionableIn = (r: CheckReport) => r.findings.filter((f) => f.severity !== "info");
