// Vault's server configuration language for the pinned Vault line (1.20), as the server decodes
// it: the top level (command/server/config.go Config, internalshared/configutil SharedConfig),
// listener "tcp" (configutil/listener.go), telemetry (configutil/telemetry.go), storage "raft"
// (physical/raft and the storage/raft configuration reference, retry_join included),
// seal "awskms" (the awskms seal reference) and service_registration "kubernetes". Vault only
// warns about an unknown key and then ignores it, and it coerces types loosely, so a misspelt or
// mistyped setting silently does nothing; here both fail.
//
// Input is the JSON HashiCorp's HCL parser (@cdktf/hcl2json) makes of the file: labelled blocks
// as { type: { label: [body] } }, unlabelled blocks as [body].
import { parseVaultDuration } from "./durations";

export type ArgType = "string" | "bool" | "int" | "duration" | "path" | "address" | "string-list" | "header-map" | { oneOf: string[] };

export interface BlockSchema {
  args: Record<string, ArgType>;
  /** Nested unlabelled blocks. */
  blocks?: Record<string, BlockSchema>;
  /** Nested labelled blocks, by block type, then label. */
  labelled?: Record<string, Record<string, BlockSchema>>;
  required?: string[];
}

const TLS_VERSIONS = { oneOf: ["tls10", "tls11", "tls12", "tls13"] };

const LISTENER_TCP: BlockSchema = {
  args: {
    address: "address",
    cluster_address: "address",
    purpose: "string-list",
    role: "string",
    max_request_size: "int",
    max_request_duration: "duration",
    require_request_header: "bool",
    tls_disable: "bool",
    tls_cert_file: "path",
    tls_key_file: "path",
    tls_min_version: TLS_VERSIONS,
    tls_max_version: TLS_VERSIONS,
    tls_cipher_suites: "string",
    tls_require_and_verify_client_cert: "bool",
    tls_client_ca_file: "path",
    tls_disable_client_certs: "bool",
    http_read_timeout: "duration",
    http_read_header_timeout: "duration",
    http_write_timeout: "duration",
    http_idle_timeout: "duration",
    proxy_protocol_behavior: { oneOf: ["use_always", "allow_authorized", "deny_unauthorized"] },
    proxy_protocol_authorized_addrs: "string-list",
    x_forwarded_for_authorized_addrs: "string-list",
    x_forwarded_for_hop_skips: "int",
    x_forwarded_for_reject_not_present: "bool",
    x_forwarded_for_reject_not_authorized: "bool",
    x_forwarded_for_client_cert_header: "string",
    x_forwarded_for_client_cert_header_decoders: "string",
    cors_enabled: "bool",
    cors_allowed_origins: "string-list",
    cors_allowed_headers: "string-list",
    chroot_namespace: "string",
    redact_addresses: "bool",
    redact_cluster_name: "bool",
    redact_version: "bool",
    disable_replication_status_endpoints: "bool",
    disable_request_limiter: "bool",
    max_json_depth: "int",
    max_json_string_value_length: "int",
    max_json_object_entry_count: "int",
    max_json_array_element_count: "int",
    max_json_token: "int",
    max_token_header_size: "int",
  },
  blocks: {
    // configutil/http_response_headers.go: status code ("default", "1xx".."5xx" or a code) -> header -> list of values.
    custom_response_headers: { args: Object.fromEntries(["default", "1xx", "2xx", "3xx", "4xx", "5xx"].map((k) => [k, "header-map" as const])) },
    telemetry: { args: { unauthenticated_metrics_access: "bool" } },
    profiling: { args: { unauthenticated_pprof_access: "bool" } },
    inflight_requests_logging: { args: { unauthenticated_in_flight_requests_access: "bool" } },
  },
  required: ["address"],
};

const RETRY_JOIN: BlockSchema = {
  args: {
    leader_api_addr: "string",
    auto_join: "string",
    auto_join_scheme: { oneOf: ["http", "https"] },
    auto_join_port: "int",
    leader_tls_servername: "string",
    leader_ca_cert_file: "path",
    leader_client_cert_file: "path",
    leader_client_key_file: "path",
    leader_ca_cert: "string",
    leader_client_cert: "string",
    leader_client_key: "string",
  },
};

const STORAGE_RAFT: BlockSchema = {
  args: {
    path: "path",
    node_id: "string",
    performance_multiplier: "int",
    trailing_logs: "int",
    snapshot_threshold: "int",
    snapshot_interval: "duration",
    retry_join_as_non_voter: "bool",
    max_entry_size: "int",
    max_mount_and_namespace_table_entry_size: "int",
    autopilot_reconcile_interval: "duration",
    autopilot_update_interval: "duration",
    autopilot_upgrade_version: "string",
    autopilot_redundancy_zone: "string",
    raft_wal: "bool",
    raft_log_verifier_enabled: "bool",
    raft_log_verification_interval: "duration",
    max_batch_entries: "int",
    max_batch_size: "int",
  },
  blocks: { retry_join: RETRY_JOIN },
  required: ["path"],
};

const SEAL_AWSKMS: BlockSchema = {
  args: {
    region: "string",
    access_key: "string",
    secret_key: "string",
    session_token: "string",
    kms_key_id: "string",
    endpoint: "string",
    disabled: "bool",
    name: "string",
    priority: "int",
  },
  required: ["kms_key_id"],
};

const TELEMETRY: BlockSchema = {
  args: {
    usage_gauge_period: "duration",
    maximum_gauge_cardinality: "int",
    disable_hostname: "bool",
    enable_hostname_label: "bool",
    metrics_prefix: "string",
    lease_metrics_epsilon: "duration",
    num_lease_metrics_buckets: "int",
    add_lease_metrics_namespace_labels: "bool",
    add_mount_point_rollback_metrics: "bool",
    filter_default: "bool",
    prefix_filter: "string-list",
    opentelemetry_disable: "bool",
    statsite_address: "string",
    statsd_address: "string",
    dogstatsd_addr: "string",
    dogstatsd_tags: "string-list",
    prometheus_retention_time: "duration",
    circonus_api_token: "string",
    circonus_api_app: "string",
    circonus_api_url: "string",
    circonus_submission_interval: "string",
    circonus_submission_url: "string",
    circonus_check_id: "string",
    circonus_check_force_metric_activation: "string",
    circonus_check_instance_id: "string",
    circonus_check_search_tag: "string",
    circonus_check_tags: "string",
    circonus_check_display_name: "string",
    circonus_broker_id: "string",
    circonus_broker_select_tag: "string",
    stackdriver_project_id: "string",
    stackdriver_location: "string",
    stackdriver_namespace: "string",
    stackdriver_debug_logs: "bool",
  },
};

export const VAULT_SERVER_CONFIG: BlockSchema = {
  args: {
    cluster_name: "string",
    cache_size: "int",
    disable_cache: "bool",
    disable_mlock: "bool",
    disable_printable_check: "bool",
    plugin_directory: "path",
    plugin_tmpdir: "path",
    plugin_file_uid: "int",
    plugin_file_permissions: "int",
    default_lease_ttl: "duration",
    max_lease_ttl: "duration",
    default_max_request_duration: "duration",
    detect_deadlocks: "string",
    raw_storage_endpoint: "bool",
    introspection_endpoint: "bool",
    ui: "bool",
    pid_file: "path",
    enable_response_header_hostname: "bool",
    enable_response_header_raft_node_id: "bool",
    log_level: { oneOf: ["trace", "debug", "info", "warn", "warning", "error"] },
    log_format: { oneOf: ["standard", "json"] },
    log_file: "path",
    log_rotate_duration: "duration",
    log_rotate_bytes: "int",
    log_rotate_max_files: "int",
    log_requests_level: { oneOf: ["trace", "debug", "info", "warn", "error", "off"] },
    api_addr: "string",
    cluster_addr: "string",
    cluster_cipher_suites: "string",
    disable_clustering: "bool",
    disable_performance_standby: "bool",
    disable_sealwrap: "bool",
    disable_indexing: "bool",
    disable_sentinel_trace: "bool",
    license_path: "path",
    experiments: "string-list",
    imprecise_lease_role_tracking: "bool",
    enable_post_unseal_trace: "bool",
    post_unseal_trace_directory: "path",
    administrative_namespace_path: "string",
    remove_irrevocable_lease_after: "duration",
  },
  blocks: { telemetry: TELEMETRY },
  labelled: {
    listener: { tcp: LISTENER_TCP },
    storage: { raft: STORAGE_RAFT },
    seal: { awskms: SEAL_AWSKMS },
    service_registration: { kubernetes: { args: { namespace: "string", pod_name: "string" } } },
  },
};

// Parsed HCL is plain JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export interface PathArg {
  /** e.g. listener "tcp" > tls_cert_file */
  at: string;
  path: string;
}

function typeProblem(type: ArgType, value: Json): string | undefined {
  if (typeof type === "object") return typeof value === "string" && type.oneOf.includes(value) ? undefined : `must be one of ${type.oneOf.join(", ")} (got ${JSON.stringify(value)})`;
  switch (type) {
    case "bool":
      return typeof value === "boolean" ? undefined : `must be a bool (got ${JSON.stringify(value)})`;
    case "int":
      return Number.isInteger(value) ? undefined : `must be an integer (got ${JSON.stringify(value)})`;
    case "string":
      return typeof value === "string" ? undefined : `must be a string (got ${JSON.stringify(value)})`;
    case "path":
      return typeof value === "string" && value.startsWith("/") ? undefined : `must be an absolute path (got ${JSON.stringify(value)})`;
    case "address":
      return typeof value === "string" && /^(\[[0-9a-f:.]+\]|[\w.-]+):\d{1,5}$/i.test(value) ? undefined : `must be host:port (got ${JSON.stringify(value)})`;
    case "string-list":
      return Array.isArray(value) && value.every((v) => typeof v === "string") ? undefined : `must be a list of strings (got ${JSON.stringify(value)})`;
    case "header-map": {
      const ok =
        value !== null &&
        typeof value === "object" &&
        !Array.isArray(value) &&
        Object.entries(value).every(([name, values]) => /^[A-Za-z0-9-]+$/.test(name) && !/^X-Vault-/i.test(name) && Array.isArray(values) && values.every((v) => typeof v === "string"));
      return ok ? undefined : `must map header names (never X-Vault-*) to lists of strings (got ${JSON.stringify(value)})`;
    }
    case "duration": {
      if (typeof value !== "string" && typeof value !== "number") return `must be a duration (got ${JSON.stringify(value)})`;
      const parsed = parseVaultDuration(value);
      return typeof parsed === "string" ? `must be a duration: ${parsed}` : undefined;
    }
  }
}

/** Problems of one block body against its schema; file paths are collected for the mount check. */
function checkBlock(body: Json, schema: BlockSchema, at: string, problems: string[], paths: PathArg[]): void {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    problems.push(`${at}: must be a block`);
    return;
  }
  for (const req of schema.required ?? []) if (!(req in body)) problems.push(`${at}: missing required argument "${req}"`);
  for (const [key, value] of Object.entries<Json>(body)) {
    const where = at ? `${at} > ${key}` : key;
    if (key in schema.args) {
      const type = schema.args[key]!;
      const problem = typeProblem(type, value);
      if (problem) problems.push(`${where}: ${problem}`);
      else if (type === "path") paths.push({ at: where, path: value });
    } else if (schema.blocks && key in schema.blocks) {
      const bodies = Array.isArray(value) ? value : [value];
      bodies.forEach((b: Json, i: number) => checkBlock(b, schema.blocks![key]!, bodies.length > 1 ? `${where}[${i}]` : where, problems, paths));
    } else if (schema.labelled && key in schema.labelled) {
      for (const [label, labelledBodies] of Object.entries<Json>(value)) {
        const labelSchema = schema.labelled[key]![label];
        const labelled = `${at ? `${at} > ` : ""}${key} "${label}"`;
        if (!labelSchema) {
          problems.push(`${labelled}: not a ${key} type this check knows for the pinned Vault (${Object.keys(schema.labelled[key]!).join(", ")})`);
          continue;
        }
        for (const b of labelledBodies) checkBlock(b, labelSchema, labelled, problems, paths);
      }
    } else problems.push(`${where}: unknown argument or block`);
  }
}

/** Checks parsed vault.hcl; returns the problems and every file path the configuration names. */
export function checkVaultConfig(parsed: Json): { problems: string[]; paths: PathArg[] } {
  const problems: string[] = [];
  const paths: PathArg[] = [];
  checkBlock(parsed, VAULT_SERVER_CONFIG, "", problems, paths);
  for (const single of ["storage", "seal", "telemetry", "service_registration"]) {
    const v = parsed[single];
    const count = v === undefined ? 0 : Array.isArray(v) ? v.length : Object.values<Json[]>(v).reduce((n, bodies) => n + bodies.length, 0);
    if (count > 1 && single !== "seal") problems.push(`${single}: only one block is allowed (got ${count})`);
  }
  if (!parsed.storage) problems.push("storage: missing (Vault refuses to start without a storage block)");
  if (!parsed.listener) problems.push("listener: missing");
  return { problems, paths };
}
