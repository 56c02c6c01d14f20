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

/**
 * The same, yielding to the event loop between the layers, so work started before it (the checks'
 * HCL parser loads and compiles its WebAssembly in the background) progresses meanwhile.
 */
export async function synthesizeYielding(spec: PlatformSpec, terraform: TerraformSynthOptions = { outDir: "cdktf.out" }): Promise<Synthesis> {
  const model = buildPlatformModel(spec);
  const tf = synthTerraform(model, terraform);
  await new Promise((resolve) => setImmediate(resolve));
  return { model, terraform: tf, kubernetes: synthKubernetes(model) };
}
