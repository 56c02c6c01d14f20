import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "puppeteer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { architectureDiagrams } from "../lib/docs/architecture-md";
import type { Diagram } from "../lib/docs/graph";
import { mermaidFlowchart } from "../lib/docs/mermaid";
import { buildPlatformModel } from "../model";
import { validateSpec } from "../spec/validate";
import { launchChromium, mermaidBlocks, renderSvg } from "./helpers/mermaid";
import { ROOT } from "./helpers/synth";
import { specByName } from "./helpers/synthesis";

/**
 * Every Mermaid diagram of the docs is drawn by Mermaid itself in a real browser (Debian's Chromium):
 * a syntax error fails here, as it would on GitHub. The generated pictures of the reference spec and the
 * vcluster/OIDC example (dedicated cluster, AWS IAM login, AppRole) must also show every node and edge
 * the model decided on.
 */

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

const committed = ["README.md", "docs/architecture.md"].flatMap((file) => mermaidBlocks(readFileSync(join(ROOT, file), "utf8")).map((block, i): [string, string] => [`${file} #${i + 1}`, block]));

const diagramsOf = (name: "reference" | `examples/${string}`): [string, Diagram][] => {
  const valid = validateSpec(specByName(name));
  if (!valid.ok) throw new Error(JSON.stringify(valid.problems));
  return architectureDiagrams(buildPlatformModel(valid.spec)).map((d) => [`${name}: ${d.title}`, d]);
};

const unescapeXml = (s: string) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");

describe("architecture pictures render with Mermaid", () => {
  it("the docs hold the overview and one picture per environment of the reference spec", () => {
    expect(committed.map(([where]) => where)).toEqual(["README.md #1", "docs/architecture.md #1", "docs/architecture.md #2", "docs/architecture.md #3", "docs/architecture.md #4"]);
  });

  it.each(committed)("%s renders", async (_, block) => {
    const svg = await renderSvg(browser, block);
    expect(svg).toMatch(/^<svg/);
  }, 60_000);

  it.each([...diagramsOf("reference"), ...diagramsOf("examples/vcluster-oidc.yaml")])("%s draws every node and edge", async (_, diagram) => {
    const svg = await renderSvg(browser, mermaidFlowchart(diagram));
    const text = unescapeXml(svg.replace(/<[^>]+>/g, "\n"));
    for (const node of diagram.nodes) {
      expect(svg, node.id).toMatch(new RegExp(`id="[^"]*flowchart-${node.id}-\\d+"`));
      for (const line of node.label) expect(text, `${node.id}: ${line}`).toContain(line);
    }
    const drawnEdges = new Set([...svg.matchAll(/data-id="(L_[^"]*)"/g)].map((m) => m[1])).size;
    expect(drawnEdges).toBe(diagram.edges.length);
  }, 60_000);

  it("Mermaid refuses a broken definition (the test can fail)", async () => {
    await expect(renderSvg(browser, 'flowchart LR\n  a["A" --> b')).rejects.toThrow(/Parse error/);
  }, 60_000);
});
