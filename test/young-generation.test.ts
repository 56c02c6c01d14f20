import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { benchmarkSpec } from "../bench/specs";
import { fitYoungGeneration, LARGE_PLATFORM_DEPLOYMENTS, serviceDeployments, STATE } from "../lib/young-generation";
import { projectCopy, ROOT, runNode } from "./helpers/synth";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { cacheFile } = require("../scripts/load-bundle.cjs") as { cacheFile: (file: string, execArgv: string[], nodeOptions?: string) => string };

const HELPER = join(ROOT, "test/helpers/record-young-generation.cjs");
const MiB = 1024 * 1024;

interface YoungLog {
  newSpaceBytes: number;
  state: "held" | "released" | null;
}

describe("V8's young generation: held while a run starts, grown for a large platform", () => {
  let project: string;
  let dir: string;
  let largeSpec: string;

  /** A command line through the launcher with test/helpers/record-young-generation.cjs preloaded; node flags first. */
  const launch = async (entry: string, args: string[], flags: string[] = []): Promise<YoungLog> => {
    const log = join(mkdtempSync(join(dir, "log-")), "young.json");
    const r = await runNode([...flags, "--require", HELPER, join(project, "scripts/launch.cjs"), entry, ...args], { cwd: project, env: { VEP_YOUNG_LOG: log } });
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(readFileSync(log, "utf8")) as YoungLog;
  };
  let lastOut = "";
  const synth = (spec: string | undefined, flags: string[] = []) => {
    lastOut = mkdtempSync(join(dir, "run-"));
    return launch("main", [...(spec ? [spec] : []), "--out", join(lastOut, "cdktf.out"), "--dist", join(lastOut, "dist")], flags);
  };

  beforeAll(() => {
    project = projectCopy();
    dir = mkdtempSync(join(tmpdir(), "vep-young-"));
    largeSpec = join(dir, "large.json");
    const large = benchmarkSpec({ services: Math.ceil(LARGE_PLATFORM_DEPLOYMENTS / 3) });
    expect(serviceDeployments({ services: large.services ?? [] })).toBeGreaterThanOrEqual(LARGE_PLATFORM_DEPLOYMENTS);
    writeFileSync(largeSpec, JSON.stringify(large));
  });

  it("a reference synth keeps the initial young generation (two 1 MB semi-spaces); a large platform's grows", async () => {
    const small = await synth(undefined);
    expect(small.state).toBe("held");
    expect(small.newSpaceBytes).toBeLessThanOrEqual(2 * MiB);
    const large = await synth(largeSpec);
    expect(large.state).toBe("released");
    expect(large.newSpaceBytes).toBeGreaterThan(2 * MiB);
  }, 120_000);

  it("npm run check and npm run review grow it for a large platform too", async () => {
    await synth(largeSpec);
    const trees = `${join(lastOut, "cdktf.out")},${join(lastOut, "dist")}`;
    expect((await launch("check", [largeSpec, "--no-synth", "--out", join(lastOut, "cdktf.out"), "--dist", join(lastOut, "dist")])).state).toBe("released");
    expect((await launch("review", [largeSpec, "--base-dir", trees, "--head-dir", trees, "--output", mkdtempSync(join(dir, "review-"))])).state).toBe("released");
    expect((await launch("check", [])).state, "the reference, checked in memory").toBe("held");
  }, 120_000);

  it("a user's own young-generation flags are left alone: V8 grows it as they say", async () => {
    const sized = await synth(undefined, ["--max-semi-space-size=4"]);
    expect(sized.state).toBeNull();
    expect(sized.newSpaceBytes).toBeGreaterThan(2 * MiB);
    expect(sized.newSpaceBytes).toBeLessThanOrEqual(8 * MiB);
  }, 60_000);

  it("a code cache written after the young generation grew is still V8's cache for the next run (its flags hash as at load)", async () => {
    const cache = cacheFile(join(project, "build/main.js"), ["--require", HELPER], process.env.NODE_OPTIONS);
    rmSync(cache, { force: true });
    expect((await synth(largeSpec)).state).toBe("released");
    const written = `${statSync(cache).ino}:${statSync(cache).mtimeMs}`;
    expect((await synth(undefined)).state).toBe("held");
    expect(`${statSync(cache).ino}:${statSync(cache).mtimeMs}`, "V8 refused the cache and the run rewrote it").toBe(written);
  }, 120_000);

  it("counts service deployments (a service in one environment) and grows only what the launcher held", () => {
    const at = (n: number) => ({ services: Array.from({ length: n }, () => ({ environments: ["dev"] })) });
    expect(serviceDeployments({ services: [{ environments: ["dev", "staging", "production"] }, { environments: ["dev"] }] })).toBe(4);
    expect(serviceDeployments({ services: [] })).toBe(0);
    const state = globalThis as { [STATE]?: string };
    try {
      delete state[STATE];
      expect(fitYoungGeneration(at(LARGE_PLATFORM_DEPLOYMENTS))).toBe(false);
      expect(state[STATE]).toBeUndefined();
      state[STATE] = "held";
      expect(fitYoungGeneration(at(LARGE_PLATFORM_DEPLOYMENTS - 1))).toBe(false);
      expect(state[STATE]).toBe("held");
      expect(fitYoungGeneration(at(LARGE_PLATFORM_DEPLOYMENTS))).toBe(true);
      expect(state[STATE]).toBe("released");
    } finally {
      delete state[STATE];
    }
  });
});
