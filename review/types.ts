import type { Day2Note } from "../checks/day2";

export type Layer = "aws" | "vault" | "kubernetes";

/**
 * How a finding weighs: `broadening` widens who can do or reach what (gates the pull request: exit 3
 * unless approved); `narrowing` takes access away (named, never gating); `attention` needs a person
 * (a replacement, an ordered roll, a certificate reissue); `info` is worth knowing.
 */
export type Weight = "broadening" | "narrowing" | "attention" | "info";

export interface ReviewFinding {
  layer: Layer;
  /** What kind of change, e.g. "iam", "vault-access", "network", "statefulset-roll". */
  kind: string;
  weight: Weight;
  /** The rendered resource: `<stack>/<type>.<name>`, a Vault policy or role, or `<cluster>/<kind>/<namespace>/<name>`. */
  resource: string;
  message: string;
}

export type Action = "add" | "change" | "remove" | "replace";

/** A resource or object that changes, with the field paths that change (never their values). */
export interface ResourceChange {
  layer: Layer;
  action: Action;
  resource: string;
  fields: string[];
}

export interface Review {
  /** Where base and head came from, for the heading. */
  base: string;
  head: string;
  changes: ResourceChange[];
  findings: ReviewFinding[];
  /** checks/day2 notes (refusals, ordering, runbooks); absent when the base model is unknown. */
  day2: Day2Note[];
  /** Remarks about the review itself (e.g. AWS actions taken from a real plan). */
  notes: string[];
}

export const broadenings = (r: Review) => r.findings.filter((f) => f.weight === "broadening");

/** The exit code of a review: 3 when something broadens and nobody approved it, else 0. */
export const reviewExitCode = (r: Review, approved: boolean) => (broadenings(r).length > 0 && !approved ? 3 : 0);
