// Regenerates imports/ (typed constructs) from the CRD copies listed in cdk8s.yaml.
//
// `cdk8s import` writes one module per API group and overwrites it for every input file, so the
// CRDs of one group are joined into one document stream and imported once. Versions a CRD no
// longer serves are dropped: a construct for them would only produce manifests the API server
// refuses (ESO v2.9.0 still ships external-secrets.io/v1beta1 with served: false).
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { linearUndefinedFilter } from "./import-filter";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse, parseAllDocuments, stringify } from "yaml";
import { compareStrings } from "../lib/compare";

const ROOT = resolve(__dirname, "..");
const OUT = "imports";

interface Crd {
  kind: string;
  spec: { group: string; versions: { name: string; served: boolean }[] };
}

function crdsByGroup(files: string[]): Map<string, Crd[]> {
  const groups = new Map<string, Crd[]>();
  for (const file of files) {
    for (const doc of parseAllDocuments(readFileSync(join(ROOT, file), "utf8"))) {
      const crd = doc.toJS() as Crd | null;
      if (crd?.kind !== "CustomResourceDefinition") continue;
      const served = { ...crd, spec: { ...crd.spec, versions: crd.spec.versions.filter((v) => v.served) } };
      groups.set(crd.spec.group, [...(groups.get(crd.spec.group) ?? []), served]);
    }
  }
  return groups;
}

const files = (parse(readFileSync(join(ROOT, "cdk8s.yaml"), "utf8")) as { imports: string[] }).imports;
const groups = crdsByGroup(files);
const tmp = mkdtempSync(join(tmpdir(), "vep-crds-"));
const cli = require.resolve("cdk8s-cli/package.json").replace(/package\.json$/, "bin/cdk8s");
try {
  for (const [group, crds] of [...groups].sort(([a], [b]) => compareStrings(a, b))) {
    const joined = join(tmp, `${group}.yaml`);
    writeFileSync(joined, crds.map((crd) => stringify(crd, { lineWidth: 0 })).join("---\n"));
    const args = [cli, "import", "--no-check-upgrade", "--language", "typescript", "--output", join(tmp, OUT), "--no-save", joined];
    const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: "inherit" });
    if (r.status !== 0) throw new Error(`cdk8s import failed for ${group} (exit ${r.status})`);
  }
  for (const file of readdirSync(join(tmp, OUT))) writeFileSync(join(tmp, OUT, file), linearUndefinedFilter(readFileSync(join(tmp, OUT, file), "utf8")));
  // Replaced only when every group imported, so a failure leaves the committed modules alone.
  rmSync(join(ROOT, OUT), { recursive: true, force: true });
  cpSync(join(tmp, OUT), join(ROOT, OUT), { recursive: true });
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
