import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { find, synthDist } from "./helpers/dist";
import { referenceCopy } from "./helpers/synth";

/**
 * The rendered PrometheusRule, checked and evaluated by Prometheus's own promtool: `check rules`
 * parses every expression; `test rules` feeds synthetic series (values written out below) and
 * requires exactly the expected alerts, for the audit-volume and served-certificate alerts.
 */

type Obj = Record<string, any>;
let dir: string;
let rules: Obj[];

function promtool(args: string[]) {
  const r = spawnSync("promtool", args, { cwd: dir, encoding: "utf8" });
  if (r.error) throw new Error(`promtool is needed (apt-get install prometheus): ${r.error.message}`);
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

beforeAll(() => {
  const rule = find(synthDist(referenceCopy()).objects, "PrometheusRule", "vault", "vault");
  dir = mkdtempSync(join(tmpdir(), "vep-promtool-"));
  writeFileSync(join(dir, "rules.yaml"), stringify({ groups: rule.spec.groups }));
  rules = rule.spec.groups.flatMap((g: Obj) => g.rules);
});

/** The alert as Prometheus will label and annotate it (annotations are the rule's own text). */
function expected(alert: string, labels: Record<string, string>) {
  const r = rules.find((x) => x.alert === alert)!;
  const annotations = Object.fromEntries(Object.entries(r.annotations as Record<string, string>).map(([k, v]) => [k, v.replace(/\{\{ \$labels\.(\w+) \}\}/g, (_m, l) => labels[l] ?? "")]));
  return { exp_labels: { severity: r.labels.severity, ...labels }, exp_annotations: annotations };
}

function runTests(tests: Obj[]) {
  writeFileSync(join(dir, "tests.yaml"), stringify({ rule_files: ["rules.yaml"], evaluation_interval: "1m", tests }));
  return promtool(["test", "rules", "tests.yaml"]);
}

const DAY = 86400;

describe("PrometheusRule under promtool", () => {
  it("every expression parses (promtool check rules)", () => {
    const r = promtool(["check", "rules", "rules.yaml"]);
    expect(r.out).toContain("SUCCESS");
    expect(r.ok, r.out).toBe(true);
  });

  it("audit volume: fires for an audit claim under 10% free, not for a roomy one, the data claim or another namespace", () => {
    const vol = (ns: string, pvc: string, available: number) => [
      { series: `kubelet_volume_stats_available_bytes{namespace="${ns}",persistentvolumeclaim="${pvc}",job="kubelet"}`, values: `${available}x20` },
      { series: `kubelet_volume_stats_capacity_bytes{namespace="${ns}",persistentvolumeclaim="${pvc}",job="kubelet"}`, values: "1000x20" },
    ];
    const r = runTests([
      {
        interval: "1m",
        input_series: [...vol("vault", "audit-vault-0", 50), ...vol("vault", "audit-vault-1", 300), ...vol("vault", "data-vault-0", 10), ...vol("other", "audit-vault-0", 10)],
        alert_rule_test: [
          { eval_time: "3m", alertname: "VaultAuditVolumeAlmostFull", exp_alerts: [] },
          { eval_time: "10m", alertname: "VaultAuditVolumeAlmostFull", exp_alerts: [expected("VaultAuditVolumeAlmostFull", { persistentvolumeclaim: "audit-vault-0" })] },
        ],
      },
    ]);
    expect(r.ok, r.out).toBe(true);
  });

  it("audit write failures: any increase of either failure counter fires at once; flat counters do not", () => {
    const r = runTests([
      {
        interval: "1m",
        input_series: [
          { series: 'vault_audit_log_request_failure{namespace="vault",pod="vault-0"}', values: "0x5 1x5" },
          { series: 'vault_audit_log_response_failure{namespace="vault",pod="vault-1"}', values: "0x10" },
        ],
        alert_rule_test: [
          { eval_time: "4m", alertname: "VaultAuditWriteFailures", exp_alerts: [] },
          { eval_time: "7m", alertname: "VaultAuditWriteFailures", exp_alerts: [expected("VaultAuditWriteFailures", {})] },
        ],
      },
    ]);
    expect(r.ok, r.out).toBe(true);
  });

  it("served certificate: stale after a renewal Vault did not load, expiring, unverifiable; silence when all is well", () => {
    const probe = (pod: string) => `{namespace="vault",job="vault-cert-probe",instance="${pod}.vault-internal.vault.svc:8200"}`;
    const renewed = 90 * DAY;
    const r = runTests([
      {
        interval: "1m",
        input_series: [
          // cert-manager renewed the Secret: it now holds a certificate valid for 90 days.
          { series: 'certmanager_certificate_expiration_timestamp_seconds{namespace="vault",name="vault-server-tls"}', values: `${renewed}x120` },
          // vault-0 reloaded it; vault-1 still serves the old one (3 days left); vault-2 fails the handshake.
          { series: `probe_ssl_earliest_cert_expiry${probe("vault-0")}`, values: `${renewed}x120` },
          { series: `probe_ssl_earliest_cert_expiry${probe("vault-1")}`, values: `${3 * DAY}x120` },
          { series: `probe_success${probe("vault-0")}`, values: "1x120" },
          { series: `probe_success${probe("vault-1")}`, values: "1x120" },
          { series: `probe_success${probe("vault-2")}`, values: "0x120" },
        ],
        alert_rule_test: [
          { eval_time: "20m", alertname: "VaultServedCertificateStale", exp_alerts: [] },
          { eval_time: "40m", alertname: "VaultServedCertificateStale", exp_alerts: [expected("VaultServedCertificateStale", { instance: "vault-1.vault-internal.vault.svc:8200" })] },
          { eval_time: "90m", alertname: "VaultServedCertificateExpiresSoon", exp_alerts: [expected("VaultServedCertificateExpiresSoon", { instance: "vault-1.vault-internal.vault.svc:8200" })] },
          { eval_time: "15m", alertname: "VaultTlsProbeFailing", exp_alerts: [expected("VaultTlsProbeFailing", { instance: "vault-2.vault-internal.vault.svc:8200" })] },
          { eval_time: "60m", alertname: "VaultCertificateProbeMissing", exp_alerts: [] },
        ],
      },
      {
        interval: "1m",
        input_series: [{ series: 'certmanager_certificate_expiration_timestamp_seconds{namespace="vault",name="vault-server-tls"}', values: `${renewed}x60` }],
        alert_rule_test: [
          { eval_time: "40m", alertname: "VaultCertificateProbeMissing", exp_alerts: [expected("VaultCertificateProbeMissing", { namespace: "vault", job: "vault-cert-probe" })] },
          { eval_time: "40m", alertname: "VaultServedCertificateStale", exp_alerts: [] },
        ],
      },
    ]);
    expect(r.ok, r.out).toBe(true);
  });
});
