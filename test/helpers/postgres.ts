import { type SpawnSyncReturns, spawn, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";

/**
 * A throwaway PostgreSQL cluster for one test file: a fresh data directory, a private unix-socket
 * directory and no TCP listener (`listen_addresses = ''`). The bootstrap superuser `postgres`
 * connects with `trust` over the socket; every other user must authenticate with
 * `scram-sha-256`, so a wrong password really fails. Nothing is fetched from the network.
 *
 * Binaries come from `/usr/lib/postgresql/<version>/bin` (the highest version installed, or
 * VAULT_EKS_PG_BIN). When the tests run as root, `initdb` and `pg_ctl` run as the `postgres`
 * OS user (`runuser -u postgres --`); otherwise directly as the current user.
 *
 * With `tls`, the server also listens on 127.0.0.1 (a free port) and accepts TCP only over TLS
 * (`hostssl`, scram-sha-256) with the given certificate: for tests of how clients verify it.
 */
export const PG_BIN_ENV = "VAULT_EKS_PG_BIN";
const PG_ROOT = "/usr/lib/postgresql";
const SUPERUSER = "postgres";
const DEFAULT_PORT = 5432;

export interface PsqlResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface ConnectAs {
  user: string;
  /** Sent as PGPASSWORD; omit for the trusted superuser. */
  password?: string;
  database: string;
}

export interface BackgroundSession {
  /** application_name of the session, to find it in pg_stat_activity. */
  applicationName: string;
  /** Resolves when the psql process ends (never rejects). */
  exited: Promise<PsqlResult>;
  running(): boolean;
  /** Waits for the process to end; rejects if it is still running after timeoutMs. */
  waitForExit(timeoutMs: number): Promise<PsqlResult>;
  /** Kills the psql client (cleanup); the server ends the backend when the socket closes. */
  kill(): void;
}

export interface StartOptions {
  tls?: { certificatePem: string; privateKeyPem: string };
}

export interface Pg {
  /** Major version of the server binaries, e.g. 15. */
  version: number;
  socketDir: string;
  /** The socket's port number; with `tls`, also the TCP port on 127.0.0.1. */
  port: number;
  /** Runs SQL through psql with a complete libpq connection string (TCP and TLS settings included); never throws. */
  connect(conninfo: string, sql: string, password?: string): PsqlResult;
  /** Runs SQL (any number of statements, each autocommitted) through psql; never throws on SQL errors. */
  psql(sql: string, as: ConnectAs): PsqlResult;
  /** Runs `sql` as the trusted superuser `postgres`; throws if it fails (setup only). */
  superuser(sql: string, database?: string): string;
  /**
   * Runs statements in ONE transaction, as Vault does: BEGIN, every statement, COMMIT; the first
   * failing statement stops the run and the transaction is rolled back. Never throws.
   */
  transaction(statements: string[], as: ConnectAs): PsqlResult;
  /** Like transaction(), without blocking: for operations Vault runs concurrently. */
  transactionAsync(statements: string[], as: ConnectAs): Promise<PsqlResult>;
  /** Starts a long-running session (e.g. `SELECT pg_sleep(60)`) and resolves once its backend runs the query. */
  background(sql: string, as: ConnectAs, opts?: { timeoutMs?: number }): Promise<BackgroundSession>;
  /** Stops the server (immediate) and removes its directories; safe to call twice. */
  stop(): void;
}

function pgBinDir(): { bin: string; version: number } {
  const override = process.env[PG_BIN_ENV];
  if (override) {
    if (!existsSync(join(override, "initdb"))) throw new Error(`${PG_BIN_ENV}=${override} holds no initdb`);
    const v = spawnSync(join(override, "initdb"), ["--version"], { encoding: "utf8" }).stdout.match(/(\d+)/);
    return { bin: override, version: v ? Number(v[1]) : 0 };
  }
  const versions = existsSync(PG_ROOT)
    ? readdirSync(PG_ROOT)
        .filter((d) => /^\d+$/.test(d) && existsSync(join(PG_ROOT, d, "bin", "initdb")) && existsSync(join(PG_ROOT, d, "bin", "pg_ctl")))
        .map(Number)
        .sort((a, b) => b - a)
    : [];
  if (versions.length === 0) {
    throw new Error(
      `no PostgreSQL server binaries under ${PG_ROOT}/<version>/bin (initdb, pg_ctl): install them with ` +
        "`apt-get install postgresql` (PostgreSQL 15 or later), or set " +
        `${PG_BIN_ENV} to a directory holding initdb, pg_ctl and psql. The PostgreSQL tests never skip.`,
    );
  }
  return { bin: join(PG_ROOT, String(versions[0]), "bin"), version: versions[0] };
}

/** The environment of every client and server process: no inherited PG* settings, no ~/.pgpass, UTC. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("PG")) env[k] = v;
  return { ...env, PGPASSFILE: "/nonexistent/.pgpass", PGSERVICEFILE: "/nonexistent/.pg_service.conf", PGSYSCONFDIR: "/nonexistent", PGTZ: "UTC", LC_ALL: "C.UTF-8", ...extra };
}

function result(r: SpawnSyncReturns<string>): PsqlResult {
  if (r.error) return { status: null, stdout: r.stdout ?? "", stderr: `${r.stderr ?? ""}${String(r.error)}` };
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export async function startPostgres(opts: StartOptions = {}): Promise<Pg> {
  const { bin, version } = pgBinDir();
  // A TCP listener must not collide with other servers on the machine; a socket-only one keeps 5432.
  const PORT = opts.tls ? await freePort() : DEFAULT_PORT;
  const asRoot = process.getuid?.() === 0;
  let uid = -1;
  let gid = -1;
  if (asRoot) {
    const id = spawnSync("id", ["-u", SUPERUSER], { encoding: "utf8" });
    const gidR = spawnSync("id", ["-g", SUPERUSER], { encoding: "utf8" });
    if (id.status !== 0) throw new Error(`running as root, but there is no "${SUPERUSER}" OS user to run the server as (apt-get install postgresql creates it)`);
    uid = Number(id.stdout.trim());
    gid = Number(gidR.stdout.trim());
  }
  // Unix socket paths are limited to 107 bytes: keep the directory short.
  const base = mkdtempSync(join(tmpdir().length > 60 ? "/tmp" : tmpdir(), "vep-pg-"));
  const data = join(base, "data");
  const socketDir = join(base, "sock");
  mkdirSync(socketDir, { mode: 0o700 });
  if (asRoot) {
    chownSync(base, uid, gid);
    chownSync(socketDir, uid, gid);
  }
  const logFile = join(base, "server.log");
  const serverEnv = cleanEnv({});

  /** Runs a server binary as the postgres OS user (as root) or as ourselves. */
  const server = (cmd: string, args: string[]) => {
    const [file, argv] = asRoot ? ["runuser", ["-u", SUPERUSER, "--", join(bin, cmd), ...args]] : [join(bin, cmd), args];
    const r = spawnSync(file, argv, { cwd: base, env: serverEnv, encoding: "utf8" });
    return result(r);
  };

  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    process.removeListener("exit", stop);
    if (existsSync(join(data, "postmaster.pid"))) server("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
    rmSync(base, { recursive: true, force: true });
  };
  // If the test process dies without its afterAll, do not leave a server behind.
  process.on("exit", stop);

  try {
    const owner = asRoot ? SUPERUSER : userInfo().username;
    const init = server("initdb", ["-D", data, "-U", SUPERUSER, "-E", "UTF8", "--locale=C.UTF-8", "--auth-local=trust", "--auth-host=reject", "--no-sync", "--no-instructions"]);
    if (init.status !== 0) throw new Error(`initdb (as ${owner}) failed:\n${init.stdout}${init.stderr}`);

    // Root writes the files; they keep the owner and mode initdb gave them.
    writeFileSync(
      join(data, "pg_hba.conf"),
      [
        "# TYPE  DATABASE  USER      METHOD",
        `local   all       ${SUPERUSER}  trust`,
        "local   all       all       scram-sha-256",
        ...(opts.tls ? ["hostssl all       all       127.0.0.1/32  scram-sha-256"] : []),
        "",
      ].join("\n"),
    );
    writeFileSync(
      join(data, "postgresql.auto.conf"),
      [
        opts.tls ? "listen_addresses = '127.0.0.1'" : "listen_addresses = ''",
        ...(opts.tls ? ["ssl = on", "ssl_cert_file = 'server.crt'", "ssl_key_file = 'server.key'"] : []),
        `unix_socket_directories = '${socketDir}'`,
        `port = ${PORT}`,
        "password_encryption = 'scram-sha-256'",
        "fsync = off",
        "synchronous_commit = off",
        "full_page_writes = off",
        "max_connections = 50",
        "shared_buffers = '16MB'",
        "timezone = 'UTC'",
        "",
      ].join("\n"),
    );
    if (opts.tls) {
      writeFileSync(join(data, "server.crt"), opts.tls.certificatePem);
      writeFileSync(join(data, "server.key"), opts.tls.privateKeyPem, { mode: 0o600 });
      // The server refuses a key another user can read, and must own what it reads.
      if (asRoot) for (const f of ["server.crt", "server.key"]) chownSync(join(data, f), uid, gid);
    }
    const start = server("pg_ctl", ["-D", data, "-l", logFile, "-w", "-t", "60", "start"]);
    if (start.status !== 0) {
      const log = spawnSync("cat", [logFile], { encoding: "utf8" }).stdout;
      throw new Error(`pg_ctl start failed:\n${start.stdout}${start.stderr}\nserver log:\n${log}`);
    }
  } catch (e) {
    stop();
    throw e;
  }

  const psqlArgs = (as: ConnectAs, extra: string[]) => ["-X", "-q", "-w", "-v", "ON_ERROR_STOP=1", "-At", "-U", as.user, "-d", as.database, ...extra];
  const clientEnv = (as: ConnectAs, appName = "vep-test") =>
    cleanEnv({ PGHOST: socketDir, PGPORT: String(PORT), PGAPPNAME: appName, ...(as.password !== undefined ? { PGPASSWORD: as.password } : {}) });

  const psql = (sql: string, as: ConnectAs): PsqlResult =>
    result(spawnSync(join(bin, "psql"), psqlArgs(as, ["-f", "-"]), { input: sql, env: clientEnv(as), encoding: "utf8" }));

  const transaction = (statements: string[], as: ConnectAs): PsqlResult =>
    result(spawnSync(join(bin, "psql"), psqlArgs(as, ["--single-transaction", "-f", "-"]), { input: statements.join("\n") + "\n", env: clientEnv(as), encoding: "utf8" }));

  const transactionAsync = (statements: string[], as: ConnectAs): Promise<PsqlResult> =>
    new Promise((resolve) => {
      const child = spawn(join(bin, "psql"), psqlArgs(as, ["--single-transaction", "-f", "-"]), { env: clientEnv(as), stdio: ["pipe", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("error", (e) => resolve({ status: null, stdout, stderr: stderr + String(e) }));
      child.on("close", (status) => resolve({ status, stdout, stderr }));
      child.stdin.end(statements.join("\n") + "\n");
    });

  const superuser = (sql: string, database = "postgres"): string => {
    const r = psql(sql, { user: SUPERUSER, database });
    if (r.status !== 0) throw new Error(`superuser SQL failed (status ${r.status}): ${r.stderr}\n--- SQL:\n${sql}`);
    return r.stdout;
  };

  let sessions = 0;
  const background = async (sql: string, as: ConnectAs, opts: { timeoutMs?: number } = {}): Promise<BackgroundSession> => {
    const applicationName = `vep-bg-${process.pid}-${++sessions}`;
    const child = spawn(join(bin, "psql"), psqlArgs(as, ["-c", sql]), { env: clientEnv(as, applicationName), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let done = false;
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<PsqlResult>((resolve) => {
      child.on("error", (e) => {
        done = true;
        resolve({ status: null, stdout, stderr: stderr + String(e) });
      });
      child.on("close", (status) => {
        done = true;
        resolve({ status, stdout, stderr });
      });
    });
    const session: BackgroundSession = {
      applicationName,
      exited,
      running: () => !done,
      waitForExit: (timeoutMs) => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`session ${applicationName} still running after ${timeoutMs} ms`)), timeoutMs);
        });
        return Promise.race([exited, timeout]).finally(() => clearTimeout(timer));
      },
      kill: () => {
        if (!done) child.kill("SIGKILL");
      },
    };
    // Ready when the backend is running the query (seen by the superuser in pg_stat_activity).
    const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
    for (;;) {
      const seen = superuser(`SELECT count(*) FROM pg_stat_activity WHERE application_name = '${applicationName}' AND state = 'active';`).trim();
      if (seen === "1") return session;
      if (done || Date.now() > deadline) {
        session.kill();
        const r = await exited;
        throw new Error(`background session as ${as.user} did not start (status ${r.status}): ${r.stderr}`);
      }
      await new Promise((res) => setTimeout(res, 50));
    }
  };

  const connect = (conninfo: string, sql: string, password?: string): PsqlResult =>
    result(spawnSync(join(bin, "psql"), ["-X", "-q", "-w", "-v", "ON_ERROR_STOP=1", "-At", "-d", conninfo, "-c", sql], { env: cleanEnv(password !== undefined ? { PGPASSWORD: password } : {}), encoding: "utf8" }));

  return { version, socketDir, port: PORT, connect, psql, superuser, transaction, transactionAsync, background, stop };
}
