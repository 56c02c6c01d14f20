import type { Synthesis } from "../../lib/synthesis";
import { terraformFiles } from "../../lib/write-synthesis";
import type { CheckReport } from "../run";
import type { Finding, Severity } from "../types";

/** SARIF 2.1.0 §3.58.6: "note" is the level of a finding that needs no change. */
const sarifLevel: Record<Severity, string> = { error: "error", warning: "warning", info: "note" };

export interface SarifPaths {
  /** The Terraform and Kubernetes output folders and the spec file, relative to the repository root. */
  out: string;
  dist: string;
  spec?: string;
}

/** The line of `"<name>": {` below `"<type>": {` in a stack's cdk.tf.json (json-stable-stringify's layout). */
function resourceLine(text: string, type: string, name: string): number | undefined {
  const block = text.indexOf(`\n    "${type}": {`);
  if (block < 0) return undefined;
  const at = text.indexOf(`\n      "${name}": {`, block);
  return at < 0 ? undefined : text.slice(0, at + 1).split("\n").length;
}

/**
 * SARIF 2.1.0 (OASIS), as GitHub code scanning reads it: one rule per check, one result per finding
 * at the file it concerns (a Terraform resource at its line), suppressed findings with the spec's
 * reason as an external suppression.
 */
export function sarifReport(r: CheckReport, synthesis: Synthesis, paths: SarifPaths): string {
  const texts = terraformFiles(synthesis.terraform);
  const location = (f: Finding) => {
    const tf = /^([^/]+)\/([a-z0-9_]+)\.([A-Za-z0-9_-]+)$/.exec(f.resource);
    const stackFile = tf ? synthesis.terraform.manifest.stacks[tf[1]]?.synthesizedStackPath : undefined;
    let physical: object | undefined;
    if (tf && stackFile) {
      const line = resourceLine(texts[stackFile] ?? "", tf[2], tf[3]);
      physical = { artifactLocation: { uri: `${paths.out}/${stackFile}` }, ...(line ? { region: { startLine: line } } : {}) };
    } else if (f.resource.split("/").length === 3 && /\.ya?ml(#\d+)?$/.test(f.resource)) {
      physical = { artifactLocation: { uri: `${paths.dist}/${f.resource.replace(/#\d+$/, "")}` }, region: { startLine: 1 } };
    } else if (paths.spec) physical = { artifactLocation: { uri: paths.spec }, region: { startLine: 1 } };
    return [{ ...(physical ? { physicalLocation: physical } : {}), logicalLocations: [{ fullyQualifiedName: f.resource }] }];
  };
  const ids = r.checks.map((c) => c.id);
  const rules = r.checks.map((c) => ({
    id: c.id,
    name: c.title,
    shortDescription: { text: c.title },
    fullDescription: { text: c.rationale },
    help: { text: `${c.fix} (applies to: ${c.appliesTo.join(", ")})` },
    defaultConfiguration: { level: sarifLevel[c.severity] },
  }));
  const result = (f: Finding, reason?: string) => ({
    ruleId: f.check,
    ...(ids.includes(f.check) ? { ruleIndex: ids.indexOf(f.check) } : {}),
    level: sarifLevel[f.severity],
    message: { text: `${f.resource}: ${f.message}` },
    locations: location(f),
    ...(reason ? { suppressions: [{ kind: "external", justification: reason }] } : {}),
  });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const version: string = require("../../package.json").version;
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "vault-eks-platform", version, rules } },
        results: [...r.findings.map((f) => result(f)), ...r.suppressed.map((s) => result(s.finding, s.reason))],
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
