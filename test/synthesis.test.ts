import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { App as Cdk8sApp } from "cdk8s";
import { App as CdktfApp } from "cdktf";
import { describe, expect, it } from "vitest";
import { parse as parseYaml, stringify } from "yaml";
import { buildCharts } from "../charts";
import { loadSynthesis } from "../lib/load-synthesis";
import { synthKubernetes } from "../lib/synth-kubernetes";
import { synthTerraform } from "../lib/synth-terraform";
import { kubernetesFiles, terraformFiles, writeFiles } from "../lib/write-synthesis";
import type { PlatformModel } from "../model";
import { AwsStack } from "../stacks/aws-stack";
import { VaultStack } from "../stacks/vault-stack";
import type { PlatformSpecInput } from "../spec/schema";
import { modelOf, referenceCopy, ROOT } from "./helpers/synth";

/**
 * Synthesis is a pure function written by lib/: the files written from the in-memory Synthesis are
 * byte for byte what cdktf's own App.synth() wrote before (the cdktf CLI reads manifest.json and
 * stacks/<name>/cdk.tf.json) and what the previous file-per-object Kubernetes writer wrote.
 */

function filesBelow(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p, "utf8");
    }
  };
  walk(dir);
  return out;
}

/** The previous Terraform path: cdktf's App writes the stacks itself. */
function cdktfAppSynth(model: PlatformModel, outdir: string, stateDir: string): Record<string, string> {
  const app = new CdktfApp({ outdir, skipValidation: false });
  new AwsStack(app, { model: model.aws, backend: { outdir, stateDir } });
  const [core, ...environments] = model.vault.stacks;
  const coreStack = new VaultStack(app, { part: core, backendModel: model.aws.backend, backend: { outdir, stateDir } });
  for (const part of environments) new VaultStack(app, { part, backendModel: model.aws.backend, backend: { outdir, stateDir }, after: coreStack });
  app.synth();
  return filesBelow(outdir);
}

/** The previous Kubernetes writer, kept here as the reference for byte identity. */
function previousKubernetesWriter(model: PlatformModel, dir: string): Record<string, string> {
  const kustomization = (resources: string[]) => stringify({ apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", resources: [...resources].sort() }, { lineWidth: 0 });
  const byCluster = new Map<string, string[]>();
  const files: Record<string, string> = {};
  for (const chart of buildCharts(new Cdk8sApp({ outdir: dir }), model)) {
    const names: string[] = [];
    for (const m of chart.toJson()) {
      const file = `${m.kind.toLowerCase()}-${m.metadata.name}.yaml`;
      names.push(file);
      files[`${chart.cluster}/${chart.component}/${file}`] = stringify(m, { lineWidth: 0 });
    }
    files[`${chart.cluster}/${chart.component}/kustomization.yaml`] = kustomization(names);
    byCluster.set(chart.cluster, [...(byCluster.get(chart.cluster) ?? []), chart.component]);
  }
  for (const [cluster, components] of byCluster) files[`${cluster}/kustomization.yaml`] = kustomization(components);
  return files;
}

/** Lets the vitest worker answer between long synchronous steps. */
const yieldToWorker = () => new Promise((resolve) => setImmediate(resolve));

const example = (file: string) => () => {
  const text = readFileSync(join(ROOT, "examples", file), "utf8");
  return (file.endsWith(".json") ? JSON.parse(text) : parseYaml(text)) as PlatformSpecInput;
};
const s3Backend = () => ({ ...referenceCopy(), terraformState: { backend: "s3" as const, bucket: "shop-tf-state", dynamodbTable: "shop-tf-locks" } });
const specs: [string, () => PlatformSpecInput][] = [
  ["reference spec", referenceCopy],
  ["reference spec, S3 state", s3Backend],
  ...readdirSync(join(ROOT, "examples")).map((f) => [`examples/${f}`, example(f)] as [string, () => PlatformSpecInput]),
];

describe.each(specs)("synthesis of %s", (_, spec) => {
  it("writes the Terraform files cdktf's App.synth writes, byte for byte", async () => {
    const model = modelOf(spec());
    const root = mkdtempSync(join(tmpdir(), "vep-synthesis-"));
    const before = cdktfAppSynth(model, join(root, "app"), root);
    await yieldToWorker();
    const now = terraformFiles(synthTerraform(model, { outDir: join(root, "app"), stateDir: root }));
    expect(Object.keys(now).sort()).toEqual(Object.keys(before).sort());
    for (const [file, text] of Object.entries(before)) expect(now[file], file).toBe(text);
  });

  it("writes the Kubernetes files the previous writer wrote, byte for byte", () => {
    // The previous writer predates Argo CD delivery (dist/argocd/ and the sync-wave annotations,
    // test/gitops-argocd.test.ts): compare the charts alone.
    const { gitops: _delivery, ...model } = modelOf(spec());
    const before = previousKubernetesWriter(model, mkdtempSync(join(tmpdir(), "vep-synthesis-")));
    const k8s = synthKubernetes(model);
    const now = kubernetesFiles(k8s);
    // The previous writer predates the agent-injector Components (test/agent-injector.test.ts): only they are new.
    const extra = Object.keys(k8s.files ?? {});
    expect(extra.filter((f) => !/\/agent-injector\/[^/]+\/kustomization\.yaml$/.test(f))).toEqual([]);
    expect(Object.keys(now).filter((f) => !extra.includes(f)).sort()).toEqual(Object.keys(before).sort());
    for (const [file, text] of Object.entries(before)) expect(now[file], file).toBe(text);
  });
});

describe("loading a synthesis back from disk", () => {
  it("reads the written trees back as the same Synthesis, and a hand-edited file with several documents", () => {
    const model = modelOf(referenceCopy());
    const root = mkdtempSync(join(tmpdir(), "vep-synthesis-"));
    const terraform = synthTerraform(model, { outDir: join(root, "cdktf.out"), stateDir: root });
    const kubernetes = synthKubernetes(model);
    writeFiles(join(root, "cdktf.out"), terraformFiles(terraform));
    writeFiles(join(root, "dist"), kubernetesFiles(kubernetes));
    const loaded = loadSynthesis(join(root, "cdktf.out"), join(root, "dist"), model);
    expect(loaded.terraform).toEqual(terraform);
    expect(loaded.kubernetes).toEqual(kubernetes);

    writeFileSync(join(root, "dist/shop-platform/vault/extra.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: vault}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: vault}\n");
    const edited = loadSynthesis(join(root, "cdktf.out"), join(root, "dist"), model).kubernetes.manifests;
    expect(edited["shop-platform/vault/extra.yaml"].metadata.name).toBe("a");
    expect(edited["shop-platform/vault/extra.yaml#1"].metadata.name).toBe("b");
  });

  it("refuses a folder that is not cdktf output", () => {
    const root = mkdtempSync(join(tmpdir(), "vep-synthesis-"));
    expect(() => loadSynthesis(root, root, modelOf(referenceCopy()))).toThrow(`--out ${root}: no manifest.json (not a cdktf output folder)`);
  });
});
