// Loads a command-line bundle (build/<entry>.js) as require() would, but compiled from a V8 code
// cache kept beside it (build/<entry>.js.<flags>.cache): parsing and compiling the 4 MB bundle is a fifth of
// a reference synth, and with the cache V8 deserializes the compiled functions instead.
//
// V8 checks a cache against its own version and flags and the source's length only, not its
// content, so the cache names the exact bundle file it was made from (size, mtime, inode: a rebuild
// writes a new file) and anything else is ignored. Nor does a release build of V8 verify the data:
// damaged data aborts the process in the deserializer, so the header carries the data's digest and
// a cache that does not match it is never handed to V8. It is written when a run ends (then it holds
// every function the run compiled) if there was none, if V8 refused it, if it names another
// bundle, or if it came from a run that failed or only printed its help (such a run compiles less
// of the bundle) and this one succeeded; atomically, so concurrent runs never read half a file.
// A read-only build/ only costs the speed-up.
//
// Node 20 drops a cached script's dynamic-import callback, so the bundles hold no import()
// (scripts/build.cjs refuses them): ES modules load through lib/esm-import.cjs.
"use strict";
const { createHash } = require("node:crypto");
const { closeSync, fstatSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync } = require("node:fs");
const Module = require("node:module");
const { dirname } = require("node:path");
const vm = require("node:vm");
const { flagsAsLoaded } = require("./young-generation.cjs");

const MAGIC = "vep-code-cache-1";

/** The bundle file's identity: a rebuild renames a new file into place. */
const identity = (stat) => `${stat.size}:${stat.mtimeMs}:${stat.ino}`;

const digest = (data) => createHash("sha1").update(data).digest("hex");

/** The cache's header ({ magic, bundle, status, digest }) and V8's data, or undefined when damaged. */
function parseCache(bytes) {
  const end = bytes.indexOf(10);
  if (end < 0) return undefined;
  try {
    const header = JSON.parse(bytes.toString("utf8", 0, end));
    const data = bytes.subarray(end + 1);
    return header.magic === MAGIC && header.digest === digest(data) ? { header, data } : undefined;
  } catch {
    return undefined;
  }
}

/** A cache file's header and data, or undefined when unreadable or damaged. */
function readCache(path) {
  try {
    return parseCache(readFileSync(path));
  } catch {
    return undefined;
  }
}

/** Reads up to `size` bytes of an open file into the start of `buffer`; returns the part read. */
function readInto(fd, buffer, size) {
  let read = 0;
  for (let n; read < size && (n = readSync(fd, buffer, read, size - read, read)) > 0; ) read += n;
  return buffer.subarray(0, read);
}

function openIfThere(path) {
  try {
    return openSync(path, "r");
  } catch {
    return undefined;
  }
}

/** An open cache file read into `buffer`: its header and data, or undefined when unreadable (a folder, say) or damaged. */
function cacheIn(fd, buffer, size) {
  try {
    return parseCache(readInto(fd, buffer, size));
  } catch {
    return undefined;
  }
}

function writeCache(path, header, data) {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    // V8 copies cache data that does not start on an 8-byte boundary (3 MB of fresh memory, and
    // fresh pages are what a short run's time goes to): the header is padded to a multiple of 16.
    const line = JSON.stringify({ magic: MAGIC, ...header, digest: digest(data) });
    writeFileSync(tmp, Buffer.concat([Buffer.from(`${line.padEnd(Math.ceil((line.length + 1) / 16) * 16 - 1)}\n`), data]));
    renameSync(tmp, path);
  } catch {
    rmSync(tmp, { force: true });
  }
}

/**
 * The cache file for a process's flags (by default this one's): V8 refuses a cache made under other
 * flags, so each set of Node options (`node --max-semi-space-size=1 ...`, NODE_OPTIONS) keeps its own
 * instead of all rewriting one.
 */
function cacheFile(file, execArgv = process.execArgv, nodeOptions = process.env.NODE_OPTIONS) {
  const flags = `${execArgv.join(" ")}\n${nodeOptions ?? ""}`;
  return `${file}.${digest(flags).slice(0, 12)}.cache`;
}

/**
 * Runs the bundle's module code and returns its exports. `partial`: this run does little of the
 * bundle's work (--help), so its cache counts as a failed run's and the next real run replaces it.
 */
function loadBundle(file, { partial = false, cachePath = cacheFile(file) } = {}) {
  let bundle;
  let source;
  let cache;
  const fd = openSync(file, "r");
  const cacheFd = openIfThere(cachePath);
  try {
    const stat = fstatSync(fd);
    bundle = identity(stat);
    const cacheSize = cacheFd === undefined ? 0 : fstatSync(cacheFd).size;
    // One buffer takes the bundle's bytes and, once they are decoded, the cache's: on a short run,
    // first touches of fresh memory cost more than anything read into it.
    const buffer = Buffer.allocUnsafeSlow(Math.max(stat.size, cacheSize));
    // A copy on V8's heap, so the buffer is free again. Not latin1: Node makes a large latin1 string
    // external, and V8 then kept about 10 MB more compiled code in a run at 1000 services. The
    // bundles are pure ASCII (esbuild's charset: "ascii"): V8 decodes them on its fast path.
    source = readInto(fd, buffer, stat.size).toString("utf8");
    cache = cacheFd === undefined ? undefined : cacheIn(cacheFd, buffer, cacheSize);
  } finally {
    closeSync(fd);
    if (cacheFd !== undefined) closeSync(cacheFd);
  }
  const usable = cache?.header.bundle === bundle ? cache : undefined;
  const usedStatus = usable?.header.status;
  // The bundle is one function expression (scripts/build.cjs writes the module wrapper into it).
  const script = new vm.Script(source, { filename: file, cachedData: usable?.data });
  const stale = !usable || script.cachedDataRejected === true;
  process.once("exit", (code) => {
    const status = partial ? "partial" : code;
    if (stale || (usedStatus !== 0 && status === 0)) {
      flagsAsLoaded();
      writeCache(cachePath, { bundle, status }, script.createCachedData());
    }
  });
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(dirname(file));
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(file), mod, file, dirname(file));
  mod.loaded = true;
  return mod.exports;
}

module.exports = { cacheFile, loadBundle, readCache };
