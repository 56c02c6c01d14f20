import { setFlagsFromString } from "node:v8";

/**
 * scripts/launch.cjs starts every command line with V8's young generation held at its initial size
 * (scripts/young-generation.cjs says why); from this many service deployments (a service in one
 * environment) on, it grows again as V8 grows it by default. Measured on the benchmark specs
 * (bench/specs.ts, interleaved runs): held, 100 services in 3 environments synthesize about 15 %
 * faster, 500 the same, and 1000 held throughout about 4 % slower.
 */
export const LARGE_PLATFORM_DEPLOYMENTS = 1000;

/** Where scripts/young-generation.cjs (outside the bundle) records "held"; "released" once grown. */
export const STATE = Symbol.for("vault-eks-platform.young-generation");

/** What the growth is decided on: the spec's services and their environments. */
export interface PlatformSize {
  services: readonly { environments: readonly string[] }[];
}

export function serviceDeployments(spec: PlatformSize): number {
  return spec.services.reduce((n, s) => n + s.environments.length, 0);
}

/**
 * Lets the young generation grow (V8's default growth factor, 2) when the launcher held it and the
 * platform is large; true when it did. Runs outside the launcher (tsx, tests) are left alone.
 */
export function fitYoungGeneration(spec: PlatformSize): boolean {
  const state = globalThis as { [STATE]?: string };
  if (state[STATE] !== "held" || serviceDeployments(spec) < LARGE_PLATFORM_DEPLOYMENTS) return false;
  setFlagsFromString("--semi-space-growth-factor=2");
  state[STATE] = "released";
  return true;
}
