import { existsSync } from "node:fs";
import type { Browser } from "puppeteer";

/**
 * Renders Mermaid diagrams with Mermaid itself (@mermaid-js/mermaid-cli's renderMermaid) in Debian's
 * Chromium driven by puppeteer: the browser comes from apt, never from a download (PUPPETEER_SKIP_DOWNLOAD,
 * and puppeteer's install script is denied in package.json's allowScripts).
 */

export const CHROMIUM = process.env.VAULT_EKS_CHROMIUM ?? "/usr/bin/chromium";

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (or set VAULT_EKS_CHROMIUM)`);
  const { default: puppeteer } = await import("puppeteer");
  // --no-sandbox: Chromium refuses to run its sandbox as root (CI runs as root); the pages are our own diagrams.
  const args = process.getuid?.() === 0 ? ["--no-sandbox"] : [];
  return puppeteer.launch({ executablePath: CHROMIUM, headless: true, args });
}

/** The SVG Mermaid draws for a definition; rejects with Mermaid's own parse or render error. */
export async function renderSvg(browser: Browser, definition: string): Promise<string> {
  const { renderMermaid } = await import("@mermaid-js/mermaid-cli");
  const { data } = await renderMermaid(browser, definition, "svg", { mermaidConfig: { theme: "default" } });
  return Buffer.from(data).toString("utf8");
}

/** Every ```mermaid block of a Markdown text. */
export const mermaidBlocks = (markdown: string): string[] => [...markdown.matchAll(/^```mermaid\n([\s\S]*?)\n```$/gm)].map((m) => m[1]);
