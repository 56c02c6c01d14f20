import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { sortedJson } from "./sorted-json";
import type { KubernetesSynthesis, TerraformSynthesis } from "./synthesis";
import { manifestYaml } from "./yaml-fast";

/** The files of a Terraform synthesis, as cdktf writes them (sorted keys, two spaces: json-stable-stringify's layout, lib/sorted-json.ts). */
export function terraformFiles(tf: TerraformSynthesis): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [name, json] of Object.entries(tf.stacks)) files[tf.manifest.stacks[name].synthesizedStackPath] = sortedJson(json)!;
  files["manifest.json"] = sortedJson(tf.manifest)!;
  return files;
}

function kustomization(resources: string[]): string {
  return manifestYaml({ apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", resources: [...resources].sort() });
}

/**
 * The files of a Kubernetes synthesis: one object per file, and a kustomization.yaml in every
 * folder (Argo CD and Flux apply a folder as is).
 */
export function kubernetesFiles(k8s: KubernetesSynthesis): Record<string, string> {
  const files: Record<string, string> = {};
  const folders = new Map<string, string[]>();
  const components = new Map<string, string[]>();
  for (const [key, obj] of Object.entries(k8s.manifests)) {
    files[key] = manifestYaml(obj);
    const [cluster, component, file] = key.split("/");
    const folder = `${cluster}/${component}`;
    if (!folders.has(folder)) {
      folders.set(folder, []);
      components.set(cluster, [...(components.get(cluster) ?? []), component]);
    }
    folders.get(folder)!.push(file);
  }
  for (const [folder, names] of folders) files[`${folder}/kustomization.yaml`] = kustomization(names);
  for (const [cluster, names] of components) files[`${cluster}/kustomization.yaml`] = kustomization(names);
  return { ...files, ...k8s.files };
}

/** Writes files (relative path -> text) into dir, creating each folder once. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  const folders = new Set<string>();
  for (const [rel, text] of Object.entries(files)) {
    const path = join(dir, rel);
    const folder = dirname(path);
    if (!folders.has(folder)) {
      mkdirSync(folder, { recursive: true });
      folders.add(folder);
    }
    writeFileSync(path, text);
  }
}
