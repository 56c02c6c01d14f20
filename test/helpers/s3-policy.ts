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

/** The headers `aws s3 cp` sends for its encryption flags (AWS CLI s3 reference: --sse, --sse-kms-key-id, --sse-c). */
export function s3CpRequestContext(argv: string[]): RequestContext {
  const context: RequestContext = { "aws:SecureTransport": "true", "s3:TlsVersion": "1.3" };
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    const next = i >= 0 ? argv[i + 1] : undefined;
    return next?.startsWith("--") ? undefined : next;
  };
  // --sse without a value means AES256.
  const sse = value("--sse") ?? (argv.includes("--sse") ? "AES256" : undefined);
  if (sse) context["s3:x-amz-server-side-encryption"] = sse;
  const key = value("--sse-kms-key-id");
  if (key) context["s3:x-amz-server-side-encryption-aws-kms-key-id"] = key;
  if (argv.includes("--sse-c")) context["s3:x-amz-server-side-encryption-customer-algorithm"] = "AES256";
  return context;
}
