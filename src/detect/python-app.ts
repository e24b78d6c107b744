import { joinPath, parentDir, relativePath } from './paths.js';
import type { RepoFiles } from './types.js';
import { byCodeUnit } from '../compare.js';

/** The server and the object it serves, e.g. uvicorn + 'app.main:app'. */
export interface PythonTarget {
  server: 'uvicorn' | 'gunicorn';
  appModule: string;
  /** uvicorn must call a factory (`--factory`) rather than import an app object. */
  factory: boolean;
  /** Repository-relative file the target was found in, or null when guessed. */
  file: string | null;
  /**
   * Folder below the app directory that must be on sys.path for `appModule`
   * to import (a Django project in backend/), or null for the app directory itself.
   */
  importRoot?: string | null;
}

/** Web frameworks by normalised dependency name: their app class and server. */
export const PYTHON_FRAMEWORKS: ReadonlyArray<{ dep: string; name: string; cls: string; server: 'uvicorn' | 'gunicorn' }> = [
  { dep: 'fastapi', name: 'fastapi', cls: 'FastAPI', server: 'uvicorn' },
  { dep: 'django', name: 'django', cls: '', server: 'gunicorn' },
  { dep: 'flask', name: 'flask', cls: 'Flask', server: 'gunicorn' },
  { dep: 'litestar', name: 'litestar', cls: 'Litestar', server: 'uvicorn' },
  { dep: 'starlette', name: 'starlette', cls: 'Starlette', server: 'uvicorn' },
  { dep: 'quart', name: 'quart', cls: 'Quart', server: 'uvicorn' },
];

/** File names that usually hold the app object, best first. */
const LIKELY_NAMES = ['main.py', 'app.py', 'server.py', 'api.py', 'asgi.py', 'wsgi.py', '__init__.py'];

/** 'src/pkg/main.py' under `dir` → 'pkg.main' (a src/ layout is importable without its src/ prefix). */
export function moduleName(dir: string, file: string): string {
  const rel = relativePath(dir, file).replace(/^src\//, '').replace(/\.py$/, '');
  return rel.replace(/\/__init__$/, '').split('/').join('.');
}

/**
 * Finds the app object the server should load: a module-level
 * `app = FastAPI(...)` / `app = Flask(__name__)` (or `= create_app()`), else a
 * `create_app` factory. Shallow files and usual names (main.py, app.py) win.
 */
export function findAppObject(
  files: RepoFiles,
  dir: string,
  pyFiles: readonly string[],
  cls: string,
  server: 'uvicorn' | 'gunicorn',
): PythonTarget | null {
  const assign = new RegExp(`^(\\w+)\\s*(?::\\s*[\\w.]+\\s*)?=\\s*(?:\\w+\\.)?(?:${cls}\\(|create_app\\(|make_app\\()`, 'm');
  const factory = /^(?:async\s+)?def\s+(create_app|make_app|get_app)\s*\(/m;
  const ranked = [...pyFiles].sort((a, b) => rank(a) - rank(b) || byCodeUnit(a, b));
  for (const pattern of [assign, factory]) {
    for (const file of ranked) {
      const text = files.read(file) ?? '';
      const m = pattern.exec(text);
      if (!m?.[1] || !new RegExp(`\\b${cls}\\b|create_app|make_app`).test(text)) continue;
      const isFactory = pattern === factory;
      // gunicorn calls a factory written as 'module:create_app()'; uvicorn needs --factory.
      const call = isFactory && server === 'gunicorn' ? '()' : '';
      return { server, appModule: `${moduleName(dir, file)}:${m[1]}${call}`, factory: isFactory && server === 'uvicorn', file };
    }
  }
  return null;
}

/** gunicorn's worker for aiohttp apps, shipped with aiohttp. */
export const AIOHTTP_WORKER = 'aiohttp.GunicornWebWorker';

/** Factory names aiohttp's docs and apps use (init_func, make_app...). */
const AIOHTTP_FACTORIES = ['init_app', 'create_app', 'make_app', 'get_app', 'app_factory', 'init'];

/**
 * aiohttp's app, for gunicorn's aiohttp.GunicornWebWorker (uvicorn cannot
 * serve it: it is no ASGI app): a module-level `app = web.Application()`, else
 * a factory without parameters, which gunicorn calls ('module:init_app()') or,
 * when async, the worker awaits ('module:init_app').
 */
export function findAiohttpApp(files: RepoFiles, dir: string, pyFiles: readonly string[]): PythonTarget | null {
  const ranked = [...pyFiles].sort((a, b) => rank(a) - rank(b) || byCodeUnit(a, b));
  const texts = ranked.map((file) => ({ file, text: files.read(file) ?? '' })).filter((t) => /\bApplication\(/.test(t.text));
  for (const { file, text } of texts) {
    const m = /^(\w+)\s*(?::\s*[\w.]+\s*)?=\s*(?:web\.)?Application\(/m.exec(text);
    if (m?.[1]) return { server: 'gunicorn', appModule: `${moduleName(dir, file)}:${m[1]}`, factory: false, file };
  }
  for (const { file, text } of texts) {
    for (const m of text.matchAll(/^(async\s+)?def\s+(\w+)\s*\(\s*\)\s*(->\s*(?:web\.)?Application\b)?/gm)) {
      if (!m[2] || (!m[3] && !AIOHTTP_FACTORIES.includes(m[2]))) continue;
      return { server: 'gunicorn', appModule: `${moduleName(dir, file)}:${m[2]}${m[1] ? '' : '()'}`, factory: false, file };
    }
  }
  return null;
}

function rank(file: string): number {
  const depth = file.split('/').length;
  const i = LIKELY_NAMES.indexOf(file.slice(file.lastIndexOf('/') + 1));
  return depth * 10 + (i < 0 ? LIKELY_NAMES.length : i);
}

/**
 * Django's WSGI target: the wsgi.py that calls get_wsgi_application(), else
 * the settings package named in manage.py. Django imports its project package
 * from the folder that holds manage.py, so a project in backend/ is imported
 * from there (importRoot), never as 'backend.mysite'.
 */
export function findDjangoTarget(files: RepoFiles, dir: string, pyFiles: readonly string[]): PythonTarget | null {
  const manage = findManagePy(files, dir, pyFiles);
  const root = manage === null ? dir : parentDir(manage);
  const wsgi = pyFiles
    .filter((f) => f.endsWith('/wsgi.py') || f === 'wsgi.py')
    .sort((a, b) => a.split('/').length - b.split('/').length || byCodeUnit(a, b))
    .find((f) => (files.read(f) ?? '').includes('get_wsgi_application'));
  if (wsgi) {
    // Without a manage.py above it, the project folder is the one holding the settings package.
    const above = parentDir(parentDir(wsgi));
    const wsgiRoot = manage !== null && isInside(wsgi, root) ? root : isInside(above, dir) ? above : dir;
    return { server: 'gunicorn', appModule: `${moduleName(wsgiRoot, wsgi)}:application`, factory: false, file: wsgi, importRoot: subfolder(dir, wsgiRoot) };
  }
  const m = /DJANGO_SETTINGS_MODULE['"]\s*,\s*['"]([\w.]+?)\.settings\b/.exec((manage && files.read(manage)) ?? '');
  if (manage && m?.[1]) return { server: 'gunicorn', appModule: `${m[1]}.wsgi:application`, factory: false, file: manage, importRoot: subfolder(dir, root) };
  return null;
}

const ALLOWED_HOSTS = /^ALLOWED_HOSTS\s*=\s*(.*)$/m;
const ANY_HOST = /^\[\s*['"]\*['"]\s*,?\s*\]/;

/**
 * True when the settings the server runs with let any Host through
 * (`ALLOWED_HOSTS = ["*"]`), health checks by IP included. Those are the
 * module the WSGI/ASGI file names (config.settings.production), following its
 * `from .base import *`; without one, any settings file. Settings read from
 * the environment count as not: their value is not known here.
 */
export function djangoAllowsAnyHost(files: RepoFiles, pyFiles: readonly string[], target: PythonTarget, dir: string): boolean {
  const root = target.importRoot ? joinPath(dir, target.importRoot) : dir;
  const named = /DJANGO_SETTINGS_MODULE['"]\s*,\s*['"]([\w.]+)['"]/.exec((target.file && files.read(target.file)) ?? '')?.[1];
  const settings = named === undefined ? null : moduleFile(files, root, named);
  if (settings === null) {
    return pyFiles
      .filter((f) => /(^|\/)settings(\.py$|\/)/.test(f))
      .some((f) => ANY_HOST.test(ALLOWED_HOSTS.exec(files.read(f) ?? '')?.[1] ?? ''));
  }
  // The module's own assignment decides; else the last module it star-imports that assigns one.
  let file: string | null = settings;
  for (let depth = 0; file !== null && depth < 4; depth++) {
    const text = files.read(file) ?? '';
    const value = ALLOWED_HOSTS.exec(text)?.[1];
    if (value !== undefined) return ANY_HOST.test(value);
    file = lastStarImport(files, root, file, text);
  }
  return false;
}

/** The file of the last `from x import *` in `text` (of `file`) that exists, or null. */
function lastStarImport(files: RepoFiles, root: string, file: string, text: string): string | null {
  const found = [...text.matchAll(/^from\s+([.\w]+)\s+import\s+\*/gm)]
    .map((m) => m[1] ?? '')
    .map((mod) => moduleFile(files, root, mod.startsWith('.') ? relativeModule(root, file, mod) : mod))
    .filter((f): f is string => f !== null);
  return found.pop() ?? null;
}

/** 'config.settings.production' → config/settings/production.py (or its package's __init__.py) under `root`, or null. */
function moduleFile(files: RepoFiles, root: string, module: string): string | null {
  const path = joinPath(root, ...module.split('.'));
  return [`${path}.py`, joinPath(path, '__init__.py')].find((f) => files.exists(f)) ?? null;
}

/** A relative import ('.base', '..common') from `file` as an absolute module name. */
function relativeModule(root: string, file: string, module: string): string {
  const dots = /^\.+/.exec(module)?.[0].length ?? 0;
  let pkg = parentDir(file);
  for (let i = 1; i < dots; i++) pkg = parentDir(pkg);
  const base = relativePath(root, pkg);
  return [...(base === '.' ? [] : base.split('/')), ...module.slice(dots).split('.').filter((p) => p !== '')].join('.');
}

/** The shallowest manage.py under `dir`: the Django project's own folder. */
export function findManagePy(files: RepoFiles, dir: string, pyFiles: readonly string[]): string | null {
  const atRoot = joinPath(dir, 'manage.py');
  if (files.exists(atRoot)) return atRoot;
  return (
    pyFiles
      .filter((f) => f.endsWith('/manage.py'))
      .sort((a, b) => a.split('/').length - b.split('/').length || byCodeUnit(a, b))[0] ?? null
  );
}

function isInside(path: string, folder: string): boolean {
  return folder === '.' || path === folder || path.startsWith(`${folder}/`);
}

/** `folder` relative to `dir`, or null when it is `dir` itself. */
function subfolder(dir: string, folder: string): string | null {
  const rel = relativePath(dir, folder);
  return rel === '.' || rel === '' ? null : rel;
}
