import { Mount } from "@cdktf/provider-vault/lib/mount";
import { TransitSecretBackendKey } from "@cdktf/provider-vault/lib/transit-secret-backend-key";
import { Construct } from "constructs";
import type { VaultModel } from "../../model/vault";
import { vaultConstructIds } from "../../model/names";

/**
 * Transit encryption keys. Keys are not deletable by default: Vault refuses to delete a key
 * without deletion_allowed, so removing one takes two applies (set deletionAllowed, then remove).
 */
export class Transit extends Construct {
  constructor(scope: Construct, id: string, transit: NonNullable<VaultModel["transit"]> & { ownsMount: boolean }) {
    super(scope, id);
    const backend = transit.ownsMount ? new Mount(this, "mount", { path: transit.mount, type: "transit", description: "Encryption as a service" }).path : transit.mount;
    for (const k of transit.keys) {
      // A retained shared key keeps the address it had before keys were per environment.
      new TransitSecretBackendKey(this, vaultConstructIds.transitKey(k.name), {
        backend,
        name: k.name,
        type: k.type,
        deletionAllowed: k.deletionAllowed,
        autoRotatePeriod: k.autoRotatePeriodSeconds,
        exportable: false,
        allowPlaintextBackup: false,
        ...(k.minDecryptionVersion ? { minDecryptionVersion: k.minDecryptionVersion } : {}),
        // A replacement (type is ForceNew) would delete the key and everything encrypted with it.
        lifecycle: { preventDestroy: !k.deletionAllowed },
      });
    }
  }
}
