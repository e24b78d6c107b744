// The top of the published bin, dist/create-devops-stack.cjs (scripts/bundle.mjs
// fills in the two values marked @fill and appends the chunks after it).
//
// All the CLI's code (main.ts, each lazy chunk, the precompiled templates) is
// in the file's last lines, one `//@chunk <id> <base64>` comment line per
// chunk: Node reads, and V8 scans, the whole file on every run, but scanning
// a comment is cheap (~1.5 ms for the ~650 kB here, on every command), and
// only the chunks a command needs are decoded and compiled. `main` is plain base64 (decoding it needs no zlib,
// which `--help` would otherwise load for nothing); the others are
// Brotli-compressed.
//
// Compiling is most of a run's start-up: V8 compiles each function the first
// time it runs. dist/code-cache/<V8 version>-<arch>.bin, made by
// scripts/code-cache.mjs after a warm-up run of every example, holds V8's
// compiled code for every chunk; a chunk compiled with it skips most of that
// work. The cache is used only when it was made from this very build (`build`
// below, a hash of this loader and every chunk) and V8 accepts it (same V8 version and
// flags); otherwise chunks compile as they would without one.
'use strict';
const __cdsFs = require('node:fs');
const { Script: __cdsScript } = require('node:vm');
// id -> [bytes of the chunk's base64 from the end of this file, its length, whether it is Brotli-compressed]
const __cdsChunks = /* @fill index */ {};
const __cdsBuild = /* @fill build */ '';
const __cdsCacheFile = require('node:path').join(__dirname, 'code-cache', `${process.versions.v8}-${process.arch}.bin`);
// The cache as read: { entries: id -> [offset, length], data, start }, or null when there is none to use.
let __cdsCache;
// id -> the vm.Script it was compiled from, and whether the cache was offered for it.
const __cdsScripts = {};
const __cdsLoaded = {};

/** Chunk `id` as bytes: its base64 from the end of this file, decoded (and decompressed). */
function __cdsReadChunkBytes(id) {
  const [fromEnd, length, brotli] = __cdsChunks[id];
  const fd = __cdsFs.openSync(__filename, 'r');
  try {
    const base64 = Buffer.alloc(length);
    __cdsFs.readSync(fd, base64, 0, length, __cdsFs.fstatSync(fd).size - fromEnd);
    const bytes = Buffer.from(base64.toString('latin1'), 'base64');
    return brotli ? require('node:zlib').brotliDecompressSync(bytes) : bytes;
  } finally {
    __cdsFs.closeSync(fd);
  }
}

/** The cache file made from this build for this Node, or null: none, another build's, or unreadable. */
function __cdsReadCache() {
  try {
    const data = __cdsFs.readFileSync(__cdsCacheFile);
    const headerEnd = data.indexOf(10);
    const header = JSON.parse(data.toString('utf8', 0, headerEnd));
    return header.build === __cdsBuild && header.entries !== null && typeof header.entries === 'object' ? { entries: header.entries, data, start: headerEnd + 1 } : null;
  } catch {
    return null;
  }
}

/** The cached code for chunk `id`, if there is some (V8 still checks it: see codeCacheStatus). */
function __cdsCachedData(id) {
  if (__cdsCache === undefined) __cdsCache = __cdsReadCache();
  const entry = __cdsCache?.entries[id];
  return Array.isArray(entry) ? __cdsCache.data.subarray(__cdsCache.start + entry[0], __cdsCache.start + entry[0] + entry[1]) : undefined;
}

/** Compiles and runs `source` (with the cached code for `id` if there is some), as V8 script `<this file> [id]`. */
function __cdsRun(id, source) {
  const cachedData = __cdsCachedData(id);
  const script = new __cdsScript(source, { filename: `${__filename} [${id}]`, cachedData });
  __cdsScripts[id] = { script, cached: cachedData !== undefined };
  return script.runInThisContext();
}

function __cdsLoadChunk(id) {
  if (__cdsLoaded[id] === undefined) {
    const wrapper = __cdsRun(`chunk ${id}`, `(function (exports, require, module, __filename, __dirname, __cds) {${__cdsReadChunkBytes(id).toString('utf8')}\n})`);
    const module = { exports: {} };
    // Registered before it runs, so a chunk that loads this one again gets it (as CommonJS does);
    // again after, as the chunk replaces module.exports.
    __cdsLoaded[id] = module.exports;
    wrapper(module.exports, require, module, __filename, __dirname, __cds);
    __cdsLoaded[id] = module.exports;
  }
  return __cdsLoaded[id];
}

/** For tests and the bench: the cache file this Node looks for, and for each chunk loaded so far whether its cached code was used. */
function codeCacheStatus() {
  const chunks = {};
  for (const [id, { script, cached }] of Object.entries(__cdsScripts)) chunks[id] = !cached ? 'compiled' : script.cachedDataRejected ? 'rejected' : 'cached';
  return { file: __cdsCacheFile, chunks };
}

/**
 * For scripts/code-cache.mjs: writes V8's code for every chunk loaded so far
 * (with every function compiled by then) to this Node's cache file. Format: a
 * JSON line { build, node, entries: id -> [offset, length] }, then the entries.
 */
function writeCodeCache() {
  const entries = {};
  const blobs = [];
  let at = 0;
  for (const id of Object.keys(__cdsScripts).sort()) {
    const blob = __cdsScripts[id].script.createCachedData();
    entries[id] = [at, blob.length];
    blobs.push(blob);
    at += blob.length;
  }
  const header = Buffer.from(`${JSON.stringify({ build: __cdsBuild, node: process.version, entries })}\n`);
  __cdsFs.mkdirSync(require('node:path').dirname(__cdsCacheFile), { recursive: true });
  __cdsFs.writeFileSync(__cdsCacheFile, Buffer.concat([header, ...blobs]));
  return __cdsCacheFile;
}

// What each chunk gets: the code is ESM turned into CommonJS, so import.meta.url; and these functions.
const __cds = { importMetaUrl: require('node:url').pathToFileURL(__filename).href, loadChunk: __cdsLoadChunk, readChunkBytes: __cdsReadChunkBytes, run: __cdsRun };
const { main } = __cdsLoadChunk('main');
// Run as the bin; required (scripts/code-cache.mjs, tests), it only exports.
if (require.main === module) {
  void main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
module.exports = { main, codeCacheStatus, writeCodeCache };
