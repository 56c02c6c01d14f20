import { Mount } from "@cdktf/provider-vault/lib/mount";
import { PkiSecretBackendConfigAutoTidy } from "@cdktf/provider-vault/lib/pki-secret-backend-config-auto-tidy";
import { PkiSecretBackendConfigIssuers } from "@cdktf/provider-vault/lib/pki-secret-backend-config-issuers";
import { PkiSecretBackendConfigUrls } from "@cdktf/provider-vault/lib/pki-secret-backend-config-urls";
import { PkiSecretBackendCrlConfig } from "@cdktf/provider-vault/lib/pki-secret-backend-crl-config";
import { PkiSecretBackendIntermediateCertRequest } from "@cdktf/provider-vault/lib/pki-secret-backend-intermediate-cert-request";
import { PkiSecretBackendIntermediateSetSigned } from "@cdktf/provider-vault/lib/pki-secret-backend-intermediate-set-signed";
import { PkiSecretBackendRole } from "@cdktf/provider-vault/lib/pki-secret-backend-role";
import { PkiSecretBackendRootCert } from "@cdktf/provider-vault/lib/pki-secret-backend-root-cert";
import { PkiSecretBackendRootSignIntermediate } from "@cdktf/provider-vault/lib/pki-secret-backend-root-sign-intermediate";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import type { VaultModel } from "../../model/vault";
import { TerraformData } from "../terraform-data";

/** Root CA in its own mount, an intermediate that issues, and one role per environment. */
export class Pki extends Construct {
  constructor(scope: Construct, id: string, pki: VaultModel["pki"] & { ownsMount: boolean }) {
    super(scope, id);
    const backend = pki.ownsMount ? this.authorities(pki) : pki.mount;
    for (const r of pki.roles) {
      new PkiSecretBackendRole(this, `role_${r.name}`, {
        backend,
        name: r.name,
        allowedDomains: r.allowedDomains,
        allowSubdomains: true,
        allowBareDomains: false,
        allowGlobDomains: false,
        allowWildcardCertificates: false,
        allowLocalhost: false,
        allowIpSans: false,
        allowAnyName: false,
        enforceHostnames: true,
        serverFlag: true,
        clientFlag: false,
        keyType: "ec",
        keyBits: 256,
        // Strings of whole seconds, the form Vault reads back.
        ttl: r.ttl,
        maxTtl: r.maxTtl,
        requireCn: false,
        ...(pki.organization ? { organization: [pki.organization] } : {}),
      });
    }
  }

  /** The root and intermediate CAs and their mounts (the core stack's); returns the issuing mount's path. */
  private authorities(pki: VaultModel["pki"]): string {
    const org = pki.organization ? { organization: pki.organization } : {};
    const rootMount = new Mount(this, "root_mount", { path: pki.rootMount, type: "pki", description: "Root CA (signs the intermediate only)", maxLeaseTtlSeconds: pki.rootMaxLeaseTtlSeconds });
    const root = new PkiSecretBackendRootCert(this, "root", {
      backend: rootMount.path,
      type: "internal",
      commonName: pki.rootCommonName,
      ttl: pki.rootTtl,
      keyType: "ec",
      keyBits: 384,
      excludeCnFromSans: true,
      issuerName: "root",
      maxPathLength: pki.rootMaxPathLength,
      ...org,
      // Replacing the root deletes its key (DELETE <mount>/root) and every trust store's anchor.
      lifecycle: { preventDestroy: pki.protectRoot },
    });
    // Both arguments force a new root. An existing root keeps its certificate (no limit): a new one is
    // a break-glass ceremony, never a side effect of an upgrade.
    root.addOverride("lifecycle.ignore_changes", ["max_path_length"]);
    const mount = new Mount(this, "mount", { path: pki.mount, type: "pki", description: "Issuing CA for workload certificates", maxLeaseTtlSeconds: pki.intermediateMaxLeaseTtlSeconds });
    const csr = new PkiSecretBackendIntermediateCertRequest(this, "intermediate_csr", {
      backend: mount.path,
      type: "internal",
      commonName: pki.intermediateCommonName,
      keyType: "ec",
      keyBits: 384,
      ...org,
    });
    // The provider neither re-signs on a ttl change nor reads it back (update and read are no-ops):
    // this resource carries the lifetime, and a change to it re-signs the intermediate.
    const lifetime = new TerraformData(this, "intermediate_lifetime", { input: { ttl: pki.intermediateTtl } });
    const signed = new PkiSecretBackendRootSignIntermediate(this, "intermediate_signed", {
      backend: rootMount.path,
      csr: csr.csr,
      commonName: pki.intermediateCommonName,
      ttl: pki.intermediateTtl,
      format: "pem_bundle",
      // The intermediate issues leaf certificates only, for in-cluster service names only.
      maxPathLength: 0,
      permittedDnsDomains: pki.permittedDnsDomains,
      excludeCnFromSans: true,
      dependsOn: [root],
      ...org,
    });
    // Re-signing an existing intermediate to add the constraint is a root-key ceremony, not an upgrade side effect.
    signed.addOverride("lifecycle.ignore_changes", ["permitted_dns_domains"]);
    // A bare address: cdktf's lifecycle.replaceTriggeredBy renders "${...}", which Terraform rejects there.
    signed.addOverride("lifecycle.replace_triggered_by", [`${lifetime.terraformResourceType}.${lifetime.friendlyUniqueId}`]);
    const intermediate = new PkiSecretBackendIntermediateSetSigned(this, "intermediate", { backend: mount.path, certificate: signed.certificate });
    // Vault keeps the old default issuer when a new intermediate is imported: name the new one. The
    // signed bundle lists the intermediate first, and only issuers new to the mount are returned.
    new PkiSecretBackendConfigIssuers(this, "default_issuer", {
      backend: mount.path,
      default: Fn.element(intermediate.importedIssuers, 0),
      defaultFollowsLatestIssuer: false,
    });
    for (const [name, m, urls] of [["root_urls", rootMount, pki.urls.root], ["urls", mount, pki.urls.intermediate]] as const) {
      new PkiSecretBackendConfigUrls(this, name, { backend: m.path, issuingCertificates: urls.issuingCertificates, crlDistributionPoints: urls.crlDistributionPoints });
    }
    for (const [name, m] of [["root_auto_tidy", rootMount], ["auto_tidy", mount]] as const) {
      new PkiSecretBackendConfigAutoTidy(this, name, {
        backend: m.path,
        enabled: true,
        intervalDuration: pki.autoTidy.intervalDuration,
        safetyBuffer: pki.autoTidy.safetyBuffer,
        tidyCertStore: true,
        tidyRevokedCerts: true,
        tidyRevokedCertIssuerAssociations: true,
      });
    }
    new PkiSecretBackendCrlConfig(this, "crl", { backend: mount.path, expiry: "72h", autoRebuild: true });
    return mount.path;
  }
}
