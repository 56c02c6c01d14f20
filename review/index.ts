import { CheckContext } from "../checks/context";
import { day2Notes } from "../checks/day2";
import { vaultStateSplitNotes } from "../checks/day2/vault-state-split";
import { compareStrings } from "../lib/compare";
import type { Synthesis } from "../lib/synthesis";
import { awsFindings } from "./aws";
import { kubernetesChanges, kubernetesFindings } from "./kubernetes";
import { networkFindings } from "./network";
import { type PlanJson, terraformChanges } from "./terraform";
import type { Review, ReviewFinding } from "./types";
import { vaultFindings } from "./vault";

export interface ReviewOptions {
  /** Names of the two sides, for the heading (e.g. "main (3f2a1c0)", "working tree"). */
  base: string;
  head: string;
  /** `terraform show -json` of the AWS stack's plan: its actions (with replacements) replace the synthesized comparison. */
  awsPlan?: PlanJson;
  /** False when the base's model is only the head spec's stand-in (trees without their spec): no day-2 notes. */
  baseModel?: boolean;
}

const ORDER = { broadening: 0, attention: 1, narrowing: 2, info: 3 } as const;

/**
 * The review of a change: a pure function of the two syntheses (what runs, the change). What each
 * layer's resources do (added, changed, removed, replaced), and what the change means: who can
 * now read or reach what (broadening), what someone loses (narrowing), what needs a person.
 */
export async function reviewSyntheses(base: Synthesis, head: Synthesis, opts: ReviewOptions): Promise<Review> {
  const [b, h] = [await CheckContext.of(base), await CheckContext.of(head)];
  const changes = [...terraformChanges(base, head, opts.awsPlan), ...kubernetesChanges(base, head)];
  const findings: ReviewFinding[] = [...awsFindings(b, h, changes), ...vaultFindings(b, h), ...kubernetesFindings(base, head), ...networkFindings(b, h)];
  findings.sort((x, y) => ORDER[x.weight] - ORDER[y.weight] || compareStrings(x.layer, y.layer) || compareStrings(x.resource, y.resource) || compareStrings(x.message, y.message));
  const notes: string[] = [];
  if (opts.awsPlan) notes.push("AWS actions come from the Terraform plan given with --aws-plan (terraform show -json).");
  if (opts.baseModel === false) notes.push("The base trees came without their spec: day-2 notes are left out (give --base-spec).");
  // The state split is read from the rendered stacks, so it is noted even when the base came without its spec.
  const day2 = [...vaultStateSplitNotes(base.terraform.stacks, head.terraform.stacks), ...(opts.baseModel === false ? [] : day2Notes(base.model, head.model))];
  return { base: opts.base, head: opts.head, changes, findings, day2, notes };
}

export { reviewExitCode } from "./types";
