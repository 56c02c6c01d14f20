import type { Obj } from "../lib/synthesis";

/**
 * Reads HCL in the plain line layout the model renders vault.hcl in, into the JSON shape HashiCorp's
 * parser (hcl2json) returns, without starting that parser's WebAssembly runtime (about 0.6 s of CPU per
 * process, most of a small synth). Every meaningful line must be one of:
 *   `name = value`, `"name" = value` (value: a string without escapes or templates, true, false, an
 *   integer, or a one-line list of such strings), `type "label" {`, `type {`, the same ending in `{}`,
 *   `name = {` (an object value), `}`; comment lines (`#`) and blank lines are skipped.
 * Anything else (a hand-edited file, heredocs, expressions) returns undefined, and the caller parses
 * the text with hcl2json. test/plain-hcl.test.ts proves both give the same result on every rendered file.
 */
export function plainHcl(text: string): Obj | undefined {
  const root: Obj = {};
  // Each open scope: the object lines write into, and whether it is an object value (`name = {`).
  const stack: { into: Obj; object: boolean }[] = [{ into: root, object: false }];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const top = stack[stack.length - 1];
    if (line === "}") {
      if (stack.length === 1) return undefined;
      stack.pop();
      continue;
    }
    const attr = /^("[A-Za-z0-9_.-]+"|[A-Za-z_][A-Za-z0-9_-]*)\s*=\s*(.+)$/.exec(line);
    if (attr) {
      const name = attr[1].startsWith('"') ? attr[1].slice(1, -1) : attr[1];
      if (Object.hasOwn(top.into, name)) return undefined;
      if (attr[2] === "{") {
        const value: Obj = {};
        top.into[name] = value;
        stack.push({ into: value, object: true });
        continue;
      }
      const value = plainValue(attr[2]);
      if (value === undefined) return undefined;
      top.into[name] = value;
      continue;
    }
    if (top.object) return undefined;
    const block = /^([A-Za-z_][A-Za-z0-9_-]*)(?: "([A-Za-z0-9_.-]+)")? \{(\})?$/.exec(line);
    if (!block) return undefined;
    const [, type, label, closed] = block;
    const body: Obj = {};
    if (label === undefined) {
      const list = (top.into[type] ??= []);
      if (!Array.isArray(list)) return undefined;
      list.push(body);
    } else {
      const byLabel = (top.into[type] ??= {});
      if (Array.isArray(byLabel) || typeof byLabel !== "object") return undefined;
      (byLabel[label] ??= []).push(body);
    }
    if (!closed) stack.push({ into: body, object: false });
  }
  return stack.length === 1 ? root : undefined;
}

const STRING = /^"([^"\\$%]*)"$/;

function plainValue(text: string): unknown {
  if (text === "true" || text === "false") return text === "true";
  if (/^-?(0|[1-9][0-9]{0,14})$/.test(text)) return Number(text);
  const s = STRING.exec(text);
  if (s) return s[1];
  const list = /^\[(.*)\]$/.exec(text);
  if (!list) return undefined;
  if (list[1].trim() === "") return [];
  const items = list[1].split(",").map((i) => STRING.exec(i.trim()));
  return items.every((m) => m) ? items.map((m) => m![1]) : undefined;
}
