import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { fastYaml, manifestYaml } from "../lib/yaml-fast";
import { kubernetesFiles } from "../lib/write-synthesis";
import { ROOT } from "./helpers/synth";
import { specByName, synthesisOf } from "./helpers/synthesis";

/** What the manifests were written with before lib/yaml-fast.ts: the `yaml` library. */
const viaLibrary = (value: unknown) => stringify(value, { lineWidth: 0 });

const specs = ["reference", ...readdirSync(join(ROOT, "examples")).filter((f) => /\.(ya?ml|json)$/.test(f)).map((f) => `examples/${f}` as const)] as const;

describe("manifest YAML (lib/yaml-fast.ts) is byte-identical to the yaml library", () => {
  // Counted over every spec: a small example with a few multi-line strings (a CA, vault.hcl, CSI objects) falls below any per-spec ratio.
  let fast = 0;
  let all = 0;
  it.each(specs)("every manifest and kustomization of %s", async (name) => {
    const { kubernetes } = await synthesisOf(specByName(name));
    all += Object.keys(kubernetes.manifests).length;
    for (const [key, obj] of Object.entries(kubernetes.manifests)) {
      expect(manifestYaml(obj), key).toBe(viaLibrary(obj));
      if (fastYaml(obj) !== undefined) fast++;
    }
    for (const [path, text] of Object.entries(kubernetesFiles(kubernetes)).filter(([p]) => p.endsWith("kustomization.yaml"))) {
      // A leading comment (the agent-injector Components say how to use them) is not data: parse drops it.
      const body = text.replace(/^(?:#[^\n]*\n)+/, "");
      expect(body, path).toBe(viaLibrary(parse(body)));
    }
  });

  it("most objects of all the specs take the fast path (else this compares the library with itself)", () => {
    expect(all).toBeGreaterThan(0);
    expect(fast / all).toBeGreaterThan(0.95);
  });

  it("every object of the reference takes the fast path: a synth of it never runs the yaml library's writer", async () => {
    const { kubernetes } = await synthesisOf(specByName("reference"));
    const slow = Object.entries(kubernetes.manifests).filter(([, obj]) => fastYaml(obj) === undefined);
    expect(slow.map(([key]) => key)).toEqual([]);
  });

  describe("multi-line strings: literal blocks", () => {
    const pem = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUX\n-----END CERTIFICATE-----\n";
    const hcl = 'ui = true\n\nlistener "tcp" {\n  address = "[::]:8200"\n  # TLS from the mounted secret\n}\n';
    const script = "#!/bin/sh\nset -eu\n- not a list: 1\n---\n... | > % @ `x`\n\n\nexit 0";
    const blocks = [pem, hcl, script, "a\nb", "a\n", "x\n  indented later\n", "k: v\n? q\n"];
    const nestings = (s: string): object[] => [{ value: s }, { data: { "vault.hcl": s } }, { list: [s, { nested: [s] }] }, { deep: [[s], [{ a: { b: s } }]] }];

    it.each(blocks.map((s) => [JSON.stringify(s).slice(0, 30), s]))("%s takes the fast path at every depth, written as the library writes it", (_label, s) => {
      for (const value of nestings(s)) {
        const text = fastYaml(value);
        expect(text, JSON.stringify(value)).toBe(viaLibrary(value));
        expect(parse(text!)).toEqual(value);
      }
    });

    // "|+", indentation indicators and double quotes: left to the library.
    const refused = ["a \nb", "a\nb ", "a\n\n", "a\n\n\n", " a\nb", "\na", "a\r\nb", "a\tb\nc", "caf\u00e9\nb", "a\n \n"];
    it.each(refused.map((s) => [JSON.stringify(s), s]))("%s goes to the library", (_label, s) => {
      for (const value of nestings(s)) {
        expect(fastYaml(value)).toBeUndefined();
        expect(manifestYaml(value)).toBe(viaLibrary(value));
      }
    });

    it("500 random multi-line strings: the fast path, where it is taken, writes what the library writes", () => {
      let seed = 17;
      const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
      const parts = ["a", "b9", " ", "  ", "\n", "\n", "#", ": ", "- ", "|", ">", "'", '"', "\t", "---", "%", "~", "\\", "{}", "[x]", "é"];
      let taken = 0;
      for (let i = 0; i < 500; i++) {
        const s = `${Array.from({ length: 1 + random(12) }, () => parts[random(parts.length)]).join("")}\n${parts[random(4)]}`;
        for (const value of nestings(s)) {
          const text = fastYaml(value);
          if (text === undefined) continue;
          taken++;
          expect(text, JSON.stringify(s)).toBe(viaLibrary(value));
        }
      }
      expect(taken, "enough strings take the fast path for this to compare anything").toBeGreaterThan(200);
    });
  });

  const strings = [
    // read back as numbers, booleans or null unless quoted
    "8200", "-1", "+1", "007", "1e3", "1E-3", "0x1F", "0o17", ".5", "1.", "1.5", ".inf", "-.Inf", ".NaN", "true", "False", "TRUE", "null", "Null", "~", "",
    // YAML 1.1 booleans stay plain in 1.2
    "yes", "no", "on", "off", "y",
    // indicators and comments
    "-", "- a", "-a", "?", "? a", "?a", ":a", "a:", "a: b", "a:b", "a #b", "a#b", "#a", "@a", "`a", "!a", "&a", "*a", "|a", ">a", "%a", "[a]", "{{ .password }}", ",a", "a,b",
    // quotes, escapes and spaces
    'a"b', "O'Brien", `it's "x"`, "back\\slash", " a", "a ", "a  b", "---", "--- a", "...", "a---",
    // line breaks, tabs, control characters and non-ASCII
    "a\nb", "a\n", "\n", "a\n\nb\n", "tab\tx", "bell\u0007", "é", "日本語", "emoji 🔐",
    // URLs, paths, images, durations
    "https://vault.example.com:8200/v1", "/bin/sh", "hashicorp/vault:1.17.2", "10.0.0.0/16", "1h30m", "*.vault-internal",
    "k".repeat(1100),
  ];

  it.each(strings.map((s) => [JSON.stringify(s).slice(0, 40), s]))("the string %s as a value, a key and a sequence item", (_label, s) => {
    for (const value of [{ kind: "X", value: s }, { kind: "X", [s]: "v" }, { kind: "X", list: [s, { nested: [s] }] }]) {
      const text = manifestYaml(value);
      expect(text).toBe(viaLibrary(value));
      expect(parse(text)).toEqual(value);
    }
  });

  it("nesting, empty collections, numbers, null, and objects that appear twice", () => {
    const shared = { a: 1 };
    const cases: object[] = [
      { a: [], b: {}, c: [[]], d: [{}], e: [[1, [2, { f: {} }]], { g: [] }], h: null, i: true, j: false },
      { spec: { containers: [{ name: "vault", ports: [{ containerPort: 8200 }, { containerPort: 8201 }], args: ["-c", "x"] }] } },
      { n: 0, m: -0, big: 2 ** 53, float: 1.5, exp: 1e21, neg: -42 },
      { first: shared, second: shared },
      { list: [shared, shared] },
      { undefinedValue: undefined, kept: "x" },
    ];
    for (const value of cases) expect(manifestYaml(value)).toBe(viaLibrary(value));
    expect(fastYaml(cases[0])).toBe(viaLibrary(cases[0]));
    expect(fastYaml(cases[1])).toBe(viaLibrary(cases[1]));
    expect(fastYaml(cases[3]), "yaml writes an anchor and an alias: left to it").toBeUndefined();
  });
});
