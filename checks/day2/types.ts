import type { PlatformModel } from "../../model";

/**
 * A note about a change between two versions of a platform (base: what runs, head: the change under
 * review). `error`: refused, the change would destroy something or silently do nothing; `warning`: safe
 * only with the human steps of the runbook, in that order; `info`: safe, worth knowing.
 */
export interface Day2Note {
  id: string;
  severity: "error" | "warning" | "info";
  message: string;
  /** Path of the runbook, relative to the repository root (docs/runbooks/<name>.md). */
  runbook?: string;
}

/** One day-2 check: a pure function of the two models. */
export type Day2Check = (base: PlatformModel, head: PlatformModel) => Day2Note[];

export const runbook = (name: string) => `docs/runbooks/${name}.md`;
