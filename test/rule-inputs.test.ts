import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSpec } from "../spec/load";
import { specRules } from "../spec/rules";
import type { PlatformSpec } from "../spec/schema";
import { validateSpec } from "../spec/validate";
import { referenceCopy, ROOT } from "./helpers/synth";

/**
 * Each rule declares the spec fields it reads (SpecRule.reads) so that a rule whose inputs failed
 * stays silent. These tests record what every rule really reads and hold the declaration to it.
 */

/** Wraps a value so every field read is recorded as a path: list items as `[]`, map keys by name. */
function recording<T>(value: T, path: string[], seen: Set<string>): T {
  if (value === null || typeof value !== "object") return value;
  const note = (p: string[]) => seen.add(p.join("."));
  return new Proxy(value as object, {
    get(target, key, receiver) {
      const v = Reflect.get(target, key, receiver);
      if (typeof key === "symbol") return v;
      if (Array.isArray(target)) {
        if (!/^\d+$/.test(key)) return v;
        note([...path, "[]"]);
        return recording(v, [...path, "[]"], seen);
      }
      note([...path, key]);
      return recording(v, [...path, key], seen);
    },
    has(target, key) {
      note(path);
      return Reflect.has(target, key);
    },
    ownKeys(target) {
      note(path);
      return Reflect.ownKeys(target);
    },
  }) as T;
}

const segments = (read: string) => read.replace(/\[\]/g, ".[]").split(".").filter(Boolean);

/** A recorded path is declared when it lies on the way to, or inside, one of the declared reads. */
function declared(recorded: string, reads: string[]): boolean {
  const got = recorded.split(".").filter(Boolean);
  return reads.some((read) => {
    const want = segments(read);
    const n = Math.min(want.length, got.length);
    for (let i = 0; i < n; i++) if (want[i] !== got[i] && !(want[i] === "*" && got[i] !== "[]")) return false;
    return true;
  });
}

async function specsToRecord(): Promise<{ name: string; spec: PlatformSpec }[]> {
  const out = [];
  for (const file of readdirSync(join(ROOT, "examples"))) out.push({ name: file, spec: (await loadSpec(join(ROOT, "examples", file))).spec });
  // A variant that reaches the branches the examples do not: AWS IAM login, AppRole CI, Secrets Manager.
  const variant = referenceCopy() as { services: { vaultLogin?: string }[]; ciConsumers: unknown[]; externalSecrets?: unknown; network?: unknown; vault: Record<string, unknown> };
  variant.services[0].vaultLogin = "aws-iam";
  variant.network = { iamCidrs: ["10.40.250.0/24"] };
  Object.assign(variant.vault, { externalAddress: "https://vault.shop.internal:8200", externalClientCidrs: ["10.40.4.0/24"] });
  variant.ciConsumers.push({ name: "jenkins", auth: { method: "approle", boundCidrs: ["10.0.0.0/16"] } });
  variant.externalSecrets = { secretsManager: { enabled: true, secretNamePrefix: "shop/" } };
  const parsed = validateSpec(variant);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  out.push({ name: "variant", spec: parsed.spec });
  return out;
}

describe("rule inputs", () => {
  it("every rule declares every field it reads", async () => {
    const undeclared: string[] = [];
    for (const { name, spec } of await specsToRecord()) {
      for (const rule of specRules) {
        const seen = new Set<string>();
        rule.check(recording(spec, [], seen), () => {});
        for (const path of seen) if (!declared(path, rule.reads)) undeclared.push(`${rule.id} reads ${path} (${name})`);
      }
    }
    expect([...new Set(undeclared)]).toEqual([]);
  });

  it("the recorder sees through helpers: VEP-S12 reads the platform name via derivedAwsNames", async () => {
    const [{ spec }] = await specsToRecord();
    const seen = new Set<string>();
    specRules.find((r) => r.id === "VEP-S12")!.check(recording(spec, [], seen), () => {});
    expect([...seen]).toEqual(expect.arrayContaining(["name", "aws.accountId", "services.[].vaultLogin"]));
    expect(declared("services.[].secrets", ["services[].name"])).toBe(false);
  });

  it("a rule whose input failed stays silent; independent problems are still all reported", () => {
    const spec = referenceCopy() as Record<string, unknown> & { vault: { replicas: number } };
    spec.environments = "dev, staging";
    spec.vault.replicas = 4;
    const result = validateSpec(spec);
    const problems = result.ok ? [] : result.problems;
    expect(problems.map((p) => `${p.path} ${p.rule ?? "field"}`)).toEqual(["environments field", "vault.replicas VEP-S01"]);
  });

  it("a failed item silences only the rules that read that field", () => {
    const spec = referenceCopy() as { services: { name: string; environments: string[] }[] };
    spec.services[0].name = "Bad Name";
    spec.services[1].environments = ["qa"];
    const result = validateSpec(spec);
    const problems = result.ok ? [] : result.problems;
    // VEP-S04 reads services[].environments and environments[].name, both sound: it still reports qa.
    expect(problems.map((p) => `${p.path} ${p.rule ?? "field"}`)).toEqual(expect.arrayContaining(["services[0].name field", "services[1].environments[0] VEP-S04"]));
    // VEP-S15 reads services[].name, which failed: silent.
    expect(problems.filter((p) => p.rule === "VEP-S15")).toEqual([]);
  });
});
