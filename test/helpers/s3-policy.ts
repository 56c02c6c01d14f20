import type { RequestContext } from "../../checks/s3-policy";

export { putObjectDeniedBy, type RequestContext } from "../../checks/s3-policy";

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
