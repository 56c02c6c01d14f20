import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseHcl } from "@cdktf/hcl2json";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { CheckContext } from "../checks/context";
import { plainHcl } from "../checks/plain-hcl";
import { synthesize } from "../lib/synthesize";
import { validateSpec } from "../spec/validate";
import type { PlatformSpecInput } from "../spec/schema";
import { modelOf, referenceCopy, ROOT, vclusterExample } from "./helpers/synth";

/**
 * checks/plain-hcl.ts reads vault.hcl without HashiCorp's parser; it must agree with that parser on
 * every file the model renders, and hand back anything outside its layout.
 */
const example = (file: string) => () => {
  const text = readFileSync(join(ROOT, "examples", file), "utf8");
  return (file.endsWith(".json") ? JSON.parse(text) : parseYaml(text)) as PlatformSpecInput;
};
const variant = (edit: (s: PlatformSpecInput) => void, base = referenceCopy) => () => {
  const s = base();
  edit(s);
  return s;
};
const specs: [string, () => PlatformSpecInput][] = [
  ["reference", referenceCopy],
  ...readdirSync(join(ROOT, "examples"))
    .filter((f) => /\.(json|ya?ml)$/.test(f))
    .sort()
    .map((f): [string, () => PlatformSpecInput] => [`examples/${f}`, example(f)]),
  ["reference, UI on", variant((s) => void (s.vault = { ...s.vault, ui: true }))],
  // Client addresses from a load balancer need an external address: the vcluster example has one.
  ["vcluster, X-Forwarded-For", variant((s) => void (s.vault = { ...s.vault, forwardedClientAddress: { via: "x-forwarded-for", proxyCidrs: ["10.40.4.0/24", "10.40.5.0/24"] } }), vclusterExample)],
  ["vcluster, PROXY protocol", variant((s) => void (s.vault = { ...s.vault, forwardedClientAddress: { via: "proxy-protocol", proxyCidrs: ["10.40.4.0/24"] } }), vclusterExample)],
  ["reference, 5 replicas", variant((s) => void (s.vault = { ...s.vault, replicas: 5 }))],
];

describe.each(specs)("the plain reader agrees with hcl2json on the rendered vault.hcl (%s)", (_name, spec) => {
  it("reads it (no fallback) into exactly what HashiCorp's parser returns", async () => {
    const text = modelOf(spec()).kubernetes.vault.config.hcl;
    const plain = plainHcl(text);
    expect(plain).toBeDefined();
    expect(plain).toEqual(await parseHcl("vault.hcl", text));
  });
});

describe("the plain reader on its own layout and beyond it", () => {
  const same = [
    'a = 1\nb = -2\nc = true\nd = false\ne = "x"\nf = []\ng = ["p", "q"]\n',
    'listener "tcp" {\n  address = "a"\n}\nlistener "tcp" {\n  address = "b"\n}\nlistener "unix" {}\n',
    "telemetry {\n  x = 1\n}\ntelemetry {}\n",
    'h {\n  default = {\n    "K-1" = ["v"]\n    plain = "w"\n    inner = {\n      deep = 3\n    }\n  }\n}\n',
    '# comment\n\n  # indented comment\nk = "v" \n',
  ];
  it.each(same)("agrees with hcl2json: %j", async (text) => {
    expect(plainHcl(text)).toEqual(await parseHcl("t.hcl", text));
  });

  const beyond = [
    ["a template", 'a = "${var.x}"\n'],
    ["an escaped quote", 'a = "x\\"y"\n'],
    ["an expression", "a = b\n"],
    ["a heredoc", "a = <<EOT\nx\nEOT\n"],
    ["a list item with a comma", 'a = ["x,y"]\n'],
    ["a float", "a = 1.5\n"],
    ["a repeated attribute", "a = 1\na = 2\n"],
    ["an unclosed block", 'listener "tcp" {\n  a = 1\n'],
    ["a stray closing brace", "}\n"],
    ["a block inside an object value", "o = {\n  b {\n  }\n}\n"],
    ["a block with two labels", 'a "x" "y" {}\n'],
    ["a multi-line list", "a = [\n  1,\n]\n"],
  ];
  it.each(beyond)("hands back %s (undefined: the caller uses hcl2json)", (_what, text) => {
    expect(plainHcl(text)).toBeUndefined();
  });
});

describe("a vault.hcl outside the plain layout (edited by hand) still reaches the checks", () => {
  it("is parsed by hcl2json instead: a heredoc value arrives as HashiCorp's parser reads it", async () => {
    const result = validateSpec(referenceCopy());
    if (!result.ok) throw new Error("reference spec invalid");
    const synthesis = synthesize(result.spec);
    const key = "shop-platform/vault/configmap-vault-config.yaml";
    const configMap = synthesis.kubernetes.manifests[key];
    configMap.data["vault.hcl"] = configMap.data["vault.hcl"].replace('tls_min_version = "tls12"', "tls_min_version = <<EOT\ntls13\nEOT");
    expect(plainHcl(configMap.data["vault.hcl"])).toBeUndefined();
    const ctx = await CheckContext.of(synthesis);
    const [file] = ctx.hclFiles();
    expect(file.hcl.listener.tcp[0].tls_min_version).toBe("tls13\n");
    expect(file.hcl.seal.awskms[0].kms_key_id).toBe("alias/shop-vault-unseal");
  });
});
