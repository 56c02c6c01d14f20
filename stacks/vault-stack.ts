import { VaultProvider } from "@cdktf/provider-vault/lib/provider";
import { TerraformResource, type TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { BackendModel } from "../model/aws";
import type { VaultStackModel } from "../model/vault/stacks";
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
import { vaultConstructIds } from "../model/names";


/**
 * hashicorp/vault provider version the stack requires. The cdktf bindings (@cdktf/provider-vault
 * 15.6.1) were generated for 5.6.0, whose vault_database_secret_backend_connection drops every
 * `data` key but `password`, so a password policy never reached Vault. 5.8.0 added the top-level
 * `password_policy` argument (and reads it back, so drift shows). Every other argument the stack
 * renders is unchanged between 5.6.0 and 5.8.0; check again before raising this.
 */
export const VAULT_PROVIDER_VERSION = "5.8.0";

export interface VaultStackProps {
  /** The part of the Vault layer this stack renders (model/vault/stacks.ts). */
  part: VaultStackModel;
  backendModel: BackendModel;
  backend: Omit<BackendOptions, "stackName">;
  /** The core stack an environment's stack is deployed after (deploy order only: no reference crosses). */
  after?: TerraformStack;
}

/**
 * One Vault stack (vault-core or vault-<env>), with its own state. The provider reads VAULT_ADDR,
 * VAULT_TOKEN and VAULT_CACERT from the environment: no address or credential is in code or spec.
 */
export class VaultStack extends PlatformStack {
  constructor(scope: Construct, props: VaultStackProps) {
    const { part } = props;
    super(scope, part.name);
    const m = part.vault;
    const ownsMount = part.core;
    configureBackend(this, props.backendModel, { ...props.backend, stackName: part.name });
    new VaultProvider(this, "vault", {});
    this.addOverride("terraform.required_providers.vault.version", VAULT_PROVIDER_VERSION);
    // cdktf records it in manifest.json only: `cdktf deploy 'vault-*'` applies the core first.
    if (props.after) this.addDependency(props.after);

    if (ownsMount) {
      new AuditDevices(this, "audit", m.audit);
      new Autopilot(this, "autopilot", m.autopilot);
    }
    const policies = new VaultPolicies(this, "policy", m.policies);
    new KvEngine(this, "kv", { ...m.kv, ownsMount });
    for (const mount of m.kubernetesAuth) new KubernetesAuth(this, vaultConstructIds.kubernetesAuth(mount.path), { ...mount, ownsMount });
    if (m.awsAuth) new AwsAuth(this, "auth_aws", { ...m.awsAuth, ownsMount });
    if (m.appRole) new AppRoleAuth(this, "auth_approle", m.appRole);
    if (m.oidc) new OidcAuth(this, "auth_oidc", m.oidc);
    if (m.database) new DatabaseEngine(this, "database", { ...m.database, ownsMount });
    new Pki(this, "pki", { ...m.pki, ownsMount });
    if (m.transit) new Transit(this, "transit", { ...m.transit, ownsMount });

    // The core pipeline's own policy is written first, so what this apply adds is already allowed to
    // it. An environment's pipeline policy is the core's (written before any environment is applied).
    // A bare address: a "${...}" reference (own.fqn) is an expression, which depends_on rejects.
    const own = policies.byName.get(part.pipelinePolicy);
    if (!own) return;
    const address = `${own.terraformResourceType}.${own.friendlyUniqueId}`;
    for (const r of this.node.findAll()) {
      if (r instanceof TerraformResource && r !== own && r.terraformResourceType.startsWith("vault_")) r.dependsOn = [...(r.dependsOn ?? []), address];
    }
  }
}
