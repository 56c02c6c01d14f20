import { durationSeconds } from "../spec/primitives";
import type { PlatformSpec } from "../spec/schema";
import { buildGitopsModel, type GitopsModel } from "./argocd";
import { type AwsModel, buildAwsModel } from "./aws";
import { buildKubernetesModel, type KubernetesModel } from "./kubernetes";
import { type AddressBook, buildAddressBook } from "./network";
import { buildVaultModel, type VaultModel } from "./vault";

/**
 * One plain, inspectable model of every layer, derived once from the spec.
 * Stacks and charts only render it; checks and PR reviews read it.
 */
export interface PlatformModel {
  name: string;
  aws: AwsModel;
  vault: VaultModel;
  kubernetes: KubernetesModel;
  /** Where every host the configuration names lives (from the spec); the network-flow check reads it. */
  network: AddressBook;
  /** What `npm run check` takes from the spec: accepted findings and the refresh floor. */
  checks: ChecksModel;
  /** Argo CD delivery settings (spec gitops); absent: no dist/argocd/. */
  gitops?: GitopsModel;
}

export interface ChecksModel {
  suppressions: { rule: string; resource: string; reason: string }[];
  minRefreshIntervalSeconds: number;
}

export function buildPlatformModel(spec: PlatformSpec): PlatformModel {
  const aws = buildAwsModel(spec);
  const vault = buildVaultModel(spec);
  const network = buildAddressBook(spec);
  const checks: ChecksModel = { suppressions: spec.suppressions, minRefreshIntervalSeconds: durationSeconds(spec.externalSecrets.minRefreshInterval) };
  const gitops = buildGitopsModel(spec);
  return { name: spec.name, aws, vault, kubernetes: buildKubernetesModel(spec, aws, vault, network), network, checks, ...(gitops ? { gitops } : {}) };
}
