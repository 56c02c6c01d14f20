import { chmodSync, closeSync, linkSync, lstatSync, mkdtempSync, openSync, readFileSync, readSync, statSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type OutputRecord, writeTreesAtomically } from "../lib/output";
import { writeFiles } from "../lib/write-synthesis";

const record: OutputRecord = { layer: "kubernetes", platform: "t", spec: "test", specDigest: "sha256:0" };

/** Writes files as `npm run synth` does: the whole folder replaced, unchanged files hard-linked from the previous tree. */
const synth = (dir: string, files: Record<string, string>) =>
  writeTreesAtomically([{ dir, option: "--dist", record, write: (into, previous) => writeFiles(into, files, previous) }], { protect: [] });

const ino = (path: string) => lstatSync(path).ino;
const text = (path: string) => readFileSync(path, "utf8");

const FILES = {
  "c/a/one.yaml": "one: 1\n",
  "c/a/two.yaml": "two: 2\n",
  "c/b/three.yaml": "three: 3\n",
  "c/b/four.yaml": "four: 4\n",
  "c/b/five.yaml": "five: 5\n",
  "c/kustomization.yaml": "resources: [a, b]\n",
};

describe("re-synth hard-links unchanged files from the previous output (lib/write-synthesis.ts)", () => {
  it("an unchanged file keeps its inode; a changed or new one is written; a dropped one disappears", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "vep-links-")), "dist");
    await synth(dir, FILES);
    const before = Object.fromEntries(Object.keys(FILES).map((f) => [f, ino(join(dir, f))]));
    // An open descriptor on a file about to change: whatever the new tree holds, this inode must keep its bytes.
    const fd = openSync(join(dir, "c/a/two.yaml"), "r");
    const { "c/b/five.yaml": _dropped, ...kept } = FILES;
    await synth(dir, { ...kept, "c/a/two.yaml": "two: 22\n", "c/b/six.yaml": "six: 6\n" });
    for (const f of ["c/a/one.yaml", "c/b/three.yaml", "c/b/four.yaml", "c/kustomization.yaml"]) expect(ino(join(dir, f)), f).toBe(before[f]);
    expect(ino(join(dir, "c/a/two.yaml"))).not.toBe(before["c/a/two.yaml"]);
    expect(text(join(dir, "c/a/two.yaml"))).toBe("two: 22\n");
    expect(text(join(dir, "c/b/six.yaml"))).toBe("six: 6\n");
    expect(() => lstatSync(join(dir, "c/b/five.yaml"))).toThrow(/ENOENT/);
    const old = Buffer.alloc(64);
    expect(old.subarray(0, readSync(fd, old, 0, 64, 0)).toString()).toBe("two: 2\n");
    closeSync(fd);
    for (const f of Object.keys(kept)) expect(statSync(join(dir, f)).nlink, f).toBe(1);
  });

  it("a file edited, chmod-ed, hard-linked elsewhere or replaced by a symlink is written anew, as a plain file with the new-file mode", async () => {
    const root = mkdtempSync(join(tmpdir(), "vep-links-"));
    const dir = join(root, "dist");
    await synth(dir, FILES);
    const mode = statSync(join(dir, "c/a/one.yaml")).mode & 0o7777;
    const before = Object.fromEntries(Object.keys(FILES).map((f) => [f, ino(join(dir, f))]));
    writeFileSync(join(dir, "c/a/one.yaml"), "one: 9\n"); // same size, other bytes
    chmodSync(join(dir, "c/a/two.yaml"), 0o600);
    linkSync(join(dir, "c/b/three.yaml"), join(root, "elsewhere.yaml"));
    writeFileSync(join(root, "target.yaml"), FILES["c/b/four.yaml"]);
    unlinkSync(join(dir, "c/b/four.yaml"));
    symlinkSync(join(root, "target.yaml"), join(dir, "c/b/four.yaml"));
    await synth(dir, FILES);
    for (const f of ["c/a/one.yaml", "c/a/two.yaml", "c/b/three.yaml", "c/b/four.yaml"]) {
      const st = lstatSync(join(dir, f));
      expect(st.isFile() && st.nlink === 1 && (st.mode & 0o7777) === mode, f).toBe(true);
      expect(st.ino, f).not.toBe(before[f]);
      expect(text(join(dir, f)), f).toBe(FILES[f as keyof typeof FILES]);
    }
    expect(ino(join(dir, "c/b/five.yaml"))).toBe(before["c/b/five.yaml"]);
    expect(text(join(root, "elsewhere.yaml"))).toBe(FILES["c/b/three.yaml"]);
    expect(statSync(join(root, "elsewhere.yaml")).nlink).toBe(1);
  });

  it("a first synth into a new folder writes every file", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "vep-links-")), "dist");
    await synth(dir, FILES);
    for (const [f, body] of Object.entries(FILES)) expect(text(join(dir, f))).toBe(body);
  });
});
