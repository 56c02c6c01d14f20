import { fastYaml } from "./yaml-fast";

/** Thrown where the text leaves the subset; readOwnYaml turns it into undefined. */
class Unreadable extends Error {}
const fail = (): never => {
  throw new Unreadable();
};

const scalar = (s: string): unknown => {
  if (s.startsWith('"')) return s.length >= 2 && s.endsWith('"') && !s.slice(1, -1).includes('"') ? s.slice(1, -1) : fail();
  if (s === "null") return null;
  if (s === "true" || s === "false") return s === "true";
  if (/^-?(?:0|[1-9][0-9]*)$/.test(s)) return Number(s);
  return s;
};

/** Splits "key: value" or "key:" at the key's end; undefined when the text is no mapping entry. */
const entry = (s: string): { key: string; rest: string } | undefined => {
  let end: number;
  if (s.startsWith('"')) {
    end = s.indexOf('"', 1) + 1;
    if (end === 0 || s[end] !== ":") return undefined;
  } else {
    const sep = s.indexOf(": ");
    end = sep >= 0 ? sep : s.endsWith(":") ? s.length - 1 : -1;
    if (end < 0) return undefined;
  }
  const key = scalar(s.slice(0, end));
  if (typeof key !== "string" || key === "__proto__") fail();
  return { key: key as string, rest: s.slice(end + 1) };
};

/**
 * Reads back a manifest this tool wrote: the block YAML `fastYaml` emits (two-space indent, plain or
 * double-quoted one-line scalars, `[]`/`{}` for empty collections), parsed directly instead of by
 * `yaml`, which costs about 2 s for the 13,500 files of a 1000-service platform. The result is
 * accepted only when `fastYaml` writes it back as the file's exact text: `yaml` parses
 * `stringify(v)` back to `v`, and `fastYaml` is byte-identical to `stringify`, so an accepted result
 * is what `yaml` would have read. Anything else (a hand-edited file, comments, several documents,
 * anything this reader gets wrong) gives undefined, and the caller parses with `yaml`.
 */
export function readOwnYaml(text: string): Record<string, unknown> | undefined {
  if (!text.endsWith("\n")) return undefined;
  const lines = text.split("\n");
  lines.pop();
  let line = 0;

  /** The text of the current line from column `col`, when the line is indented exactly `col`. */
  const at = (col: number): string | undefined => {
    const l = lines[line];
    if (l === undefined || l.length <= col || l[col] === " ") return undefined;
    for (let i = 0; i < col; i++) if (l[i] !== " ") return undefined;
    return l.slice(col);
  };

  // A collection's first line may start mid-line (after "- "): `first` is its text there.
  const collection = (col: number, first: string): unknown => (first.startsWith("- ") ? sequence(col, first) : mapping(col, first));

  const value = (rest: string, col: number): unknown => {
    if (rest === "") {
      line++;
      const next = at(col + 2) ?? fail();
      return collection(col + 2, next);
    }
    if (!rest.startsWith(" ")) fail();
    const v = rest.slice(1);
    line++;
    return v === "[]" ? [] : v === "{}" ? {} : scalar(v);
  };

  function mapping(col: number, first: string): Record<string, unknown> {
    const o: Record<string, unknown> = {};
    let text: string | undefined = first;
    while (text !== undefined) {
      const e = entry(text) ?? fail();
      if (e.key in o) fail();
      o[e.key] = value(e.rest, col);
      text = at(col);
      if (text?.startsWith("- ")) break;
    }
    return o;
  }

  function sequence(col: number, first: string): unknown[] {
    const a: unknown[] = [];
    let text: string | undefined = first;
    while (text?.startsWith("- ")) {
      const item = text.slice(2);
      if (item === "[]" || item === "{}") {
        a.push(item === "[]" ? [] : {});
        line++;
      } else if (item.startsWith("- ") || entry(item)) a.push(collection(col + 2, item));
      else {
        a.push(scalar(item));
        line++;
      }
      text = at(col);
    }
    return a;
  }

  try {
    const first = at(0) ?? fail();
    const doc = mapping(0, first);
    if (line !== lines.length) return undefined;
    return fastYaml(doc) === text ? doc : undefined;
  } catch (e) {
    if (e instanceof Unreadable) return undefined;
    throw e;
  }
}
