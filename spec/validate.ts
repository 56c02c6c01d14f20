import type { z } from "zod";
import { type Path, specRules } from "./rules";
import { type PlatformSpec, platformSpecSchema } from "./schema";

export interface SpecProblem {
  /** Field path in the spec, e.g. `services[1].environments[0]`. */
  path: string;
  message: string;
  /** Rule id for cross-field rules; absent for field-level checks. */
  rule?: string;
}

export type SpecResult = { ok: true; spec: PlatformSpec } | { ok: false; problems: SpecProblem[] };

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(String(part))) out += out === "" ? String(part) : `.${String(part)}`;
    else out += `[${JSON.stringify(String(part))}]`;
  }
  return out === "" ? "(spec)" : out;
}

function describeIssue(issue: z.core.$ZodIssue): SpecProblem[] {
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: "unknown field" }));
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

/** Checks a spec: field schema plus every cross-field rule, all problems at once. */
export function validateSpec(input: unknown): SpecResult {
  const ruleProblems: SpecProblem[] = [];
  const schema = platformSpecSchema.superRefine(
    (spec) => {
      for (const rule of specRules) {
        const report = (path: Path, message: string) => ruleProblems.push({ path: formatPath(path), message, rule: rule.id });
        try {
          rule.check(spec, report);
        } catch {
          // A rule that meets malformed data leaves the report to the field-level problem already raised.
        }
      }
    },
    // Run the rules even when fields failed, so one run reports everything.
    { when: (payload) => typeof payload.value === "object" && payload.value !== null },
  );
  const result = schema.safeParse(input, { reportInput: true });
  const problems = [...(result.success ? [] : result.error.issues.flatMap(describeIssue)), ...ruleProblems];
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
    const lines = this.problems.map((p) => `  ${p.path}: ${p.message}${p.rule ? ` [${p.rule}]` : ""}`);
    return `${this.source}: the spec has ${this.problems.length} problem${this.problems.length === 1 ? "" : "s"}:\n${lines.join("\n")}`;
  }
}
