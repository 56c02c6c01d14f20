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
