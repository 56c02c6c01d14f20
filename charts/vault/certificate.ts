import type { Construct } from "constructs";
import { Certificate, CertificateSpecPrivateKeyAlgorithm, CertificateSpecPrivateKeyEncoding, CertificateSpecPrivateKeyRotationPolicy, CertificateSpecUsages } from "../../imports/cert-manager.io";
import type { VaultServerModel } from "../../model/kubernetes/types";

/** Vault's server certificate from cert-manager, when the spec does not name an existing secret. */
export function vaultCertificate(scope: Construct, vault: VaultServerModel): void {
  const cert = vault.tls.certificate;
  if (!cert) return;
  new Certificate(scope, `certificate-${vault.namespace}-${vault.tls.secretName}`, {
    metadata: { name: vault.tls.secretName, namespace: vault.namespace },
    spec: {
      secretName: vault.tls.secretName,
      issuerRef: { group: "cert-manager.io", kind: cert.issuerRef.kind, name: cert.issuerRef.name },
      duration: cert.duration,
      renewBefore: cert.renewBefore,
      dnsNames: cert.dnsNames,
      ipAddresses: cert.ipAddresses,
      // A fresh key on every renewal: a leaked key dies with its certificate.
      privateKey: {
        algorithm: CertificateSpecPrivateKeyAlgorithm.ECDSA,
        size: 256,
        encoding: CertificateSpecPrivateKeyEncoding.PKCS8,
        rotationPolicy: CertificateSpecPrivateKeyRotationPolicy.ALWAYS,
      },
      usages: [CertificateSpecUsages.SERVER_AUTH, CertificateSpecUsages.DIGITAL_SIGNATURE],
    },
  });
}
