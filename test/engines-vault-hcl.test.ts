import { posix } from "node:path";
import { parse as parseHcl } from "@cdktf/hcl2json";
import { beforeAll, describe, expect, it } from "vitest";
import { type RenderedObject, synthDist } from "./helpers/dist";
import { containers, hclConfigs } from "./helpers/embedded";
import { referenceCopy, vclusterExample } from "./helpers/synth";
import { checkVaultConfig } from "./helpers/vault-config";

/**
 * The rendered vault.hcl, parsed by HashiCorp's HCL parser and checked against the configuration
 * reference of the pinned Vault line (test/helpers/vault-config.ts): unknown arguments and wrong
 * types fail. Every file path it names must lie under a volumeMount of the StatefulSet container
 * that loads it, and Vault must be able to write where it keeps data.
 */
const vclusterSpec = vclusterExample;

// Manifests are read back as plain data.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = any;

const underMount = (path: string, mountPath: string) => path === mountPath || path.startsWith(mountPath.endsWith("/") ? mountPath : `${mountPath}/`);

/** The container that runs `vault server -config=<file>` with the ConfigMap mounted. */
function serverContainerFor(objects: RenderedObject[], configMap: string, namespace: string, key: string) {
  return containers(objects).filter((c) => {
    const volumes: Obj[] = c.pod.spec.volumes ?? [];
    const volume = volumes.find((v) => v.configMap?.name === configMap);
    const argv: string[] = [...(c.container.command ?? []), ...(c.container.args ?? [])];
    const mount = (c.container.volumeMounts ?? []).find((m: Obj) => m.name === volume?.name);
    const configArg = argv.find((a) => a.startsWith("-config="));
    return volume && mount && configArg && configArg.slice("-config=".length) === posix.join(mount.mountPath, key) && c.file.includes(`/`) && namespace;
  });
}

const forwarded = (via: "x-forwarded-for" | "proxy-protocol") => () => {
  const spec = vclusterSpec();
  spec.vault.forwardedClientAddress = { via, proxyCidrs: ["10.40.4.0/24", "10.40.5.0/24"] };
  return spec;
};

describe.each([
  ["reference spec", referenceCopy],
  ["vcluster example", vclusterSpec],
  ["vcluster example, client addresses through X-Forwarded-For", forwarded("x-forwarded-for")],
  ["vcluster example, client addresses through PROXY protocol", forwarded("proxy-protocol")],
])("vault.hcl through HashiCorp's HCL parser (%s)", (_name, spec) => {
  let objects: RenderedObject[];
  let configs: ReturnType<typeof hclConfigs>;
  beforeAll(() => {
    ({ objects } = synthDist(spec()));
    configs = hclConfigs(objects);
  });

  it("there is a vault.hcl, loaded by exactly one server container through -config", () => {
    expect(configs.map((c) => `${c.configMap}/${c.key}`)).toEqual(["vault-config/vault.hcl"]);
    for (const c of configs) expect(serverContainerFor(objects, c.configMap, c.namespace, c.key).map((s) => `${s.file} ${s.container.name}`)).toEqual([
      expect.stringMatching(/statefulset-vault\.yaml vault$/),
    ]);
  });

  it("every block and argument is one the pinned Vault knows, with the right type", async () => {
    for (const c of configs) {
      const { problems, paths } = checkVaultConfig(await parseHcl(c.key, c.hcl));
      expect(problems, c.file).toEqual([]);
      expect(paths.length).toBeGreaterThan(3);
    }
  });

  it("every file path in vault.hcl is on a volume mounted into the server container; the raft path is writable", async () => {
    for (const c of configs) {
      const { paths } = checkVaultConfig(await parseHcl(c.key, c.hcl));
      const server = serverContainerFor(objects, c.configMap, c.namespace, c.key)[0]!;
      const mounts: Obj[] = server.container.volumeMounts;
      const unmounted = paths.filter((p) => !mounts.some((m) => underMount(p.path, m.mountPath))).map((p) => `${p.at} = ${p.path}`);
      expect(unmounted, c.file).toEqual([]);
      const raftPath = paths.find((p) => p.at === 'storage "raft" > path')!.path;
      const dataMount = mounts.filter((m) => underMount(raftPath, m.mountPath)).sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
      expect(dataMount.readOnly ?? false).toBe(false);
    }
  });
});

describe("(issue 15) listener hardening as Vault parses it", () => {
  const listener = async (spec: ReturnType<typeof referenceCopy>) => {
    const [config] = hclConfigs(synthDist(spec).objects);
    return ((await parseHcl("vault.hcl", config!.hcl)) as Obj).listener.tcp[0];
  };

  it("HSTS for a year, subdomains included (Vault joins the list with '; ')", async () => {
    expect((await listener(referenceCopy())).custom_response_headers).toEqual([{ default: { "Strict-Transport-Security": ["max-age=31536000", "includeSubDomains"] } }]);
  });

  it("only the load balancer's subnets may name the client; without forwardedClientAddress nobody may", async () => {
    expect(await listener(forwarded("x-forwarded-for")())).toMatchObject({
      x_forwarded_for_authorized_addrs: ["10.40.4.0/24", "10.40.5.0/24"],
      x_forwarded_for_reject_not_authorized: true,
      x_forwarded_for_reject_not_present: false,
    });
    expect(await listener(forwarded("proxy-protocol")())).toMatchObject({ proxy_protocol_behavior: "allow_authorized", proxy_protocol_authorized_addrs: ["10.40.4.0/24", "10.40.5.0/24"] });
    const plain = await listener(vclusterSpec());
    expect(Object.keys(plain).filter((k) => /forwarded|proxy/.test(k))).toEqual([]);
  });
});

describe("the vault.hcl check fails on what Vault would silently ignore", () => {
  const base = async (hcl: string) => checkVaultConfig(await parseHcl("vault.hcl", hcl)).problems;

  it("a misspelt argument, a wrong type, an unknown storage type and a bad duration are reported", async () => {
    expect(
      await base(`
ui = "yes"
disable_mlock = true
listener "tcp" {
  address       = "[::]:8200"
  tls_cert_fil  = "/vault/tls/tls.crt"
  tls_min_version = "tls1.2"
}
storage "raft" {
  path = "/vault/data"
  retry_join { leader_api_adr = "https://vault-0:8200" }
}
storage "consul" {}
telemetry { prometheus_retention_time = "1d12h" }
`),
    ).toEqual([
      'listener "tcp" > tls_cert_fil: unknown argument or block',
      'listener "tcp" > tls_min_version: must be one of tls10, tls11, tls12, tls13 (got "tls1.2")',
      'storage "consul": not a storage type this check knows for the pinned Vault (raft)',
      'storage "raft" > retry_join > leader_api_adr: unknown argument or block',
      'telemetry > prometheus_retention_time: must be a duration: time: unknown unit "d" in duration "1d12h"',
      'ui: must be a bool (got "yes")',
      "storage: only one block is allowed (got 2)",
    ]);
  });

  it("a relative file path is reported", async () => {
    expect(await base(`listener "tcp" {\n  address = "0.0.0.0:8200"\n  tls_key_file = "tls.key"\n}\nstorage "raft" { path = "/vault/data" }\n`)).toEqual([
      'listener "tcp" > tls_key_file: must be an absolute path (got "tls.key")',
    ]);
  });
});
