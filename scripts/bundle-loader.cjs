// The top of both files of the published CLI (scripts/bundle.mjs fills in
// the values marked @fill):
//   - dist/bundle.cjs is the whole CLI in one file: this loader, then every
//     chunk as a function and every template spec, defined where the
//     `@definitions` line is. It runs as it is (`node dist/bundle.cjs`), but
//     then V8 reads and parses its ~2 MB on every start.
//   - dist/create-devops-stack.cjs, the package's bin, is this loader alone,
//     with the index of dist/bundle.cjs: where each chunk's and template's
//     source is in it. It reads only the byte ranges a command runs, so
//     `--help` reads main.ts's chunk and nothing else.
// A chunk is main.ts or what one dynamic import() in the code loads (the
// imported module and all it needs); a template spec is a precompiled
// Handlebars template. Both are compiled on first use.
//
// Compiling is most of a run's start-up: V8 compiles each function the first
// time it runs. dist/code-cache/<V8 version>-<arch>.bin, made by
// scripts/code-cache.mjs after a warm-up run of every example, holds V8's
// compiled code for every chunk and template; one compiled with it skips most
// of that work. The cache is used only when it was made from this very build
// (`build` below, a hash of this loader and every chunk) and V8 accepts it
// (same V8 version and flags); otherwise the code compiles as it would
// without one. Only the entries a run uses are read.
'use strict';
const __cdsFs = require('node:fs');
const __cdsPath = require('node:path');
const { Script: __cdsScript } = require('node:vm');
// { chunks: id -> [offset, length], templates: name -> [offset, length] } in
// dist/bundle.cjs; null in dist/bundle.cjs itself, which defines them below.
const __cdsIndex = /* @fill index */ null;
const __cdsBuild = /* @fill build */ '';
// A chunk is a CommonJS module body; it runs as this function.
const __cdsChunkHead = /* @fill chunkHead */ '';
const __cdsChunkTail = /* @fill chunkTail */ '';
const __cdsBundleFile = __cdsPath.join(__dirname, 'bundle.cjs');
const __cdsCacheFile = __cdsPath.join(__dirname, 'code-cache', `${process.versions.v8}-${process.arch}.bin`);
// dist/bundle.cjs only: id -> the chunk's function, name -> the template's spec.
const __cdsDefined = { chunks: {}, templates: {} };
// Open descriptors of dist/bundle.cjs and of the cache, kept for the run.
const __cdsFds = {};
// The cache: { entries: id -> [offset, length], start }, or null when there is none to use.
let __cdsCache;
// id -> the vm.Script it was compiled from, and whether the cache was offered for it.
const __cdsScripts = {};
const __cdsLoaded = {};

// What __cdsRead reads into, grown as needed. Each read is used up (copied into a
// string, or compiled from) before the next: fresh memory for every read would
// cost a page fault per 4 kB, ~1 ms per 300 kB on some VMs.
let __cdsScratch = Buffer.alloc(0);

/** `length` bytes of `file` at `offset`, valid until the next call. */
function __cdsRead(file, offset, length) {
  __cdsFds[file] ??= __cdsFs.openSync(file, 'r');
  if (__cdsScratch.length < length) __cdsScratch = Buffer.allocUnsafeSlow(Math.max(length, 2 * __cdsScratch.length));
  const got = __cdsFs.readSync(__cdsFds[file], __cdsScratch, 0, length, offset);
  if (got !== length) throw new Error(`${file}: ${length} bytes expected at ${offset}, ${got} read`);
  return __cdsScratch.subarray(0, length);
}

/** Source of a chunk or template of dist/bundle.cjs. */
function __cdsSource([offset, length]) {
  return __cdsRead(__cdsBundleFile, offset, length).toString('utf8');
}

/** The cache file made from this build for this Node, or null: none, another build's, or unreadable. */
function __cdsReadCache() {
  try {
    const size = __cdsFs.statSync(__cdsCacheFile).size;
    // The header is one JSON line of a few kB: the first read nearly always holds it.
    let head = __cdsRead(__cdsCacheFile, 0, Math.min(size, 65536));
    if (head.indexOf(10) < 0) head = __cdsRead(__cdsCacheFile, 0, size);
    const headerEnd = head.indexOf(10);
    if (headerEnd < 0) return null;
    const header = JSON.parse(head.toString('utf8', 0, headerEnd));
    return header.build === __cdsBuild && header.entries !== null && typeof header.entries === 'object' ? { entries: header.entries, start: headerEnd + 1 } : null;
  } catch {
    return null;
  }
}

/** The cached code for `id`, if there is some (V8 still checks it: see codeCacheStatus). */
function __cdsCachedData(id) {
  if (__cdsCache === undefined) __cdsCache = __cdsReadCache();
  const entry = __cdsCache?.entries[id];
  if (!Array.isArray(entry)) return undefined;
  try {
    return __cdsRead(__cdsCacheFile, __cdsCache.start + entry[0], entry[1]);
  } catch {
    return undefined;
  }
}

/** Compiles and runs `source` (with the cached code for `id` if there is some), as V8 script `<this file> [id]`. */
function __cdsRun(id, source) {
  const cachedData = __cdsCachedData(id);
  const script = new __cdsScript(source, { filename: `${__filename} [${id}]`, cachedData });
  __cdsScripts[id] = { script, cached: cachedData !== undefined };
  return script.runInThisContext();
}

/** dist/bundle.cjs: defines chunk `id`. */
function __cdsDefine(id, fn) {
  __cdsDefined.chunks[id] = fn;
}

/** dist/bundle.cjs: defines the spec of template `name`. */
function __cdsDefineTemplate(name, spec) {
  __cdsDefined.templates[name] = spec;
}

function __cdsLoadChunk(id) {
  if (__cdsLoaded[id] === undefined) {
    const wrapper = __cdsIndex === null ? __cdsDefined.chunks[id] : __cdsRun(`chunk ${id}`, `(${__cdsChunkHead}${__cdsSource(__cdsIndex.chunks[id])}${__cdsChunkTail})`);
    const module = { exports: {} };
    // Registered before it runs, so a chunk that loads this one again gets it (as CommonJS does);
    // again after, as the chunk replaces module.exports.
    __cdsLoaded[id] = module.exports;
    wrapper(module.exports, require, module, __filename, __dirname, __cds);
    __cdsLoaded[id] = module.exports;
  }
  return __cdsLoaded[id];
}

/** The precompiled spec of template `name` (a path under templates/), or undefined when there is none. */
function __cdsTemplateSpec(name) {
  if (__cdsIndex === null) return __cdsDefined.templates[name];
  const at = __cdsIndex.templates[name];
  return at === undefined ? undefined : __cdsRun(`template ${name}`, __cdsSource(at));
}

/** For tests and the bench: the cache file this Node looks for, and for each chunk and template compiled so far whether its cached code was used. */
function codeCacheStatus() {
  const chunks = {};
  for (const [id, { script, cached }] of Object.entries(__cdsScripts)) chunks[id] = !cached ? 'compiled' : script.cachedDataRejected ? 'rejected' : 'cached';
  return { file: __cdsCacheFile, chunks };
}

/**
 * For scripts/code-cache.mjs: writes V8's code for every chunk and template
 * compiled so far (with every function compiled by then) to this Node's cache
 * file. Format: a JSON line { build, node, entries: id -> [offset, length] },
 * then the entries.
 */
function writeCodeCache() {
  if (__cdsIndex === null) throw new Error('the code cache is made with the bin, dist/create-devops-stack.cjs');
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
  __cdsFs.mkdirSync(__cdsPath.dirname(__cdsCacheFile), { recursive: true });
  __cdsFs.writeFileSync(__cdsCacheFile, Buffer.concat([header, ...blobs]));
  return __cdsCacheFile;
}

// @definitions

// What each chunk gets: the code is ESM turned into CommonJS, so import.meta.url; and these functions.
const __cds = { importMetaUrl: require('node:url').pathToFileURL(__filename).href, loadChunk: __cdsLoadChunk, templateSpec: __cdsTemplateSpec };
const { main } = __cdsLoadChunk('main');
// Run as the bin; required (scripts/code-cache.mjs, tests), it only exports.
if (require.main === module) {
  void main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
module.exports = { main, codeCacheStatus, writeCodeCache };
