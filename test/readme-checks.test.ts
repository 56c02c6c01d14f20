import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generatedReadme, README } from "../scripts/readme-checks";

/** The README's check table and sample report are what the check files and `npm run check` produce now. */
describe("README: npm run check", () => {
  it("the table of checks and the sample report are current (npm run docs:checks regenerates them)", async () => {
    const text = readFileSync(README, "utf8");
    expect(text).toBe(await generatedReadme(text));
  });
});

/** The guide's rule: the README opens with exactly two commands that work on a fresh machine; .ci/run runs the second. */
describe("README: the first lines", () => {
  it("give exactly two commands, install-and-synthesize and install-and-test, and .ci/run runs the test command", () => {
    const commands = readFileSync(README, "utf8").split("\n").slice(0, 6).filter((l) => /^ {4}\S/.test(l)).map((l) => l.trim().split(/\s+#/)[0].trim());
    expect(commands).toEqual(["npm ci && npm run synth", "npm ci && npm test"]);
    expect(readFileSync(".ci/run", "utf8")).toMatch(/\nnpm ci && npm test\n$/);
  });
});
