import { spawnSync } from "node:child_process";
import { parseAllDocuments } from "yaml";

export interface KustomizeResult {
  /** kubectl exited 0 and its output parsed as YAML. */
  ok: boolean;
  stdout: string;
  stderr: string;
  /** The rendered objects, in kustomize's output order (empty unless ok). */
  objects: Record<string, unknown>[];
}

/** Runs `kubectl kustomize <dir>` (no cluster needed) and parses the multi-document output. */
export function kustomizeBuild(dir: string): KustomizeResult {
  const r = spawnSync("kubectl", ["kustomize", dir], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw new Error(`kubectl not runnable (${r.error.message}); kubectl with kustomize is needed`);
  const result = { ok: r.status === 0, stdout: r.stdout, stderr: r.stderr, objects: [] as Record<string, unknown>[] };
  if (!result.ok) return result;
  const docs = parseAllDocuments(r.stdout);
  const errors = docs.flatMap((d) => d.errors.map((e) => e.message));
  if (errors.length > 0) return { ...result, ok: false, stderr: `${r.stderr}unparseable kustomize output: ${errors.join("; ")}` };
  result.objects = docs.map((d) => d.toJS() as Record<string, unknown>).filter((o) => o !== null);
  return result;
}
