import { vaultNames, vaultStackNames } from "../names";
import type { VaultPolicy } from "./policy";
import { terraformPolicy } from "./terraform-policy";
import type { Consumer, VaultModel, VaultSlice } from "./types";

/**
 * One cdktf stack of the Vault layer, with its own Terraform state: what it renders and the
 * pipeline policy that applies it. Nothing crosses stacks but names: an environment's stack names
 * the core's mounts by path (model/names.ts VAULT_MOUNTS), never by a Terraform reference, so no
 * stack reads another's state.
 */
export interface VaultStackModel {
  /** cdktf stack name and state key (vault-core, vault-<env>). */
  name: string;
  /** The environment whose resources it holds; absent for the core stack. */
  environment?: string;
  /** Owns the mounts, auth methods, CAs, audit devices and autopilot; the others add roles below them. */
  core: boolean;
  /** The policy of the identity that applies it: `terraform` (core) or `terraform-<env>`. */
  pipelinePolicy: string;
  vault: VaultSlice;
}

const environmentOf = (c: Consumer): string | undefined => (c.kind === "service" || c.kind === "eso-store" || c.kind === "vso" ? c.environment : undefined);

/** The part of the model environment `env` owns (undefined: the core's part). */
function slice(model: Omit<VaultModel, "stacks">, env: string | undefined): VaultSlice {
  const mine = (e: string | undefined) => e === env;
  const roles = <T extends { consumer: Consumer }>(rs: T[]) => rs.filter((r) => mine(environmentOf(r.consumer)));
  const core = env === undefined;
  const { database, transit, awsAuth } = model;
  const keys = transit?.keys.filter((k) => mine(k.environment)) ?? [];
  const connections = database?.connections.filter((c) => mine(c.environment)) ?? [];
  return {
    kv: { ...model.kv, secrets: model.kv.secrets.filter((s) => mine(s.environment)) },
    policies: model.policies.filter((p) => mine(p.environment)),
    kubernetesAuth: model.kubernetesAuth.map((m) => ({ ...m, roles: roles(m.roles) })).filter((m) => core || m.roles.length > 0),
    ...(awsAuth && (core || roles(awsAuth.roles).length > 0) ? { awsAuth: { ...awsAuth, roles: roles(awsAuth.roles) } } : {}),
    ...(core && model.appRole ? { appRole: model.appRole } : {}),
    ...(core && model.oidc ? { oidc: model.oidc } : {}),
    ...(database && (core || connections.length > 0) ? { database: { ...database, connections, roles: database.roles.filter((r) => mine(r.environment)) } } : {}),
    pki: { ...model.pki, roles: model.pki.roles.filter((r) => mine(r.environment)) },
    ...(transit && (core || keys.length > 0) ? { transit: { ...transit, keys } } : {}),
    audit: model.audit,
    autopilot: model.autopilot,
  };
}

/**
 * Splits the Vault layer into the core stack and one stack per environment, and adds the pipeline
 * policies: `terraform-<env>` may apply exactly its environment's stack (so a dev pipeline cannot
 * change production's roles, policies or connections) and is written by the core stack, whose own
 * `terraform` policy may apply exactly the core.
 */
export function splitVaultStacks(model: Omit<VaultModel, "stacks">, environments: string[]): VaultStackModel[] {
  const envStacks = environments.map((env): VaultStackModel => {
    const vault = slice(model, env);
    const pipelinePolicy = vaultNames.pipeline(env);
    return { name: vaultStackNames.environment(env), environment: env, core: false, pipelinePolicy, vault };
  });
  const pipelines: VaultPolicy[] = envStacks.map((s) => terraformPolicy(s.vault, { name: s.pipelinePolicy, core: false, stack: s.name }));
  model.policies.push(...pipelines);
  const core = slice(model, undefined);
  const own = terraformPolicy(core, { name: vaultNames.terraform, core: true, stack: vaultStackNames.core });
  model.policies.push(own);
  core.policies.push(own);
  return [{ name: vaultStackNames.core, core: true, pipelinePolicy: vaultNames.terraform, vault: core }, ...envStacks];
}
