import diff from "microdiff";

// Terraform JSON and manifests are plain data.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = any;

/** A field path as a reviewer reads it: spec.template.spec.containers[0].image. */
export const fieldPath = (path: (string | number)[]) => path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");

/**
 * The paths where two values differ (microdiff: created, removed and changed leaves), without
 * cdktf's metadata ("//"); lists compare by index. Sorted, so the review is deterministic.
 */
export function changedFields(before: Obj, after: Obj): string[] {
  const strip = (o: Obj) => (o && typeof o === "object" && !Array.isArray(o) ? Object.fromEntries(Object.entries(o).filter(([k]) => k !== "//")) : o);
  return [...new Set(diff(strip(before) ?? {}, strip(after) ?? {}).map((d) => fieldPath(d.path)))].sort();
}

/** Deep equality regardless of key order (a tree read back from disk has its keys sorted), cdktf's metadata aside. */
export const same = (a: Obj, b: Obj) => (a && b && typeof a === "object" && typeof b === "object" ? changedFields(a, b).length === 0 : a === b);

/** The two values' difference, leaf by leaf, with values (for fields whose values are not secret). */
export const leafChanges = (before: Obj, after: Obj) => diff(before ?? {}, after ?? {});

export const asList = <T>(v: T | T[] | undefined | null): T[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

/** One value for a review line: short, single-line. */
export function show(v: unknown): string {
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return s === undefined ? "(unset)" : s.length > 120 ? `${s.slice(0, 117)}...` : s;
}
