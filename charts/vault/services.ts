import { IntOrString, KubeService } from "cdk8s-plus-28/lib/imports/k8s";
import type { Construct } from "constructs";
import type { VaultServerModel } from "../../model/kubernetes/types";
import { k8sNames } from "../../model/names";
import { VAULT_ACTIVE_LABEL, VAULT_POD_LABELS, VAULT_PORTS, VAULT_SERVICE_LABEL } from "./pods";

const PORTS = [VAULT_PORTS.api, VAULT_PORTS.cluster].map((p) => ({ name: p.name, port: p.port, targetPort: IntOrString.fromNumber(p.port), protocol: "TCP" }));

interface VaultServiceSpec {
  name: string;
  /** Extra pod selector on top of the Vault pod labels (the active/standby label Vault maintains). */
  selector?: Record<string, string>;
  headless?: boolean;
}

function vaultService(scope: Construct, vault: VaultServerModel, s: VaultServiceSpec): KubeService {
  return new KubeService(scope, `service-${vault.namespace}-${s.name}`, {
    metadata: { name: s.name, namespace: vault.namespace, labels: { ...VAULT_POD_LABELS, [VAULT_SERVICE_LABEL]: s.name } },
    spec: {
      type: "ClusterIP",
      ...(s.headless ? { clusterIp: "None" } : {}),
      // Only the headless service lists unready pods: raft peers must find sealed or joining nodes;
      // clients must never be sent to one.
      publishNotReadyAddresses: s.headless === true,
      selector: { ...VAULT_POD_LABELS, ...s.selector },
      ports: PORTS,
    },
  });
}

/** The client, active, standby and headless (raft peers, metrics) services. */
export function vaultServices(scope: Construct, vault: VaultServerModel): void {
  const { client, active, standby, internal } = k8sNames.vaultServices;
  vaultService(scope, vault, { name: client });
  vaultService(scope, vault, { name: active, selector: { [VAULT_ACTIVE_LABEL]: "true" } });
  vaultService(scope, vault, { name: standby, selector: { [VAULT_ACTIVE_LABEL]: "false" } });
  vaultService(scope, vault, { name: internal, headless: true });
}
