import type { PlatformSpec, ServiceSpec } from "../spec/schema";

/**
 * How a service's secrets reach it in one environment: the service's own choice, else its
 * environment's. "eso" and "vso" are operators that write Kubernetes Secrets from their own
 * login; "agent-injector" renders files inside the pod from the service's own login (no Secret);
 * "csi" mounts files the Vault CSI provider reads with the pod's service account (no Secret).
 */
export type Delivery = "eso" | "vso" | "agent-injector" | "csi";

export function deliveryOf(spec: Pick<PlatformSpec, "environments">, env: string, svc: Pick<ServiceSpec, "delivery">): Delivery {
  return svc.delivery ?? spec.environments.find((e) => e.name === env)?.delivery ?? "eso";
}

/** The services of an environment whose secrets the given delivery carries. */
export function servicesDeliveredBy(spec: Pick<PlatformSpec, "environments" | "services">, env: string, delivery: Delivery): ServiceSpec[] {
  return spec.services.filter((s) => s.environments.includes(env) && deliveryOf(spec, env, s) === delivery);
}

/**
 * Environments where the given delivery carries at least one service's secrets: VSO there gets a
 * VaultAuth, a role and a policy; for CSI, Vault admits the provider's namespace.
 */
export function environmentsDeliveredBy(spec: Pick<PlatformSpec, "environments" | "services">, delivery: Delivery): string[] {
  return spec.environments.filter((e) => servicesDeliveredBy(spec, e.name, delivery).length > 0).map((e) => e.name);
}
