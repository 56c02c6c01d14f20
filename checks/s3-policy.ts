/**
 * Evaluates the Deny statements of an S3 bucket policy for one PutObject request, with the IAM
 * condition operators the snapshot bucket uses (IAM JSON policy reference, condition operators: a
 * missing key makes a positive operator false and a negated one true; ...IfExists is true when the
 * key is missing; every operator of a statement must hold, any value of a list matches). Request
 * context keys are the request's own headers, as `aws s3 cp` sends them.
 */
interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export type RequestContext = Record<string, string>;

function operatorHolds(operator: string, conditions: Record<string, string | string[]>, context: RequestContext): boolean {
  return Object.entries(conditions).every(([key, expected]) => {
    const values = [expected].flat();
    const actual = context[key];
    switch (operator) {
      case "StringEquals":
        return actual !== undefined && values.includes(actual);
      case "StringNotEquals":
      case "StringNotEqualsIfExists":
        return actual === undefined || !values.includes(actual);
      case "Null":
        return values.every((v) => (v === "true") === (actual === undefined));
      case "Bool":
        return actual !== undefined && values.includes(actual);
      case "NumericLessThan":
        return actual !== undefined && values.some((v) => Number(actual) < Number(v));
      default:
        throw new Error(`condition operator ${operator} is not modelled: add it`);
    }
  });
}

/** Sids of the Deny statements that refuse s3:PutObject of `objectArn` in this context. */
export function putObjectDeniedBy(statements: Statement[], objectArn: string, context: RequestContext): string[] {
  const matchesResource = (pattern: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`).test(objectArn);
  return statements
    .filter((s) => s.Effect === "Deny" && [s.Action].flat().some((a) => a === "s3:PutObject" || a === "s3:*") && [s.Resource ?? []].flat().some(matchesResource))
    .filter((s) => Object.entries(s.Condition ?? {}).every(([op, c]) => operatorHolds(op, c, context)))
    .map((s) => s.Sid ?? "(no sid)");
}
