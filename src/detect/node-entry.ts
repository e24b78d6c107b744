import { parseJsoncObject, isObject, stringProp, type JsonObject } from './json.js';
import { joinPath, normalizePath } from './paths.js';
import type { NodeFacts, NodeLauncher, RepoFiles } from './types.js';

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
  /** A package's CLI that loads the entrypoint (fastify-cli), or null when node runs it. */
  launcher: NodeLauncher | null;
  /** `next start` compiles next.config.ts, and typescript is only a dev dependency. */
  runtimeTypescript: boolean;
  notes: string[];
}

/** What detectNode already knows that decides the entrypoint. */
export interface NodeEntryInput {
  pkg: JsonObject | null;
  scripts: Record<string, string>;
  framework: string | null;
  nextStandalone: boolean;
  typescript: boolean;
  /** `dependencies`: what the image's production install keeps. */
  prodDeps: Record<string, string>;
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
/** node's options that load tsx, which then runs TypeScript (https://tsx.is/dev-api). */
const TSX_LOADER = ['--import', 'tsx'];
/** fastify-cli's entry, run by node like Next's binary above (node_modules/.bin/fastify is a shell script under pnpm). */
export const FASTIFY_CLI = 'node_modules/fastify-cli/cli.js';
/**
 * The servers React Router 7 and Remix 2 run a server build with
 * (`react-router-serve ./build/server/index.js`): node runs their bin script,
 * which listens on PORT (else 3000) on every interface.
 */
const SERVE_CLIS: Readonly<Record<string, { pkg: string; script: string }>> = {
  'react-router-serve': { pkg: '@react-router/serve', script: 'node_modules/@react-router/serve/bin.js' },
  'remix-serve': { pkg: '@remix-run/serve', script: 'node_modules/@remix-run/serve/dist/cli.js' },
};
/** The port a launcher listens on when PORT is unset. */
export const LAUNCHER_DEFAULT_PORT = 3000;
/** `fastify start` options that take a value (fastify-cli's args.js). */
const FASTIFY_VALUE_FLAGS = new Set([
  '-p', '--port', '--inspect-port', '--body-limit', '-T', '--plugin-timeout', '-g', '--close-grace-delay', '--trust-proxy-hop',
  '-l', '--log-level', '-a', '--address', '-s', '--socket', '-x', '--prefix', '--ignore-watch', '-L', '--logging-module',
  '--debug-host', '--lang', '-r', '--require', '-i', '--import', '-c', '--config', '--method', '--trust-proxy-ips',
  '--follow-watch', '-I', '--debug-port',
]);
/**
 * `fastify start` options the image leaves out: watching and debugging, pretty
 * logs (pino-pretty is a dev tool; the platform wants JSON lines), the port (the
 * image's PORT sets it) and the address (set to one the load balancer reaches).
 */
const FASTIFY_DROPPED = /^(-w|--watch|-V|--verbose-watch|--ignore-watch|--follow-watch|-P|--pretty-logs|-d|--debug|-I|--debug-port|--debug-host|--inspect-port|-p|--port|-a|--address)(=|$)/;
export const LOOPBACK = /^(localhost|127\.[\d.]+|::1|\[::1\])$/;

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
    let runtimeTypescript = false;
    if (!input.nextStandalone) {
      notes.push("Next.js without output: 'standalone' ships all of node_modules; set it in next.config for a smaller image");
      // `next start` compiles a TypeScript config with the typescript package (Next 15 installs it at start when missing).
      const tsConfig = ['next.config.ts', 'next.config.mts'].find((f) => files.exists(joinPath(dir, f)));
      runtimeTypescript = tsConfig !== undefined && !('typescript' in input.prodDeps);
      if (runtimeTypescript) notes.push(`next start compiles ${tsConfig} with typescript, a dev dependency: the image keeps a copy of it from the build stage (the standalone server needs none)`);
    }
    const entrypoint = input.nextStandalone ? 'server.js' : NEXT_BIN;
    return {
      entrypoint,
      entrySource: null,
      buildOutputDir: '.next',
      startCommand: input.nextStandalone ? 'node server.js' : `node ${NEXT_BIN} start`,
      nodeOptions: [],
      launcher: null,
      runtimeTypescript,
      notes,
    };
  }

  const fromSource = (src: string): string => compiledPath(src, ts);
  let entrypoint: string | null = null;
  let entrySource: string | null = null;
  let nodeOptions: string[] = [];
  let launcher: NodeLauncher | null = null;

  for (const name of ['start', 'start:prod', 'serve']) {
    const script = input.scripts[name];
    const command = script === undefined ? null : nodeScriptCommand(script);
    if (command !== null && command.tool.startsWith('pm2') && command.file === null) {
      notes.push(`the ${name} script starts the apps a pm2 process file lists: the image runs the app with node itself, from the entrypoint found below`);
    }
    // `node .` runs package.json main, handled below.
    if (command === null || command.file === null || command.file === '.') continue;
    const run = scriptEntry(files, dir, { ...command, file: command.file }, { ts, hasBuild, prodDeps: input.prodDeps });
    ({ entrypoint, entrySource, nodeOptions, launcher } = run);
    notes.push(`entrypoint ${entrypoint} from the ${name} script`, ...run.notes);
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
    startCommand: ['node', ...nodeOptions, ...(launcher === null ? [entrypoint] : [launcher.script, ...launcher.args])].join(' '),
    nodeOptions,
    launcher,
    runtimeTypescript: false,
    notes,
  };
}

/** What the image runs for the file a start script's command names. */
interface ScriptEntry {
  entrypoint: string;
  entrySource: string | null;
  nodeOptions: string[];
  launcher: NodeLauncher | null;
  notes: string[];
}

function scriptEntry(
  files: RepoFiles,
  dir: string,
  command: ScriptCommand & { file: string },
  ctx: { ts: TsOptions; hasBuild: boolean; prodDeps: Record<string, string> },
): ScriptEntry {
  const { tool, file } = command;
  const notes: string[] = [];
  const ts = TS_EXT.test(file);
  // bun and node (type stripping) run TypeScript themselves, and tsx does when nothing compiles it.
  const runsSource = ts && (tool === 'bun' || tool === 'node' || (tool === 'tsx' && !ctx.hasBuild));
  const entrypoint = !ts ? resolveJs(files, dir, file) : runsSource ? file : compiledPath(file, ctx.ts);
  let nodeOptions = tool === 'node' ? command.options : [];
  if (tool === 'tsx' && runsSource) {
    // tsx's loader inside node: the same TypeScript support, without tsx's watcher process in between.
    nodeOptions = [...TSX_LOADER, ...command.options];
    if (!('tsx' in ctx.prodDeps)) {
      notes.push(`the start script runs ${file} with tsx, which dependencies do not list: the image's production install leaves it out; move tsx to dependencies, or add a build script that compiles ${file}`);
    }
  }
  if (tool === 'nodemon') notes.push(`the start script runs ${file} under nodemon, a development watcher: the image runs it with node`);
  if (tool.startsWith('pm2')) {
    notes.push(`the start script runs ${file} under ${tool}: the image runs it with node directly (tini is PID 1; the platform restarts containers and scales them, one process each)`);
  }
  const launcher = tool === 'fastify'
    ? fastifyLauncher(command, entrypoint, ctx.prodDeps, notes)
    : Object.hasOwn(SERVE_CLIS, tool) ? serveLauncher(tool, entrypoint, ctx.prodDeps, notes) : null;
  return { entrypoint, entrySource: ts ? file : null, nodeOptions, launcher, notes };
}

/**
 * `fastify start <plugin>`: fastify-cli builds the server around the plugin the
 * file exports, so node runs fastify-cli, not the file (which only exports).
 */
function fastifyLauncher(command: ScriptCommand, entrypoint: string, prodDeps: Record<string, string>, notes: string[]): NodeLauncher {
  if (!('fastify-cli' in prodDeps)) {
    notes.push("fastify start runs fastify-cli, which dependencies do not list: the image's production install leaves it out; move fastify-cli to dependencies");
  }
  const address = command.flags.get('-a') ?? command.flags.get('--address') ?? null;
  if (address === null) {
    notes.push('fastify start has no --address: fastify-cli listens on localhost unless it sees Docker or Kubernetes, so the image passes --address 0.0.0.0 for the load balancer to reach it');
  } else if (LOOPBACK.test(address)) {
    notes.push(`fastify start listens on ${address} only, out of the load balancer's reach: the image passes --address 0.0.0.0 instead`);
  }
  const listen = address === null || LOOPBACK.test(address) ? '0.0.0.0' : address;
  // The port comes from PORT, which the image sets (and Cloud Run overrides).
  return { script: FASTIFY_CLI, args: ['start', ...command.options, '--address', listen, entrypoint, ...command.rest] };
}

/** `react-router-serve <server build>`: node runs the serve CLI, which imports the build (the file only exports it). */
function serveLauncher(tool: string, entrypoint: string, prodDeps: Record<string, string>, notes: string[]): NodeLauncher {
  const cli = SERVE_CLIS[tool] as { pkg: string; script: string };
  if (!(cli.pkg in prodDeps)) {
    notes.push(`${tool} comes from ${cli.pkg}, which dependencies do not list: the image's production install leaves it out; move ${cli.pkg} to dependencies`);
  }
  return { script: cli.script, args: [entrypoint] };
}

/** node itself runs the entrypoint's TypeScript (type stripping), without tsx's loader or bun. */
export function nodeRunsTypeScript(node: Pick<NodeFacts, 'entrypoint' | 'nodeOptions' | 'launcher'>): boolean {
  const tsx = node.nodeOptions.some((o, i) => o === TSX_LOADER[1] && node.nodeOptions[i - 1] === TSX_LOADER[0]);
  return node.launcher === null && TS_EXT.test(node.entrypoint) && !tsx;
}

/** The file a start script's command runs (node, ts-node, tsx, bun, nodemon, pm2, fastify start), or null. */
export function nodeScriptFile(script: string): string | null {
  return nodeScriptCommand(script)?.file ?? null;
}

/** A command in a script that runs the app's file. */
interface ScriptCommand {
  tool: string;
  /** The file it runs; null when none is named (`node -e`, a pm2 process file). */
  file: string | null;
  /** The options before the file that the image keeps (node's for node and tsx, fastify-cli's for fastify start). */
  options: string[];
  /** Every option before the file with its value ('' for a switch), kept or not. */
  flags: Map<string, string>;
  /** The words after the file (`fastify start app.js -- --plugin-option`). */
  rest: string[];
}

/** How a tool's command line names the file it runs. */
interface ToolSyntax {
  /** A subcommand that must come first (`fastify start`); another one runs no file. */
  command?: string;
  /** Subcommands to pass over (`tsx watch`, `pm2 start`, `bun run`). */
  skip?: string[];
  /** Options that take the next word as their value. */
  valueFlags: ReadonlySet<string>;
  /** Options the image leaves out. */
  dropped: RegExp;
  /** Only a word like this is the file; other words are option values (nodemon, pm2)... */
  file?: RegExp;
  /** ...or, when set, mean the command runs no file (`bun x`, `bun run build`). */
  otherWordRunsNoFile?: boolean;
  /** A process file: the command runs what it lists (pm2's ecosystem.config.js). */
  processFile?: RegExp;
}

const SCRIPT_FILE = /\.(c|m)?[jt]sx?$/;
const EVERY_OPTION = /^-/;
const PM2: ToolSyntax = { skip: ['start'], valueFlags: new Set(), dropped: EVERY_OPTION, file: SCRIPT_FILE, processFile: /(^|\/)ecosystem[^/]*$|\.config\.(c|m)?js$/ };
const SYNTAX: Readonly<Record<string, ToolSyntax>> = {
  node: { valueFlags: FLAGS_WITH_VALUE, dropped: DEV_ONLY },
  'ts-node': { valueFlags: FLAGS_WITH_VALUE, dropped: DEV_ONLY },
  // tsx's own options (its tsconfig, watch filters) mean nothing to node.
  tsx: { skip: ['watch'], valueFlags: new Set([...FLAGS_WITH_VALUE, '--tsconfig', '--include', '--exclude']), dropped: new RegExp(`${DEV_ONLY.source}|^--(tsconfig|include|exclude|no-cache|clear-screen)(=|$)`) },
  bun: { skip: ['run'], valueFlags: FLAGS_WITH_VALUE, dropped: DEV_ONLY, file: BUN_FILE, otherWordRunsNoFile: true },
  nodemon: { valueFlags: new Set(['-w', '--watch', '-i', '--ignore', '-e', '--ext', '-x', '--exec', '-d', '--delay', '--signal', '--config', '--cwd', '-P', '--polling-interval']), dropped: EVERY_OPTION, file: SCRIPT_FILE },
  pm2: PM2,
  'pm2-runtime': PM2,
  fastify: { command: 'start', valueFlags: FASTIFY_VALUE_FLAGS, dropped: FASTIFY_DROPPED },
  'react-router-serve': { valueFlags: new Set(), dropped: EVERY_OPTION },
  'remix-serve': { valueFlags: new Set(), dropped: EVERY_OPTION },
};

/** The first command in a script (`a && b; c`) that runs a file with one of the tools SYNTAX knows. */
function nodeScriptCommand(script: string): ScriptCommand | null {
  for (const part of script.split(/&&|\|\||;/)) {
    const tokens = part.trim().split(/\s+/);
    const at = tokens.findIndex((t) => Object.hasOwn(SYNTAX, t));
    if (at < 0) continue;
    const tool = tokens[at] ?? '';
    const command = parseCommand(tool, SYNTAX[tool] as ToolSyntax, tokens.slice(at + 1));
    if (command !== null) return command;
  }
  return null;
}

function parseCommand(tool: string, syntax: ToolSyntax, words: string[]): ScriptCommand | null {
  if (syntax.command !== undefined && words.shift() !== syntax.command) return null;
  const options: string[] = [];
  const flags = new Map<string, string>();
  const result = (file: string | null, rest: string[] = []): ScriptCommand => ({ tool, file, options, flags, rest });
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? '';
    if (word.startsWith('-')) {
      const takesValue = syntax.valueFlags.has(word);
      const [name = word, inline = ''] = word.split(/=(.*)/);
      flags.set(name, takesValue ? (words[i + 1] ?? '') : inline);
      if (!syntax.dropped.test(word)) options.push(...(takesValue ? [word, words[i + 1] ?? ''] : [word]));
      if (takesValue) i++;
    } else if (syntax.skip?.includes(word)) {
      continue;
    } else if (syntax.processFile?.test(word)) {
      return result(null);
    } else if (syntax.file === undefined || syntax.file.test(word)) {
      return result(normalizePath(word), words.slice(i + 1));
    } else if (syntax.otherWordRunsNoFile) {
      return null;
    }
    // Anything else is the value of an option we do not know.
  }
  return result(null);
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

/**
 * Folders builds write, which `node build` runs as build/index.js (SvelteKit's
 * adapter-node) before any build made them.
 */
const OUTPUT_DIRS = new Set(['build', 'dist', 'out', '.output']);

/** `node dist/main` runs dist/main.js (or dist/main/index.js); an existing file or .js name wins. */
function resolveJs(files: RepoFiles, dir: string, file: string): string {
  if (JS_EXT.test(file) || (files.exists(joinPath(dir, file)) && !files.isDirectory(joinPath(dir, file)))) return file;
  if (files.isDirectory(joinPath(dir, file)) || OUTPUT_DIRS.has(file)) return joinPath(file, 'index.js');
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
