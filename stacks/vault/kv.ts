import { GenericEndpoint } from "@cdktf/provider-vault/lib/generic-endpoint";
import { KvSecretBackendV2 } from "@cdktf/provider-vault/lib/kv-secret-backend-v2";
import { Mount } from "@cdktf/provider-vault/lib/mount";
import { Construct } from "constructs";
import type { VaultModel } from "../../model/vault";
import { vaultConstructIds } from "../../model/names";

/**
 * KV v2 at `secret/`, and a metadata entry (no data) for every secret the spec declares, so
 * `vault kv metadata get` shows operators which keys each secret must hold.
 */
export class KvEngine extends Construct {
  constructor(scope: Construct, id: string, kv: VaultModel["kv"] & { ownsMount: boolean }) {
    super(scope, id);
    if (kv.ownsMount) {
      // Mount options are strings in the Vault API: version "2", not 2.
      const mount = new Mount(this, "mount", {
        path: kv.mount,
        type: "kv",
        options: { version: "2" },
        description: "Static secrets (KV v2)",
        lifecycle: { preventDestroy: kv.preventDestroy },
      });
      new KvSecretBackendV2(this, "config", {
        mount: mount.path,
        maxVersions: kv.maxVersions,
        casRequired: kv.casRequired,
        deleteVersionAfter: kv.deleteVersionAfterSeconds,
      });
    }
    for (const secret of kv.secrets) {
      new GenericEndpoint(this, vaultConstructIds.kvMetadata(secret.path), {
        path: `${kv.mount}/metadata/${secret.path}`,
        dataJson: JSON.stringify({ cas_required: secret.casRequired, custom_metadata: { "managed-by": "vault-eks-platform", owner: secret.owner, keys: secret.keys.join(","), rotation_period: secret.rotationPeriod } }),
        ignoreAbsentFields: true,
        // Removing a secret from the spec must never delete its versions.
        disableDelete: true,
      });
    }
  }
}
