import type { z } from "zod";
import { knownFieldsAt, suggestField } from "./known-fields";
import { type Path, readsConflict, type SpecRule, specRules } from "./rules";
import { formatPath } from "./path";
import { type PlatformSpec, platformSpecSchema } from "./schema";

export { formatPath };

export interface SpecProblem {
  /** Field path in the spec, e.g. `services[1].environments[0]`. */
  path: string;
  message: string;
  /** Rule id for cross-field rules; absent for field-level checks. */
  rule?: string;
}

export type SpecResult = { ok: true; spec: PlatformSpec } | { ok: false; problems: SpecProblem[] };


/** Absent required fields (by path), and those an unknown key's suggestion already explains. */
interface Missing {
  required: Set<string>;
  explained: Set<string>;
}

function unknownField(issue: z.core.$ZodIssueUnrecognizedKeys, key: string, missing: Missing): SpecProblem {
  const known = knownFieldsAt(platformSpecSchema, issue.path, (issue as { input?: unknown }).input);
  const meant = suggestField(key, known);
  const path = formatPath([...issue.path, key]);
  if (meant) {
    const meantPath = formatPath([...issue.path, meant]);
    const required = missing.required.has(meantPath);
    if (required) missing.explained.add(meantPath);
    return { path, message: `unknown field; did you mean "${meant}"?${required ? ` (${meant} is required)` : ""}` };
  }
  return { path, message: known.length > 0 ? `unknown field (known here: ${known.join(", ")})` : "unknown field" };
}

function describeIssue(issue: z.core.$ZodIssue, missing: Missing): SpecProblem[] {
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => unknownField(issue, key, missing));
    case "invalid_type":
      if ((issue as { input?: unknown }).input === undefined) {
        return [{ path: formatPath(issue.path), message: `required: expected ${issue.expected}` }];
      }
      return [{ path: formatPath(issue.path), message: `expected ${issue.expected}, got ${describeValue((issue as { input?: unknown }).input)}` }];
    case "invalid_union": {
      const { discriminator, options } = issue as { discriminator?: string; options?: unknown[] };
      if (discriminator && options) {
        const got = (issue as { input?: Record<string, unknown> }).input?.[discriminator];
        return [{ path: formatPath(issue.path), message: `expected one of ${options.map((o) => JSON.stringify(o)).join(", ")}, got ${describeValue(got)}` }];
      }
      return [{ path: formatPath(issue.path), message: issue.message }];
    }
    case "invalid_value":
      return [{ path: formatPath(issue.path), message: `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, got ${describeValue((issue as { input?: unknown }).input)}` }];
    default: {
      const input = (issue as { input?: unknown }).input;
      const got = typeof input === "string" || typeof input === "number" ? ` (got ${describeValue(input)})` : "";
      return [{ path: formatPath(issue.path), message: `${issue.message}${got}` }];
    }
  }
}

function describeValue(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "an object";
  return JSON.stringify(v);
}

/** Where a field-level issue is, as far as rules are concerned: an unknown key is its own path (no rule reads it). */
function issuePath(issue: z.core.$ZodIssue): PropertyKey[][] {
  return issue.code === "unrecognized_keys" ? issue.keys.map((k) => [...issue.path, k]) : [issue.path];
}

/**
 * Checks a spec: field schema plus every cross-field rule, all problems at once. A rule whose
 * inputs (SpecRule.reads) failed their field checks stays silent: its findings would only echo them.
 */
export function validateSpec(input: unknown): SpecResult {
  const ruleProblems: { rule: SpecRule; problem: SpecProblem }[] = [];
  const schema = platformSpecSchema.superRefine(
    (spec) => {
      for (const rule of specRules) {
        const report = (path: Path, message: string) => ruleProblems.push({ rule, problem: { path: formatPath(path), message, rule: rule.id } });
        try {
          rule.check(spec, report);
        } catch {
          // A rule that meets malformed data leaves the report to the field-level problem already raised.
        }
      }
    },
    // Run the rules even when fields failed, so one run reports every independent problem.
    { when: (payload) => typeof payload.value === "object" && payload.value !== null },
  );
  const result = schema.safeParse(input, { reportInput: true });
  const issues = result.success ? [] : result.error.issues;
  const missing: Missing = {
    required: new Set(issues.filter((i) => i.code === "invalid_type" && (i as { input?: unknown }).input === undefined).map((i) => formatPath(i.path))),
    explained: new Set(),
  };
  // Unknown keys first, so a suggestion can claim the "required" problem of the field it names.
  const byKind = [...issues].sort((a, b) => Number(b.code === "unrecognized_keys") - Number(a.code === "unrecognized_keys"));
  const described = new Map(byKind.map((i) => [i, describeIssue(i, missing)]));
  const fieldProblems = issues.flatMap((i) => described.get(i)!).filter((p) => !(missing.explained.has(p.path) && p.message.startsWith("required")));
  const failed = issues.flatMap(issuePath);
  const independent = ruleProblems.filter(({ rule }) => !failed.some((path) => rule.reads.some((read) => readsConflict(read, path)))).map((r) => r.problem);
  const problems = [...fieldProblems, ...independent];
  if (!result.success || problems.length > 0) return { ok: false, problems: dedupe(problems) };
  return { ok: true, spec: result.data };
}

function dedupe(problems: SpecProblem[]): SpecProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.path}\0${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export class SpecError extends Error {
  constructor(
    readonly source: string,
    readonly problems: SpecProblem[],
  ) {
    super(`${source}: ${problems.length} problem(s)`);
  }

  /** Human-readable report: one line per problem, path first. */
  render(): string {
    // A message may carry the offending source line on lines of its own.
    const lines = this.problems.map((p) => `  ${p.path}: ${p.message.replace(/\n/g, "\n      ")}${p.rule ? ` [${p.rule}]` : ""}`);
    return `${this.source}: the spec has ${this.problems.length} problem${this.problems.length === 1 ? "" : "s"}:\n${lines.join("\n")}`;
  }
}
