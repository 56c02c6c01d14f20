import { summarize } from "./summary";
import { broadenings, type Review } from "./types";

/** review.json: everything the Markdown shows, unabridged, for tools and for reviews too long for a comment. */
export function reviewJson(r: Review, opts: { approved: boolean; exitCode: number }): string {
  return `${JSON.stringify({ version: 1, base: r.base, head: r.head, exitCode: opts.exitCode, approved: opts.approved, broadenings: broadenings(r).length, summary: summarize(r), findings: r.findings, day2: r.day2, changes: r.changes, notes: r.notes }, null, 2)}\n`;
}
