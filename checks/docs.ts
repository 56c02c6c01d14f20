import { CHECKS } from "./catalogue";

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** The README's table of every check and rule, generated from the check files (a test keeps the README in step). */
export function checksTable(): string {
  const rows = CHECKS.map((c) => `| ${c.id} | ${c.severity} | ${cell(c.title)}. ${cell(c.rationale)} | ${cell(c.appliesTo.join(", "))} | fails: ${cell(c.fixtures.fail.does)}; passes: ${cell(c.fixtures.pass.does)} |`);
  return ["| id | severity | what it proves or refuses, and why | reads | fixtures (edits of a good synthesis) |", "| --- | --- | --- | --- | --- |", ...rows].join("\n");
}
