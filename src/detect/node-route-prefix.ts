import { JS_SOURCE_EXTS, methodCalls, stringLiteral } from './js-calls.js';
import { joinPath, parentDir } from './paths.js';
import type { FoundRoute } from './scan.js';
import type { RepoFiles } from './types.js';

/**
 * Path prefixes in front of a route found in the source, which the health
 * check must request too: Nest's setGlobalPrefix, Next.js's basePath, Hono's
 * basePath, a Koa router's prefix, and a router file mounted under a path
 * (Express/Koa `use('/api', router)`, Hono `route('/api', app)`, Fastify
 * `register(plugin, { prefix })`).
 */
export interface PrefixedRoute {
  path: string;
  /** What the prefix came from, for the note; empty without one. */
  from: string[];
  /** A prefix that may apply but is not a literal the tool can read, or null. */
  unknown: string | null;
}

/** How deep mounts are followed (a router mounted in a router mounted in the app...). */
const MAX_MOUNT_DEPTH = 5;
/** A variable assigned a router the file then mounts: `const api = express.Router()`, `new Router()`, `new Hono()`. */
const ROUTER_CONSTRUCTOR = String.raw`(?:new\s+(?:Router|Hono)\b|\b(?:express\.)?Router\s*\()`;

interface Ctx {
  files: RepoFiles;
  sources: ReadonlySet<string>;
  from: string[];
  unknown: string | null;
}

/** The path the app serves `route` at, given the prefixes the sources put in front of it. */
export function prefixRoute(files: RepoFiles, dir: string, sources: readonly string[], framework: string | null, route: FoundRoute): PrefixedRoute {
  const ctx: Ctx = { files, sources: new Set(sources), from: [], unknown: null };
  let path = joinRoute(fileBase(ctx, route.file, routeObject(files.read(route.file) ?? '', route.path), 0), route.path);
  // Nest puts the URI version after the global prefix: /api/v1/health.
  if (framework === 'nest') path = joinRoute(nestGlobalPrefix(ctx, sources, route.path), joinRoute(nestVersion(ctx, sources, route.file), path));
  if (framework === 'next') path = joinRoute(nextBasePath(ctx, dir), path);
  return { path, from: ctx.from, unknown: ctx.unknown };
}

/** `/api` + `/health`; prefixes may come with or without their slashes ('api/', '/v1'). */
function joinRoute(prefix: string, path: string): string {
  const p = prefix.replace(/^\/+|\/+$/g, '');
  return p === '' ? path : `/${p}${path === '/' ? '' : path}`;
}

/** The variable a route is declared on (`router` in `router.get('/health', ...)`), or null. */
function routeObject(text: string, path: string): string | null {
  const quoted = path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return new RegExp(String.raw`\b(\w+)\s*\.\s*(?:get|all|head|on)\(\s*['"\`]${quoted}['"\`]`).exec(text)?.[1] ?? null;
}

/** The prefix a file's routes sit under: where it is mounted, then its own router's prefix. */
function fileBase(ctx: Ctx, file: string, object: string | null, depth: number): string {
  const text = ctx.files.read(file) ?? '';
  let base = '';
  if (depth < MAX_MOUNT_DEPTH) {
    for (const source of ctx.sources) {
      const mount = mountOf(ctx, source, file, object);
      if (mount === null) continue;
      base = joinRoute(source === file ? '' : fileBase(ctx, source, null, depth + 1), mount);
      ctx.from.push(`the mount at '${mount}' in ${source}`);
      break;
    }
  }
  const own = ownPrefix(text);
  if (own !== null) {
    ctx.from.push(`the prefix '${own}' in ${file}`);
    base = joinRoute(base, own);
  }
  return base;
}

/** Hono's `.basePath('/api')` or a Koa router's `{ prefix: '/api' }`, when the file has exactly one. */
function ownPrefix(text: string): string | null {
  const found = [
    ...methodCalls(text, 'basePath').map((args) => stringLiteral(args[0] ?? '')),
    ...[...text.matchAll(/new\s+Router\(\s*\{[^}]*\bprefix\s*:\s*([^,}\s]+)/g)].map((m) => stringLiteral(m[1] ?? '')),
  ];
  return found.length === 1 ? (found[0] ?? null) : null;
}

/**
 * The literal path under which `source` mounts `target`'s routes, or null.
 * In the target file itself, only a mount of the router the route is declared on counts.
 */
function mountOf(ctx: Ctx, source: string, target: string, object: string | null): string | null {
  const text = ctx.files.read(source) ?? '';
  const mounts: Array<{ path: string; targets: string[] }> = [
    // app.use('/api', auth, router), router.use('/v1', sub.routes()), app.route('/api', sub)
    ...['use', 'route'].flatMap((m) => methodCalls(text, m)).map(([path = '', ...targets]) => ({ path, targets })),
    // fastify.register(routes, { prefix: '/v1' })
    ...methodCalls(text, 'register').map(([plugin = '', opts = '']) => ({ path: /\bprefix\s*:\s*([^,}]+)/.exec(opts)?.[1]?.trim() ?? '', targets: [plugin] })),
  ];
  for (const { path, targets } of mounts) {
    if (!targets.some((t) => mountsFile(ctx, text, source, t, target, object))) continue;
    const literal = stringLiteral(path);
    if (literal !== null) return literal;
    if (path !== '') ctx.unknown ??= `${source} mounts ${target}'s routes under ${path}`;
  }
  return null;
}

/** Whether a mount's argument is `target`'s routes: an import of it, a require() of it, or (in it) the route's router. */
function mountsFile(ctx: Ctx, text: string, source: string, expr: string, target: string, object: string | null): boolean {
  const inline = /^(?:require|import)\(\s*['"`]([^'"`]+)['"`]\s*\)/.exec(expr)?.[1];
  if (inline !== undefined) return resolveImport(ctx, source, inline) === target;
  const name = /^(\w+)(?:\.routes\(\))?$/.exec(expr)?.[1];
  if (name === undefined) return false;
  if (source === target) return name === object && new RegExp(String.raw`\b${name}\s*=\s*${ROUTER_CONSTRUCTOR}`).test(text);
  const spec = importedFrom(text, name);
  return spec !== null && resolveImport(ctx, source, spec) === target;
}

/** The module specifier a name is imported or required from in the text, or null. */
function importedFrom(text: string, name: string): string | null {
  const from = String.raw`\s*from\s*['"]([^'"]+)['"]`;
  const required = String.raw`\s*=\s*require\(\s*['"]([^'"]+)['"]\s*\)`;
  const patterns = [
    String.raw`import\s+${name}\s*(?:,\s*\{[^}]*\})?${from}`,
    String.raw`import\s+\*\s+as\s+${name}${from}`,
    String.raw`import\s*(?:\w+\s*,\s*)?\{[^}]*\b${name}\b[^}]*\}${from}`,
    String.raw`\b${name}${required}`,
    String.raw`\{[^}]*\b${name}\b[^}]*\}${required}`,
  ];
  for (const p of patterns) {
    const m = new RegExp(p).exec(text);
    if (m?.[1] !== undefined) return m[1];
  }
  return null;
}

/** The source file a relative import names: as written, its .ts twin (`./health.js` in TypeScript), with an extension, or an index file. */
function resolveImport(ctx: Ctx, from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = joinPath(parentDir(from), spec);
  const stem = base.replace(/\.(c|m)?js$/, '');
  const candidates = [base, ...JS_SOURCE_EXTS.map((e) => stem + e), ...JS_SOURCE_EXTS.map((e) => joinPath(base, `index${e}`))];
  return candidates.find((c) => ctx.sources.has(c)) ?? null;
}

/**
 * Nest's `app.setGlobalPrefix('api')` prefixes every controller route, unless
 * its `exclude` option names the route.
 */
function nestGlobalPrefix(ctx: Ctx, sources: readonly string[], routePath: string): string {
  for (const file of sources) {
    const call = methodCalls(ctx.files.read(file) ?? '', 'setGlobalPrefix')[0];
    if (call === undefined) continue;
    const [prefix = '', options = ''] = call;
    const literal = stringLiteral(prefix);
    if (literal === null) {
      ctx.unknown ??= `${file} sets a global prefix the tool cannot read (setGlobalPrefix(${prefix}))`;
      return '';
    }
    const name = routePath.replace(/^\//, '');
    if (new RegExp(String.raw`\bexclude\b[\s\S]*['"\`]/?${name}['"\`]`).test(options)) return '';
    ctx.from.push(`the global prefix '${literal}' of ${file}`);
    return literal;
  }
  return '';
}

/**
 * Nest's URI versioning (`app.enableVersioning()`) puts `v<version>` in front of
 * a versioned controller: its own version (`@Controller({ version: '2' })`,
 * `@Version('2')`), else the default version; VERSION_NEUTRAL routes have none.
 */
function nestVersion(ctx: Ctx, sources: readonly string[], controller: string): string {
  for (const file of sources) {
    const call = methodCalls(ctx.files.read(file) ?? '', 'enableVersioning')[0];
    if (call === undefined) continue;
    const options = call[0] ?? '';
    if (/\bVersioningType\.(?!URI\b)/.test(options)) return '';
    const text = ctx.files.read(controller) ?? '';
    if (/\bVERSION_NEUTRAL\b/.test(text)) return '';
    const own = /(?:@Version\(|@Controller\(\s*\{[^}]*\bversion\s*:)\s*\[?\s*['"`]([^'"`]+)['"`]/.exec(text)?.[1];
    const fallback = /\bdefaultVersion\s*:\s*\[?\s*([^,\]}\s]+)/.exec(options)?.[1];
    if (own === undefined && (fallback === undefined || fallback === 'VERSION_NEUTRAL')) return '';
    const version = own ?? stringLiteral(fallback ?? '');
    if (version === null) {
      ctx.unknown ??= `${file} enables URI versioning with a default version the tool cannot read (${fallback ?? ''})`;
      return '';
    }
    const prefixValue = /\bprefix\s*:\s*([^,}\s]+)/.exec(options)?.[1];
    const prefix = prefixValue === undefined ? 'v' : prefixValue === 'false' ? '' : stringLiteral(prefixValue);
    if (prefix === null) {
      ctx.unknown ??= `${file} enables URI versioning with a prefix the tool cannot read (${prefixValue ?? ''})`;
      return '';
    }
    ctx.from.push(`the URI version '${prefix}${version}' (enableVersioning in ${file})`);
    return `${prefix}${version}`;
  }
  return '';
}

/** Next.js's `basePath: '/docs'` in next.config, which every page and route handler sits under. */
function nextBasePath(ctx: Ctx, dir: string): string {
  for (const name of ['next.config.js', 'next.config.mjs', 'next.config.ts', 'next.config.cjs', 'next.config.mts']) {
    const file = joinPath(dir, name);
    const value = /\bbasePath\s*:\s*([^,}\n]+)/.exec(ctx.files.read(file) ?? '')?.[1]?.trim();
    if (value === undefined) continue;
    const literal = stringLiteral(value);
    if (literal === null) {
      ctx.unknown ??= `${file} sets a basePath the tool cannot read (${value})`;
      return '';
    }
    ctx.from.push(`the basePath '${literal}' of ${file}`);
    return literal;
  }
  return '';
}
