import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { PlatformSpecInput } from "../spec/schema";
import { DURATION_LIKE } from "./helpers/durations";
import { referenceCopy, ROOT, vclusterExample, yieldToWorker } from "./helpers/synth";
import { type StackJson, synthStacks } from "./helpers/vault-stack";

/**
 * Issue 14, item 3: a Vault argument whose value Vault (or the provider) writes back in another form
 * shows as a change on every plan, forever. Each argument below is read back in a canonical form; the
 * rendered stack must use exactly that form. Evidence: hashicorp/vault 5.8.0 read functions and the
 * Vault handlers they call.
 */
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Go's time.Duration.String() for whole seconds: 10m0s, 72h0m0s, 30s, 0s. */
const GO_DURATION_STRING = /^(0s|[1-9]\d*h(\d|[1-5]\d)m(\d|[1-5]\d)s|([1-9]|[1-5]\d)m(\d|[1-5]\d)s|([1-9]|[1-5]\d)s)$/;
/** Whole seconds as a decimal string (json.Number written into a TypeString). */
const SECONDS_STRING = /^(0|[1-9]\d*)$/;

/** Arguments whose value Vault normalizes on read, with the only form that reads back unchanged. */
const NORMALIZED_ARGUMENTS: Record<string, Record<string, { canonical: RegExp; evidence: string }>> = {
  vault_raft_autopilot: {
    dead_server_last_contact_threshold: { canonical: GO_DURATION_STRING, evidence: "resource_raft_autopilot.go d.Set(resp.Data[...]); Vault returns config.DeadServerLastContactThreshold.String()" },
    last_contact_threshold: { canonical: GO_DURATION_STRING, evidence: "same handler: LastContactThreshold.String() (provider default 10s)" },
    server_stabilization_time: { canonical: GO_DURATION_STRING, evidence: "same handler: ServerStabilizationTime.String() (provider default 10s)" },
  },
  vault_pki_secret_backend_role: {
    ttl: { canonical: SECONDS_STRING, evidence: "pkiSecretBackendRoleRead d.Set(k, secret.Data[k]); Vault returns the role TTL as int64 seconds (provider issue 1524)" },
    max_ttl: { canonical: SECONDS_STRING, evidence: "same as ttl" },
  },
  vault_pki_secret_backend_config_auto_tidy: {
    interval_duration: { canonical: SECONDS_STRING, evidence: "Vault returns the auto-tidy durations as integer seconds; the provider's acceptance test writes \"3m\" and reads back \"180\"" },
    safety_buffer: { canonical: SECONDS_STRING, evidence: "same handler and read as interval_duration" },
  },
};

/**
 * Duration arguments checked and found to read back unchanged (or never read back), so any form is
 * stable. A new duration-like argument must be classified here or above.
 */
const STABLE_ARGUMENTS: Record<string, Record<string, string>> = {
  vault_pki_secret_backend_root_cert: { ttl: "never read back (update and read ignore it; issue 14.5)" },
  vault_pki_secret_backend_root_sign_intermediate: { ttl: "never read back (read is a no-op; issue 14.5)" },
  vault_pki_secret_backend_crl_config: { expiry: "Vault stores and returns the string as written (genResponseFromCrlConfig: config.Expiry)" },
  vault_kv_secret_backend_v2: { delete_version_after: "the provider parses Vault's duration string back into seconds (kvSecretBackendV2Read)" },
  vault_transit_secret_backend_key: { auto_rotate_period: "integer seconds both ways" },
  vault_mount: { max_lease_ttl_seconds: "integer seconds both ways", default_lease_ttl_seconds: "integer seconds both ways" },
  vault_database_secret_backend_role: { default_ttl: "integer seconds both ways", max_ttl: "integer seconds both ways" },
  vault_kubernetes_auth_backend_role: { token_ttl: "integer seconds both ways", token_max_ttl: "integer seconds both ways" },
  vault_aws_auth_backend_role: { token_ttl: "integer seconds both ways", token_max_ttl: "integer seconds both ways" },
  vault_approle_auth_backend_role: { token_ttl: "integer seconds both ways", token_max_ttl: "integer seconds both ways", secret_id_ttl: "integer seconds both ways" },
  vault_jwt_auth_backend_role: { token_ttl: "integer seconds both ways", token_max_ttl: "integer seconds both ways" },
  vault_identity_mfa_totp: { period: "integer seconds both ways" },
};

const DURATION_NAME = /ttl|_seconds$|period|after|threshold|expiry|interval|stabilization|duration/;

/** Every problem: a listed argument in a non-canonical form, or an unclassified duration argument. */
function readbackProblems(stack: StackJson): string[] {
  const problems: string[] = [];
  for (const [type, resources] of Object.entries<Json>(stack.resource ?? {})) {
    if (!type.startsWith("vault_")) continue;
    for (const [name, resource] of Object.entries<Json>(resources)) {
      for (const [arg, value] of Object.entries<unknown>(resource)) {
        const normalized = NORMALIZED_ARGUMENTS[type]?.[arg];
        if (normalized) {
          if (typeof value !== "string" || !normalized.canonical.test(value)) problems.push(`${type}.${name}.${arg} = ${JSON.stringify(value)}: Vault reads it back as ${normalized.canonical} (${normalized.evidence})`);
        } else if (!STABLE_ARGUMENTS[type]?.[arg] && (DURATION_NAME.test(arg) || (typeof value === "string" && DURATION_LIKE.test(value)))) {
          problems.push(`${type}.${name}.${arg} = ${JSON.stringify(value)}: a duration argument nobody classified; check how the provider reads it back`);
        }
      }
    }
  }
  return problems;
}

const minimal = () => JSON.parse(readFileSync(join(ROOT, "examples/minimal.json"), "utf8")) as PlatformSpecInput;

describe("(issue 14.3) the Vault stack renders every normalized argument in the form Vault reads back", () => {
  it.each([
    ["reference spec", referenceCopy],
    ["vcluster example", vclusterExample],
    ["minimal example", minimal],
    ["odd durations (90s threshold, 36h certificates, 1000h max)", () => {
      const s = referenceCopy();
      s.vault.autopilot = { deadServerLastContactThreshold: "90s" };
      s.vault.pki = { ...s.vault.pki, certTtl: "36h", certMaxTtl: "1000h" };
      return s;
    }],
  ])("%s", (_name, spec) => {
    expect(readbackProblems(synthStacks(spec()).vault)).toEqual([]);
  });

  it("the values themselves: 10m -> 10m0s, 90s -> 1m30s, 72h -> 259200, 720h -> 2592000", async () => {
    const s = referenceCopy();
    const { vault } = synthStacks(s);
    expect(Object.values(vault.resource.vault_raft_autopilot)[0].dead_server_last_contact_threshold).toBe("10m0s");
    const role = Object.values(vault.resource.vault_pki_secret_backend_role).find((r) => r.name === "dev-cert")!;
    expect([role.ttl, role.max_ttl]).toEqual(["259200", "2592000"]);
    s.vault.autopilot = { deadServerLastContactThreshold: "90s" };
    await yieldToWorker();
    expect(Object.values(synthStacks(s).vault.resource.vault_raft_autopilot)[0].dead_server_last_contact_threshold).toBe("1m30s");
  });

  it("the check reports the forms that never settle, and unclassified duration arguments", () => {
    const stack = {
      resource: {
        vault_raft_autopilot: { a: { dead_server_last_contact_threshold: "10m" } },
        vault_pki_secret_backend_role: { r: { ttl: "72h", max_ttl: "2592000" } },
        vault_token_auth_backend_role: { t: { token_period: 3600 } },
      },
    } as unknown as StackJson;
    expect(readbackProblems(stack).map((p) => p.split(":")[0])).toEqual([
      "vault_raft_autopilot.a.dead_server_last_contact_threshold = \"10m\"",
      "vault_pki_secret_backend_role.r.ttl = \"72h\"",
      "vault_token_auth_backend_role.t.token_period = 3600",
    ]);
  });
});
