import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTestCa } from "./helpers/certificates";
import { type Pg, startPostgres } from "./helpers/postgres";
import { referenceCopy } from "./helpers/synth";
import { byArg, synthStacks } from "./helpers/vault-stack";

/**
 * (issue 7.6) Vault verifies the database server with what the connection renders: the host and
 * sslmode of connection_url, and tls_ca as the only trusted roots. A throwaway PostgreSQL serves
 * TLS with a certificate for postgres.dev.shop.internal issued by a test CA; the spec carries that
 * CA. psql (libpq) stands in for Vault's pgx: both implement verify-full as "chain to the given
 * roots, and the certificate names the host". Without tls_ca, pgx trusts the system roots, here
 * the machine's bundle (/etc/ssl/certs/ca-certificates.crt), as in Vault's image.
 */
const SYSTEM_ROOTS = "/etc/ssl/certs/ca-certificates.crt";
const ADMIN_PASSWORD = "bootstrap-Password-1";

interface Rendered {
  host: string;
  database: string;
  sslmode: string;
  tlsCa: string;
}

describe("database TLS: the rendered connection verifies the real server", () => {
  let pg: Pg;
  let dir: string;
  let dev: Rendered;
  let staging: Rendered;

  beforeAll(async () => {
    const ca = makeTestCa("vep test database CA");
    const spec = referenceCopy();
    spec.sharedServices![0].caCertificate = ca.certificatePem;
    const conns = byArg(synthStacks(spec).vault, "vault_database_secret_backend_connection", "name");
    const rendered = (name: string): Rendered => {
      const pgConf = conns[name].postgresql as { connection_url: string; tls_ca?: string };
      const url = new URL(pgConf.connection_url.replace("{{username}}:{{password}}", "u:p"));
      return { host: url.hostname, database: url.pathname.slice(1), sslmode: url.searchParams.get("sslmode")!, tlsCa: String(pgConf.tls_ca) };
    };
    dev = rendered("dev-users");
    staging = rendered("staging-users");

    pg = await startPostgres({ tls: ca.issueServer("postgres.dev.shop.internal") });
    pg.superuser(`CREATE ROLE vault LOGIN PASSWORD '${ADMIN_PASSWORD}'; CREATE DATABASE users OWNER vault;`);
    dir = mkdtempSync(join(tmpdir(), "vep-pgtls-"));
  }, 120_000);

  afterAll(() => {
    pg?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Connects as Vault's admin user to 127.0.0.1, verifying the server as `host` with `roots`. */
  const connectAs = (r: Rendered, roots: string, host = r.host) => {
    const rootsFile = join(dir, `roots-${Math.random().toString(36).slice(2)}.pem`);
    writeFileSync(rootsFile, roots);
    const conninfo = `host=${host} hostaddr=127.0.0.1 port=${pg.port} dbname=${r.database} user=vault sslmode=${r.sslmode} sslrootcert=${rootsFile} connect_timeout=10`;
    return pg.connect(conninfo, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid();", ADMIN_PASSWORD);
  };

  it("renders the dev connection as verify-full to postgres.dev.shop.internal/users with a CA", () => {
    expect(dev).toMatchObject({ host: "postgres.dev.shop.internal", database: "users", sslmode: "verify-full" });
    expect(dev.tlsCa).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
  });

  it("with the rendered tls_ca, the handshake verifies and the session is encrypted", () => {
    const r = connectAs(dev, dev.tlsCa);
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe("t");
  });

  it("with only the system roots (what pgx uses without tls_ca), the private CA's server is rejected", () => {
    expect(existsSync(SYSTEM_ROOTS), `${SYSTEM_ROOTS} (ca-certificates) is missing`).toBe(true);
    const r = connectAs(dev, readFileSync(SYSTEM_ROOTS, "utf8"));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/certificate verify failed/);
  });

  it("verify-full still checks the host name: the staging connection's host does not match the dev server's certificate", () => {
    expect(staging.host).toBe("postgres.staging.shop.internal");
    const r = connectAs(staging, staging.tlsCa);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/does not match host name "postgres\.staging\.shop\.internal"/);
  });
});
