import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Synthesis } from "../lib/synthesis";
import { kubernetesFiles, terraformFiles } from "../lib/write-synthesis";

/** Files Terraform keeps beside the stacks (providers, lock file, local state): never part of the output. */
const WORKING_FILES = /(^|\/)(\.terraform(\/|$)|\.terraform\.lock\.hcl$|[^/]*\.tfstate(\.backup)?$)/;

function filesIn(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(dir)) return out;
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const path = rel ? `${rel}/${name}` : name;
      if (name.startsWith(".") || WORKING_FILES.test(path)) continue;
      if (statSync(join(dir, path)).isDirectory()) walk(path);
      else out.set(path, readFileSync(join(dir, path), "utf8"));
    }
  };
  walk("");
  return out;
}

/**
 * The committed output against a fresh synth of the same commit: every file missing, extra or
 * different, as `<folder>/<file>` (for repositories that commit cdktf.out/ and dist/).
 */
export function staleFiles(fresh: Synthesis, dirs: { out: string; dist: string }): string[] {
  const out: string[] = [];
  for (const [dir, expected] of [[dirs.out, terraformFiles(fresh.terraform)], [dirs.dist, kubernetesFiles(fresh.kubernetes)]] as const) {
    const actual = filesIn(dir);
    for (const [file, text] of Object.entries(expected)) {
      const have = actual.get(file);
      if (have === undefined) out.push(`${dir}/${file}: missing (a fresh synth writes it)`);
      else if (have !== text) out.push(`${dir}/${file}: differs from a fresh synth`);
    }
    for (const file of actual.keys()) if (!(file in expected)) out.push(`${dir}/${file}: not written by a fresh synth`);
  }
  return out.sort();
}
