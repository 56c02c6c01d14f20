import type { Construct } from "constructs";
import { stringify } from "yaml";
import { SecretProviderClass } from "../../imports/secrets-store.csi.x-k8s.io";
import type { SecretProviderClassModel } from "../../model/kubernetes/types";

/**
 * A csi service's SecretProviderClass: the Vault provider's parameters are strings, `objects` a YAML
 * list. No secretObjects: the files never become a Kubernetes Secret (nothing lands in etcd).
 */
export function secretProviderClass(scope: Construct, namespace: string, spc: SecretProviderClassModel): void {
  new SecretProviderClass(scope, `secretproviderclass-${namespace}-${spc.name}`, {
    metadata: { name: spc.name, namespace },
    spec: { provider: "vault", parameters: { ...spc.parameters, objects: stringify(spc.objects, { lineWidth: 0 }) } },
  });
}
