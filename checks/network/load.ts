import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parse as parseHcl } from "@cdktf/hcl2json";
import { parse as parseYaml } from "yaml";
import type { Obj, SynthesizedPlatform } from "./inventory";

/**
 * Reads synthesized output back from disk: dist/<cluster>/** manifests, cdktf.out/stacks/<stack>/
 * cdk.tf.json, and every `.hcl` ConfigMap value parsed by HashiCorp's HCL parser.
 */
export async function loadSynthesizedPlatform(distDir: string, cdktfOutDir: string): Promise<SynthesizedPlatform> {
  const clusters: Record<string, Obj[]> = {};
  const hcl: Record<string, Obj> = {};
  for (const cluster of readdirSync(distDir).sort()) {
    if (!statSync(join(distDir, cluster)).isDirectory()) continue;
    const objects: Obj[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir).sort()) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (name.endsWith(".yaml") && name !== "kustomization.yaml") objects.push(parseYaml(readFileSync(p, "utf8")));
      }
    };
    walk(join(distDir, cluster));
    clusters[cluster] = objects;
    for (const cm of objects.filter((o) => o.kind === "ConfigMap")) {
      for (const [key, value] of Object.entries<string>(cm.data ?? {})) {
        if (key.endsWith(".hcl")) hcl[`${cluster}/${cm.metadata.namespace}/${cm.metadata.name}/${key}`] = await parseHcl(key, value);
      }
    }
  }
  const stacks: Record<string, Obj> = {};
  const stacksDir = join(cdktfOutDir, "stacks");
  for (const stack of existsSync(stacksDir) ? readdirSync(stacksDir).sort() : []) {
    const file = join(stacksDir, stack, "cdk.tf.json");
    if (existsSync(file)) stacks[stack] = JSON.parse(readFileSync(file, "utf8"));
  }
  return { clusters, stacks, hcl };
}
