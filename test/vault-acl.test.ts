import { parse } from "@cdktf/hcl2json";
import { describe, expect, it } from "vitest";
import { plainPolicyRules } from "../checks/context";
import { specByName, synthesisOf, vaultOf } from "./helpers/synthesis";
import { allows, type AclRule, capabilitiesFor, comparePriority, patternMatches, rulesFromParsedHcl, winningPattern } from "../checks/vault-acl";

/** The ACL evaluator the policy tests rely on, checked against Vault's documented matching rules. */
describe("Vault ACL semantics", () => {
  it("globs match prefixes only at the end; + matches exactly one segment", () => {
    expect(patternMatches("secret/data/apps/dev/*", "secret/data/apps/dev/user-service/auth")).toBe(true);
    expect(patternMatches("secret/data/apps/dev/*", "secret/data/apps/dev")).toBe(false);
    expect(patternMatches("secret/data/apps/dev/*", "secret/data/apps/dev-eu/x")).toBe(false);
    expect(patternMatches("database/creds/dev-*", "database/creds/dev-user-service-users")).toBe(true);
    expect(patternMatches("secret/+/teamb", "secret/foo/teamb")).toBe(true);
    expect(patternMatches("secret/+/teamb", "secret/foo/bar/teamb")).toBe(false);
    expect(patternMatches("secret/data/a.b", "secret/data/aXb")).toBe(false);
  });

  it("an exact path beats a glob, and a deny on a less specific path does not block it (Vault priority matching)", () => {
    const rules: AclRule[] = [
      { path: "secret/*", capabilities: ["deny"] },
      { path: "secret/foo", capabilities: ["read"] },
    ];
    expect(allows(rules, "secret/foo", "read")).toBe(true);
    expect(allows(rules, "secret/bar", "read")).toBe(false);
  });

  it("the pattern whose first wildcard comes later wins", () => {
    const rules: AclRule[] = [
      { path: "secret/+/bar", capabilities: ["create"] },
      { path: "secret/foo/*", capabilities: ["read"] },
    ];
    expect([...capabilitiesFor(rules, "secret/foo/bar")]).toEqual(["read"]);
  });

  it("identical patterns from several policies merge, and deny there wins", () => {
    expect([...capabilitiesFor([{ path: "a/*", capabilities: ["read"] }, { path: "a/*", capabilities: ["list"] }], "a/b")].sort()).toEqual(["list", "read"]);
    expect(allows([{ path: "a/*", capabilities: ["read"] }, { path: "a/*", capabilities: ["deny"] }], "a/b", "read")).toBe(false);
  });

  it("a longer glob beats a shorter one; fewer + segments win", () => {
    expect([...capabilitiesFor([{ path: "secret/*", capabilities: ["create"] }, { path: "secret/foo/*", capabilities: ["read"] }], "secret/foo/x")]).toEqual(["read"]);
    expect([...capabilitiesFor([{ path: "s/+/+/c", capabilities: ["create"] }, { path: "s/+/b/c", capabilities: ["read"] }], "s/a/b/c")]).toEqual(["read"]);
  });

  it("+ is a whole segment: it matches an empty segment, and a segment with + inside is literal (vault/acl.go)", () => {
    expect(patternMatches("secret/+/teamb", "secret//teamb")).toBe(true);
    expect(patternMatches("secret/a+b/c", "secret/aXb/c")).toBe(false);
    expect(patternMatches("secret/a+b/c", "secret/a+b/c")).toBe(true);
    expect(patternMatches("secret/+/te*", "secret/x/team/y")).toBe(true);
    expect(patternMatches("secret/+/*", "secret/x")).toBe(false);
    expect(patternMatches("secret/+/*", "secret/x/")).toBe(true);
    expect(patternMatches("secret/+", "secret/x/y")).toBe(false);
  });

  it("deny wins over every capability of the same path from another policy, whichever order they come in", () => {
    expect([...capabilitiesFor([{ path: "a/b", capabilities: ["deny"] }, { path: "a/b", capabilities: ["read", "sudo"] }], "a/b")]).toEqual(["deny"]);
    expect(allows([{ path: "a/+", capabilities: ["read"] }, { path: "a/+", capabilities: ["deny"] }, { path: "a/*", capabilities: ["read"] }], "a/b", "read")).toBe(false);
  });

  it("the indexed lookup (exact rules by path, patterns apart) answers as a scan of every rule: 300 random policies, 40 paths each", () => {
    // The scan the index replaces: every matching rule, the highest priority wins, its capabilities merge.
    const scan = (rules: AclRule[], path: string) => {
      const matching = rules.filter((r) => patternMatches(r.path, path));
      if (matching.length === 0) return { winner: undefined, caps: [] as string[] };
      const winner = matching.reduce((best, r) => (comparePriority(r.path, best) > 0 ? r.path : best), matching[0].path);
      const caps = new Set(matching.filter((r) => r.path === winner).flatMap((r) => r.capabilities));
      return { winner, caps: caps.has("deny") ? ["deny"] : [...caps].sort() };
    };
    let seed = 17;
    // A linear congruential generator's high bits (its low bits repeat with short periods).
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), Math.floor(seed / 65536) % n);
    const pick = <T,>(xs: readonly T[]) => xs[random(xs.length)];
    const segments = ["secret", "data", "dev", "prod", "a", "b", ""];
    const path = () => Array.from({ length: 1 + random(4) }, () => pick(segments)).join("/");
    const pattern = () => {
      const p = Array.from({ length: 1 + random(4) }, () => (random(5) === 0 ? "+" : pick(segments))).join("/");
      return random(3) === 0 ? `${p}${pick(["*", "/*"])}` : p;
    };
    const caps = ["read", "list", "create", "deny"];
    let decided = 0;
    for (let i = 0; i < 300; i++) {
      const rules: AclRule[] = Array.from({ length: 1 + random(12) }, () => ({ path: random(2) === 0 ? path() : pattern(), capabilities: [pick(caps), pick(caps)] }));
      // Paths inside each rule ("+" segments and the "*" suffix filled in) and random ones.
      const inside = (r: AclRule) => r.path.split("/").map((seg) => (seg === "+" ? pick(segments) : seg)).join("/").replace(/\*$/, pick(["", "x", "/b"]));
      const paths = [...rules.map(inside), ...Array.from({ length: 40 - rules.length }, path)];
      for (const p of paths) {
        const expected = scan(rules, p);
        expect({ winner: winningPattern(rules, p), caps: [...capabilitiesFor(rules, p)].sort() }, `${p} in ${JSON.stringify(rules)}`).toEqual(expected);
        if (expected.winner !== undefined) decided++;
      }
      // A rule added to a policy already looked up is seen (the index is rebuilt when the array grows).
      rules.push({ path: paths[0], capabilities: ["sudo"] });
      expect([...capabilitiesFor(rules, paths[0])].sort()).toEqual(scan(rules, paths[0]).caps);
    }
    expect(decided, "a good share of the lookups find a rule").toBeGreaterThan(3000);
  });

  it("no matching path means no capability", () => {
    expect(capabilitiesFor([{ path: "a", capabilities: ["read"] }], "b").size).toBe(0);
  });
});

describe("the plain policy reader of the checks (checks/context.ts) agrees with HashiCorp's HCL parser", () => {
  it("on every policy the reference spec and the examples render, and refuses anything else", async () => {
    let compared = 0;
    for (const name of ["reference", "examples/vcluster-oidc.yaml", "examples/minimal.json"] as const) {
      for (const p of Object.values<{ name: string; policy: string }>(vaultOf(await synthesisOf(specByName(name))).vault_policy)) {
        const byPath = (rules: { path: string }[] | undefined) => [...(rules ?? [])].sort((a, b) => a.path.localeCompare(b.path));
        expect(byPath(plainPolicyRules(p.policy)), p.name).toEqual(byPath(rulesFromParsedHcl(await parse("p.hcl", p.policy))));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(20);
    for (const odd of ['path "a/${b}" {\n  capabilities = ["read"]\n}', 'path "a" {\n  capabilities = ["read"]\n  max_wrapping_ttl = "1h"\n}', 'path "a" { capabilities = ["read"] }', 'path "a" {\n  capabilities = ["read"]\n}\nx = 1']) {
      expect(plainPolicyRules(odd), odd).toBeUndefined();
    }
  });
});
