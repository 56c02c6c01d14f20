import { parse as parseYaml } from "yaml";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cronScheduleProblems, nextRuns } from "../spec/cron";
import type { PlatformSpecInput } from "../spec/schema";
import { type RenderedObject, synthDist } from "./helpers/dist";
import { DURATION_LIKE, type DurationGrammar, parseDuration, parseGoDuration, parsePrometheusDuration, parseVaultDuration } from "./helpers/durations";
import { referenceCopy, ROOT, vclusterExample } from "./helpers/synth";
import { synthStacks } from "./helpers/vault-stack";

/**
 * Durations and schedules in the rendered output, parsed with their consumers' rules: every
 * duration-looking string of every manifest and Terraform stack must sit in a field catalogued
 * below with its consumer's grammar (so a new field cannot slip through unparsed), and every
 * CronJob schedule must be one the Kubernetes API server accepts (spec/cron.ts, cron-parser).
 */
const vclusterSpec = vclusterExample;
const minimalSpec = () => JSON.parse(readFileSync(join(ROOT, "examples/minimal.json"), "utf8")) as PlatformSpecInput;
const writersSpec = () => parseYaml(readFileSync(join(ROOT, "examples/platform-writers.yaml"), "utf8")) as PlatformSpecInput;
const SPECS: [string, () => PlatformSpecInput][] = [
  ["reference spec", referenceCopy],
  ["vcluster example", vclusterSpec],
  ["minimal example", minimalSpec],
  ["platform writers example", writersSpec],
  ["VSO example", () => parseYaml(readFileSync(join(ROOT, "examples/vso.yaml"), "utf8")) as PlatformSpecInput],
];

/** Duration fields of the custom resources and kinds we render, by kind and path ([] = any list item). */
const K8S_DURATION_FIELDS: Record<string, Record<string, DurationGrammar>> = {
  // metav1.Duration: time.ParseDuration.
  ExternalSecret: { "spec.refreshInterval": "go" },
  // ESO writes parameters to Vault as they are: pki/issue's ttl is Vault's TypeDurationSecond.
  VaultDynamicSecret: { "spec.parameters.ttl": "vault" },
  Certificate: { "spec.duration": "go", "spec.renewBefore": "go" },
  // VSO v1.4.1: refreshAfter and expiryOffset go through time.ParseDuration (controllers parseDurationString, after the
  // CRD's one-unit pattern); a VaultPKISecret's ttl is sent to pki/issue as is (Vault's TypeDurationSecond).
  VaultStaticSecret: { "spec.refreshAfter": "go" },
  VaultPKISecret: { "spec.expiryOffset": "go", "spec.ttl": "vault" },
  // Prometheus' model.Duration.
  ServiceMonitor: { "spec.endpoints[].interval": "prometheus", "spec.endpoints[].scrapeTimeout": "prometheus" },
  PrometheusRule: { "spec.groups[].interval": "prometheus", "spec.groups[].rules[].for": "prometheus", "spec.groups[].rules[].keep_firing_for": "prometheus" },
  // Argo CD's retry backoff: integer seconds, else time.ParseDuration (v1alpha1 parseStringToDuration).
  Application: { "spec.syncPolicy.retry.backoff.duration": "go", "spec.syncPolicy.retry.backoff.maxDuration": "go" },
  // The PushSecret Crossplane's Composition composes (ESO metav1.Duration).
  Composition: { "spec.pipeline[].input.resources[].base.spec.refreshInterval": "go" },
};
/** Strings that look like durations but are something else. */
const K8S_NOT_DURATIONS = [/\.resources\.(limits|requests)\.cpu$/];

/** Vault provider arguments holding durations (strings go to Vault's parser; numbers are seconds). */
const TF_DURATION_FIELDS: Record<string, Record<string, "vault" | "seconds">> = {
  vault_pki_secret_backend_root_cert: { ttl: "vault" },
  vault_pki_secret_backend_root_sign_intermediate: { ttl: "vault" },
  vault_pki_secret_backend_role: { ttl: "vault", max_ttl: "vault" },
  vault_pki_secret_backend_crl_config: { expiry: "vault" },
  // PKI config/auto-tidy: framework.TypeDurationSecond (builtin/logical/pki/path_tidy.go).
  vault_pki_secret_backend_config_auto_tidy: { interval_duration: "vault", safety_buffer: "vault" },
  vault_raft_autopilot: { dead_server_last_contact_threshold: "vault", last_contact_threshold: "vault", server_stabilization_time: "vault" },
  vault_mount: { default_lease_ttl_seconds: "seconds", max_lease_ttl_seconds: "seconds" },
  vault_kv_secret_backend_v2: { delete_version_after: "seconds" },
  vault_database_secret_backend_role: { default_ttl: "seconds", max_ttl: "seconds" },
  vault_kubernetes_auth_backend_role: { token_ttl: "seconds", token_max_ttl: "seconds" },
  vault_aws_auth_backend_role: { token_ttl: "seconds", token_max_ttl: "seconds" },
  vault_approle_auth_backend_role: { token_ttl: "seconds", token_max_ttl: "seconds", secret_id_ttl: "seconds" },
  vault_jwt_auth_backend_role: { token_ttl: "seconds", token_max_ttl: "seconds" },
  // identity/mfa/method/totp: period in seconds (the TOTP step).
  vault_identity_mfa_totp: { period: "seconds" },
  vault_transit_secret_backend_key: { auto_rotate_period: "seconds" },
};
const TF_DURATION_NAME = /ttl|_seconds$|period|after|threshold|expiry|interval|stabilization/;

// Manifests and stacks are read back as plain data.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = any;

/** Every leaf of an object with its path pattern (list indices as []). */
function leaves(value: Obj, path = ""): { path: string; value: unknown }[] {
  if (Array.isArray(value)) return value.flatMap((v) => leaves(v, `${path}[]`));
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k));
  return [{ path, value }];
}

function k8sDurationProblems(objects: { file: string; obj: Obj }[]): { problems: string[]; checked: number } {
  const problems: string[] = [];
  let checked = 0;
  for (const { file, obj } of objects) {
    const fields = K8S_DURATION_FIELDS[obj.kind] ?? {};
    for (const { path, value } of leaves(obj)) {
      const grammar = fields[path];
      if (grammar) {
        checked++;
        const parsed = parseDuration(grammar, value as string);
        if (typeof parsed === "string") problems.push(`${file} ${path}: ${parsed} (${grammar} duration)`);
      } else if (typeof value === "string" && DURATION_LIKE.test(value) && !K8S_NOT_DURATIONS.some((re) => re.test(path))) {
        problems.push(`${file} ${path} = ${value}: looks like a duration; catalogue the field with its consumer's grammar`);
      }
    }
  }
  return { problems, checked };
}

function tfDurationProblems(stacks: Record<string, Obj>): { problems: string[]; checked: number } {
  const problems: string[] = [];
  let checked = 0;
  for (const [stack, json] of Object.entries(stacks)) {
    for (const [type, resources] of Object.entries<Obj>(json.resource ?? {})) {
      for (const [name, resource] of Object.entries<Obj>(resources)) {
        for (const [arg, value] of Object.entries<unknown>(resource)) {
          const kind = TF_DURATION_FIELDS[type]?.[arg];
          const at = `${stack}: ${type}.${name}.${arg}`;
          if (kind === "seconds") {
            checked++;
            if (!Number.isInteger(value) || (value as number) < 0) problems.push(`${at} = ${String(value)}: whole seconds expected`);
          } else if (kind === "vault") {
            checked++;
            const parsed = parseVaultDuration(value as string);
            if (typeof value !== "string" || typeof parsed === "string") problems.push(`${at} = ${String(value)}: ${String(parsed)}`);
          } else if (typeof value === "string" && DURATION_LIKE.test(value)) {
            problems.push(`${at} = ${value}: looks like a duration; catalogue the argument with its grammar`);
          } else if (type.startsWith("vault_") && typeof value === "number" && TF_DURATION_NAME.test(arg)) {
            problems.push(`${at} = ${value}: a numeric duration argument; catalogue it`);
          }
        }
      }
    }
  }
  return { problems, checked };
}

describe.each(SPECS)("durations in the rendered output (%s)", (_name, spec) => {
  let objects: RenderedObject[];
  beforeAll(() => ({ objects } = synthDist(spec())));

  it("every duration in the Kubernetes manifests parses with its consumer's grammar, and none is uncatalogued", () => {
    const { problems, checked } = k8sDurationProblems(objects);
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(5);
  });

  it("every duration in the Terraform stacks parses as Vault parses it, and none is uncatalogued", () => {
    const { aws, vault } = synthStacks(spec());
    const { problems, checked } = tfDurationProblems({ aws, vault });
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(5);
  });

  it("every CronJob schedule is accepted by the Kubernetes API server's rules and by cron-parser; timeZone is set", () => {
    const cronJobs = objects.filter((o) => o.obj.kind === "CronJob");
    expect(cronJobs.length).toBeGreaterThan(0);
    for (const { file, obj } of cronJobs) {
      expect(cronScheduleProblems(obj.spec.schedule), file).toEqual([]);
      expect(obj.spec.timeZone, file).toBe("Etc/UTC");
    }
  });
});

describe("the duration checks fail on what the consumers refuse", () => {
  it("a refreshInterval in days and a Vault TTL with a unit Vault does not know are reported", () => {
    const es = { file: "es.yaml", obj: { kind: "ExternalSecret", spec: { refreshInterval: "1d" } } };
    expect(k8sDurationProblems([es]).problems).toEqual(['es.yaml spec.refreshInterval: time: unknown unit "d" in duration "1d" (go duration)']);
    const stack = { resource: { vault_pki_secret_backend_role: { r: { ttl: "3w" } }, vault_mount: { m: { max_lease_ttl_seconds: "1h" } } } };
    expect(tfDurationProblems({ vault: stack }).problems).toEqual([
      'vault: vault_pki_secret_backend_role.r.ttl = 3w: time: unknown unit "w" in duration "3w"',
      "vault: vault_mount.m.max_lease_ttl_seconds = 1h: whole seconds expected",
    ]);
  });

  it("an uncatalogued duration-looking field is reported", () => {
    expect(k8sDurationProblems([{ file: "x.yaml", obj: { kind: "Deployment", spec: { progressDeadline: "10m" } } }]).problems).toEqual([
      "x.yaml spec.progressDeadline = 10m: looks like a duration; catalogue the field with its consumer's grammar",
    ]);
  });

  it("Go, Vault and Prometheus grammars, as their parsers define them", () => {
    expect(parseGoDuration("1h0m0s")).toBe(3600e9);
    expect(parseGoDuration("1.5h")).toBe(5400e9);
    expect(parseGoDuration("300ms")).toBe(300e6);
    expect(parseGoDuration("0")).toBe(0);
    expect(parseGoDuration("1d")).toMatch(/unknown unit "d"/);
    expect(parseGoDuration("10")).toMatch(/missing unit/);
    expect(parseGoDuration("")).toMatch(/invalid duration/);
    expect(parseGoDuration("h")).toMatch(/invalid duration/);
    expect(parseVaultDuration("30d")).toBe(30 * 86_400e9);
    expect(parseVaultDuration("3600")).toBe(3600e9);
    expect(parseVaultDuration(60)).toBe(60e9);
    expect(parseVaultDuration("1.5d")).toMatch(/invalid syntax/);
    expect(parsePrometheusDuration("1w2d")).toBe(9 * 86_400e9);
    expect(parsePrometheusDuration("2d1w")).toMatch(/not a valid duration/);
    expect(parsePrometheusDuration("1.5h")).toMatch(/not a valid duration/);
  });
});

describe("Kubernetes CronJob schedules (spec/cron.ts)", () => {
  it.each([["0 * * * *"], ["*/15 2-4 1,15 jan *"], ["0 3 * * MON-FRI"], ["0 0 ? * *"], ["@hourly"], ["@daily"], ["30 1 1 1 0"]])("accepts %s", (s) => {
    expect(cronScheduleProblems(s)).toEqual([]);
  });

  it.each([
    ["hourly", /exactly five/],
    ["0 0 0 * * *", /6 fields/],
    ["0 3 * * 7", /day of week: 7 is outside 0-6/],
    ["0 0 L * *", /day of month: "L" is not a number/],
    ["0 0 * * 1#2", /day of week: "1#2"/],
    ["61 * * * *", /minute: 61 is outside 0-59/],
    ["0 5-2 * * *", /runs backwards/],
    ["*/0 * * * *", /step "0"/],
    ["@every 1h", /unknown descriptor/],
    ["TZ=UTC 0 3 * * *", /timeZone/],
  ])("refuses %s", (s, message) => {
    expect(cronScheduleProblems(s).join("; ")).toMatch(message);
  });

  it("cron-parser computes the runs of the default snapshot schedule", () => {
    expect(nextRuns("0 * * * *", new Date("2026-03-01T10:20:00Z"), 2)).toEqual(["2026-03-01T11:00:00.000Z", "2026-03-01T12:00:00.000Z"]);
  });
});
