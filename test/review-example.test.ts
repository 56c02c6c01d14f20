import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EXAMPLE_FILE, reviewExample } from "../scripts/review-example";

/** docs/review-example.md is what `npm run docs:review-example` generates now (the review of a realistic change). */
describe("docs/review-example.md", () => {
  it("is current (npm run docs:review-example regenerates it)", async () => {
    const text = await reviewExample();
    expect(readFileSync(EXAMPLE_FILE, "utf8")).toBe(text);
    // What a reviewer must see in it, written out.
    expect(text).toContain("- **kubernetes** `shop-platform:vault/vault`: any pod in namespace batch-jobs can now reach Vault on 8200/TCP");
    expect(text).toContain("- added `shop-platform/ExternalSecret/dev/search-service-kafka`");
    expect(text).toContain("updateStrategy is OnDelete: no pod restarts by itself");
  });
});
