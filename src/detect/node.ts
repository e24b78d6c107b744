import { parse as parseYaml } from 'yaml';
import { JS_SOURCE_EXTS, callArguments } from './js-calls.js';
import type { AppFacts, FoundVersion } from './app-facts.js';
import { isObject, parseJsonObject, stringArray, stringMap, stringProp, type JsonObject } from './json.js';
import { FASTIFY_CLI, LAUNCHER_DEFAULT_PORT, LOOPBACK, detectNodeEntry } from './node-entry.js';
import { detectNodePm, runScript, testScript } from './node-pm.js';
import { workspaceBuilds } from './node-workspace-builds.js';
import { autoloadRoutes } from './node-fastify-autoload.js';
import { detectPrisma } from './node-prisma.js';
import { remixRoutes, svelteKitRoutes } from './node-file-routes.js';
import { nodeRuntimeDirs } from './node-runtime-dirs.js';
import { prefixRoute } from './node-route-prefix.js';
import { joinPath } from './paths.js';
import { findPort, findRoutes, pickHealthPath, pickReadinessPath, walkFiles, type FoundRoute, type PortPattern } from './scan.js';
import { NODE_TEST_PLUGINS, type NodeLauncher, type NodeTestRunner, type RepoFiles } from './types.js';
import { firstVersion, plainVersion, rangeLowerBound, toolVersionsEntry } from './versions.js';

/** Settings files an install reads (registry, auth, hooks); an .npmrc may hold a token. */
export const NODE_INSTALL_CONFIG = ['.npmrc', '.yarnrc', '.yarnrc.yml', 'pnpm-workspace.yaml', '.pnpmfile.cjs', 'bunfig.toml'];

/** Web frameworks by package, most specific first (Nest runs on Express, so it comes before it). */
const FRAMEWORKS: ReadonlyArray<readonly [string, string]> = [
  ['next', 'next'],
  ['@nestjs/core', 'nest'],
  ['fastify', 'fastify'],
  ['hono', 'hono'],
  ['koa', 'koa'],
  ['express', 'express'],
];

/** Node LTS codenames, for `.nvmrc` values like `lts/iron`. */
const LTS_CODENAMES: Record<string, string> = {
  hydrogen: '18', iron: '20', jod: '22', krypton: '24',
};

/** Script names projects give their type check. */
const TYPECHECK_SCRIPTS = ['typecheck', 'type-check', 'check-types'];

const TEST_DIRS = ['test', 'tests', '__tests__', 'e2e', 'cypress', 'playwright'];

const PORT_PATTERNS: readonly PortPattern[] = [
  { re: /process\.env\.PORT\)?\s*(?:\|\||\?\?)\s*['"]?(\d{2,5})\b/, what: 'PORT default' },
  { re: /\.listen\(\s*(\d{2,5})\b/, what: 'listen()' },
  { re: /\.listen\(\s*\{[^}]*?\bport\s*:\s*(\d{2,5})\b/, what: 'listen()' },
  { re: /\bserve\(\s*\{[^}]*?\bport\s*:\s*(\d{2,5})\b/, what: 'serve()' },
  { re: /\bPORT\s*=\s*['"]?(\d{2,5})\b/, what: 'PORT constant' },
];

/**
 * Detects a Node.js app in `dir` (needs a package.json there): package manager,
 * Node version, framework, scripts, entrypoint, port, health route, metrics.
 */
export function detectNode(files: RepoFiles, dir: string): AppFacts | null {
  const text = files.read(joinPath(dir, 'package.json'));
  if (text === undefined) return null;
  const notes: string[] = [];
  const pkg = parseJsonObject(text);
  if (pkg === null) notes.push(`${joinPath(dir, 'package.json')} is not valid JSON: scripts and dependencies are unknown`);

  const scripts = stringMap(pkg, 'scripts');
  const prodDeps = stringMap(pkg, 'dependencies');
  const deps = { ...stringMap(pkg, 'devDependencies'), ...prodDeps };
  const pm = detectNodePm(files, dir, stringProp(pkg, 'packageManager'));
  notes.push(...pm.notes);
  const devOnlyHook = devOnlyLifecycleTool(scripts, prodDeps, stringMap(pkg, 'devDependencies'));
  if (devOnlyHook) {
    notes.push(
      `the ${devOnlyHook.script} script runs ${devOnlyHook.tool}, a dev dependency: the image's production install runs it too and fails without it; make the script tolerate that (e.g. "${devOnlyHook.tool} || true")`,
    );
  }

  const framework = FRAMEWORKS.find(([dep]) => dep in deps)?.[1] ?? null;
  const typescript = 'typescript' in deps || files.exists(joinPath(dir, 'tsconfig.json'));
  const nextStandalone = framework === 'next' && isNextStandalone(files, dir);
  const entry = detectNodeEntry(files, dir, { pkg, scripts, framework, nextStandalone, typescript, prodDeps });
  notes.push(...entry.notes);

  const sources = walkFiles(files, dir, { exts: JS_SOURCE_EXTS, maxDepth: 5, maxFiles: 400, skip: TEST_DIRS })
    .filter((f) => !/\.(test|spec)\.[cm]?[jt]sx?$/.test(f) && !/\.config\.[cm]?[jt]s$/.test(f));
  const ordered = entry.entrySource ? [entry.entrySource, ...sources.filter((f) => f !== entry.entrySource)] : sources;

  const version = nodeVersion(files, dir, pkg);
  const port = nodePort(files, dir, ordered, framework, scripts, entry.launcher);
  if (port.note) notes.push(port.note);
  const listen = firstListenCall(files, ordered);
  const fastifyCli = entry.launcher?.script === FASTIFY_CLI;
  const hostNote = listen && (localhostListenNote(listen, fastifyServer(framework, deps, fastifyCli)) ?? loopbackHostNote(listen));
  if (hostNote) notes.push(hostNote);
  const remix = Object.keys(deps).some((d) => d === 'react-router' || d.startsWith('@react-router/') || d.startsWith('@remix-run/'));
  const autoload = '@fastify/autoload' in deps ? autoloadRoutes(files, ordered) : [];
  const fileRoutes = [...(remix ? remixRoutes(files, dir) : []), ...('@sveltejs/kit' in deps ? svelteKitRoutes(files, dir) : [])];
  const routes = [...nextRoutes(files, dir), ...fileRoutes, ...autoload, ...findNodeRoutes(files, ordered)];
  const served = (route: FoundRoute | null, what: 'health' | 'readiness'): string | null => {
    if (route === null) return null;
    const prefixed = prefixRoute(files, dir, ordered, framework, route);
    const under = prefixed.from.length > 0 ? `, under ${prefixed.from.join(' and ')}` : '';
    if (what === 'health' || under !== '') notes.push(`${what} path ${prefixed.path} from ${route.file}${under}`);
    if (prefixed.unknown !== null) {
      notes.push(`${prefixed.unknown}: if the ${what} route ${prefixed.path} is under it, pass its full path with --${what}-path`);
    }
    return prefixed.path;
  };
  const health = served(pickHealthPath(routes), 'health');
  const readiness = served(pickReadinessPath(routes), 'readiness');

  // Without a lint script, the project's own type check beats a bare `tsc --noEmit`, which
  // fails where types are generated first (React Router's `react-router typegen && tsc`).
  // SvelteKit's is `check` (svelte-kit sync && svelte-check), a name other projects use for anything.
  const lintScript = ['lint', ...TYPECHECK_SCRIPTS].find((s) => s in scripts) ?? (/\b(svelte-check|vue-tsc|tsc)\b/.test(scripts.check ?? '') ? 'check' : undefined);
  const testScriptValue = scripts.test;
  // `npm init` writes a placeholder that fails: no tests either.
  const placeholder = testScriptValue !== undefined && /no test specified/.test(testScriptValue);
  const hasTest = testScriptValue !== undefined && !placeholder;
  if (!hasTest) {
    notes.push(`no test script in ${joinPath(dir, 'package.json')}${placeholder ? " (npm init's placeholder, which exits 1, is none)" : ''}: CI runs no tests until it has one`);
  }
  const depNames = Object.keys(deps);
  // The HTTP middleware names the metrics; prom-client alone means the app writes its own.
  const metricsLibrary = 'express-prom-bundle' in deps
    ? 'express-prom-bundle'
    : 'prom-client' in deps
      ? 'prom-client'
      : depNames.some((d) => d.startsWith('@opentelemetry/')) ? 'opentelemetry' : null;
  // Prometheus scrapes /metrics; Nest's global prefix moves a metrics controller (@willsoto/nestjs-prometheus's) under it.
  if (framework === 'nest' && (metricsLibrary === 'prom-client' || '@willsoto/nestjs-prometheus' in deps)) {
    const metrics = prefixRoute(files, dir, ordered, framework, { path: '/metrics', file: '' }).path;
    if (metrics !== '/metrics') {
      notes.push(`Nest's global prefix puts a metrics controller at ${metrics}, and Prometheus scrapes /metrics: exclude it from the prefix (setGlobalPrefix's exclude: ['metrics'])`);
    }
  }

  return {
    language: 'node',
    framework,
    packageManager: pm.pm,
    lockfile: pm.lockfile,
    runtimeVersion: version?.version ?? null,
    runtimeVersionSource: version?.source ?? null,
    buildCommand: 'build' in scripts ? runScript(pm.pm, 'build') : null,
    testCommand: hasTest ? testScript(pm.pm) : null,
    lintCommand: lintScript === undefined ? null : runScript(pm.pm, lintScript),
    startCommand: entry.startCommand,
    port: port.port,
    portSource: port.source,
    healthPath: health,
    readinessPath: readiness,
    metricsLibrary,
    notes,
    node: {
      typescript,
      hasBuildScript: 'build' in scripts,
      buildOutputDir: entry.buildOutputDir,
      entrypoint: entry.entrypoint,
      nodeOptions: entry.nodeOptions,
      launcher: entry.launcher,
      runtimeTypescript: entry.runtimeTypescript,
      nextStandalone,
      workspaces: nodeWorkspaces(files, dir, pkg),
      hasLintScript: 'lint' in scripts,
      yarnBerry: pm.yarnBerry,
      corepackSpec: pm.corepackSpec,
      workspaceBuilds: workspaceBuilds(files, dir, pkg, pm.lockfile),
      installConfig: NODE_INSTALL_CONFIG.filter((f) => files.exists(joinPath(dir, f))),
      testRunner: hasTest ? testRunnerOf(testScriptValue) : null,
      testPlugins: NODE_TEST_PLUGINS.filter((p) => p in deps),
      runtimeDirs: nodeRuntimeDirs(files, dir, ordered, [entry.buildOutputDir]),
      prisma: detectPrisma(files, dir, pkg, scripts, prodDeps),
    },
    python: null,
    go: null,
    java: null,
  };
}

// `node [flags] --test [flags]`, `vitest [run] [flags]`, `jest [flags]`: flags only, so more can be appended.
const FLAGS = String.raw`(?:\s+--?[\w.-]+(?:=\S+)?)*`;
const TEST_RUNNERS: ReadonlyArray<readonly [NodeTestRunner, RegExp]> = [
  ['node-test', new RegExp(String.raw`^node${FLAGS}\s+--test${FLAGS}$`)],
  ['vitest', new RegExp(String.raw`^vitest(?:\s+run)?${FLAGS}$`)],
  ['jest', new RegExp(String.raw`^jest${FLAGS}$`)],
];

/** The runner a test script calls with flags only, or null (paths, env prefixes, `&&` chains...). */
export function testRunnerOf(script: string): NodeTestRunner | null {
  return TEST_RUNNERS.find(([, re]) => re.test(script.trim()))?.[0] ?? null;
}

/** Node version: .nvmrc, .node-version, .tool-versions, Volta, then engines.node. */
function nodeVersion(files: RepoFiles, dir: string, pkg: JsonObject | null): FoundVersion | null {
  const fromFile = (t: string): string | null => {
    const v = t.trim().toLowerCase();
    const lts = /^lts\/([a-z]+)$/.exec(v);
    return lts ? (LTS_CODENAMES[lts[1] ?? ''] ?? null) : plainVersion(v, 2);
  };
  const found = firstVersion(files, dir, [
    { file: '.nvmrc', read: fromFile },
    { file: '.node-version', read: fromFile },
    { file: '.tool-versions', read: (t) => plainVersion(toolVersionsEntry(t, ['nodejs', 'node']) ?? '', 2) },
  ]);
  if (found) return found;
  const pkgPath = joinPath(dir, 'package.json');
  const volta = isObject(pkg?.volta) ? stringProp(pkg.volta, 'node') : null;
  const voltaVersion = volta === null ? null : plainVersion(volta, 2);
  if (voltaVersion) return { version: voltaVersion, source: `${pkgPath} volta.node` };
  const engines = isObject(pkg?.engines) ? stringProp(pkg.engines, 'node') : null;
  const enginesVersion = engines === null ? null : rangeLowerBound(engines, 1);
  return enginesVersion ? { version: enginesVersion, source: `${pkgPath} engines.node` } : null;
}

/** `output: 'standalone'` in any next.config flavour. */
function isNextStandalone(files: RepoFiles, dir: string): boolean {
  return ['next.config.js', 'next.config.mjs', 'next.config.ts', 'next.config.cjs'].some((name) =>
    /\boutput\s*:\s*['"`]standalone['"`]/.test(files.read(joinPath(dir, name)) ?? ''),
  );
}

function nodePort(
  files: RepoFiles,
  dir: string,
  sources: readonly string[],
  framework: string | null,
  scripts: Record<string, string>,
  launcher: NodeLauncher | null,
): { port: number | null; source: string | null; note: string | null } {
  const script = scripts.start ?? '';
  const flag = /(?:^|\s)(?:-p|--port)[ =](\d{2,5})\b/.exec(script);
  if (flag?.[1]) {
    const source = `${joinPath(dir, 'package.json')} start script`;
    return { port: Number(flag[1]), source, note: `port ${flag[1]} from ${source}` };
  }
  // The file a launcher loads never calls listen(): fastify-cli and the React Router/Remix servers listen on PORT, else 3000.
  if (launcher !== null) {
    const source = `${/^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(launcher.script)?.[1] ?? launcher.script} default`;
    return { port: LAUNCHER_DEFAULT_PORT, source, note: `port ${LAUNCHER_DEFAULT_PORT}: the ${source}` };
  }
  const found = findPort(files, sources, PORT_PATTERNS);
  if (found) {
    return { port: found.port, source: found.file, note: `port ${found.port} from ${found.file} (${found.what})` };
  }
  if (framework === 'next') {
    return { port: 3000, source: 'Next.js default', note: 'port 3000: the Next.js default' };
  }
  return { port: null, source: null, note: 'no port found in the source' };
}

/** Which Fastify server the app's own listen() call starts: Fastify's, Nest's Fastify adapter, or none (fastify-cli listens for it). */
function fastifyServer(framework: string | null, deps: Record<string, string>, fastifyCli: boolean): 'fastify' | 'nest' | null {
  if (framework === 'fastify' && !fastifyCli) return 'fastify';
  return framework === 'nest' && '@nestjs/platform-fastify' in deps ? 'nest' : null;
}

/**
 * Fastify listens on localhost unless listen() names a host (Nest's Fastify
 * adapter too): the platform's load balancer and probes then cannot reach it,
 * while a HEALTHCHECK run inside the container still passes.
 */
function localhostListenNote({ file, args }: ListenCall, server: 'fastify' | 'nest' | null): string | null {
  if (server === null || !listensOnLocalhost(args)) return null;
  const fix = server === 'nest' ? "pass '0.0.0.0' as listen()'s second argument" : "add host: '0.0.0.0' to its options";
  return `${file} calls listen() without a host: Fastify then listens on localhost only, which the load balancer and the platform's probes cannot reach (the image's HEALTHCHECK, run inside the container, still passes); ${fix}, or read the host from an environment variable`;
}

/**
 * A listen() that names a loopback host, in any framework (`listen(3000,
 * 'localhost')`, `listen({ host: '127.0.0.1' })`): the same reach problem.
 */
function loopbackHostNote({ file, args }: ListenCall): string | null {
  const [first = '', second = ''] = args;
  const host = /^['"`]([^'"`]+)['"`]$/.exec(second)?.[1] ?? /\bhost\s*:\s*['"`]([^'"`]+)['"`]/.exec(first)?.[1];
  if (host === undefined || !LOOPBACK.test(host)) return null;
  return `${file} listens on ${host} only: the load balancer and the platform's probes cannot reach it (the image's HEALTHCHECK, run inside the container, still passes), so deploys fail their health checks; listen on '0.0.0.0', or read the host from an environment variable`;
}

interface ListenCall {
  file: string;
  args: string[];
}

/** The first listen() call in the sources (the server's, in the files read first): its file and arguments, or null. */
function firstListenCall(files: RepoFiles, sources: readonly string[]): ListenCall | null {
  for (const file of sources) {
    const text = files.read(file) ?? '';
    const at = text.indexOf('.listen(');
    if (at >= 0) return { file, args: callArguments(text, at + '.listen'.length) };
  }
  return null;
}

/** listen({ port }), listen(3000), listen(port, callback): no host. Options built elsewhere (listen(opts), a spread) are given the benefit of the doubt. */
function listensOnLocalhost(args: string[]): boolean {
  const [first = '', second] = args;
  if (first.startsWith('{')) return !/\bhost\b|\.\.\./.test(first);
  if (!/^\d+$|port/i.test(first)) return false;
  // Fastify 4's listen(port, callback) has no host either; listen(port, host) does.
  return second === undefined || /^(\(|function\b|async\b|\w+\s*=>)/.test(second);
}

/** Quoted health routes in source, plus Nest's `@Controller('health')` and `@Controller({ path: 'health' })`. */
function findNodeRoutes(files: RepoFiles, sources: readonly string[]): FoundRoute[] {
  return [
    ...findRoutes(files, sources, /['"`](\/[a-z0-9/]+)['"`]/g),
    ...findRoutes(files, sources, /@Controller\(\s*['"`]\/?([a-z]+)['"`]\s*\)/g, (p) => `/${p}`),
    ...findRoutes(files, sources, /@Controller\(\s*\{[^}]*\bpath\s*:\s*['"`]\/?([a-z]+)['"`]/g, (p) => `/${p}`),
  ];
}

/** Next.js route files: app/api/health/route.ts, pages/api/healthz.ts and friends. */
function nextRoutes(files: RepoFiles, dir: string): FoundRoute[] {
  const out: FoundRoute[] = [];
  for (const name of ['healthz', 'health', 'livez', 'readyz', 'ping']) {
    for (const base of ['app', 'src/app']) {
      for (const prefix of ['', 'api/']) {
        for (const ext of ['ts', 'js']) {
          const file = joinPath(dir, base, `${prefix}${name}`, `route.${ext}`);
          if (files.exists(file)) out.push({ path: `/${prefix}${name}`, file });
        }
      }
    }
    for (const base of ['pages', 'src/pages']) {
      for (const ext of ['ts', 'js']) {
        const file = joinPath(dir, base, 'api', `${name}.${ext}`);
        if (files.exists(file)) out.push({ path: `/api/${name}`, file });
      }
    }
  }
  return out;
}

/** Workspace globs from package.json (`workspaces` array or `{ packages }`) or pnpm-workspace.yaml. */
export function nodeWorkspaces(files: RepoFiles, dir: string, pkg: JsonObject | null): string[] {
  const ws = pkg?.workspaces;
  const fromPkg = isObject(ws) ? stringArray(ws.packages) : stringArray(ws);
  if (fromPkg.length > 0) return fromPkg;
  const yamlText = files.read(joinPath(dir, 'pnpm-workspace.yaml'));
  if (yamlText === undefined) return [];
  try {
    const doc: unknown = parseYaml(yamlText);
    return isObject(doc) ? stringArray(doc.packages) : [];
  } catch {
    return [];
  }
}

/**
 * A lifecycle script of the package itself that a production install runs
 * (npm, pnpm and yarn run `prepare` and the install hooks of the root package)
 * and whose command comes from devDependencies only: husky's `prepare` is the
 * usual one. Returns the first such script and its command.
 */
function devOnlyLifecycleTool(scripts: Record<string, string>, deps: Record<string, string>, devDeps: Record<string, string>): { script: string; tool: string } | null {
  for (const script of ['preinstall', 'install', 'postinstall', 'prepare']) {
    const command = scripts[script];
    if (command === undefined) continue;
    const tool = command.trim().split(/\s+/)[0] ?? '';
    // A command that already tolerates a missing tool ("husky || true", "is-ci || husky") is fine.
    if (tool in devDeps && !(tool in deps) && !/\|\|/.test(command)) return { script, tool };
  }
  return null;
}
