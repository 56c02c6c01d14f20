import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConnectAs, type Pg, startPostgres } from "./helpers/postgres";
import { modelOf, referenceCopy } from "./helpers/synth";
import { rootRotationStatements } from "../model/vault/postgres";

/**
 * The statements Vault's database secrets engine runs for the reference platform, executed by a
 * real PostgreSQL server the way Vault executes them: placeholders substituted, every statement
 * of one operation in one transaction, as the connection's admin user (owner of the database and
 * its tables) connected to the role's database. Every check logs in as the generated user and asks
 * PostgreSQL what it may do; expected values are written out.
 */

const model = modelOf(referenceCopy());
const database = model.vault.database!;
const roles = database.roles;

const ADMIN = "vault";
const DATABASES = ["payments", "users"];
const SEED: Record<string, string> = { users: "1|seed row in users", payments: "1|seed row in payments" };
const OTHER: Record<string, string> = { users: "payments", payments: "users" };

const ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
/** Like Vault's password policy: alphanumeric, 32 characters. */
function randomAlnum(n: number): string {
  return [...randomBytes(n)].map((b) => ALNUM[b % ALNUM.length]).join("");
}

/** Vault's default PostgreSQL username template: v-<display 8>-<role 8>-<random 20>-<unix time>. */
function vaultUsername(role: string): string {
  return `v-kubernet-${role.slice(0, 8)}-${randomAlnum(20)}-${Math.floor(Date.now() / 1000)}`;
}

const pad = (n: number) => String(n).padStart(2, "0");
/** Go layout "2006-01-02 15:04:05-0700": the wall time of `date` in a zone `offsetMinutes` east of UTC. */
function vaultExpiration(date: Date, offsetMinutes: number): string {
  const d = new Date(date.getTime() + offsetMinutes * 60_000);
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`
  );
}
/** How psql prints a timestamptz with TimeZone=UTC (the harness sets PGTZ=UTC). */
function utcText(date: Date): string {
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}+00`;
}

/**
 * Renders statements as Vault does: `{{key}}` replaced literally, then each statement split on
 * ";" into the queries it runs (all in one transaction).
 */
function render(statements: string[], values: Record<string, string>): string[] {
  return statements
    .map((s) => Object.entries(values).reduce((acc, [k, v]) => acc.replaceAll(`{{${k}}}`, v), s))
    .flatMap((s) => s.split(";"))
    .map((q) => q.trim())
    .filter((q) => q !== "")
    .map((q) => `${q};`);
}

/** Whole seconds: Vault's layout has no fractions. */
const inSeconds = (ms: number) => new Date(Math.floor(ms / 1000) * 1000);

let pg: Pg;
let adminPassword = randomAlnum(32);
const admin = (db: string): ConnectAs => ({ user: ADMIN, password: adminPassword, database: db });

beforeAll(async () => {
  pg = await startPostgres();
  pg.superuser(`CREATE ROLE "${ADMIN}" WITH LOGIN CREATEROLE PASSWORD '${adminPassword}';`);
  for (const db of DATABASES) pg.superuser(`CREATE DATABASE "${db}" OWNER "${ADMIN}";`);
});

afterAll(() => pg?.stop());

describe("the reference model's database roles", () => {
  it("cover read-write on payments and users and read-only on users, all through the admin user vault", () => {
    expect([...new Set(roles.map((r) => `${r.database} ${r.access}`))].sort()).toEqual(["payments read-write", "users read-only", "users read-write"]);
    expect([...new Set(database.connections.map((c) => c.adminUsername))]).toEqual([ADMIN]);
    expect([...new Set(database.connections.map((c) => c.database))].sort()).toEqual(DATABASES);
    for (const role of roles) expect(database.connections.find((c) => c.name === role.connection)?.database, role.name).toBe(role.database);
  });
});

describe("DBA preparation (as superuser) and the admin user's schema", () => {
  it("every connection's preparation statements succeed as the superuser, in one transaction", () => {
    for (const connection of database.connections) {
      const r = pg.transaction(connection.preparationStatements, { user: "postgres", database: connection.database });
      expect(r.stderr, connection.name).not.toMatch(/ERROR/);
      expect(r.status, connection.name).toBe(0);
    }
  });

  it("the admin user creates a table with a serial id and a seed row in each database", () => {
    for (const db of DATABASES) {
      const r = pg.psql(
        `CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL);
         INSERT INTO items (name) VALUES ('seed row in ${db}');
         SELECT tableowner FROM pg_tables WHERE tablename = 'items';
         SELECT id, name FROM items;`,
        admin(db),
      );
      expect(r.stderr).toBe("");
      expect(r.stdout).toBe(`vault\n${SEED[db]}\n`);
    }
  });

  it("after preparation, a plain login role can connect to neither application database", () => {
    pg.superuser(`CREATE ROLE "outsider" LOGIN PASSWORD 'outsider-pw';`);
    for (const db of DATABASES) {
      const r = pg.psql("SELECT 1;", { user: "outsider", password: "outsider-pw", database: db });
      expect(r.status, db).toBe(2);
      expect(r.stderr, db).toContain(`permission denied for database "${db}"`);
    }
    pg.superuser(`DROP ROLE "outsider";`);
  });
});

for (const role of roles) {
  describe(`role ${role.name} (${role.access} on ${role.database})`, () => {
    const name = vaultUsername(role.name);
    const password = randomAlnum(32);
    const created = inSeconds(Date.now() + 3600_000);
    const user = (db = role.database): ConnectAs => ({ user: name, password, database: db });
    const asUser = (sql: string, db?: string) => pg.psql(sql, user(db));

    it("creation statements run in one transaction as the admin user in the role's database", () => {
      const r = pg.transaction(render(role.creationStatements, { name, password, expiration: vaultExpiration(created, 0) }), admin(role.database));
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(asUser("SELECT current_user, current_database();").stdout).toBe(`${name}|${role.database}\n`);
    });

    it("the user holds no role attribute beyond LOGIN, belongs to no role, and expires when Vault said", () => {
      const r = pg.superuser(
        `SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls, rolcanlogin, rolvaliduntil FROM pg_roles WHERE rolname = '${name}';
         SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = '${name}';`,
      );
      expect(r).toBe(`f|f|f|f|f|t|${utcText(created)}\n0\n`);
    });

    it("reads the table", () => {
      const r = asUser("SELECT id, name FROM items ORDER BY id;");
      expect(r.stderr).toBe("");
      expect(r.stdout).toBe(`${SEED[role.database]}\n`);
    });

    if (role.access === "read-write") {
      it("inserts (drawing the id from the serial sequence), updates and deletes", () => {
        const r = asUser(
          `INSERT INTO items (name) VALUES ('written by app') RETURNING id > 1, name;
           UPDATE items SET name = 'updated by app' WHERE name = 'written by app' RETURNING name;
           DELETE FROM items WHERE name = 'updated by app' RETURNING name;
           SELECT id, name FROM items ORDER BY id;`,
        );
        expect(r.stderr).toBe("");
        expect(r.stdout).toBe(`t|written by app\nupdated by app\nupdated by app\n${SEED[role.database]}\n`);
      });
    } else {
      it("may not insert, update, delete or draw from the sequence", () => {
        const cases: [string, string][] = [
          ["INSERT INTO items (name) VALUES ('written by app');", "permission denied for table items"],
          ["UPDATE items SET name = 'updated by app';", "permission denied for table items"],
          ["DELETE FROM items;", "permission denied for table items"],
          ["SELECT nextval('items_id_seq');", "permission denied for sequence items_id_seq"],
        ];
        for (const [sql, error] of cases) {
          const r = asUser(sql);
          expect(r.status, sql).toBe(3);
          expect(r.stderr, sql).toContain(`ERROR:  ${error}`);
        }
        expect(pg.psql("SELECT id, name FROM items ORDER BY id;", admin(role.database)).stdout).toBe(`${SEED[role.database]}\n`);
      });
    }

    it("may not create tables in public, nor temporary tables", () => {
      const table = asUser("CREATE TABLE public.mine (x int);");
      // Were it created, it would outlive this test and block the user's DROP ROLE: remove it.
      if (table.status === 0) pg.superuser("DROP TABLE public.mine;", role.database);
      expect(table.status).toBe(3);
      expect(table.stderr).toContain("ERROR:  permission denied for schema public");
      const temp = asUser("CREATE TEMPORARY TABLE mine (x int);");
      expect(temp.status).toBe(3);
      expect(temp.stderr).toContain(`ERROR:  permission denied to create temporary tables in database "${role.database}"`);
    });

    it(`may not connect to the other application database (${OTHER[role.database]})`, () => {
      const r = asUser("SELECT 1;", OTHER[role.database]);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`FATAL:  permission denied for database "${OTHER[role.database]}"`);
    });

    it("a wrong password is refused", () => {
      const r = pg.psql("SELECT 1;", { ...user(), password: `${password}x` });
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`FATAL:  password authentication failed for user "${name}"`);
    });

    it("renew statements move the expiration (rendered in a +02:00 zone)", () => {
      const renewed = inSeconds(Date.now() + 2 * 3600_000);
      const r = pg.transaction(render(role.renewStatements, { name, expiration: vaultExpiration(renewed, 120) }), admin(role.database));
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(pg.superuser(`SELECT rolvaliduntil FROM pg_roles WHERE rolname = '${name}';`)).toBe(`${utcText(renewed)}\n`);
      expect(utcText(renewed)).not.toBe(utcText(created));
      expect(asUser("SELECT 1;").stdout).toBe("1\n");
    });

    it("revocation (one transaction, as the admin user) ends the open session and drops the user", async () => {
      const session = await pg.background("SELECT pg_sleep(60);", user());
      try {
        const r = pg.transaction(render(role.revocationStatements, { name }), admin(role.database));
        expect(r.stderr).toBe("");
        expect(r.status).toBe(0);
        const ended = await session.waitForExit(10_000);
        expect(ended.status).toBe(2);
        expect(ended.stderr).toContain("FATAL:  terminating connection due to administrator command");
      } finally {
        session.kill();
      }
      expect(pg.superuser(`SELECT count(*) FROM pg_roles WHERE rolname = '${name}';`)).toBe("0\n");
      const login = asUser("SELECT 1;");
      expect(login.status).toBe(2);
      expect(login.stderr).toContain(`FATAL:  password authentication failed for user "${name}"`);
    });
  });
}

describe("concurrency: Vault runs creations and revocations in parallel (max_open_connections > 1)", () => {
  it("eight users created at once all succeed, then eight revocations at once all succeed", async () => {
    const role = roles.find((r) => r.access === "read-write" && r.database === "users")!;
    for (let round = 0; round < 3; round++) {
      const names = Array.from({ length: 8 }, (_, i) => `v-parallel-${round}-${i}-${randomAlnum(8)}`);
      const expiration = vaultExpiration(inSeconds(Date.now() + 3_600_000), 0);
      const created = await Promise.all(
        names.map((name) => pg.transactionAsync(render(role.creationStatements, { name, password: randomAlnum(32), expiration }), admin(role.database))),
      );
      expect(created.map((r) => r.stderr.trim()), "creations").toEqual(names.map(() => ""));
      const revoked = await Promise.all(names.map((name) => pg.transactionAsync(render(role.revocationStatements, { name }), admin(role.database))));
      expect(revoked.map((r) => r.stderr.trim()), "revocations").toEqual(names.map(() => ""));
    }
  });
});

describe("after every role", () => {
  it("no generated user remains and the seed rows are intact", () => {
    expect(pg.superuser("SELECT count(*) FROM pg_roles WHERE rolname LIKE 'v-%';")).toBe("0\n");
    for (const db of DATABASES) expect(pg.psql("SELECT id, name FROM items ORDER BY id;", admin(db)).stdout).toBe(`${SEED[db]}\n`);
  });

  it("root rotation changes the admin user's password: the new one logs in, the old one is refused", () => {
    const old = adminPassword;
    const fresh = randomAlnum(32);
    const r = pg.transaction(render(rootRotationStatements(), { username: ADMIN, password: fresh }), admin("users"));
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    adminPassword = fresh;
    expect(pg.psql("SELECT current_user;", { user: ADMIN, password: fresh, database: "users" }).stdout).toBe("vault\n");
    const refused = pg.psql("SELECT current_user;", { user: ADMIN, password: old, database: "users" });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('FATAL:  password authentication failed for user "vault"');
  });
});
