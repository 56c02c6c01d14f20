import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Certificates for spec tests, and a throwaway CA (openssl) for TLS tests. */

/** The vcluster CA examples/vcluster-oidc.yaml carried before: truncated, so it is not X.509. */
export const TRUNCATED_CERTIFICATE =
  "-----BEGIN CERTIFICATE-----\nMIIBdzCCAR2gAwIBAgIBADAKBggqhkjOPQQDAjAjMSEwHwYDVQQDDBhrM3Mtc2VydmVyLWNhQDE3MDAwMDAwMDAwHhcNMjYwMTAxMDAwMDAwWhcNMzYwMTAxMDAwMDAwWjAjMSEwHwYDVQQDDBhrM3Mtc2VydmVyLWNhQDE3MDAwMDAwMDAw\n-----END CERTIFICATE-----\n";

/** A self-signed EC CA valid from 2020-01-01 to 2021-01-01 (made with `openssl ca -selfsign -startdate/-enddate`). */
export const EXPIRED_CERTIFICATE = `-----BEGIN CERTIFICATE-----
MIIBWzCCAQGgAwIBAgIBATAKBggqhkjOPQQDAjAdMRswGQYDVQQDDBJFeHBpcmVk
IEV4YW1wbGUgQ0EwHhcNMjAwMTAxMDAwMDAwWhcNMjEwMTAxMDAwMDAwWjAdMRsw
GQYDVQQDDBJFeHBpcmVkIEV4YW1wbGUgQ0EwWTATBgcqhkjOPQIBBggqhkjOPQMB
BwNCAAQWHCEJ7j6zVvaiA5juMB2RhrXs0Jm44/6QEzMzteW/IbbfwDQTcmYIFXgU
fdOoxnlc/djEsXEL4LpCkWxSJqj6ozIwMDAPBgNVHRMBAf8EBTADAQH/MB0GA1Ud
DgQWBBQw/HNXWgyr3y5VIuYLBXocwbBpsTAKBggqhkjOPQQDAgNIADBFAiBY5rau
QbQO+maeQoqHlIv3jSv4+DEvey9X4273HdfSLAIhAOWGzRapLuOintY72aL6jR9d
uJYl0kNrOL6QcsRLwo4W
-----END CERTIFICATE-----
`;

export interface TestCa {
  certificatePem: string;
  /** Issues a server certificate (SAN = dnsName) signed by this CA. */
  issueServer(dnsName: string): { certificatePem: string; privateKeyPem: string };
}

function openssl(args: string[], cwd: string): void {
  const r = spawnSync("openssl", args, { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`openssl ${args.join(" ")} failed: ${r.stderr}${r.error ?? ""}`);
}

/** A fresh EC P-256 CA made by the openssl CLI (one day valid; files removed right away). */
export function makeTestCa(commonName: string): TestCa {
  const dir = mkdtempSync(join(tmpdir(), "vep-ca-"));
  try {
    openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "1", "-subj", `/CN=${commonName}`, "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"], dir);
    const certificatePem = readFileSync(join(dir, "ca.pem"), "utf8");
    const caKey = readFileSync(join(dir, "ca.key"), "utf8");
    return {
      certificatePem,
      issueServer(dnsName) {
        const d = mkdtempSync(join(tmpdir(), "vep-leaf-"));
        try {
          writeFileSync(join(d, "ca.pem"), certificatePem);
          writeFileSync(join(d, "ca.key"), caKey, { mode: 0o600 });
          writeFileSync(join(d, "ext.cnf"), `subjectAltName=DNS:${dnsName}\nextendedKeyUsage=serverAuth\nbasicConstraints=critical,CA:FALSE\n`);
          openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", `/CN=${dnsName}`], d);
          openssl(["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "1", "-extfile", "ext.cnf", "-out", "server.pem"], d);
          return { certificatePem: readFileSync(join(d, "server.pem"), "utf8"), privateKeyPem: readFileSync(join(d, "server.key"), "utf8") };
        } finally {
          rmSync(d, { recursive: true, force: true });
        }
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
