import { readFileSync } from "node:fs";
import ts from "typescript";

/**
 * The spec's field documentation lives as JSDoc comments in spec/schema.ts. This reads them with the
 * TypeScript parser and attaches them to the JSON Schema zod generated, walking the schema's source
 * expression and the JSON Schema side by side (object → properties, array → items, record →
 * additionalProperties, union → oneOf/anyOf in order).
 */

export interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  [key: string]: unknown;
}

/** Methods that refine or wrap a schema without changing its shape. */
const WRAPPERS = new Set(["default", "optional", "nullable", "refine", "superRefine", "min", "max", "regex", "int", "trim", "length", "nonempty"]);

export interface FieldComment {
  text: string;
  /** The @default tag's text, for defaults the schema cannot state (e.g. "the environment name"). */
  defaultText?: string;
}

/** A `/** ... *\/` comment as text and its @default tag. */
export function parseJsDoc(comment: string): FieldComment {
  const body = comment
    .replace(/^\/\*\*|\*\/$/g, "")
    .split("\n")
    .map((l) => l.replace(/^\s*\*\s?/, "").trim())
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
  const at = body.indexOf("@default");
  if (at < 0) return { text: body };
  return { text: body.slice(0, at).trim(), defaultText: body.slice(at + "@default".length).trim() };
}

function leadingJsDoc(source: string, node: ts.Node): FieldComment | undefined {
  const ranges = ts.getLeadingCommentRanges(source, node.getFullStart()) ?? [];
  const doc = ranges.map((r) => source.slice(r.pos, r.end)).filter((c) => c.startsWith("/**")).pop();
  return doc === undefined ? undefined : parseJsDoc(doc);
}

/** The description of a field: its comment, the format its type asks for, and a default the schema cannot state. */
function describe(node: JsonSchema, comment: FieldComment | undefined, format: string | undefined): void {
  const formatText = format ? `Format: ${format.replace(/\.$/, "")}.` : "";
  const defaultText = comment?.defaultText !== undefined && node.default === undefined ? `Default: ${comment.defaultText.replace(/\.$/, "")}.` : "";
  const text = [comment?.text ?? "", formatText, defaultText].filter((s) => s !== "").join(" ");
  if (text !== "") node.description = text;
}

/** The format hint of a scalar: the message of its `.regex(..., "message")`, else the JSDoc of the primitive it names. */
function formatOf(call: ts.CallExpression): string | undefined {
  const [, message] = call.arguments;
  return ts.isPropertyAccessExpression(call.expression) && call.expression.name.text === "regex" && message && ts.isStringLiteral(message) ? message.text : undefined;
}

/** Top-level consts of the schema files, with the JSDoc above each. */
function readConsts(files: string[]): Map<string, { initializer: ts.Expression; comment?: FieldComment }> {
  const consts = new Map<string, { initializer: ts.Expression; comment?: FieldComment }>();
  for (const path of files) {
    const source = readFileSync(path, "utf8");
    const file = ts.createSourceFile(path, source, ts.ScriptTarget.Latest, true);
    file.forEachChild((statement) => {
      if (!ts.isVariableStatement(statement)) return;
      for (const d of statement.declarationList.declarations) {
        if (ts.isIdentifier(d.name) && d.initializer) consts.set(d.name.text, { initializer: d.initializer, comment: leadingJsDoc(source, statement) });
      }
    });
  }
  return consts;
}

/** schemaFiles: the file declaring rootName first, then the files of the primitives it imports. */
export function attachSchemaComments(schemaFiles: string[], rootName: string, root: JsonSchema): void {
  const consts = readConsts(schemaFiles);

  /** Attaches the comments below `node`; returns the format hint of a scalar. */
  const walk = (expression: ts.Expression, node: JsonSchema | undefined): string | undefined => {
    if (!node) return undefined;
    let e = expression;
    let format: string | undefined;
    let primitiveComment: string | undefined;
    for (;;) {
      if (ts.isIdentifier(e) && consts.has(e.text)) {
        const c = consts.get(e.text)!;
        primitiveComment ??= c.comment?.text;
        e = c.initializer;
      } else if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && WRAPPERS.has(e.expression.name.text) && !isZ(e.expression.expression)) {
        format ??= formatOf(e);
        e = e.expression.expression;
      } else break;
    }
    format ??= primitiveComment;
    if (!ts.isCallExpression(e) || !ts.isPropertyAccessExpression(e.expression) || !isZ(e.expression.expression)) return format;
    const source = e.getSourceFile().text;
    const [first, second] = e.arguments;
    switch (e.expression.name.text) {
      case "object":
      case "strictObject":
        if (first && ts.isObjectLiteralExpression(first)) {
          for (const p of first.properties) {
            if (!ts.isPropertyAssignment(p)) continue;
            const key = ts.isStringLiteral(p.name) ? p.name.text : p.name.getText();
            const child = node.properties?.[key];
            if (!child) continue;
            describe(child, leadingJsDoc(source, p), walk(p.initializer, child));
          }
        }
        return undefined;
      case "array":
        describeElement(node.items, walk(first, node.items));
        return undefined;
      case "record": {
        const values = typeof node.additionalProperties === "object" ? node.additionalProperties : undefined;
        describeElement(values, walk(second, values));
        return undefined;
      }
      case "union":
      case "discriminatedUnion": {
        const options = e.expression.name.text === "union" ? first : second;
        const variants = node.oneOf ?? node.anyOf ?? [];
        if (options && ts.isArrayLiteralExpression(options)) options.elements.forEach((o, i) => describeElement(variants[i], walk(o, variants[i])));
        return undefined;
      }
      default:
        return format;
    }
  };
  const rootConst = consts.get(rootName);
  if (!rootConst) throw new Error(`${schemaFiles[0]}: no const ${rootName}`);
  walk(rootConst.initializer, root);
}

function describeElement(node: JsonSchema | undefined, format: string | undefined): void {
  if (node && format && node.description === undefined) describe(node, undefined, format);
}

const isZ = (e: ts.Expression) => ts.isIdentifier(e) && e.text === "z";
