/**
 * JSON with sorted keys and two-space indentation, byte for byte what json-stable-stringify writes
 * with `{ space: 2 }` (the layout cdktf gives cdk.tf.json and manifest.json), for the plain data a
 * synthesis holds: no cycles, no replacer. About ten times faster than that library, whose cycle
 * check and generic replacer cost over a second at 1000 services (test/sorted-json.test.ts proves
 * the two agree on every file of the reference and the examples, and on the edge cases).
 * Empty arrays and objects keep the library's layout: the brackets on separate lines.
 */
export function sortedJson(value: unknown): string | undefined {
  return write(value, "\n");
}

function write(value: unknown, indent: string): string | undefined {
  if (value !== null && typeof value === "object" && typeof (value as { toJSON?: unknown }).toJSON === "function") value = (value as { toJSON: () => unknown }).toJSON();
  if (value === undefined || typeof value === "function" || typeof value === "symbol") return undefined;
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) out += `${i === 0 ? "" : ","}${inner}${write(value[i], inner) ?? "null"}`;
    return `${out}${indent}]`;
  }
  let out = "{";
  let first = true;
  for (const key of Object.keys(value).sort()) {
    const v = write((value as Record<string, unknown>)[key], inner);
    if (v === undefined) continue;
    out += `${first ? "" : ","}${inner}${JSON.stringify(key)}: ${v}`;
    first = false;
  }
  return `${out}${indent}}`;
}
