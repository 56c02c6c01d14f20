/**
 * Regenerates the README's check table and sample report (between the `checks:` markers):
 *
 *   npm run docs:checks
 *
 * The sample is the text report `npm run check` prints for the spec `sampleSpec()` builds
 * (`npm run check -- platform.yaml` with that spec written to platform.yaml prints the same).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { checksTable } from "../checks/docs";
import { textReport } from "../checks/report/text";
import { runChecks } from "../checks/run";
import { synthesize } from "../lib/synthesize";
import { referenceSpec } from "../spec/reference";
import type { PlatformSpecInput } from "../spec/schema";
import { validateSpec } from "../spec/validate";

export const README = join(__dirname, "..", "README.md");
export const SAMPLE_FILE = "platform.yaml";

/** The reference platform with the AWS endpoints "anywhere": one error, one accepted finding, one stale suppression. */
export function sampleSpec(): PlatformSpecInput {
  const spec = structuredClone(referenceSpec);
  spec.network = { awsApiCidrs: ["0.0.0.0/0"] };
  spec.suppressions = [
    { rule: "VEP-G07", resource: "shop-platform/vault-backup/networkpolicy-vault-snapshot.yaml", reason: "uploads leave through the egress proxy, which allows only the snapshot bucket" },
    { rule: "VEP-G11", resource: "shop-platform/monitoring/*", reason: "the exporter was exempted while its limits were tuned" },
  ];
  return spec;
}

export async function sampleReport(): Promise<string> {
  const valid = validateSpec(sampleSpec());
  if (!valid.ok) throw new Error(JSON.stringify(valid.problems));
  return textReport(await runChecks(synthesize(valid.spec)), SAMPLE_FILE);
}

/** The README with its generated parts replaced. */
export async function generatedReadme(text: string): Promise<string> {
  const put = (doc: string, name: string, body: string) => {
    const begin = `<!-- checks:${name}:begin -->`;
    const end = `<!-- checks:${name}:end -->`;
    const from = doc.indexOf(begin);
    const to = doc.indexOf(end);
    if (from < 0 || to < from) throw new Error(`README.md: markers ${begin} ... ${end} missing`);
    return `${doc.slice(0, from + begin.length)}\n${body}\n${doc.slice(to)}`;
  };
  const sample = `    $ npm run check -- ${SAMPLE_FILE}\n${(await sampleReport()).split("\n").map((l) => (l ? `    ${l}` : "")).join("\n")}`;
  return put(put(text, "table", checksTable()), "sample", sample);
}

if (require.main === module) {
  generatedReadme(readFileSync(README, "utf8")).then((text) => writeFileSync(README, text));
}
