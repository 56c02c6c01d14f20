import { linkSync, lstatSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
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

/**
 * Writes files (relative path -> text) into dir, creating each folder once. With `previous` (the
 * output folder being replaced), a file whose bytes are unchanged there is hard-linked instead of
 * written: creating a file costs a new inode and its data, a link only a name, and a re-synth of a
 * large platform mostly rewrites what is already there. A file is linked only when it is plainly
 * ours and unshared: a regular file with no other link, owned by this user, with the mode a new
 * file gets, and the same bytes; everything else (edited, chmod-ed, hard-linked elsewhere, or a
 * file system without links) is written anew. Nothing is ever written into a linked inode, so the
 * previous tree stays intact until it is swapped out.
 */
export function writeFiles(dir: string, files: Record<string, string>, previous?: string): void {
  const folders = new Set<string>();
  // A new file's mode is the new folder's, without execute bits (0o666 and 0o777 under one umask).
  const fileMode = previous ? statSync(dir).mode & 0o666 : 0;
  const uid = process.getuid?.();
  for (const [rel, text] of Object.entries(files)) {
    const path = join(dir, rel);
    const folder = dirname(path);
    if (!folders.has(folder)) {
      mkdirSync(folder, { recursive: true });
      folders.add(folder);
    }
    const bytes = Buffer.from(text);
    if (previous && linkUnchanged(join(previous, rel), path, bytes, fileMode, uid)) continue;
    writeFileSync(path, bytes);
  }
}

function linkUnchanged(old: string, path: string, bytes: Buffer, fileMode: number, uid: number | undefined): boolean {
  const st = lstatSync(old, { throwIfNoEntry: false });
  if (!st?.isFile() || st.nlink !== 1 || (st.mode & 0o7777) !== fileMode || (uid !== undefined && st.uid !== uid) || st.size !== bytes.length) return false;
  try {
    if (!bytes.equals(readFileSync(old))) return false;
    linkSync(old, path);
    return true;
  } catch {
    return false;
  }
}
