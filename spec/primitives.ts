import { X509Certificate } from "node:crypto";
import { z } from "zod";
import { cronScheduleProblems } from "./cron";

// A run validates one spec once: zod's JIT (a `new Function` per object schema, compiled on first
// use and never cached by V8's code cache) costs more than it saves; the results are the same.
z.config({ jitless: true });

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

/**
 * PEM certificates (one, or a bundle such as Amazon RDS's): public material only. Every block is
 * parsed as X.509, so a truncated or mangled certificate fails here, not at TLS handshake time.
 */
export const pemCertificate = z.string().superRefine((pem, ctx) => {
  // `input: undefined` keeps the whole PEM out of the error line.
  for (const message of pemCertificateProblems(pem, new Date())) ctx.addIssue({ code: "custom", message, input: undefined });
});

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([A-Za-z0-9+/=\s]*?)-----END \1-----/g;

/** What is wrong with a PEM certificate field at `now`; empty when every block is a valid X.509 certificate. */
export function pemCertificateProblems(pem: string, now: Date): string[] {
  if (/PRIVATE KEY-----/.test(pem)) return ["contains a private key: put only the public certificate in the spec"];
  const blocks = [...pem.matchAll(PEM_BLOCK)];
  const outside = pem.replace(PEM_BLOCK, "").trim();
  if (blocks.length === 0 || outside !== "") {
    return ["a PEM certificate: one or more -----BEGIN CERTIFICATE----- ... -----END CERTIFICATE----- blocks and nothing else"];
  }
  const problems: string[] = [];
  const certs: X509Certificate[] = [];
  for (const [i, [, label, body]] of blocks.entries()) {
    const which = blocks.length > 1 ? `certificate ${i + 1} of ${blocks.length}` : "the certificate";
    if (label !== "CERTIFICATE") {
      problems.push(`${which} is a ${label} block, not a CERTIFICATE`);
      continue;
    }
    try {
      const base64 = (body.replace(/\s+/g, "").match(/.{1,64}/g) ?? []).join("\n");
      certs.push(new X509Certificate(`-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----\n`));
    } catch (e) {
      problems.push(`${which} does not parse as X.509 (${e instanceof Error ? e.message : String(e)}): paste it again from its source`);
    }
  }
  // A bundle may carry retired roots; only a field with no usable certificate at all is wrong.
  const expiries = certs.map((c) => new Date(c.validTo));
  if (problems.length === 0 && expiries.every((d) => d < now)) {
    const last = new Date(Math.max(...expiries.map((d) => d.getTime()))).toISOString().slice(0, 10);
    problems.push(certs.length === 1 ? `expired on ${last} (${certs[0].subject.replace(/\n/g, ", ")}): TLS peers reject it` : `every certificate of the bundle has expired (the last on ${last})`);
  }
  return problems;
}

export const hostname = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "a DNS hostname such as users.db.internal");

const QUANTITY_FACTORS: Record<string, number> = { "": 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };

/** Bytes of a Kubernetes quantity such as 10Gi or 512Mi (whole bytes, rounded down). */
export function quantityBytes(q: string): number {
  const m = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(q);
  if (!m) throw new Error(`not a quantity: ${q}`);
  return Math.floor(Number(m[1]) * QUANTITY_FACTORS[m[2] ?? ""]!);
}

/** A container image with a version tag (never latest), optionally pinned by digest. */
export const pinnedImage = z
  .string()
  .regex(/^[a-z0-9./_-]+:[A-Za-z0-9._-]*\d[A-Za-z0-9._-]*(@sha256:[a-f0-9]{64})?$/, "an image with a version tag, e.g. amazon/aws-cli:2.31.6");
