import { stringify } from "yaml";

/**
 * YAML of a manifest, byte-identical to `yaml`'s `stringify(value, { lineWidth: 0 })`, about ten
 * times faster for the common case: plain JSON-shaped objects whose strings need no quoting or are
 * plain literal blocks. Any value outside that case (a quote or a backslash, non-ASCII text, a
 * block with trailing spaces or line breaks, a non-integer number, an object seen twice, which
 * `yaml` would alias) sends the whole document to `yaml` itself, so the
 * output never depends on this file's reading of YAML's quoting rules beyond the strings it
 * accepts as plain (test/yaml-fast.test.ts compares both over every rendered manifest).
 */
export function manifestYaml(value: object): string {
  return fastYaml(value) ?? stringify(value, { lineWidth: 0 });
}

/**
 * A one-line string `yaml` writes plain (its stringifyString's plainString): printable ASCII, no
 * leading indicator, no ": " or " #", no trailing space or colon.
 */
const PLAIN = /^(?![ ,[\]{}#&*!|>'"%@`]|[?-](?: |$))(?!.*(?:: | #|[ :]$))[\x20-\x7e]+$/;
/** Strings `yaml`'s core schema would read back as null, a boolean or a number (its tags' tests): they need quotes. */
const CORE_SCALAR = /^(?:~|[Nn]ull|NULL|[Tt]rue|TRUE|[Ff]alse|FALSE|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?[0-9]+|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)$/;

/** One line of printable ASCII without '"' or '\\': double-quoted as is. */
const QUOTABLE = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

const DOCUMENT_MARKER = /^(?:---|\.\.\.)/;

/**
 * Lines `yaml` writes as a literal block ("|" or "|-", its blockString with no line width): printable
 * ASCII lines, the first not indented, none ending in a space, and at most one final line break
 * (more would need "|+"). Certificates, vault.hcl, scripts and rule descriptions are such text.
 */
const BLOCK = /^(?! )[\x20-\x7e]+(?:\n(?:[\x20-\x7e]*[\x21-\x7e])?)*\n?$/;
const plain = (s: string) => PLAIN.test(s) && !CORE_SCALAR.test(s);

class NotPlain extends Error {}

/** A multi-line string as `yaml`'s literal block, its lines at `indent`; undefined outside BLOCK. */
function literalBlock(v: string, indent: string): string | undefined {
  if (!v.includes("\n") || !BLOCK.test(v) || v.includes(" \n") || v.endsWith("\n\n")) return undefined;
  const clip = v.endsWith("\n");
  return `|${clip ? "" : "-"}\n${indent}${(clip ? v.slice(0, -1) : v).replace(/\n+/g, `$&${indent}`)}`;
}

/** The fast path: undefined when the value holds anything it does not render exactly like `yaml`. */
export function fastYaml(value: object): string | undefined {
  if (Array.isArray(value) || value === null) return undefined;
  const seen = new Set<object>();
  const out: string[] = [];
  const scalar = (v: unknown, key = false): string => {
    // Keys of 1024 characters or more are explicit keys ("? ") in YAML: left to `yaml` (a value has no such limit).
    // A leading document marker ("---", "...") is written differently by depth: left to `yaml` too.
    if (typeof v === "string" && !(key && v.length >= 1024) && !DOCUMENT_MARKER.test(v)) {
      if (plain(v)) return v;
      // Otherwise `yaml` double-quotes a string without '"' (its quotedString); JSON's quoting is the same without escapes.
      if (QUOTABLE.test(v)) return `"${v}"`;
    } else if (typeof v === "number") {
      if (Number.isSafeInteger(v) && !Object.is(v, -0)) return String(v);
    } else if (typeof v === "boolean") return String(v);
    else if (v === null) return "null";
    throw new NotPlain();
  };
  // A value (never a key) in a collection at `indent`: a multi-line string is a block one level deeper.
  const item = (v: unknown, indent: string): string => (typeof v === "string" && literalBlock(v, `${indent}  `)) || scalar(v);
  const enter = (o: object) => {
    if (seen.has(o)) throw new NotPlain();
    seen.add(o);
  };
  // `first` is what precedes the first line of a collection (a sequence item's "- "); later lines get `indent`.
  const mapping = (o: Record<string, unknown>, indent: string, first: string): void => {
    enter(o);
    let lead = first;
    for (const key of Object.keys(o)) {
      const v = o[key];
      const k = scalar(key, true);
      if (typeof v === "object" && v !== null) {
        const empty = Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0;
        if (empty) {
          enter(v);
          out.push(`${lead}${k}: ${Array.isArray(v) ? "[]" : "{}"}\n`);
        } else {
          out.push(`${lead}${k}:\n`);
          if (Array.isArray(v)) sequence(v, `${indent}  `, `${indent}  `);
          else mapping(v as Record<string, unknown>, `${indent}  `, `${indent}  `);
        }
      } else out.push(`${lead}${k}: ${item(v, indent)}\n`);
      lead = indent;
    }
  };
  const sequence = (a: unknown[], indent: string, first: string): void => {
    enter(a);
    let lead = first;
    for (const v of a) {
      if (typeof v === "object" && v !== null) {
        const empty = Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0;
        if (empty) {
          enter(v);
          out.push(`${lead}- ${Array.isArray(v) ? "[]" : "{}"}\n`);
        } else if (Array.isArray(v)) sequence(v, `${indent}  `, `${lead}- `);
        else mapping(v as Record<string, unknown>, `${indent}  `, `${lead}- `);
      } else out.push(`${lead}- ${item(v, indent)}\n`);
      lead = indent;
    }
  };
  try {
    if (Object.keys(value).length === 0) return undefined;
    mapping(value as Record<string, unknown>, "", "");
  } catch (e) {
    if (e instanceof NotPlain) return undefined;
    throw e;
  }
  return out.join("");
}
