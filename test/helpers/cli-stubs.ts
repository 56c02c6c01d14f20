import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SANDBOX_RECORD } from "./pod-sandbox";

/**
 * Stand-ins for the `vault` and `aws` CLIs inside the pod sandbox. Each call is recorded under
 * /sandbox/record/calls/NNN (program, argv one per line, environment). They behave like the real
 * CLIs on the paths the snapshot job uses and refuse everything else:
 *
 * - `vault write [-field=token] auth/<mount>/login role=<r> jwt=@<file>`: the file must hold the
 *   projected token (record/expected-jwt); prints the issued token (record/issued-token) alone
 *   with -field=token, a table otherwise. Needs VAULT_ADDR and a readable VAULT_CACERT.
 * - `vault operator raft snapshot save <path>` and `vault token revoke -self`: need VAULT_TOKEN to
 *   be the issued token ("permission denied", exit 2, otherwise); save writes snapshot bytes.
 * - `aws s3 cp <file> s3://<bucket>/<key> [options]`: copies the file to record/uploads/.
 *
 * A file record/fail-<step> (login, login-empty, snapshot, revoke, upload) makes that step fail.
 */
const COMMON = `#!/bin/sh
R=${SANDBOX_RECORD}
n=$(( $(cat "$R/counter" 2>/dev/null || echo 0) + 1 ))
echo "$n" > "$R/counter"
d="$R/calls/$(printf %03d "$n")"
mkdir -p "$d"
for a in "$@"; do printf '%s\\n' "$a"; done > "$d/argv"
env > "$d/env"
die() { echo "$2" > "$d/exit"; echo "$1" >&2; exit "$2"; }
`;

export const VAULT_STUB = `${COMMON}echo vault > "$d/program"
[ -n "\${VAULT_ADDR:-}" ] || die "Error: VAULT_ADDR is not set" 2
[ -r "\${VAULT_CACERT:-/nonexistent}" ] || die "Error: could not read VAULT_CACERT" 2
authorized() { [ -n "\${VAULT_TOKEN:-}" ] && [ "\${VAULT_TOKEN:-}" = "$(cat "$R/issued-token")" ]; }
case "$*" in
  "write "*"auth/"*"/login "*)
    field=""; jwt=""
    for a in "$@"; do
      case "$a" in -field=*) field="\${a#-field=}";; jwt=@*) jwt="$(cat "\${a#jwt=@}")" || die "Error: cannot read $a" 2;; esac
    done
    [ -e "$R/fail-login" ] && die "Error writing data to auth/kubernetes/login: Code: 403. Errors: * permission denied" 2
    [ "$jwt" = "$(cat "$R/expected-jwt")" ] || die "Error: invalid jwt" 2
    [ -e "$R/fail-login-empty" ] && exit 0
    if [ "$field" = token ]; then cat "$R/issued-token"; else printf 'Key    Value\\ntoken  %s\\n' "$(cat "$R/issued-token")"; fi
    ;;
  "operator raft snapshot save "*)
    authorized || die "Error taking the snapshot: Code: 403. Errors: * permission denied" 2
    [ -e "$R/fail-snapshot" ] && die "Error taking the snapshot: context deadline exceeded" 2
    printf 'raft-snapshot-bytes-%s' "$n" > "$5" || die "Error: cannot write $5" 1
    ;;
  "token revoke -self")
    authorized || die "Error revoking token: Code: 403. Errors: * permission denied" 2
    [ -e "$R/fail-revoke" ] && die "Error revoking token: Code: 500" 2
    printf '%s' "$VAULT_TOKEN" > "$R/revoked-token"
    echo "Success! Revoked token (if it existed)"
    ;;
  *) die "vault stub: unexpected call: $*" 1 ;;
esac
`;

export const AWS_STUB = `${COMMON}echo aws > "$d/program"
case "$1 $2" in
  "s3 cp")
    [ -r "$3" ] || die "The user-provided path $3 does not exist." 255
    [ -e "$R/fail-upload" ] && die "upload failed: $3 to $4 An error occurred (AccessDenied) when calling the PutObject operation: Access Denied" 1
    mkdir -p "$R/uploads"
    cp "$3" "$R/uploads/$n"
    ;;
  *) die "aws stub: unexpected call: $*" 252 ;;
esac
`;

export interface StubCall {
  program: string;
  argv: string[];
  env: Record<string, string>;
  exit: number;
}

/** Writes the inputs the stubs compare against and the failures to inject. */
export function primeRecord(recordDir: string, opts: { expectedJwt: string; issuedToken: string; fail?: string[] }): void {
  writeFileSync(join(recordDir, "expected-jwt"), opts.expectedJwt);
  writeFileSync(join(recordDir, "issued-token"), opts.issuedToken);
  for (const f of opts.fail ?? []) writeFileSync(join(recordDir, `fail-${f}`), "");
}

export function recordedCalls(recordDir: string): StubCall[] {
  const dir = join(recordDir, "calls");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .map((n) => {
      const read = (f: string) => (existsSync(join(dir, n, f)) ? readFileSync(join(dir, n, f), "utf8") : "");
      const env = Object.fromEntries(
        read("env")
          .split("\n")
          .filter((l) => l.includes("="))
          .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
      );
      return { program: read("program").trim(), argv: read("argv").split("\n").slice(0, -1), env, exit: Number(read("exit").trim() || 0) };
    });
}
