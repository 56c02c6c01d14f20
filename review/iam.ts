import { asList, type Obj, show } from "./fields";

/**
 * IAM and key-policy broadening as AWS CDK's `cdk diff` defines it (aws-cdk's cloudformation-diff,
 * "IAM Statement Changes"): an added Allow statement, action, resource or principal, or a removed
 * Deny, broadens. Sharper than a text diff: a head Allow statement that some base Allow statement
 * already covers (same effect and conditions, every principal, action and resource included) adds
 * nothing; trust conditions are compared key by key, so a wildcard `sub` or a dropped `aud` is named.
 */

export interface Statement {
  sid?: string;
  effect: string;
  principals: string[];
  actions: string[];
  resources: string[];
  /** NotAction, NotResource, NotPrincipal: compared as a whole. */
  negated: string;
  condition: Record<string, Record<string, string[]>>;
}

/** Statements of a policy document (JSON text, or an object); undefined when it cannot be read. */
export function statements(doc: unknown): Statement[] | undefined {
  let parsed: Obj = doc;
  if (doc === "") return [];
  if (typeof doc === "string") {
    try {
      parsed = JSON.parse(doc);
    } catch {
      return undefined;
    }
  }
  if (parsed === undefined || parsed === null) return [];
  return asList<Obj>(parsed.Statement).map((s) => ({
    sid: s.Sid,
    effect: String(s.Effect),
    principals: principalsOf(s.Principal),
    actions: asList<string>(s.Action).sort(),
    resources: asList<string>(s.Resource).sort(),
    negated: JSON.stringify([s.NotAction, s.NotResource, s.NotPrincipal]),
    condition: Object.fromEntries(Object.entries<Obj>(s.Condition ?? {}).map(([op, kv]) => [op, Object.fromEntries(Object.entries<Obj>(kv).map(([k, v]) => [k, asList<string>(v).map(String).sort()]))])),
  }));
}

function principalsOf(p: Obj): string[] {
  if (p === undefined) return [];
  if (typeof p === "string") return [p === "*" ? "*" : p];
  return Object.entries<Obj>(p).flatMap(([kind, v]) => asList<string>(v).map((x) => (x === "*" ? "*" : `${kind}:${x}`))).sort();
}

/** IAM wildcard matching of actions and ARNs (`*` any characters, `?` one). */
const glob = (pattern: string, value: string) => new RegExp(`^${pattern.split(/([*?])/).map((p) => (p === "*" ? ".*" : p === "?" ? "." : p.replace(/[.+^${}()|[\]\\]/g, "\\$&"))).join("")}$`, "i").test(value);
const coveredBy = (outer: string[], inner: string[]) => inner.every((i) => outer.some((o) => o === i || o === "*" || glob(o, i)));

/** Every condition of the outer statement holds for the inner one: same operator and key, no value the outer does not admit. */
const conditionsCover = (outer: Statement["condition"], inner: Statement["condition"]) =>
  Object.entries(outer).every(([op, kv]) => Object.entries(kv).every(([k, v]) => inner[op]?.[k] !== undefined && inner[op][k].every((x) => v.includes(x))));

export function covers(a: Statement, b: Statement): boolean {
  return (
    a.effect === b.effect &&
    a.negated === b.negated &&
    conditionsCover(a.condition, b.condition) &&
    (a.principals.includes("*") || coveredBy(a.principals, b.principals)) &&
    coveredBy(a.actions, b.actions) &&
    coveredBy(a.resources, b.resources)
  );
}

/** Condition keys loosened from base to head: a key dropped, a value added, an exact match made a pattern. */
function loosenedConditions(base: Statement, head: Statement): string[] {
  const flat = (s: Statement) => new Map(Object.entries(s.condition).flatMap(([op, kv]) => Object.entries(kv).map(([k, v]) => [k, { op, v }] as const)));
  const b = flat(base);
  const h = flat(head);
  const out: string[] = [];
  for (const [key, was] of b) {
    const now = h.get(key);
    if (!now) out.push(`drops the ${key} condition (${was.op} ${show(was.v)})`);
    else {
      const wild = now.v.filter((v) => /[*?]/.test(v) && !was.v.includes(v));
      if (wild.length > 0) out.push(`${key} now matches the pattern ${show(wild)} (was ${was.op} ${show(was.v)})`);
      const added = now.v.filter((v) => !was.v.includes(v) && !wild.includes(v));
      if (added.length > 0) out.push(`${key} now also admits ${show(added)}`);
      if (now.op !== was.op && wild.length === 0) out.push(`${key} is now compared with ${now.op} (was ${was.op})`);
    }
  }
  return out;
}

const minus = (a: string[], b: string[]) => a.filter((x) => !b.includes(x));

/** What the head policy allows that the base did not, one line per broadening. */
export function policyBroadening(baseDoc: unknown, headDoc: unknown): string[] {
  const base = statements(baseDoc);
  const head = statements(headDoc);
  if (!base || !head) return head && !base ? ["the base policy could not be read; every statement of the head counts as added"] : ["the policy is not valid JSON: it cannot be compared"];
  const out: string[] = [];
  for (const s of head.filter((s) => s.effect === "Allow")) {
    if (base.some((b) => b.effect === "Allow" && covers(b, s))) continue;
    const was = base.find((b) => b.effect === "Allow" && s.sid !== undefined && b.sid === s.sid) ?? base.find((b) => b.effect === "Allow" && JSON.stringify(b.principals) === JSON.stringify(s.principals) && JSON.stringify(b.actions) === JSON.stringify(s.actions));
    const name = s.sid ? `statement ${s.sid}` : "a statement";
    if (!was) {
      out.push(`adds Allow ${name}: ${show(s.actions)} on ${show(s.resources.length ? s.resources : "(no resource)")}${s.principals.length ? ` for ${show(s.principals)}` : ""}`);
      continue;
    }
    const parts = [
      ...[minus(s.principals, was.principals)].filter((x) => x.length).map((x) => `adds principals ${show(x)}`),
      ...[minus(s.actions, was.actions)].filter((x) => x.length).map((x) => `adds actions ${show(x)}`),
      ...[minus(s.resources, was.resources)].filter((x) => x.length).map((x) => `adds resources ${show(x)}`),
      ...loosenedConditions(was, s),
      ...(s.negated !== was.negated ? ["changes NotAction/NotResource/NotPrincipal"] : []),
    ];
    out.push(`${name} ${parts.length ? parts.join("; ") : "allows more than before"}`);
  }
  for (const d of base.filter((s) => s.effect === "Deny")) {
    if (!head.some((h) => h.effect === "Deny" && covers(h, d))) out.push(`removes or narrows Deny ${d.sid ? `statement ${d.sid}` : "a statement"} (${show(d.actions)})`);
  }
  return out;
}
