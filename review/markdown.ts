import { isEmpty, LAYERS, summarize } from "./summary";
import { broadenings, type Review, type ReviewFinding, type Weight } from "./types";

/** GitHub refuses a comment longer than this (characters). */
export const COMMENT_LIMIT = 65_536;
/** The label whose presence approves a broadening in the workflow. */
export const APPROVAL_LABEL = "approve-broadening";

const esc = (s: string) => s.replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\|/g, "\\|");
const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
const SIGN = { add: "added", change: "changed", remove: "removed", replace: "REPLACED" } as const;

function list<T>(items: T[], line: (t: T) => string, cap: number): string[] {
  const shown = items.slice(0, cap).map(line);
  if (items.length > cap) shown.push(`- ... and ${items.length - cap} more in review.json`);
  return shown;
}

function section(title: string, lines: string[], open = false): string[] {
  return lines.length === 0 ? [] : [`<details${open ? " open" : ""}><summary>${title}</summary>`, "", ...lines, "", "</details>", ""];
}

const findingLine = (f: ReviewFinding) => `- **${f.layer}** ${code(f.resource)}: ${esc(f.message)}`;

function render(r: Review, cap: number, approved: boolean): string {
  const out = [`## vault-eks-platform review: ${esc(r.base)} → ${esc(r.head)}`, ""];
  if (isEmpty(r)) return [...out, "No change: both sides synthesize to the same output.", ""].join("\n");
  const n = broadenings(r).length;
  out.push(
    n === 0
      ? "No security broadening."
      : `**${n} security broadening${n === 1 ? "" : "s"}**${approved ? " (approved with --approve-broadening)" : ` need approval: a maintainer adds the label ${code(APPROVAL_LABEL)} (the review then runs with --approve-broadening)`}.`,
    "",
    "| layer | added | changed | removed | replaced | broadening |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
    ...summarize(r).map((s) => `| ${LAYERS.find((l) => l.layer === s.layer)!.title} | ${s.added} | ${s.changed} | ${s.removed} | ${s.replaced} | ${s.broadening} |`),
    "",
  );
  const byWeight = (w: Weight) => r.findings.filter((f) => f.weight === w);
  out.push(...section(`Broadening (${n})`, list(byWeight("broadening"), findingLine, cap), true));
  out.push(...section(`Needs attention (${byWeight("attention").length})`, list(byWeight("attention"), findingLine, cap), true));
  out.push(...section(`Day-2 notes (${r.day2.length})`, list(r.day2, (d) => `- **${d.severity}** ${d.id}: ${esc(d.message)}${d.runbook ? ` (runbook: ${d.runbook})` : ""}`, cap), r.day2.some((d) => d.severity !== "info")));
  out.push(...section(`Narrowing (${byWeight("narrowing").length})`, list(byWeight("narrowing"), findingLine, cap)));
  out.push(...section(`Other changes worth knowing (${byWeight("info").length})`, list(byWeight("info"), findingLine, cap)));
  for (const { layer, title } of LAYERS) {
    const changes = r.changes.filter((c) => c.layer === layer);
    out.push(...section(`${title}: ${changes.length} resource${changes.length === 1 ? "" : "s"} changing`, list(changes, (c) => `- ${SIGN[c.action]} ${code(c.resource)}${c.fields.length ? ` (${c.fields.slice(0, 8).map(code).join(", ")}${c.fields.length > 8 ? `, +${c.fields.length - 8}` : ""})` : ""}`, cap)));
  }
  for (const note of r.notes) out.push(`_${esc(note)}_`, "");
  out.push("Secret values never appear here: paths and key names only. Full detail: review.json.", "");
  return out.join("\n");
}

/**
 * review.md: the summary table, then collapsible sections. Kept under GitHub's comment limit: when
 * the whole review is longer, every section lists fewer items and points to review.json.
 */
export function reviewMarkdown(r: Review, opts: { approved?: boolean; limit?: number } = {}): string {
  const limit = opts.limit ?? COMMENT_LIMIT;
  for (const cap of [Number.POSITIVE_INFINITY, 200, 100, 50, 20, 10, 5, 0]) {
    const text = render(r, cap, opts.approved === true);
    if (text.length <= (cap === Number.POSITIVE_INFINITY ? limit : limit - 300)) return cap === Number.POSITIVE_INFINITY ? text : `${text}\n_The review is summarised to stay under ${limit} characters: each section shows its first ${cap} items; review.json has all of them._\n`;
  }
  return `${render(r, 0, opts.approved === true).slice(0, limit - 200)}\n\n_Truncated: see review.json._\n`;
}
