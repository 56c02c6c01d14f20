import { compareStrings } from "../lib/compare";

/**
 * Vault's ACL semantics, for checking generated policies: which capabilities a token with a set
 * of policies has on a request path (vault/acl.go: NewACL, AllowOperation, CheckAllowedFromNonExactPaths).
 * An exact rule wins outright; otherwise Vault's priority matching: when several
 * patterns match, the one whose first wildcard comes later wins, then a pattern not ending in `*`,
 * then fewer `+` segments, then the longer pattern, then the lexicographically larger one.
 * Capabilities of identical patterns across policies merge; `deny` on the winning pattern wins.
 */

export const VALID_CAPABILITIES = ["create", "read", "update", "patch", "delete", "list", "sudo", "deny", "subscribe"] as const;

export interface AclRule {
  path: string;
  capabilities: string[];
}

/** Reads the JSON that HashiCorp's HCL parser (hcl2json) returns for a policy document. */
export function rulesFromParsedHcl(parsed: unknown): AclRule[] {
  const paths = (parsed as { path?: Record<string, { capabilities?: string[] }[]> }).path ?? {};
  return Object.entries(paths).flatMap(([path, blocks]) => blocks.map((b) => ({ path, capabilities: b.capabilities ?? [] })));
}

/**
 * vault/acl.go: a path without "+" is an exact rule or, ending in "*", a prefix rule; with "+" it
 * is matched segment by segment, a "+" segment standing for any one segment (even an empty one),
 * other segments literally ("a+b" is not a wildcard), and a trailing "*" making the last segment
 * and everything after it a prefix match.
 */
export function patternMatches(pattern: string, path: string): boolean {
  const prefix = pattern.endsWith("*");
  const body = prefix ? pattern.slice(0, -1) : pattern;
  if (!body.includes("+")) return prefix ? path.startsWith(body) : path === body;
  const want = body.split("/");
  const parts = path.split("/");
  if (parts.length < want.length || (!prefix && parts.length !== want.length)) return false;
  return want.every((seg, i) => seg === "+" || seg === parts[i] || (prefix && i === want.length - 1 && parts[i].startsWith(seg)));
}

/** Where the first wildcard sits: the first "+" (any, as Vault's strings.Index), else the trailing "*", else never. */
function firstWildcard(p: string): number {
  const plus = p.indexOf("+");
  const star = p.indexOf("*");
  if (plus < 0) return star < 0 ? Number.POSITIVE_INFINITY : star;
  return star < 0 ? plus : Math.min(plus, star);
}

/** How many whole segments are "+" (the trailing "*" aside). */
function wildcardSegments(p: string): number {
  if (!p.includes("+")) return 0;
  return p.replace(/\*$/, "").split("/").filter((s) => s === "+").length;
}

/** Negative when a has lower priority than b (vault/acl.go CheckAllowedFromNonExactPaths). */
export function comparePriority(a: string, b: string): number {
  const wa = firstWildcard(a);
  const wb = firstWildcard(b);
  if (wa !== wb) return wa < wb ? -1 : 1;
  const ga = a.endsWith("*");
  const gb = b.endsWith("*");
  if (ga !== gb) return ga ? -1 : 1;
  const pa = wildcardSegments(a);
  const pb = wildcardSegments(b);
  if (pa !== pb) return pa > pb ? -1 : 1;
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return compareStrings(a, b);
}

interface RuleIndex {
  length: number;
  exact: Map<string, AclRule[]>;
  patterns: AclRule[];
}

const indexes = new WeakMap<AclRule[], RuleIndex>();

/**
 * The rules that can decide `path`: its exact rules when it has any (an exact rule wins outright),
 * else the patterns. Indexed once per rules array (again if it grew): the large policies (ESO's,
 * the pipeline's) are mostly exact rules, and the checks and the review look up thousands of paths.
 */
function candidates(rules: AclRule[], path: string): AclRule[] {
  let index = indexes.get(rules);
  if (index?.length !== rules.length) {
    index = { length: rules.length, exact: new Map(), patterns: [] };
    for (const r of rules) {
      if (r.path.includes("+") || r.path.endsWith("*")) index.patterns.push(r);
      else if (index.exact.has(r.path)) index.exact.get(r.path)!.push(r);
      else index.exact.set(r.path, [r]);
    }
    indexes.set(rules, index);
  }
  return index.exact.get(path) ?? index.patterns;
}

/** Capabilities granted on `path` by the union of the given rules (from one or several policies). */
export function capabilitiesFor(rules: AclRule[], path: string): Set<string> {
  const pool = candidates(rules, path);
  const winner = winningIn(pool, path);
  if (winner === undefined) return new Set();
  const caps = new Set(pool.filter((r) => r.path === winner).flatMap((r) => r.capabilities));
  return caps.has("deny") ? new Set(["deny"]) : caps;
}

/** The pattern Vault applies to `path` (an exact rule, else the highest-priority match), or undefined when none matches. */
export function winningPattern(rules: AclRule[], path: string): string | undefined {
  return winningIn(candidates(rules, path), path);
}

function winningIn(rules: AclRule[], path: string): string | undefined {
  let best: string | undefined;
  for (const r of rules) if (patternMatches(r.path, path) && (best === undefined || comparePriority(r.path, best) > 0)) best = r.path;
  return best;
}

export function allows(rules: AclRule[], path: string, capability: string): boolean {
  const caps = capabilitiesFor(rules, path);
  return !caps.has("deny") && caps.has(capability);
}
