import type { PlatformSpec } from "../spec/schema";
import { type AwsModel, buildAwsModel } from "./aws";

/**
 * One plain, inspectable model of every layer, derived once from the spec.
 * Stacks and charts only render it; checks and PR reviews read it.
 */
export interface PlatformModel {
  name: string;
  aws: AwsModel;
}

export function buildPlatformModel(spec: PlatformSpec): PlatformModel {
  return { name: spec.name, aws: buildAwsModel(spec) };
}
