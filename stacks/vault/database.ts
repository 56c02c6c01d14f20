import { DatabaseSecretBackendConnection } from "@cdktf/provider-vault/lib/database-secret-backend-connection";
import { DatabaseSecretBackendRole } from "@cdktf/provider-vault/lib/database-secret-backend-role";
import { GenericEndpoint } from "@cdktf/provider-vault/lib/generic-endpoint";
import { Mount } from "@cdktf/provider-vault/lib/mount";
import { PasswordPolicy } from "@cdktf/provider-vault/lib/password-policy";
import { TerraformOutput, TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import type { VaultModel } from "../../model/vault";
import { rootRotationStatements } from "../../model/vault/postgres";
import { DATABASE_PASSWORDS_VARIABLE, vaultConstructIds } from "../../model/names";

export { DATABASE_PASSWORDS_VARIABLE };

/**
 * Dynamic PostgreSQL credentials: one connection per environment and database, one role per
 * environment, service and database. The admin passwords are an ephemeral Terraform variable
 * sent through write-only arguments (never in state or plan), and Vault rotates them at once.
 */
export class DatabaseEngine extends Construct {
  constructor(scope: Construct, id: string, db: NonNullable<VaultModel["database"]> & { ownsMount: boolean }) {
    super(scope, id);
    if (db.ownsMount) {
      new Mount(this, "mount", { path: db.mount, type: "database", description: "Dynamic PostgreSQL credentials" });
      new PasswordPolicy(this, "password_policy", { name: db.passwordPolicy.name, policy: db.passwordPolicy.policy });
    }
    if (db.connections.length === 0) return;
    // Optional and never null: an apply needs keys only for connections it creates or re-bootstraps
    // (password_wo_version raised). Existing ones get no password (the provider sends password_wo only
    // when the version changes), so Vault keeps the one it rotated to.
    const passwords = new TerraformVariable(this, DATABASE_PASSWORDS_VARIABLE, {
      type: "map(string)",
      sensitive: true,
      default: {},
      nullable: false,
      description: `Bootstrap password of the admin user per connection (${db.connections.map((c) => c.name).join(", ")}), needed only for connections this apply creates or re-bootstraps (databases[].bootstrapVersion raised); Vault rotates each at once. TF_VAR_${DATABASE_PASSWORDS_VARIABLE}='{"<connection>":"..."}'`,
    });
    passwords.overrideLogicalId(DATABASE_PASSWORDS_VARIABLE);
    // cdktf 0.21 predates ephemeral variables (Terraform >= 1.10).
    passwords.addOverride("ephemeral", true);

    const connections = new Map<string, DatabaseSecretBackendConnection>();
    for (const c of db.connections) {
      const conn = new DatabaseSecretBackendConnection(this, vaultConstructIds.databaseConnection(c.name), {
        backend: db.mount,
        name: c.name,
        allowedRoles: c.allowedRoles,
        verifyConnection: true,
        rootRotationStatements: rootRotationStatements(),
        postgresql: {
          connectionUrl: `postgresql://{{username}}:{{password}}@${c.host}:${c.port}/${c.database}?sslmode=${c.sslMode}`,
          ...(c.tlsCa ? { tlsCa: c.tlsCa } : {}),
          username: c.adminUsername,
          passwordWo: `\${lookup(var.${DATABASE_PASSWORDS_VARIABLE}, "${c.name}", null)}`,
          passwordWoVersion: c.bootstrapVersion,
          passwordAuthentication: "scram-sha-256",
          maxOpenConnections: c.maxOpenConnections,
        },
      });
      // The bindings (provider 5.6) lack the top-level argument the pinned provider has (VAULT_PROVIDER_VERSION).
      conn.addOverride("password_policy", db.passwordPolicy.name);
      connections.set(c.name, conn);
      // Only Vault knows the admin password after this; re-runs whenever the connection changes (a re-bootstrap too).
      const rotate = new GenericEndpoint(this, vaultConstructIds.rotateRoot(c.name), {
        path: `${db.mount}/rotate-root/${c.name}`,
        dataJson: "{}",
        disableRead: true,
        disableDelete: true,
        dependsOn: [conn],
      });
      rotate.addOverride("lifecycle.replace_triggered_by", [`${conn.terraformResourceType}.${conn.friendlyUniqueId}`]);
    }
    for (const r of db.roles) {
      new DatabaseSecretBackendRole(this, vaultConstructIds.role(r.name), {
        backend: db.mount,
        name: r.name,
        dbName: r.connection,
        creationStatements: r.creationStatements,
        revocationStatements: r.revocationStatements,
        renewStatements: r.renewStatements,
        defaultTtl: r.defaultTtlSeconds,
        maxTtl: r.maxTtlSeconds,
        dependsOn: [connections.get(r.connection)!],
      });
    }
    new TerraformOutput(this, "database_preparation_sql", {
      description: "Run once per database, as a DBA, before the first apply",
      value: Object.fromEntries(db.connections.map((c) => [c.name, c.preparationStatements.join("\n")])),
    }).overrideLogicalId("database_preparation_sql");
  }
}
