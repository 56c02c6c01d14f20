import { compareStrings } from "../../lib/compare";
import type { PlatformModel } from "../../model";
import { environmentChanges } from "./environments";
import { identityChanges } from "./identity";
import type { Day2Check, Day2Note } from "./types";
import { vaultConfigChanges } from "./vault-config";
import { vaultServerChanges } from "./vault-server";

export type { Day2Note } from "./types";

const CHECKS: Day2Check[] = [identityChanges, vaultServerChanges, environmentChanges, vaultConfigChanges];

/**
 * Everything a person must know or do before a change from `base` (what runs) to `head` (the spec
 * under review) is applied: refusals, ordering and runbooks. A pure function of the two models, for
 * the PR review; it complements `terraform plan` (which sees only its own layer) and the GitOps diff.
 */
export function day2Notes(base: PlatformModel, head: PlatformModel): Day2Note[] {
  const order = { error: 0, warning: 1, info: 2 } as const;
  return CHECKS.flatMap((check) => check(base, head)).sort((a, b) => order[a.severity] - order[b.severity] || compareStrings(a.id, b.id));
}
