import { buildPlatformModel } from "../model";
import type { PlatformSpec } from "../spec/schema";
import { synthKubernetes } from "./synth-kubernetes";
import { synthTerraform, type TerraformSynthOptions } from "./synth-terraform";
import type { Synthesis } from "./synthesis";

/** Synthesis as a pure function of the validated spec: nothing is written. */
export function synthesize(spec: PlatformSpec, terraform: TerraformSynthOptions = { outDir: "cdktf.out" }): Synthesis {
  const model = buildPlatformModel(spec);
  return { model, terraform: synthTerraform(model, terraform), kubernetes: synthKubernetes(model) };
}
