/**
 * The three duration grammars the rendered output feeds, each as its consumer parses it:
 *
 * - Go `time.ParseDuration` (ESO refreshInterval, cert-manager duration/renewBefore: metav1.Duration):
 *   decimal numbers with units ns, us, µs, ms, s, m, h; "0" alone; no d, w or y.
 * - Vault `parseutil.ParseDurationSecond` (go-secure-stdlib; TTLs in the Vault API and vault.hcl):
 *   an integer is seconds, an integer with suffix d is days, anything else goes to time.ParseDuration.
 * - Prometheus `model.ParseDuration` (rule `for:`, ServiceMonitor intervals): units y w d h m s ms
 *   in that order, integers only.
 *
 * Each returns nanoseconds, or an error message.
 */
const GO_UNITS: Record<string, number> = { ns: 1, us: 1e3, "µs": 1e3, "μs": 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
const MAX_NS = 2 ** 63 - 1;

export function parseGoDuration(input: string): number | string {
  let s = input;
  let sign = 1;
  if (s.startsWith("-") || s.startsWith("+")) {
    sign = s.startsWith("-") ? -1 : 1;
    s = s.slice(1);
  }
  if (s === "0") return 0;
  if (s === "") return `time: invalid duration "${input}"`;
  let total = 0;
  while (s !== "") {
    const m = /^(\d*)(?:\.(\d*))?/.exec(s)!;
    if (m[0] === "" || m[0] === "." || (m[1] === "" && (m[2] ?? "") === "")) return `time: invalid duration "${input}"`;
    s = s.slice(m[0].length);
    const unit = /^[^\d.]*/.exec(s)![0];
    if (unit === "") return `time: missing unit in duration "${input}"`;
    const factor = GO_UNITS[unit];
    if (factor === undefined) return `time: unknown unit "${unit}" in duration "${input}"`;
    s = s.slice(unit.length);
    total += Number(`${m[1] || "0"}.${m[2] || "0"}`) * factor;
    if (total > MAX_NS) return `time: invalid duration "${input}"`;
  }
  return sign * total;
}

export function parseVaultDuration(input: string | number): number | string {
  if (typeof input === "number") return Number.isInteger(input) ? input * 1e9 : `not an integer number of seconds: ${input}`;
  if (input === "") return 0;
  if (/^[-+]?\d+$/.test(input)) return Number(input) * 1e9;
  if (input.endsWith("d")) return /^[-+]?\d+d$/.test(input) ? Number(input.slice(0, -1)) * 86_400e9 : `strconv.ParseInt: parsing "${input.slice(0, -1)}": invalid syntax`;
  return parseGoDuration(input);
}

const PROM_UNITS: [string, number][] = [
  ["y", 365 * 86_400e9],
  ["w", 7 * 86_400e9],
  ["d", 86_400e9],
  ["h", 3600e9],
  ["m", 60e9],
  ["s", 1e9],
  ["ms", 1e6],
];

export function parsePrometheusDuration(input: string): number | string {
  if (input === "0") return 0;
  const m = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/.exec(input);
  if (!m || input === "") return `not a valid duration string: "${input}"`;
  return PROM_UNITS.reduce((sum, [, factor], i) => sum + Number(m[i + 1] ?? 0) * factor, 0);
}

export type DurationGrammar = "go" | "vault" | "prometheus";

export function parseDuration(grammar: DurationGrammar, value: string | number): number | string {
  if (grammar === "vault") return parseVaultDuration(value);
  if (typeof value !== "string") return `expected a string duration, got ${typeof value}`;
  return grammar === "go" ? parseGoDuration(value) : parsePrometheusDuration(value);
}

/** A string that any of the grammars might mean as a duration (used to find fields nobody catalogued). */
export const DURATION_LIKE = /^[-+]?(\d+(\.\d+)?(ns|us|µs|ms|s|m|h|d|w|y))+$/;
