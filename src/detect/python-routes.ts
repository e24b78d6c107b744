import { baseName, joinPath, parentDir } from './paths.js';
import { moduleName } from './python-app.js';
import { healthRank, type FoundRoute } from './scan.js';
import type { RepoFiles } from './types.js';

/**
 * Health and readiness routes of a Python app with the prefixes they are
 * served under: a FastAPI APIRouter(prefix=...) and the include_router(...,
 * prefix=...) that mounts it, a Flask Blueprint(url_prefix=...) and its
 * register_blueprint(..., url_prefix=...), a Django path('api/', include(...)).
 * A prefix that is not a literal, or a router whose mount cannot be traced,
 * leaves the route as written, with a note.
 */
export interface PythonRoutes {
  /** `path` as written (what ranks it), `served` with its prefixes. */
  routes: Array<FoundRoute & { served: string }>;
  notes: string[];
}

/** Route decorators (@app.get, @router.route, @bp.get, Litestar's bare @get), add_api_route, aiohttp's add_get. */
const DECORATOR_ROUTE = /(?:@(?:([\w.]+)\.)?(?:get|head|route|api_route)|(?:([\w.]+)\.)?add_(?:api_)?(?:route|get))\(\s*['"](\/[^'"]*)['"]/g;
const DJANGO_ROUTE = /\b(?:re_)?path\(\s*r?['"]\^?([A-Za-z/]*?)\$?['"]/g;
const DJANGO_INCLUDE = /\b(?:re_)?path\(\s*r?['"]\^?([\w/-]*)['"]\s*,\s*include\(\s*\(?\s*(?:['"]([\w.]+)['"])?/g;
const ROUTER_CLASS = /^(?:Blueprint|APIRouter)$/;
const MOUNT = /(?:\b(\w+)\.)?\b(include_router|register_blueprint)\(/g;
/** How deep routers may be nested in one another before we stop following. */
const MAX_NESTING = 4;

type Prefix = { known: true; path: string } | { known: false; why: string };

/** A router or blueprint: where it is built and with which prefix. */
interface RouterDef {
  file: string;
  kind: 'Blueprint' | 'APIRouter';
  prefix: Prefix;
}

export function pythonRoutes(files: RepoFiles, sources: readonly string[], django: { root: string } | null): PythonRoutes {
  const notes: string[] = [];
  const routes: PythonRoutes['routes'] = [];
  const seen = new Set<string>();
  const add = (file: string, raw: string, prefix: Prefix, owner: string): void => {
    if (healthRank(raw) === Infinity) return;
    if (!prefix.known && !seen.has(`${file}:${raw}`)) {
      seen.add(`${file}:${raw}`);
      notes.push(`${raw} in ${file} is served under ${owner}'s prefix, which ${prefix.why}: if it is the health path, give the full path (--health-path), or the health checks get 404 and deploys roll back`);
    }
    routes.push({ path: raw, file, served: prefix.known ? joinRoute(prefix.path, raw) : raw });
  };
  // Every mount in the sources, read once, when a route on a router first needs them.
  let mounts: Mount[] | undefined;
  const allMounts = (): Mount[] => (mounts ??= sources.flatMap((f) => mountsIn(files, f)));
  for (const file of sources) {
    const text = files.read(file) ?? '';
    for (const m of text.matchAll(DECORATOR_ROUTE)) {
      const owner = (m[1] ?? m[2] ?? '').split('.').pop() ?? '';
      const raw = m[3] ?? '';
      if (healthRank(raw) === Infinity) continue;
      add(file, raw, owner === '' ? { known: true, path: '' } : routerPrefix(files, allMounts, file, owner, 0), owner);
    }
  }
  if (django) {
    const urls = sources.filter((f) => baseName(f) === 'urls.py');
    for (const file of urls) {
      const prefix = djangoPrefix(files, urls, django.root, file, 0);
      for (const m of (files.read(file) ?? '').matchAll(DJANGO_ROUTE)) add(file, `/${m[1] ?? ''}`, prefix, moduleName(django.root, file));
    }
  }
  return { routes, notes };
}

/** Joins prefixes and a route the way Flask and FastAPI do: one slash between them. */
function joinRoute(prefix: string, path: string): string {
  if (prefix === '' || prefix === '/') return path;
  return `${prefix.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/**
 * The prefix a route on `name` (in `file`) is served under: its router's own
 * prefix and those of the mounts above it. An object that is no Blueprint or
 * APIRouter (the app itself) adds none.
 */
function routerPrefix(files: RepoFiles, allMounts: () => Mount[], file: string, name: string, depth: number): Prefix {
  const def = routerDef(files, file, name);
  if (def === null) return { known: true, path: '' };
  if (!def.prefix.known) return def.prefix;
  if (depth >= MAX_NESTING) return { known: false, why: 'is nested too deep to follow' };
  const mounts = allMounts();
  const mount = mounts.find((m) => mountsRouter(files, m, def, name));
  if (!mount) {
    // Some mount we could not tie to this router may add a prefix (a name imported some other way).
    const other = mounts.find((m) => m.prefix !== null || (m.on !== null && routerDef(files, m.file, m.on) !== null));
    return other ? { known: false, why: `may come from ${other.file}, where it could not be traced` } : def.prefix;
  }
  if (mount.prefix !== null && !mount.prefix.known) return mount.prefix;
  const above = mount.on === null ? { known: true as const, path: '' } : routerPrefix(files, allMounts, mount.file, mount.on, depth + 1);
  if (!above.known) return above;
  const mounted = mount.prefix?.known ? mount.prefix.path : null;
  // Flask's register_blueprint url_prefix replaces the blueprint's own; FastAPI's include_router prefix goes before it.
  const own = def.kind === 'Blueprint' ? (mounted ?? def.prefix.path) : joinRoute(mounted ?? '', def.prefix.path);
  return { known: true, path: joinRoute(above.path, own) };
}

/** `name = Blueprint(...)` / `name = APIRouter(...)` in `file` or its package's __init__.py (Flask's `from . import bp`). */
function routerDef(files: RepoFiles, file: string, name: string): RouterDef | null {
  const assign = new RegExp(`^[ \\t]*${name}\\s*(?::[^=\\n]+)?=\\s*(?:\\w+\\.)*(Blueprint|APIRouter)\\(`, 'm');
  for (const f of [file, joinPath(parentDir(file), '__init__.py')]) {
    const text = files.read(f) ?? '';
    const m = assign.exec(text);
    if (!m || !ROUTER_CLASS.test(m[1] ?? '')) continue;
    const kind = m[1] === 'Blueprint' ? 'Blueprint' : 'APIRouter';
    const prefix = keywordString(callArgs(text, m.index + m[0].length), kind === 'Blueprint' ? 'url_prefix' : 'prefix');
    return { file: f, kind, prefix: prefix ?? { known: true, path: '' } };
  }
  return null;
}

interface Mount {
  file: string;
  /** The router or app it is called on (`app` in app.include_router), null for a bare call. */
  on: string | null;
  /** What it mounts, as written: 'router', 'health.router', 'api_bp'. */
  what: string;
  prefix: Prefix | null;
}

function mountsIn(files: RepoFiles, file: string): Mount[] {
  const text = files.read(file) ?? '';
  return [...text.matchAll(MOUNT)].map((m) => {
    const args = callArgs(text, (m.index ?? 0) + m[0].length);
    const what = /^\s*([\w.]+)/.exec(args)?.[1] ?? '';
    return { file, on: m[1] ?? null, what, prefix: keywordString(args, m[2] === 'register_blueprint' ? 'url_prefix' : 'prefix') };
  });
}

/**
 * True when `mount` mounts the router `name` defined in `def.file`: by the
 * module's name (`health.router`), by the same name in the same file, or by
 * a name imported from that module (`from .api import bp as api_bp`).
 */
function mountsRouter(files: RepoFiles, mount: Mount, def: RouterDef, name: string): boolean {
  const module = baseName(def.file) === '__init__.py' ? baseName(parentDir(def.file)) : baseName(def.file).replace(/\.py$/, '');
  if (mount.what === `${module}.${name}`) return true;
  if (mount.what.includes('.')) return false;
  if (mount.what === name && (mount.file === def.file || parentDir(mount.file) === parentDir(def.file))) return true;
  const text = files.read(mount.file) ?? '';
  for (const m of text.matchAll(/^[ \t]*from\s+([.\w]+)\s+import\s+(\([^)]*\)|[^\n]+)/gm)) {
    if ((m[1] ?? '').split('.').pop() !== module) continue;
    const names = (m[2] ?? '').replace(/[()]/g, '').split(',').map((s) => s.trim().split(/\s+as\s+/));
    if (names.some(([imported, alias]) => imported === name && (alias ?? imported) === mount.what)) return true;
  }
  return false;
}

/**
 * The prefix of a Django urls module: the path of each include('module')
 * that names it, from the root urlconf down. A module no include names is
 * the root (or one we cannot see included) and adds nothing.
 */
function djangoPrefix(files: RepoFiles, urls: readonly string[], root: string, file: string, depth: number): Prefix {
  const module = moduleName(root, file);
  for (const including of urls) {
    for (const m of (files.read(including) ?? '').matchAll(DJANGO_INCLUDE)) {
      if (m[2] !== module) continue;
      if (depth >= MAX_NESTING) return { known: false, why: 'is nested too deep to follow' };
      const above = djangoPrefix(files, urls, root, including, depth + 1);
      // Django joins the patterns as they are: 'api/' + 'healthz/'.
      return above.known ? { known: true, path: `${above.path || '/'}${m[1] ?? ''}` } : above;
    }
  }
  return { known: true, path: '' };
}

/** The text inside a call's parentheses, from just after its '('. */
function callArgs(text: string, start: number): string {
  let depth = 1;
  for (let i = start; i < text.length && i < start + 4000; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return text.slice(start, i);
  }
  return text.slice(start, start + 4000);
}

/** A keyword argument's string literal, a note when it is something else (a setting, an f-string), null when absent. */
function keywordString(args: string, keyword: string): Prefix | null {
  const m = new RegExp(`\\b${keyword}\\s*=\\s*(?:(['"])([^'"]*)\\1|([^,)\\s]+))`).exec(args);
  if (!m) return null;
  return m[3] === undefined ? { known: true, path: m[2] ?? '' } : { known: false, why: `is ${m[3]}, not a literal` };
}
