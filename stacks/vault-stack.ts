import { VaultProvider } from "@cdktf/provider-vault/lib/provider";
import { TerraformResource } from "cdktf";
import type { Construct } from "constructs";
import type { BackendModel } from "../model/aws";
import type { VaultModel } from "../model/vault";
import { type BackendOptions, configureBackend } from "./backend";
import { PlatformStack } from "./platform-stack";
import { AppRoleAuth } from "./vault/approle-auth";
import { AuditDevices, Autopilot } from "./vault/audit";
import { AwsAuth } from "./vault/aws-auth";
import { DatabaseEngine } from "./vault/database";
import { KubernetesAuth } from "./vault/kubernetes-auth";
import { KvEngine } from "./vault/kv";
import { OidcAuth } from "./vault/oidc-auth";
import { VaultPolicies } from "./vault/policies";
import { Pki } from "./vault/pki";
import { Transit } from "./vault/transit";
import { vaultConstructIds, vaultNames } from "../model/names";

export const VAULT_STACK = "vault";

/**
 * hashicorp/vault provider version the stack requires. The cdktf bindings (@cdktf/provider-vault
 * 15.6.1) were generated for 5.6.0, whose vault_database_secret_backend_connection drops every
 * `data` key but `password`, so a password policy never reached Vault. 5.8.0 added the top-level
 * `password_policy` argument (and reads it back, so drift shows). Every other argument the stack
 * renders is unchanged between 5.6.0 and 5.8.0; check again before raising this.
 */
export const VAULT_PROVIDER_VERSION = "5.8.0";

export interface VaultStackProps {
  model: VaultModel;
  backendModel: BackendModel;
  backend: Omit<BackendOptions, "stackName">;
}

/**
 * Configuration of a running, initialized Vault cluster. The provider reads VAULT_ADDR,
 * VAULT_TOKEN and VAULT_CACERT from the environment: no address or credential is in code or spec.
 */
export class VaultStack extends PlatformStack {
  constructor(scope: Construct, props: VaultStackProps) {
    super(scope, VAULT_STACK);
    const m = props.model;
    configureBackend(this, props.backendModel, { ...props.backend, stackName: VAULT_STACK });
    new VaultProvider(this, "vault", {});
    this.addOverride("terraform.required_providers.vault.version", VAULT_PROVIDER_VERSION);

    new AuditDevices(this, "audit", m.audit);
    new Autopilot(this, "autopilot", m.autopilot);
    const policies = new VaultPolicies(this, "policy", m.policies);
    new KvEngine(this, "kv", m.kv);
    for (const mount of m.kubernetesAuth) new KubernetesAuth(this, vaultConstructIds.kubernetesAuth(mount.path), mount);
    if (m.awsAuth) new AwsAuth(this, "auth_aws", m.awsAuth);
    if (m.appRole) new AppRoleAuth(this, "auth_approle", m.appRole);
    if (m.oidc) new OidcAuth(this, "auth_oidc", m.oidc);
    if (m.database) new DatabaseEngine(this, "database", m.database);
    new Pki(this, "pki", m.pki);
    if (m.transit) new Transit(this, "transit", m.transit);

    // The pipeline's own policy is written first, so what this apply adds is already allowed to it.
    // A bare address: a "${...}" reference (own.fqn) is an expression, which depends_on rejects.
    const own = policies.byName.get(vaultNames.terraform)!;
    const address = `${own.terraformResourceType}.${own.friendlyUniqueId}`;
    for (const r of this.node.findAll()) {
      if (r instanceof TerraformResource && r !== own && r.terraformResourceType.startsWith("vault_")) r.dependsOn = [...(r.dependsOn ?? []), address];
    }
  }
}
