import { App } from "cdk8s";
import type { PlatformModel } from "../model";

export interface KubernetesSynthOptions {
  /** Where the manifests are written now (may be a temporary directory swapped in later). */
  writeDir: string;
}

/** Renders the Kubernetes layer of the model (charts arrive with the Kubernetes issue). */
export function synthKubernetes(_model: PlatformModel, opts: KubernetesSynthOptions): void {
  new App({ outdir: opts.writeDir }).synth();
}
