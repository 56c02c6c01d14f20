import { Mount } from "@cdktf/provider-vault/lib/mount";
import { PkiSecretBackendConfigAutoTidy } from "@cdktf/provider-vault/lib/pki-secret-backend-config-auto-tidy";
import { PkiSecretBackendConfigUrls } from "@cdktf/provider-vault/lib/pki-secret-backend-config-urls";
import { PkiSecretBackendCrlConfig } from "@cdktf/provider-vault/lib/pki-secret-backend-crl-config";
import { PkiSecretBackendIntermediateCertRequest } from "@cdktf/provider-vault/lib/pki-secret-backend-intermediate-cert-request";
import { PkiSecretBackendIntermediateSetSigned } from "@cdktf/provider-vault/lib/pki-secret-backend-intermediate-set-signed";
import { PkiSecretBackendRole } from "@cdktf/provider-vault/lib/pki-secret-backend-role";
import { PkiSecretBackendRootCert } from "@cdktf/provider-vault/lib/pki-secret-backend-root-cert";
import { PkiSecretBackendRootSignIntermediate } from "@cdktf/provider-vault/lib/pki-secret-backend-root-sign-intermediate";
import { Construct } from "constructs";
import type { VaultModel } from "../../model/vault";

/** Root CA in its own mount, an intermediate that issues, and one role per environment. */
export class Pki extends Construct {
  constructor(scope: Construct, id: string, pki: VaultModel["pki"]) {
    super(scope, id);
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
    new PkiSecretBackendIntermediateSetSigned(this, "intermediate", { backend: mount.path, certificate: signed.certificate });
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
    for (const r of pki.roles) {
      new PkiSecretBackendRole(this, `role_${r.name}`, {
        backend: mount.path,
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
        // PKI TTLs are strings; Vault parses the duration.
        ttl: r.ttl,
        maxTtl: r.maxTtl,
        requireCn: false,
        ...(pki.organization ? { organization: [pki.organization] } : {}),
      });
    }
  }
}
