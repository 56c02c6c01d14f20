import type { Container } from "cdk8s-plus-28/lib/imports/k8s";
import type { HousekeepingModel, VaultServerModel } from "../../model/kubernetes/types";
import { VAULT_PATHS } from "../../model/kubernetes/vault-server";
import { guaranteed } from "../resources/compute-resources";
import { RESTRICTED_CONTAINER } from "../resources/security-context";

export const HOUSEKEEPING_CONTAINER = "housekeeping";
/** A Secret volume with tls.crt only: the sidecar never sees the private key. */
export const HOUSEKEEPING_CERTIFICATE_VOLUME = "tls-certificate";

/**
 * POSIX sh for the Vault image's busybox (sh, tr, sha256sum, stat, mv, rm, sleep; kill is built in).
 * Every pass: find the Vault server in the shared process namespace; if the mounted certificate
 * changed or the audit log outgrew its limit (then rotated), send Vault one SIGHUP, which reloads
 * the listener certificate and re-opens the file audit device. A server seen for the first time is
 * never signalled (it read the current files itself, and SIGHUP before Go installs its handler
 * would kill it).
 */
export function housekeepingScript(h: HousekeepingModel): string {
  return `set -u
certificate=${h.certificateFile}
audit_file=${h.auditFile}
max_bytes=${h.maxAuditFileBytes}
keep=${h.keepAuditFiles}
interval=${h.intervalSeconds}

log() { echo "vault-housekeeping: $*"; }

# The Vault server's pid: the process whose argv starts with "${h.serverCommand}".
server_pid() {
  for proc in /proc/[0-9]*; do
    case "$(tr '\\0' ' ' 2>/dev/null < "$proc/cmdline")" in
      "${h.serverCommand} "*) echo "\${proc#/proc/}"; return 0 ;;
    esac
  done
  return 1
}

certificate_hash() { sha256sum 2>/dev/null < "$certificate"; }

# The live file becomes .1; older files shift up; the one beyond $keep is deleted.
rotate_audit_log() {
  i=$keep
  rm -f "$audit_file.$i"
  while [ "$i" -gt 1 ]; do
    j=$((i - 1))
    if [ -e "$audit_file.$j" ]; then mv -f "$audit_file.$j" "$audit_file.$i"; fi
    i=$j
  done
  mv -f "$audit_file" "$audit_file.1"
}

# Rotated files numbered above $keep (left after keep was lowered) are deleted too.
prune_audit_logs() {
  for f in "$audit_file".*; do
    n=\${f##*.}
    case "$n" in ''|*[!0-9]*) continue ;; esac
    if [ "$n" -gt "$keep" ]; then rm -f "$f"; fi
  done
}

log "watching $certificate and $audit_file (rotate above $max_bytes bytes, keep $keep) every \${interval}s"
pid=""
seen=""
while :; do
  if current=$(server_pid); then
    hash=$(certificate_hash)
    if [ "$current" != "$pid" ]; then
      pid=$current
      seen=$hash
    else
      reasons=""
      if [ -n "$hash" ] && [ "$hash" != "$seen" ]; then reasons="the listener certificate changed"; fi
      size=$(stat -c %s "$audit_file" 2>/dev/null || echo 0)
      if [ "$size" -gt "$max_bytes" ] && rotate_audit_log; then
        reasons="\${reasons:+$reasons; }the audit log reached $size bytes and was rotated"
      fi
      if [ -n "$reasons" ] && kill -s HUP "$pid"; then
        log "sent SIGHUP to vault (pid $pid): $reasons"
        seen=$hash
      fi
      prune_audit_logs
    fi
  else
    pid=""
  fi
  sleep "$interval"
done
`;
}

/**
 * The sidecar: the pinned Vault image (busybox), the Vault uid (signalling needs no capability),
 * restricted security context, no service-account token and no AWS credentials (the statefulset
 * leaves it out of both), the certificate without its key, and the audit volume.
 */
export function housekeepingContainer(vault: VaultServerModel): Container {
  return {
    name: HOUSEKEEPING_CONTAINER,
    image: vault.image,
    imagePullPolicy: "IfNotPresent",
    command: ["/bin/sh", "-c", housekeepingScript(vault.housekeeping)],
    resources: guaranteed(vault.housekeeping.resources),
    securityContext: RESTRICTED_CONTAINER,
    volumeMounts: [
      { name: HOUSEKEEPING_CERTIFICATE_VOLUME, mountPath: VAULT_PATHS.tls, readOnly: true },
      { name: "audit", mountPath: VAULT_PATHS.audit },
    ],
  };
}
