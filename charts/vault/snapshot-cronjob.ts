import { KubeCronJob, Quantity } from "cdk8s-plus-28/lib/imports/k8s";
import type { Construct } from "constructs";
import type { SnapshotJobModel } from "../../model/kubernetes/types";
import { CA_CONFIGMAP } from "../../model/kubernetes/external-secrets";
import { k8sNames } from "../../model/names";
import { guaranteed } from "../resources/compute-resources";
import { RESTRICTED_CONTAINER, restrictedPodSecurityContext } from "../resources/security-context";
import { SNAPSHOT_POD_LABELS } from "./pods";

const NAME = k8sNames.snapshotCronJob;
const TOKEN_DIR = "/var/run/secrets/vault";
const CA_DIR = "/etc/vault-ca";
const SNAPSHOT_DIR = "/snapshots";
const HOME = "/home/snapshot";

export interface SnapshotJobOptions {
  /** Size limit of the scratch volume holding one snapshot. */
  scratchSize: string;
}

/**
 * Logs in with a short-lived, audience-bound token (Kubernetes auth), saves a raft snapshot and
 * revokes the Vault token whatever the outcome; no root token, no token in a Secret.
 * The token is assigned, checked, then exported: `export VAR="$(cmd)"` returns export's status, so a
 * failed login would go unnoticed. It never reaches stdout or stderr.
 */
function snapshotScript(job: SnapshotJobModel): string {
  const login = `auth/${job.authMount}/login role ${job.vaultRole}`;
  return [
    "set -eu",
    `if ! token=$(vault write -field=token auth/${job.authMount}/login role=${job.vaultRole} jwt=@${TOKEN_DIR}/token); then`,
    `  echo "vault-snapshot: login failed (${login}); no snapshot taken" >&2`,
    "  exit 1",
    "fi",
    'if [ -z "$token" ]; then',
    `  echo "vault-snapshot: login returned no token (${login}); no snapshot taken" >&2`,
    "  exit 1",
    "fi",
    'VAULT_TOKEN=$token',
    "export VAULT_TOKEN",
    "unset token",
    "status=0",
    `vault operator raft snapshot save "${SNAPSHOT_DIR}/vault-$(date -u +%Y%m%dT%H%M%SZ).snap" || status=$?`,
    // A failed revoke must not discard a good snapshot: the token still expires with its TTL.
    'vault token revoke -self >/dev/null || echo "vault-snapshot: could not revoke the token; it expires with its TTL" >&2',
    'exit "$status"',
  ].join("\n");
}

function uploadScript(job: SnapshotJobModel): string {
  return [
    "set -eu",
    `set -- ${SNAPSHOT_DIR}/vault-*.snap`,
    '[ -f "$1" ] || { echo "no snapshot to upload" >&2; exit 1; }',
    // No encryption flags: the bucket's default (SSE-KMS, its own key) applies, and its policy refuses any other.
    `aws s3 cp "$1" "s3://${job.bucket}/${job.prefix}/\${1##*/}" --only-show-errors`,
  ].join("\n");
}

export function snapshotCronJob(scope: Construct, job: SnapshotJobModel, opts: SnapshotJobOptions): KubeCronJob {
  const mount = (name: string, mountPath: string, readOnly = false) => ({ name, mountPath, readOnly });
  const common = { imagePullPolicy: "IfNotPresent", securityContext: RESTRICTED_CONTAINER, command: ["/bin/sh", "-c"] };
  return new KubeCronJob(scope, `cronjob-${job.namespace}-${NAME}`, {
    metadata: { name: NAME, namespace: job.namespace, labels: { ...SNAPSHOT_POD_LABELS } },
    spec: {
      schedule: job.schedule,
      timeZone: "Etc/UTC",
      concurrencyPolicy: "Forbid",
      startingDeadlineSeconds: 300,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      suspend: false,
      jobTemplate: {
        metadata: { labels: { ...SNAPSHOT_POD_LABELS } },
        spec: {
          backoffLimit: 2,
          activeDeadlineSeconds: 1800,
          ttlSecondsAfterFinished: 86_400,
          template: {
            metadata: { labels: { ...SNAPSHOT_POD_LABELS } },
            spec: {
              serviceAccountName: job.serviceAccount.name,
              automountServiceAccountToken: false,
              enableServiceLinks: false,
              restartPolicy: "Never",
              securityContext: restrictedPodSecurityContext(100, 1000),
              initContainers: [
                {
                  ...common,
                  name: "snapshot",
                  image: job.vaultImage,
                  args: [snapshotScript(job)],
                  env: [
                    { name: "VAULT_ADDR", value: job.vaultAddress },
                    { name: "VAULT_CACERT", value: `${CA_DIR}/${CA_CONFIGMAP.key}` },
                    { name: "HOME", value: HOME },
                  ],
                  resources: guaranteed({ cpu: "250m", memory: "256Mi" }),
                  volumeMounts: [mount("vault-token", TOKEN_DIR, true), mount("vault-ca", CA_DIR, true), mount("snapshots", SNAPSHOT_DIR), mount("home", HOME), mount("tmp", "/tmp")],
                },
              ],
              containers: [
                {
                  ...common,
                  name: "upload",
                  image: job.uploaderImage,
                  args: [uploadScript(job)],
                  env: [
                    { name: "AWS_REGION", value: job.region },
                    { name: "AWS_DEFAULT_REGION", value: job.region },
                    { name: "HOME", value: HOME },
                  ],
                  resources: guaranteed({ cpu: "250m", memory: "512Mi" }),
                  volumeMounts: [mount("snapshots", SNAPSHOT_DIR, true), mount("home", HOME), mount("tmp", "/tmp")],
                },
              ],
              volumes: [
                {
                  name: "vault-token",
                  projected: { sources: [{ serviceAccountToken: { audience: job.audience, expirationSeconds: 600, path: "token" } }] },
                },
                { name: "vault-ca", configMap: { name: CA_CONFIGMAP.name, defaultMode: 0o444 } },
                { name: "snapshots", emptyDir: { sizeLimit: Quantity.fromString(opts.scratchSize) } },
                { name: "home", emptyDir: { sizeLimit: Quantity.fromString("64Mi") } },
                { name: "tmp", emptyDir: { sizeLimit: Quantity.fromString("256Mi") } },
              ],
            },
          },
        },
      },
    },
  });
}
