import { closest, distance } from "fastest-levenshtein";
import type { z } from "zod";

/**
 * The field names the schema accepts at a path, read from the zod schema itself, so a
 * suggestion can only ever name a real field.
 */
type Def = { type: string; shape?: Record<string, z.ZodType>; element?: z.ZodType; innerType?: z.ZodType; valueType?: z.ZodType; options?: z.ZodType[]; in?: z.ZodType; values?: unknown[] };
const def = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (let d = def(s); ["default", "optional", "nullable", "prefault", "readonly", "catch", "pipe"].includes(d.type); d = def(s)) s = (d.innerType ?? d.in)!;
  return s;
}

/** Object schemas that can stand at this point; a union keeps only the options the value's literal fields agree with. */
function objectsAt(schema: z.ZodType, value: unknown): Record<string, z.ZodType>[] {
  const s = unwrap(schema);
  const d = def(s);
  if (d.type === "object") return [d.shape!];
  if (d.type === "union") {
    const options = d.options!.flatMap((o) => objectsAt(o, value));
    const agreeing = options.filter((shape) =>
      Object.entries(shape).every(([k, field]) => {
        const fd = def(unwrap(field));
        const v = (value as Record<string, unknown> | undefined)?.[k];
        return fd.type !== "literal" || v === undefined || fd.values!.includes(v);
      }),
    );
    return agreeing.length > 0 ? agreeing : options;
  }
  return [];
}

export function knownFieldsAt(root: z.ZodType, path: readonly PropertyKey[], value: unknown): string[] {
  let schemas = [root];
  for (const part of path) {
    schemas = schemas.flatMap((schema) => {
      const s = unwrap(schema);
      const d = def(s);
      if (d.type === "array") return [d.element!];
      if (d.type === "record") return [d.valueType!];
      return objectsAt(s, undefined).flatMap((shape) => (typeof part === "string" && shape[part] ? [shape[part]] : []));
    });
  }
  return [...new Set(schemas.flatMap((s) => objectsAt(s, value).flatMap((shape) => Object.keys(shape))))].sort();
}

/** The known field a misspelt one most likely meant: a small edit away, or the same ignoring case. */
export function suggestField(unknown: string, known: string[]): string | undefined {
  if (known.length === 0) return undefined;
  const sameCase = known.find((k) => k.toLowerCase() === unknown.toLowerCase());
  if (sameCase) return sameCase;
  const best = closest(unknown, known);
  return distance(unknown, best) <= Math.max(1, Math.floor(unknown.length / 3)) ? best : undefined;
}
