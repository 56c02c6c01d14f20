import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import type { PlatformModel } from "../model";
import { OWNER_MARKER } from "./output";
import type { CdktfManifest, Obj, Synthesis } from "./synthesis";
import { readOwnYaml } from "./yaml-read";

/** An output folder that cannot be read as a synthesis (exit 2). */
export class LoadError extends Error {}

/**
 * Reads existing output back (cdktf.out/ and dist/, edited by hand or committed to a GitOps
 * repository) as a Synthesis of the given model. A file holding several YAML documents gives
 * keys `<file>`, `<file>#1`, ...; kustomization.yaml files and dot-files are not manifests.
 */
export function loadSynthesis(outDir: string, distDir: string, model: PlatformModel): Synthesis {
  const manifestFile = join(outDir, "manifest.json");
  if (!existsSync(manifestFile)) throw new LoadError(`--out ${outDir}: no manifest.json (not a cdktf output folder)`);
  const manifest = readJson(manifestFile) as CdktfManifest;
  const stacks: Record<string, Obj> = {};
  for (const [name, stack] of Object.entries(manifest.stacks ?? {})) {
    const file = join(outDir, stack.synthesizedStackPath);
    if (!existsSync(file)) throw new LoadError(`--out ${outDir}: manifest.json names ${stack.synthesizedStackPath}, which is missing`);
    stacks[name] = readJson(file);
  }
  if (!existsSync(distDir) || !statSync(distDir).isDirectory()) throw new LoadError(`--dist ${distDir}: not a folder`);
  const manifests: Record<string, Obj> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(join(distDir, rel)).sort()) {
      if (name.startsWith(".") || name === OWNER_MARKER) continue;
      const relPath = rel ? `${rel}/${name}` : name;
      if (statSync(join(distDir, relPath)).isDirectory()) walk(relPath);
      else if (/\.ya?ml$/.test(name) && name !== "kustomization.yaml") {
        const text = readFileSync(join(distDir, relPath), "utf8");
        const own = readOwnYaml(text);
        if (own) {
          manifests[relPath] = own;
          continue;
        }
        const docs = parseAllDocuments(text);
        const list = Array.isArray(docs) ? docs : [docs];
        list.forEach((doc, i) => {
          if (doc.errors.length > 0) throw new LoadError(`--dist ${distDir}: ${relPath}: ${doc.errors[0].message}`);
          const obj = doc.toJS();
          if (obj !== null && obj !== undefined) manifests[i === 0 ? relPath : `${relPath}#${i}`] = obj;
        });
      }
    }
  };
  walk("");
  return { model, terraform: { manifest, stacks }, kubernetes: { manifests } };
}

function readJson(file: string): Obj {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new LoadError(`${file}: ${(e as Error).message}`);
  }
}
