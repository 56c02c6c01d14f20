import { CronExpressionParser } from "cron-parser";

// The copy of luxon cron-parser itself requires (an import would bundle its ES build beside it).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Settings } = require("luxon") as typeof import("luxon");

/**
 * Kubernetes CronJob schedules. The API server parses `spec.schedule` with robfig/cron v3's
 * standard parser (`cron.ParseStandard`) and, for a new object, refuses any schedule containing
 * "TZ" (CRON_TZ=/TZ= prefixes: `spec.timeZone` is the way). The standard parser takes exactly five
 * fields (minute hour day-of-month month day-of-week) or a descriptor; it knows no seconds field,
 * no L, W or # and no day-of-week 7, all of which cron-parser (the library that also has to accept
 * the schedule, and computes its next runs) would take, so those are refused here first.
 */
const FIELDS = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"] },
  { name: "day of week", min: 0, max: 6, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] },
] as const;

/** The descriptors Kubernetes documents for CronJob schedules. */
const DESCRIPTORS = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];

function fieldValue(text: string, field: (typeof FIELDS)[number]): number | string {
  const names: readonly string[] = "names" in field ? field.names : [];
  const named = names.indexOf(text.toLowerCase());
  if (named >= 0) return named + field.min;
  if (!/^\d+$/.test(text)) return `${field.name}: "${text}" is not a number${names.length ? " or a name" : ""}`;
  const n = Number(text);
  return n < field.min || n > field.max ? `${field.name}: ${n} is outside ${field.min}-${field.max}` : n;
}

/** Problems of one field, as robfig/cron's getRange reports them (comma lists of ranges with optional steps). */
function fieldProblems(text: string, field: (typeof FIELDS)[number]): string[] {
  return text.split(",").flatMap((part) => {
    const [range = "", step, ...extra] = part.split("/");
    if (extra.length) return [`${field.name}: too many slashes in "${part}"`];
    if (step !== undefined && (!/^\d+$/.test(step) || Number(step) === 0)) return [`${field.name}: step "${step}" must be a positive number`];
    if (range === "*" || range === "?") return [];
    const bounds = range.split("-");
    if (bounds.length > 2) return [`${field.name}: too many hyphens in "${range}"`];
    const values = bounds.map((b) => fieldValue(b, field));
    const errors = values.filter((v): v is string => typeof v === "string");
    if (errors.length) return errors;
    if (values.length === 2 && (values[0] as number) > (values[1] as number)) return [`${field.name}: range "${range}" runs backwards`];
    return [];
  });
}

/**
 * cron-parser computes with luxon, which asks Intl for the system's locale and IANA zones when none
 * is given: starting ICU costs about 30 ms of every run. The schedules' runs depend on neither, so
 * parse with a fixed locale, a fixed start and UTC (the fixed-offset zone, which equals the
 * CronJobs' Etc/UTC).
 */
function parseCron(schedule: string, currentDate: Date) {
  const locale = Settings.defaultLocale;
  Settings.defaultLocale = "en-US";
  try {
    return CronExpressionParser.parse(schedule, { tz: "UTC", currentDate });
  } finally {
    Settings.defaultLocale = locale;
  }
}

/** Why Kubernetes would refuse the schedule of a new CronJob; empty when it is accepted. */
export function cronScheduleProblems(schedule: string): string[] {
  if (schedule.includes("TZ")) return ["no TZ= or CRON_TZ= in the schedule: the CronJob's timeZone sets the zone"];
  const trimmed = schedule.trim();
  if (trimmed.startsWith("@")) return DESCRIPTORS.includes(trimmed) ? [] : [`unknown descriptor ${trimmed} (one of ${DESCRIPTORS.join(", ")})`];
  const fields = trimmed.split(/\s+/);
  if (fields.length !== 5) return [`${fields.length} fields: a CronJob schedule has exactly five (minute hour day-of-month month day-of-week)`];
  const problems = fields.flatMap((f, i) => fieldProblems(f, FIELDS[i]!));
  if (problems.length) return problems;
  try {
    parseCron(trimmed, new Date(0));
  } catch (e) {
    return [`cron-parser refuses it: ${(e as Error).message}`];
  }
  return [];
}

/** The next `count` run times of a valid schedule in UTC (for reviews and tests). */
export function nextRuns(schedule: string, from: Date, count: number): string[] {
  const it = parseCron(schedule.trim(), from);
  return Array.from({ length: count }, () => it.next().toISOString() ?? "");
}
