import { beforeAll, describe, expect, it } from "vitest";
import type { Synthesis } from "../lib/synthesis";
import { durationSeconds } from "../spec/primitives";
import { referenceCopy } from "./helpers/synth";
import { synthesisOf, vaultOf } from "./helpers/synthesis";

/**
 * The rotation schedule across the layers: every rotated ExternalSecret's period is read where the
 * other layers record it (the KV metadata the Vault stack writes, the database role's TTL, the PKI
 * ttl the generator asks for), its refreshInterval is never longer, and the PrometheusRule has an
 * alert whose selector matches exactly that ExternalSecret with a window of exactly that period.
 */

type Obj = Synthesis["kubernetes"]["manifests"][string];

/** Go duration (as ESO writes metav1.Duration: 1h0m0s) or Prometheus range (2160h, 90m) in seconds. */
function seconds(d: string): number {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(d);
  if (!m || d === "") throw new Error(`not a duration: ${d}`);
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

function periodsFromOtherLayers(s: Synthesis): Map<string, number> {
  const vault = vaultOf(s);
  const kvPeriods = new Map<string, string>();
  for (const r of Object.values<Obj>(vault.vault_generic_endpoint)) {
    const m = /^secret\/metadata\/(.+)$/.exec(r.path);
    if (m) kvPeriods.set(m[1], JSON.parse(r.data_json).custom_metadata.rotation_period);
  }
  const dbTtl = new Map(Object.values<Obj>(vault.vault_database_secret_backend_role).map((r) => [r.name, Number(r.default_ttl)]));
  const manifests = Object.values<Obj>(s.kubernetes.manifests);
  const generator = (ns: string, name: string) => manifests.find((m) => m.kind === "VaultDynamicSecret" && m.metadata.namespace === ns && m.metadata.name === name);
  const periods = new Map<string, number>();
  for (const es of manifests.filter((m) => m.kind === "ExternalSecret")) {
    const id = `${es.metadata.namespace}/${es.metadata.name}`;
    const kv = es.spec.data?.[0]?.remoteRef?.key;
    if (kv) periods.set(id, durationSeconds(kvPeriods.get(kv)!));
    const gen = es.spec.dataFrom?.[0]?.sourceRef?.generatorRef;
    if (gen) {
      const g = generator(es.metadata.namespace, gen.name);
      const role = /^\/database\/creds\/(.+)$/.exec(g.spec.path);
      periods.set(id, role ? dbTtl.get(role[1])! : durationSeconds(g.spec.parameters.ttl));
    }
  }
  return periods;
}

interface RotationAlert {
  namespace: string;
  names: RegExp;
  window: string;
}

/** The rotation alerts of the rendered PrometheusRule: namespace, name selector (as Prometheus anchors it) and range. */
function rotationAlerts(s: Synthesis): RotationAlert[] {
  const rule = Object.values<Obj>(s.kubernetes.manifests).find((m) => m.kind === "PrometheusRule");
  return rule.spec.groups
    .flatMap((g: Obj) => g.rules)
    .filter((r: Obj) => r.alert === "SecretNotUpdatedWithinRotationPeriod")
    .flatMap((r: Obj) => [...r.expr.matchAll(/exported_namespace="([^"]+)", condition="Ready", status="True", name=~"([^"]+)"\}\[(\w+)\]/g)])
    .map((m: RegExpMatchArray) => ({ namespace: m[1], names: new RegExp(`^(?:${m[2]})$`), window: m[3] }));
}

describe("rotation schedule (reference spec)", () => {
  let s: Synthesis;
  beforeAll(async () => {
    s = await synthesisOf(referenceCopy());
  });

  it("the periods recorded by the other layers are the schedule: API keys 90 days, JWT secrets 180 days, shared credentials 90 days, database credentials their 1 h TTL", () => {
    const p = periodsFromOtherLayers(s);
    const day = 86_400;
    expect(p.get("dev/payment-service-stripe")).toBe(90 * day);
    expect(p.get("dev/notification-service-providers")).toBe(90 * day);
    expect(p.get("production/user-service-auth")).toBe(180 * day);
    expect(p.get("staging/user-service-redis")).toBe(90 * day);
    expect(p.get("dev/payment-service-payments-db")).toBe(3600);
    expect(p.size).toBe(Object.values<Obj>(s.kubernetes.manifests).filter((m) => m.kind === "ExternalSecret").length);
  });

  it("every ExternalSecret refreshes at least once per rotation period", () => {
    const periods = periodsFromOtherLayers(s);
    const tooSlow = Object.values<Obj>(s.kubernetes.manifests)
      .filter((m) => m.kind === "ExternalSecret")
      .filter((es) => seconds(es.spec.refreshInterval) > periods.get(`${es.metadata.namespace}/${es.metadata.name}`)!)
      .map((es) => `${es.metadata.namespace}/${es.metadata.name}: ${es.spec.refreshInterval}`);
    expect(tooSlow).toEqual([]);
  });

  it("every rotated secret has exactly one alert, watching it for exactly its period", () => {
    const alerts = rotationAlerts(s);
    const problems: string[] = [];
    for (const [id, period] of periodsFromOtherLayers(s)) {
      const [ns, name] = id.split("/");
      const hits = alerts.filter((a) => a.namespace === ns && a.names.test(name));
      if (hits.length !== 1) problems.push(`${id}: ${hits.length} alerts`);
      else if (seconds(hits[0].window) !== period) problems.push(`${id}: window ${hits[0].window}, period ${period}s`);
    }
    expect(problems).toEqual([]);
    expect(alerts.map((a) => `${a.namespace} ${a.window}`)).toEqual(["dev 1h", "dev 2160h", "dev 4320h", "staging 1h", "staging 2160h", "staging 4320h", "production 1h", "production 2160h", "production 4320h"]);
  });

  it("a rotation period shorter than the refresh interval shortens the refresh, and the KV metadata records it", async () => {
    const spec = referenceCopy();
    spec.services![1].secrets![0].rotationPeriod = "30m";
    const short = await synthesisOf(spec);
    const es = Object.values<Obj>(short.kubernetes.manifests).find((m) => m.kind === "ExternalSecret" && m.metadata.namespace === "dev" && m.metadata.name === "payment-service-stripe");
    expect(es.spec.refreshInterval).toBe("30m0s");
    expect(periodsFromOtherLayers(short).get("dev/payment-service-stripe")).toBe(1800);
    expect(rotationAlerts(short).find((a) => a.namespace === "dev" && a.names.test("payment-service-stripe"))!.window).toBe("30m");
  });

  it("the schedule check fails when a refresh is longer than its period", () => {
    const manifests = structuredClone(s.kubernetes.manifests);
    const key = Object.keys(manifests).find((k) => k.endsWith("env-dev/externalsecret-payment-service-payments-db.yaml"))!;
    manifests[key].spec.refreshInterval = "2h0m0s";
    const periods = periodsFromOtherLayers(s);
    const es = manifests[key];
    expect(seconds(es.spec.refreshInterval) > periods.get("dev/payment-service-payments-db")!).toBe(true);
  });
});
