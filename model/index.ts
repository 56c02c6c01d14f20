import type { PlatformSpec } from "../spec/schema";
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
}

export function buildPlatformModel(spec: PlatformSpec): PlatformModel {
  const aws = buildAwsModel(spec);
  const vault = buildVaultModel(spec);
  const network = buildAddressBook(spec);
  return { name: spec.name, aws, vault, kubernetes: buildKubernetesModel(spec, aws, vault, network), network };
}
