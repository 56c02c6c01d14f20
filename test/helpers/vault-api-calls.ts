import type { StackJson } from "./vault-stack";

/**
 * The Vault API requests hashicorp/vault provider 5.8.0 makes for each resource of a synthesized
 * Vault stack, written out from the provider's source (vault/resource_*.go, internal/identity/mfa,
 * util/mountutil; Vault >= 1.11, so PKI uses the multi-issuer paths): what `terraform apply` needs
 * the applying token to be allowed. A resource type missing here fails the test that uses it, so a
 * new resource in the stack cannot skip the proof.
 *
 * Capabilities are Vault's: a write (POST/PUT) is `update`, or `create` where the path has an
 * existence check and the object is new; both are listed as `write` and both must be allowed.
 * `sudo` marks Vault's root-protected paths (sys/auth/*, sys/audit, sys/audit/*,
 * sys/config/auditing/*).
 */
export type Phase = "refresh" | "create" | "update" | "delete";
export interface ApiCall {
  resource: string;
  phase: Phase;
  op: "read" | "write" | "delete" | "list";
  path: string;
  sudo?: boolean;
}

type Args = Record<string, unknown>;

/** `${vault_mount.kv_mount.path}` → the referenced resource's literal path argument. */
function resolve(stack: StackJson, value: unknown): string {
  const text = String(value);
  const ref = /^\$\{(vault_[a-z_]+)\.([a-z0-9_]+)\.(path|name)\}$/.exec(text);
  if (!ref) return text;
  const target = stack.resource[ref[1]]?.[ref[2]];
  if (!target) throw new Error(`unresolved reference ${text}`);
  return String(target[ref[3]]);
}

const mountCalls = (path: string): Omit<ApiCall, "resource">[] => [
  { phase: "create", op: "write", path: `sys/mounts/${path}` },
  { phase: "refresh", op: "read", path: `sys/mounts/${path}` },
  { phase: "update", op: "write", path: `sys/mounts/${path}/tune` },
  { phase: "delete", op: "delete", path: `sys/mounts/${path}` },
];

const authCalls = (path: string): Omit<ApiCall, "resource">[] => [
  { phase: "create", op: "write", path: `sys/auth/${path}`, sudo: true },
  { phase: "refresh", op: "read", path: `sys/auth/${path}`, sudo: true },
  { phase: "refresh", op: "read", path: `sys/mounts/auth/${path}/tune` },
  { phase: "update", op: "write", path: `sys/mounts/auth/${path}/tune` },
  { phase: "delete", op: "delete", path: `sys/auth/${path}`, sudo: true },
];

const crud = (path: string, sudo = false): Omit<ApiCall, "resource">[] => [
  { phase: "create", op: "write", path, sudo },
  { phase: "refresh", op: "read", path, sudo },
  { phase: "update", op: "write", path, sudo },
  { phase: "delete", op: "delete", path, sudo },
];

/** Settings objects the provider writes and reads but never deletes (their delete is a no-op or a write of defaults). */
const settings = (path: string): Omit<ApiCall, "resource">[] => [
  { phase: "create", op: "write", path },
  { phase: "refresh", op: "read", path },
  { phase: "update", op: "write", path },
];

const CALLS: Record<string, (a: Args, stack: StackJson) => Omit<ApiCall, "resource">[]> = {
  vault_mount: (a) => mountCalls(String(a.path)),
  vault_auth_backend: (a) => authCalls(String(a.path)),
  vault_jwt_auth_backend: (a) => [...authCalls(String(a.path)), ...settings(`auth/${a.path}/config`)],
  vault_policy: (a) => crud(`sys/policies/acl/${a.name}`),
  vault_password_policy: (a) => crud(`sys/policies/password/${a.name}`),
  vault_audit: (a) => [
    { phase: "create", op: "write", path: `sys/audit/${a.path}`, sudo: true },
    { phase: "refresh", op: "read", path: "sys/audit", sudo: true },
    { phase: "delete", op: "delete", path: `sys/audit/${a.path}`, sudo: true },
  ],
  vault_audit_request_header: (a) => crud(`sys/config/auditing/request-headers/${a.name}`, true),
  vault_raft_autopilot: () => settings("sys/storage/raft/autopilot/configuration"),
  vault_kv_secret_backend_v2: (a, s) => settings(`${resolve(s, a.mount)}/config`),
  vault_generic_endpoint: (a) => [
    { phase: "create", op: "write", path: String(a.path) },
    { phase: "update", op: "write", path: String(a.path) },
    ...(a.disable_read ? [] : [{ phase: "refresh" as const, op: "read" as const, path: String(a.path) }]),
    ...(a.disable_delete ? [] : [{ phase: "delete" as const, op: "delete" as const, path: String(a.path) }]),
  ],
  vault_kubernetes_auth_backend_config: (a, s) => settings(`auth/${resolve(s, a.backend)}/config`),
  vault_kubernetes_auth_backend_role: (a, s) => crud(`auth/${resolve(s, a.backend)}/role/${a.role_name}`),
  vault_aws_auth_backend_client: (a, s) => crud(`auth/${resolve(s, a.backend)}/config/client`),
  vault_aws_auth_backend_role: (a, s) => crud(`auth/${resolve(s, a.backend)}/role/${a.role}`),
  vault_approle_auth_backend_role: (a, s) => [
    ...crud(`auth/${resolve(s, a.backend)}/role/${a.role_name}`),
    { phase: "refresh", op: "read", path: `auth/${resolve(s, a.backend)}/role/${a.role_name}/role-id` },
  ],
  vault_jwt_auth_backend_role: (a, s) => crud(`auth/${resolve(s, a.backend)}/role/${a.role_name}`),
  vault_database_secret_backend_connection: (a, s) => crud(`${resolve(s, a.backend)}/config/${a.name}`),
  vault_database_secret_backend_role: (a, s) => crud(`${resolve(s, a.backend)}/roles/${a.name}`),
  // The PKI hierarchy: created once; its refresh only reads the mount.
  vault_pki_secret_backend_root_cert: (a, s) => [
    { phase: "create", op: "write", path: `${resolve(s, a.backend)}/issuers/generate/root/${a.type}` },
    { phase: "refresh", op: "read", path: `sys/mounts/${resolve(s, a.backend)}` },
    { phase: "delete", op: "delete", path: `${resolve(s, a.backend)}/issuer/00000000-0000-4000-8000-000000000000` },
  ],
  vault_pki_secret_backend_intermediate_cert_request: (a, s) => [{ phase: "create", op: "write", path: `${resolve(s, a.backend)}/issuers/generate/intermediate/${a.type}` }],
  vault_pki_secret_backend_root_sign_intermediate: (a, s) => [{ phase: "create", op: "write", path: `${resolve(s, a.backend)}/root/sign-intermediate` }],
  vault_pki_secret_backend_intermediate_set_signed: (a, s) => [
    { phase: "create", op: "write", path: `${resolve(s, a.backend)}/intermediate/set-signed` },
    { phase: "refresh", op: "read", path: `sys/mounts/${resolve(s, a.backend)}` },
  ],
  vault_pki_secret_backend_config_urls: (a, s) => settings(`${resolve(s, a.backend)}/config/urls`),
  vault_pki_secret_backend_crl_config: (a, s) => settings(`${resolve(s, a.backend)}/config/crl`),
  // Its delete is a no-op (resource_pki_secret_backend_config_issuers.go).
  vault_pki_secret_backend_config_issuers: (a, s) => settings(`${resolve(s, a.backend)}/config/issuers`),
  vault_pki_secret_backend_config_auto_tidy: (a, s) => settings(`${resolve(s, a.backend)}/config/auto-tidy`),
  vault_pki_secret_backend_role: (a, s) => crud(`${resolve(s, a.backend)}/roles/${a.name}`),
  vault_transit_secret_backend_key: (a, s) => [
    ...settings(`${resolve(s, a.backend)}/keys/${a.name}`),
    { phase: "create", op: "write", path: `${resolve(s, a.backend)}/keys/${a.name}/config` },
    { phase: "update", op: "write", path: `${resolve(s, a.backend)}/keys/${a.name}/config` },
    { phase: "delete", op: "delete", path: `${resolve(s, a.backend)}/keys/${a.name}` },
  ],
  // Vault assigns the method id on create; later calls name it.
  vault_identity_mfa_totp: () => [
    { phase: "create", op: "write", path: "identity/mfa/method/totp" },
    { phase: "refresh", op: "read", path: "identity/mfa/method/totp/0b7a3c6e-0000-4000-8000-000000000000" },
    { phase: "update", op: "write", path: "identity/mfa/method/totp/0b7a3c6e-0000-4000-8000-000000000000" },
    { phase: "delete", op: "delete", path: "identity/mfa/method/totp/0b7a3c6e-0000-4000-8000-000000000000" },
  ],
  // Terraform's own resource: state only, no Vault request.
  terraform_data: () => [],
  vault_identity_mfa_login_enforcement: (a) => crud(`identity/mfa/login-enforcement/${a.name}`),
};

/** The provider's own requests before any resource (internal/provider/meta.go): token lookup and its child token. */
export const PROVIDER_CALLS: ApiCall[] = [
  { resource: "provider", phase: "refresh", op: "read", path: "auth/token/lookup-self" },
  { resource: "provider", phase: "refresh", op: "write", path: "auth/token/create" },
];

export function apiCalls(stack: StackJson): ApiCall[] {
  const calls: ApiCall[] = [...PROVIDER_CALLS];
  for (const [type, resources] of Object.entries(stack.resource)) {
    const derive = CALLS[type];
    if (!derive) throw new Error(`no API calls known for ${type}: add them from hashicorp/vault provider 5.8.0's source`);
    for (const [name, args] of Object.entries(resources)) {
      for (const c of derive(args, stack)) calls.push({ resource: `${type}.${name}`, ...c });
    }
  }
  return calls;
}
