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

/**
 * True when a settings module lets any Host through (`ALLOWED_HOSTS = ["*"]`),
 * health checks by IP included. Settings read from the environment count as
 * not: their value is not known here.
 */
export function djangoAllowsAnyHost(files: RepoFiles, pyFiles: readonly string[]): boolean {
  return pyFiles
    .filter((f) => /(^|\/)settings(\.py$|\/)/.test(f))
    .some((f) => /^\s*ALLOWED_HOSTS\s*=\s*\[\s*['"]\*['"]\s*,?\s*\]/m.test(files.read(f) ?? ''));
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
