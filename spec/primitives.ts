import { z } from "zod";
import { cronScheduleProblems } from "./cron";

/** Reusable field types of the platform spec, each with the message a user sees when it is wrong. */

export const dnsLabel = z
  .string()
  .max(63, "at most 63 characters")
  .regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, "a lowercase DNS label: a-z, 0-9 and '-', starting with a letter");

export const k8sName = z
  .string()
  .max(253, "at most 253 characters")
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "a Kubernetes object name: lowercase a-z, 0-9, '-' and '.'");

export const awsAccountId = z.string().regex(/^\d{12}$/, "an AWS account id: exactly 12 digits, as a string");

export const awsRegion = z
  .string()
  .regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/, "an AWS region such as eu-west-1");

export const iamArn = z
  .string()
  .regex(/^arn:aws(-cn|-us-gov)?:iam::\d{12}:(root|role\/[\w+=,.@/-]+|user\/[\w+=,.@/-]+)$/, "an IAM role, user or account-root ARN");

export const cidr = z
  .string()
  .regex(
    /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\/(3[0-2]|[12]?\d)$/,
    "an IPv4 CIDR such as 10.0.0.0/16",
  );

export const httpsUrl = z
  .string()
  .regex(/^https:\/\/[^\s/?#]+(\/[^\s?#]*[^\s?#/])?$/, "an https:// URL without query, fragment or trailing '/'");

/** Go-style duration made of h/m/s parts, e.g. "1h", "90m", "1h30m", "768h". */
export const duration = z
  .string()
  .regex(/^(\d+h)?(\d+m)?(\d+s)?$/, "a duration such as 1h, 30m, 1h30m or 768h")
  // A malformed value is already reported by the regex; this adds only "not zero".
  .refine((d) => !/^(\d+h)?(\d+m)?(\d+s)?$/.test(d) || (d !== "" && durationSeconds(d) > 0), "a duration greater than zero");

export function durationSeconds(d: string): number {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(d);
  if (!m) throw new Error(`not a duration: ${d}`);
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

/** A schedule the Kubernetes API server accepts for a new CronJob (spec/cron.ts). */
export const cronSchedule = z.string().superRefine((schedule, ctx) => {
  const problems = cronScheduleProblems(schedule);
  if (problems.length) ctx.addIssue({ code: "custom", message: `a Kubernetes CronJob cron schedule such as "0 */6 * * *" or "@daily": ${problems.join("; ")}` });
});

export const quantity = z
  .string()
  .regex(/^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/, "a Kubernetes quantity such as 500m, 1Gi or 10Gi");

/** A PEM certificate: public material only (never a private key). */
export const pemCertificate = z
  .string()
  .regex(/^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n?$/, "a PEM certificate (-----BEGIN CERTIFICATE----- ...)");

export const hostname = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "a DNS hostname such as users.db.internal");
