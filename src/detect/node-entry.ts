import { parseJsoncObject, isObject, stringProp, type JsonObject } from './json.js';
import { joinPath, normalizePath } from './paths.js';
import type { RepoFiles } from './types.js';

/** What the image runs for a Node app, and how it was found. */
export interface NodeEntry {
  /** File `node` runs, relative to the app dir. */
  entrypoint: string;
  /** Repository-relative source of the entrypoint (the .ts before compiling), to scan first. */
  entrySource: string | null;
  buildOutputDir: string | null;
  startCommand: string;
  /** Options the start script gives `node` before the file (-r module-alias/register, --import ./otel.mjs): the image keeps them. */
  nodeOptions: string[];
  notes: string[];
}

/** What detectNode already knows that decides the entrypoint. */
export interface NodeEntryInput {
  pkg: JsonObject | null;
  scripts: Record<string, string>;
  framework: string | null;
  nextStandalone: boolean;
  typescript: boolean;
}

const NEXT_BIN = 'node_modules/next/dist/bin/next';
const JS_EXT = /\.(c|m)?js$/;
const TS_EXT = /\.(c|m)?tsx?$/;
// What bun treats as a file to run rather than a script name: a path or a JS/TS extension.
const BUN_FILE = /\/|\.(c|m)?[jt]sx?$/;
const FALLBACK_NAMES = ['server', 'index', 'main', 'app'];
// node flags that take the next token as their value.
const FLAGS_WITH_VALUE = new Set(['-r', '--require', '--import', '--loader', '--experimental-loader', '--env-file', '--env-file-if-exists', '--watch-path', '--inspect-port']);
/** Development-only options the image leaves out (the .env file is not in the image either). */
const DEV_ONLY = /^--(hot|watch|watch-path|inspect|inspect-brk|inspect-wait|inspect-port|env-file|env-file-if-exists)(=|$)/;

/**
 * Works out what the image runs with `node`: Next.js's standalone server or
 * binary, the file a `node X` start script names, package.json `main`, the
 * compiled form of src/index.ts, or a conventional server.js/index.js/app.js.
 */
export function detectNodeEntry(files: RepoFiles, dir: string, input: NodeEntryInput): NodeEntry {
  const notes: string[] = [];
  const ts = readTsconfig(files, dir);
  const hasBuild = 'build' in input.scripts;

  if (input.framework === 'next') {
    if (!input.nextStandalone) {
      notes.push("Next.js without output: 'standalone' ships all of node_modules; set it in next.config for a smaller image");
      // `next start` compiles a TypeScript config with the typescript package, a dev dependency the image leaves out.
      const tsConfig = ['next.config.ts', 'next.config.mts'].find((f) => files.exists(joinPath(dir, f)));
      if (tsConfig) notes.push(`next start reads ${tsConfig} with typescript, which the image's production dependencies lack: set output: 'standalone' (the server then carries the config) or move typescript to dependencies`);
    }
    const entrypoint = input.nextStandalone ? 'server.js' : NEXT_BIN;
    return {
      entrypoint,
      entrySource: null,
      buildOutputDir: '.next',
      startCommand: input.nextStandalone ? 'node server.js' : `node ${NEXT_BIN} start`,
      nodeOptions: [],
      notes,
    };
  }

  const fromSource = (src: string): string => compiledPath(src, ts);
  let entrypoint: string | null = null;
  let entrySource: string | null = null;
  let nodeOptions: string[] = [];

  for (const name of ['start', 'start:prod', 'serve']) {
    const script = input.scripts[name];
    const command = script === undefined ? null : nodeScriptCommand(script);
    const file = command?.file ?? null;
    // `node .` runs package.json main, handled below.
    if (file === null || file === '.') continue;
    if (command?.tool === 'node') nodeOptions = command.options;
    if (command?.tool === 'bun' && TS_EXT.test(file)) {
      // bun runs TypeScript itself: the image runs the source file, not a compiled one.
      entrypoint = file;
      entrySource = file;
    } else if (TS_EXT.test(file)) {
      entrypoint = fromSource(file);
      entrySource = file;
    } else {
      entrypoint = resolveJs(files, dir, file);
    }
    notes.push(`entrypoint ${entrypoint} from the ${name} script`);
    break;
  }

  const main = stringProp(input.pkg, 'main');
  if (entrypoint === null && main !== null) {
    entrypoint = TS_EXT.test(main) ? fromSource(main) : resolveJs(files, dir, main);
    if (TS_EXT.test(main)) entrySource = main;
    notes.push(`entrypoint ${entrypoint} from package.json main`);
  }

  if (entrypoint === null && input.typescript && ts.outDir !== null) {
    const src = FALLBACK_NAMES.map((n) => `src/${n}.ts`).find((p) => files.exists(joinPath(dir, p)));
    if (src) {
      entrypoint = fromSource(src);
      entrySource = src;
      notes.push(`entrypoint ${entrypoint}: ${src} compiled to tsconfig outDir`);
    }
  }

  if (entrypoint === null) {
    const candidates = [...FALLBACK_NAMES.map((n) => `${n}.js`), ...FALLBACK_NAMES.map((n) => `src/${n}.js`)];
    entrypoint = candidates.find((p) => files.exists(joinPath(dir, p))) ?? null;
    if (entrypoint === null) {
      entrypoint = 'index.js';
      notes.push('no entrypoint found (no start script, main or server.js/index.js): assuming index.js');
    }
  }

  // A compiled entrypoint's source is the .ts it came from, when we can map it back.
  entrySource ??= sourceOf(files, dir, entrypoint, ts);
  if (!hasBuild && !files.exists(joinPath(dir, entrypoint))) {
    notes.push(`${entrypoint} does not exist and no build script makes it: the image would not start (add a build script, or point the start script or main at the file to run)`);
  }

  let buildOutputDir: string | null = null;
  // A .ts entrypoint (bun) is run from source: the image keeps the whole app, not just the build output.
  if (hasBuild && !TS_EXT.test(entrypoint)) {
    const first = entrypoint.split('/')[0] ?? '';
    if (input.typescript && ts.outDir !== null) buildOutputDir = ts.outDir;
    else if (['dist', 'build', 'out', 'lib'].includes(first)) buildOutputDir = first;
  }
  return {
    entrypoint,
    entrySource: entrySource === null ? null : joinPath(dir, entrySource),
    buildOutputDir,
    startCommand: ['node', ...nodeOptions, entrypoint].join(' '),
    nodeOptions,
    notes,
  };
}

/** The file a `node [flags] <file>` command runs (ts-node/tsx run .ts the same way), or null. */
export function nodeScriptFile(script: string): string | null {
  return nodeScriptCommand(script)?.file ?? null;
}

/** What a `node [options] <file>` (or ts-node, tsx, bun) command runs, with the options the image keeps. */
function nodeScriptCommand(script: string): { tool: string; file: string | null; options: string[] } | null {
  parts: for (const part of script.split(/&&|\|\||;/)) {
    const tokens = part.trim().split(/\s+/);
    const at = tokens.findIndex((t) => t === 'node' || t === 'ts-node' || t === 'tsx' || t === 'bun');
    if (at < 0) continue;
    const tool = tokens[at]!;
    const options: string[] = [];
    for (let i = at + 1; i < tokens.length; i++) {
      const t = tokens[i] ?? '';
      const takesValue = FLAGS_WITH_VALUE.has(t);
      // `bun run src/index.ts` runs a file; `bun run build` or `bun x` runs a script or a package binary.
      if (tool === 'bun' && !t.startsWith('-') && !BUN_FILE.test(t)) {
        if (t === 'run') continue;
        continue parts;
      }
      if (!t.startsWith('-')) return { tool, file: normalizePath(t), options };
      if (!DEV_ONLY.test(t)) options.push(...(takesValue ? [t, tokens[i + 1] ?? ''] : [t]));
      if (takesValue) i++;
    }
    return { tool, file: null, options };
  }
  return null;
}

interface TsOptions {
  outDir: string | null;
  rootDir: string | null;
}

function readTsconfig(files: RepoFiles, dir: string): TsOptions {
  const cfg = parseJsoncObject(files.read(joinPath(dir, 'tsconfig.build.json')) ?? files.read(joinPath(dir, 'tsconfig.json')));
  const opts = isObject(cfg?.compilerOptions) ? cfg.compilerOptions : null;
  const norm = (v: string | null): string | null => (v === null ? null : normalizePath(v));
  return { outDir: norm(stringProp(opts, 'outDir')), rootDir: norm(stringProp(opts, 'rootDir')) };
}

/** 'src/server.ts' → 'dist/server.js' given outDir 'dist' (rootDir defaults to src/ when the file is in it). */
function compiledPath(src: string, ts: TsOptions): string {
  const file = normalizePath(src) ?? src;
  const rootDir = ts.rootDir ?? (file.startsWith('src/') ? 'src' : '.');
  const inRoot = rootDir === '.' ? file : file.startsWith(`${rootDir}/`) ? file.slice(rootDir.length + 1) : file;
  const js = inRoot.replace(/\.(c|m)?tsx?$/, (_, k: string | undefined) => `.${k ?? ''}js`);
  return joinPath(ts.outDir ?? '.', js);
}

/** `node dist/main` runs dist/main.js (or dist/main/index.js); an existing file or .js name wins. */
function resolveJs(files: RepoFiles, dir: string, file: string): string {
  if (JS_EXT.test(file) || (files.exists(joinPath(dir, file)) && !files.isDirectory(joinPath(dir, file)))) return file;
  if (files.isDirectory(joinPath(dir, file))) return joinPath(file, 'index.js');
  return `${file}.js`;
}

/** The .ts source of a compiled entrypoint, when outDir maps back onto an existing file. */
function sourceOf(files: RepoFiles, dir: string, entry: string, ts: TsOptions): string | null {
  if (files.exists(joinPath(dir, entry))) return entry;
  if (ts.outDir === null || !entry.startsWith(`${ts.outDir}/`)) return null;
  const rest = entry.slice(ts.outDir.length + 1).replace(/\.(c|m)?js$/, '');
  const roots = ts.rootDir !== null ? [ts.rootDir] : ['src', '.'];
  for (const root of roots) {
    for (const ext of ['.ts', '.mts', '.cts', '.tsx']) {
      const candidate = joinPath(root, rest + ext);
      if (files.exists(joinPath(dir, candidate))) return candidate;
    }
  }
  return null;
}
