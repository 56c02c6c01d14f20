/**
 * PostgreSQL statements for Vault's database secrets engine. Vault substitutes {{name}},
 * {{password}} and {{expiration}} (and {{username}} in root rotation) before running them.
 * Identifiers are double-quoted; database names are validated identifiers (spec/schema.ts).
 */
export type DatabaseAccess = "read-write" | "read-only";

const TABLE_PRIVILEGES: Record<DatabaseAccess, string> = {
  "read-write": "SELECT, INSERT, UPDATE, DELETE",
  "read-only": "SELECT",
};
const SEQUENCE_PRIVILEGES: Record<DatabaseAccess, string> = {
  "read-write": "USAGE, SELECT",
  "read-only": "SELECT",
};

/**
 * GRANT and REVOKE rewrite the same catalog rows (the database's and schema's access lists), so
 * two at once fail with "tuple concurrently updated". Vault runs several at once (one per open
 * connection): a transaction-scoped advisory lock puts them in line.
 */
export const SERIALIZE_GRANTS = `SELECT pg_advisory_xact_lock(hashtext('vault-database-secrets'));`;

export function creationStatements(database: string, access: DatabaseAccess): string[] {
  return [
    SERIALIZE_GRANTS,
    `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}' NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 20;`,
    `GRANT CONNECT ON DATABASE "${database}" TO "{{name}}";`,
    `GRANT USAGE ON SCHEMA public TO "{{name}}";`,
    `GRANT ${TABLE_PRIVILEGES[access]} ON ALL TABLES IN SCHEMA public TO "{{name}}";`,
    `GRANT ${SEQUENCE_PRIVILEGES[access]} ON ALL SEQUENCES IN SCHEMA public TO "{{name}}";`,
  ];
}

/** Revocation ends the user's open sessions too, so a revoked credential stops working at once. */
export function revocationStatements(database: string): string[] {
  return [
    SERIALIZE_GRANTS,
    `REVOKE ALL PRIVILEGES ON ALL TABLES IN SCHEMA public FROM "{{name}}";`,
    `REVOKE ALL PRIVILEGES ON ALL SEQUENCES IN SCHEMA public FROM "{{name}}";`,
    `REVOKE USAGE ON SCHEMA public FROM "{{name}}";`,
    `REVOKE CONNECT ON DATABASE "${database}" FROM "{{name}}";`,
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{{name}}';`,
    `DROP ROLE IF EXISTS "{{name}}";`,
  ];
}

export function renewStatements(): string[] {
  return [`ALTER ROLE "{{name}}" VALID UNTIL '{{expiration}}';`];
}

export function rootRotationStatements(): string[] {
  return [`ALTER ROLE "{{username}}" WITH PASSWORD '{{password}}';`];
}

/**
 * Run once per database by a DBA (superuser or the RDS master user) before Vault is connected:
 * nobody but explicit grantees may connect, and Vault's admin user may end revoked users' sessions.
 */
export function preparationStatements(database: string, adminUsername: string): string[] {
  return [
    `REVOKE ALL ON DATABASE "${database}" FROM PUBLIC;`,
    `GRANT CONNECT ON DATABASE "${database}" TO "${adminUsername}";`,
    `GRANT pg_signal_backend TO "${adminUsername}";`,
  ];
}

/** Generated passwords: 32 alphanumeric characters (~190 bits), safe inside a DATABASE_URL without escaping. */
export const PASSWORD_POLICY_HCL = `length = 32

rule "charset" {
  charset   = "abcdefghijklmnopqrstuvwxyz"
  min-chars = 1
}

rule "charset" {
  charset   = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
  min-chars = 1
}

rule "charset" {
  charset   = "0123456789"
  min-chars = 1
}
`;
