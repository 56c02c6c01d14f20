import type { PlatformSpec } from "../spec/schema";
import { type AwsModel, buildAwsModel } from "./aws";
import { buildKubernetesModel, type KubernetesModel } from "./kubernetes";
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
}

export function buildPlatformModel(spec: PlatformSpec): PlatformModel {
  const aws = buildAwsModel(spec);
  return { name: spec.name, aws, vault: buildVaultModel(spec), kubernetes: buildKubernetesModel(spec, aws) };
}
