import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compareStrings } from "../lib/compare";
import { referenceCopy, ROOT, runCliAsync } from "./helpers/synth";
import { treeHash } from "./helpers/tree";

const freshDir = () => mkdtempSync(join(tmpdir(), "vep-locale-"));

/** The reference with services whose order differs by locale: Danish sorts "aa" after "z", Lithuanian "y" before "j". */
function localeSensitiveSpec(dir: string): string {
  const spec = referenceCopy();
  const template = spec.services!.find((s) => s.name === "notification-service")!;
  for (const name of ["aa-mailer", "yield-api", "job-runner"]) spec.services!.push({ ...structuredClone(template), name });
  const path = join(dir, "spec.json");
  writeFileSync(path, JSON.stringify(spec));
  return path;
}

const localeEnv = (locale: string) => ({ LANG: locale, LC_ALL: locale });

describe("output does not depend on the machine's locale", () => {
  it("Node takes the collation from LANG (what made localeCompare-ordered output differ), compareStrings does not", () => {
    const sorted = (locale: string) =>
      spawnSync(process.execPath, ["-e", 'console.log(["z", "aa", "y", "j"].sort((a, b) => a.localeCompare(b)).join(" "))'], { env: { ...process.env, ...localeEnv(locale) }, encoding: "utf8" }).stdout.trim();
    expect(sorted("C.UTF-8")).toBe("aa j y z");
    expect(sorted("da_DK.UTF-8")).toBe("j y z aa");
    expect(sorted("lt_LT.UTF-8")).toBe("aa y j z");
    expect(["z", "aa", "y", "j", "a-b", "a_b", "B"].sort(compareStrings)).toEqual(["B", "a-b", "a_b", "aa", "j", "y", "z"]);
  });

  it("Danish and Lithuanian machines render byte-identical trees to C.UTF-8", async () => {
    const dir = freshDir();
    const spec = localeSensitiveSpec(dir);
    const trees: Record<string, Record<string, string>> = {};
    for (const locale of ["C.UTF-8", "da_DK.UTF-8", "lt_LT.UTF-8"]) {
      const out = join(dir, locale);
      const r = await runCliAsync([spec, "--out", join(out, "cdktf.out"), "--dist", join(out, "dist")], { cwd: dir, env: localeEnv(locale) });
      expect(r.status, r.stderr).toBe(0);
      trees[locale] = { ...treeHash(join(out, "cdktf.out")), ...treeHash(join(out, "dist")) };
    }
    expect(trees["da_DK.UTF-8"]).toEqual(trees["C.UTF-8"]);
    expect(trees["lt_LT.UTF-8"]).toEqual(trees["C.UTF-8"]);
    // The spec's names reach the ordered output (the Vault policy that lists their secrets' metadata).
    const core = readFileSync(join(dir, "C.UTF-8", "cdktf.out/stacks/vault-core/cdk.tf.json"), "utf8");
    expect(core.indexOf("apps/dev/aa-mailer/providers")).toBeLessThan(core.indexOf("apps/dev/job-runner/providers"));
    expect(core.indexOf("apps/dev/job-runner/providers")).toBeLessThan(core.indexOf("apps/dev/yield-api/providers"));
  });

  it("a synth and a check use no ICU and compile no code at run time (test/helpers/record-locale-use.cjs)", async () => {
    const dir = freshDir();
    const log = join(dir, "locale-use.log");
    writeFileSync(log, "");
    const preload = ["--require", join(ROOT, "test/helpers/record-locale-use.cjs")];
    const env = { ...process.env, VEP_LOCALE_LOG: log };
    const synth = spawnSync(process.execPath, [...preload, join(ROOT, "scripts/launch.cjs"), "main", "--out", join(dir, "cdktf.out"), "--dist", join(dir, "dist")], { cwd: dir, env, encoding: "utf8" });
    expect(synth.status, synth.stderr).toBe(0);
    const check = spawnSync(process.execPath, [...preload, join(ROOT, "scripts/launch.cjs"), "check"], { cwd: dir, env, encoding: "utf8" });
    expect(check.status, check.stderr).toBe(0);
    expect(readFileSync(log, "utf8")).toBe("");
    // The hook works: a plain localeCompare in the same setup is recorded.
    const probe = spawnSync(process.execPath, [...preload, "-e", '"a".localeCompare("b")'], { env, encoding: "utf8" });
    expect(probe.status, probe.stderr).toBe(0);
    expect(readFileSync(log, "utf8")).toMatch(/^localeCompare /);
  });
});
