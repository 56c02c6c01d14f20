import type { Obj, Synthesis } from "../lib/synthesis";
import type { CheckContext } from "./context";

/** info: a weaker choice the spec makes on purpose, stated with its reason; it never fails check or synth. */
export type Severity = "error" | "warning" | "info";

/** One problem found in the synthesized output. */
export interface Finding {
  check: string;
  severity: Severity;
  /** The rendered resource, as the report names it: `<cluster>/<component>/<file>` or `<stack>/<type>.<name>`. */
  resource: string;
  message: string;
}

/** A fixture: an edit of a good synthesis, and what the check must then report (nothing, for a passing one). */
export interface Fixture {
  /** What the edit does, for the README and the test name. */
  does: string;
  /** The spec whose synthesis is edited: the reference spec (default) or an example file. */
  spec?: "reference" | "examples/vcluster-oidc.yaml" | "examples/minimal.json" | "examples/platform-writers.yaml";
  edit(s: Synthesis): void;
  /** For a failing fixture: the finding's resource and a fragment of its message, written out. */
  expect?: { resource: string; message: string };
}

/**
 * A check (cross-layer proof, VEP-X..) or guardrail rule (VEP-G..): one per file, in the style
 * of cdk-nag. It reads the rendered output, never the spec (the spec's settings reach it through
 * the model: suppressions, the refresh floor, the address book).
 */
export interface Check {
  id: string;
  severity: Severity;
  /** One line: what it proves or refuses. */
  title: string;
  /** One line: why it matters. */
  rationale: string;
  /** How to fix a finding. */
  fix: string;
  /** The rendered resources it reads, e.g. "NetworkPolicy", "aws_iam_role". */
  appliesTo: string[];
  run(ctx: CheckContext): { resource: string; message: string }[];
  fixtures: { pass: Fixture; fail: Fixture };
}

export type { Obj };
