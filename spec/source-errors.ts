import { readFileSync } from "node:fs";
import { type ParseError, parse as parseJsonc, printParseErrorCode } from "jsonc-parser";
import { LineCounter, Parser, parseDocument } from "yaml";

/**
 * Syntax errors of spec files, each pointing at the line and column in the user's file with
 * that line shown: JSON (JSON.parse reports no position on Node 20), YAML and TypeScript.
 */
export interface SourceProblem {
  path: string;
  message: string;
}

/** Thrown by the text parsers with every syntax problem found. */
export class SourceErrorList extends Error {
  constructor(readonly problems: SourceProblem[]) {
    super(problems.map((p) => p.message).join("; "));
  }
}

/** The offending line and a caret under the column (1-based). */
export function codeFrame(lineText: string, line: number, column: number): string {
  const gutter = `${line} | `;
  return `\n${gutter}${lineText}\n${" ".repeat(gutter.length - 2)}| ${" ".repeat(Math.max(0, column - 1))}^`;
}

function at(text: string, offset: number): { line: number; column: number; lineText: string } {
  const before = text.slice(0, offset).split("\n");
  const line = before.length;
  return { line, column: before[line - 1].length + 1, lineText: text.split("\n")[line - 1] ?? "" };
}

function problemAt(text: string, offset: number, message: string): SourceProblem {
  const { line, column, lineText } = at(text, offset);
  return { path: `(file line ${line}, column ${column})`, message: `${message}${codeFrame(lineText, line, column)}` };
}

/** Strict JSON; JSON.parse decides, jsonc-parser (comments and trailing commas off) locates the error. */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const errors: ParseError[] = [];
    parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    const first = errors[0];
    if (!first) throw new SourceErrorList([{ path: "(file)", message: `not valid JSON: ${(e as Error).message}` }]);
    const words = printParseErrorCode(first.error).replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
    throw new SourceErrorList([problemAt(text, first.offset, `not valid JSON: ${words}`)]);
  }
}

/** YAML with unique keys. An unclosed [ or { is reported where it opens, not where the parser gave up. */
export function parseYamlText(text: string): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, lineCounter });
  if (doc.errors.length === 0) return doc.toJS();
  const unclosed = unclosedFlowCollections(text);
  const problems: SourceProblem[] = unclosed.map((c) => problemAt(text, c.offset, `"${c.open}" is never closed: end the ${c.open === "[" ? "list" : "map"} with "${c.close}" on this line or the lines after it`));
  for (const e of doc.errors) {
    if (unclosed.length > 0 && /flow (sequence|map|collection)/i.test(e.message)) continue;
    problems.push(problemAt(text, e.pos[0], e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")));
  }
  throw new SourceErrorList(problems);
}

interface FlowStart {
  offset: number;
  open: string;
  close: string;
}

function unclosedFlowCollections(text: string): FlowStart[] {
  const found: FlowStart[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== "object") return;
    const token = node as { type?: string; start?: { offset: number; source: string }; end?: { type: string }[] };
    if (token.type === "flow-collection" && token.start && !token.end?.some((t) => t.type === "flow-map-end" || t.type === "flow-seq-end")) {
      found.push({ offset: token.start.offset, open: token.start.source, close: token.start.source === "[" ? "]" : "}" });
    }
    Object.values(node).forEach(walk);
  };
  for (const token of new Parser().parse(text)) walk(token);
  return found;
}

/**
 * A TypeScript/JavaScript spec that does not compile: esbuild's errors (tsx transforms with it)
 * as `<file>:<line>:<column>: ERROR: <text>` lines, shown with the offending line.
 */
export function tsTransformProblems(e: unknown, abs: string): SourceProblem[] {
  const message = e instanceof Error ? e.message : String(e);
  const problems: SourceProblem[] = [];
  for (const m of message.matchAll(/^(.+?):(\d+):(\d+): (?:ERROR: )?(.+)$/gm)) {
    const [, file, line, column, text] = m;
    const lineText = file === abs ? (safeRead(abs).split("\n")[Number(line) - 1] ?? "") : "";
    // An error in a module the spec imports names that module.
    const where = file === abs ? "" : `${file}: `;
    problems.push({ path: `(file line ${line}, column ${Number(column) + 1})`, message: `${where}${text}${lineText ? codeFrame(lineText, Number(line), Number(column) + 1) : ""}` });
  }
  if (problems.length > 0) return problems;
  return [{ path: "(file)", message: `could not load module: ${message.split("\n").filter((l) => l.trim() !== "").slice(0, 3).join(" ")}` }];
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}
