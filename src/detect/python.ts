import type { AppFacts, FoundVersion } from './app-facts.js';
import { joinPath, parentDir, relativePath } from './paths.js';
import { AIOHTTP_WORKER, PYTHON_FRAMEWORKS, djangoAllowsAnyHost, findAiohttpApp, findAppObject, findDjangoTarget, findManagePy, moduleName, type PythonTarget } from './python-app.js';
import { nativePythonDeps } from './python-native.js';
import { hasPythonManifest, isRequirementsFile, readPythonProject, requirementIncludes, testExtra, testGroup, type PythonProject } from './python-deps.js';
import { pythonRoutes } from './python-routes.js';
import { findPort, pickHealthPath, pickReadinessPath, walkFiles, type PortPattern } from './scan.js';
import { parseToml, tomlString, tomlTable } from './toml.js';
import type { RepoFiles } from './types.js';
import { firstVersion, plainVersion, rangeLowerBound, toolVersionsEntry } from './versions.js';

const DEFAULT_PORT = 8000;
const SKIP = ['tests', 'test', 'migrations', 'docs', 'scripts', 'node_modules'];
/** pytest's default test file names. */
const TEST_FILE = /(^|\/)(test_[^/]*|[^/]*_test)\.py$/;

const PORT_PATTERNS: readonly PortPattern[] = [
  { re: /uvicorn\.run\([^)]*?\bport\s*=\s*(\d{2,5})\b/, what: 'uvicorn.run()' },
  { re: /\bbind\s*=\s*\[?\s*['"][^'"]*:(\d{2,5})['"]/, what: 'gunicorn bind' },
  { re: /(?:-b|--bind)[ =]\S*:(\d{2,5})\b/, what: '--bind' },
  { re: /--port[ =](\d{2,5})\b/, what: '--port' },
  { re: /(?:environ\.get|getenv)\(\s*['"]PORT['"]\s*,\s*['"]?(\d{2,5})\b/, what: 'PORT default' },
  { re: /\.run\([^)]*?\bport\s*=\s*(\d{2,5})\b/, what: 'app.run()' },
];


/**
 * Detects a Python app in `dir`: installer and lockfile, Python version, web
 * framework and the production server command (uvicorn for ASGI, gunicorn for
 * WSGI), port, health route, test/lint commands and metrics library.
 */
export function detectPython(files: RepoFiles, dir: string): AppFacts | null {
  if (!hasPythonManifest(files, dir)) return null;
  const project = readPythonProject(files, dir);
  const notes = [...project.notes];
  const { deps } = project;

  const walked = walkFiles(files, dir, { exts: ['.py'], maxDepth: 5, maxFiles: 500, skip: SKIP });
  const pyFiles = walked.filter((f) => !TEST_FILE.test(f) && !/(^|\/)conftest\.py$/.test(f));
  const fw = PYTHON_FRAMEWORKS.find((f) => deps.has(f.dep)) ??
    (files.exists(joinPath(dir, 'manage.py')) ? PYTHON_FRAMEWORKS.find((f) => f.dep === 'django') : undefined);
  // aiohttp serves HTTP itself (a client elsewhere): its app counts only when no other framework is declared.
  const aiohttp = fw === undefined && deps.has('aiohttp') ? findAiohttpApp(files, dir, pyFiles) : null;
  const target = aiohttp ?? findTarget(files, dir, pyFiles, fw);
  // The stack deploys an HTTP service: its load balancer, health checks and alerts need one.
  if (fw === undefined && aiohttp === null) {
    notes.push(`no web framework among the dependencies: the stack deploys an HTTP service (health checks, load balancer, request alerts), so the image runs ${target.server} ${target.appModule} on the port; a worker or script needs its own CMD, and its health checks and alerts do not apply`);
  }
  if (target.file === null) notes.push(`app module ${target.appModule} is a guess: set it in the generated Dockerfile if wrong`);
  else notes.push(`app module ${target.appModule} from ${target.file}`);
  const importRoot = pythonImportRoot(dir, target, project.installable);
  if (target.importRoot) notes.push(`the Django project lives in ${target.importRoot}/: the image sets PYTHONPATH=${target.importRoot}`);
  else if (importRoot) notes.push('the app lives under src/ and the project is not installable: the image sets PYTHONPATH=src');
  // Flask and Django apps often run their dev server locally and never declare gunicorn;
  // FastAPI without [standard] and Quart (which brings hypercorn) lack uvicorn.
  if (!installsServer(files, dir, project, target.server)) {
    notes.push(`the image runs ${target.server}, which ${project.dependencyFile} does not declare: add it as a runtime dependency${fw?.dep === 'fastapi' ? ' (uvicorn, or fastapi[standard])' : ''}, or the container will not start`);
  }

  if (target.server === 'gunicorn') notes.push(...gunicornConfigNotes(files, dir));

  const version = pythonVersion(files, dir, project);
  const configFiles = ['gunicorn.conf.py', 'Procfile', 'Dockerfile'].map((f) => joinPath(dir, f));
  const ordered = target.file ? [target.file, ...pyFiles.filter((f) => f !== target.file)] : pyFiles;
  const found = findPort(files, [...configFiles, ...ordered], PORT_PATTERNS);
  const port = found?.port ?? DEFAULT_PORT;
  const portSource = found ? found.file : `${target.server} default`;
  notes.push(found ? `port ${port} from ${found.file} (${found.what})` : `port ${port}: our ${target.server} default`);

  const scanned = pythonRoutes(files, ordered, { root: target.importRoot ? joinPath(dir, target.importRoot) : dir });
  const { routes } = scanned;
  notes.push(...scanned.notes);
  const health = pickHealthPath(routes);
  if (health) notes.push(`health path ${health.served} from ${health.file}`);
  const trusted = trustedHostFile(files, pyFiles);
  if (trusted !== null) {
    notes.push(`${trusted} adds TrustedHostMiddleware, which answers 400 to a Host outside allowed_hosts, and the platform's health checks send the container's own address (the load balancer's checks its IP, the image's HEALTHCHECK localhost): let the health paths through before it, or deploys roll back on failed health checks`);
  }
  if (fw?.dep === 'django' && deps.has('whitenoise')) {
    // Not run for the user: settings that read secrets at import fail the build without them.
    notes.push("whitenoise serves the files `manage.py collectstatic` gathers, and the image does not run it: uncomment its line in the Dockerfile once the settings load at build time without secrets (a build-only SECRET_KEY), or pages with {% static %} fail (a manifest storage answers 500)");
  }
  if (fw?.dep === 'django' && !djangoAllowsAnyHost(files, pyFiles, target, dir)) {
    notes.push("Django answers 400 to a Host its ALLOWED_HOSTS does not list, and the platform's health checks send the container's own address (the load balancer's checks its IP, the image's HEALTHCHECK localhost): answer the health paths in a middleware placed first, as docs/deploy/pipeline.md shows, or deploys roll back on failed health checks");
  }

  const run = { uv: 'uv run ', poetry: 'poetry run ', pdm: 'pdm run ', pipenv: 'pipenv run ', pip: '' }[project.pm];
  const testDir = files.isDirectory(joinPath(dir, 'tests')) || files.isDirectory(joinPath(dir, 'test'));
  let testCommand: string | null = null;
  if (deps.has('pytest') || testDir) testCommand = `${run}pytest`;
  else if (fw?.dep === 'django') {
    // Django's runner discovers tests from the working directory: run it where manage.py is.
    const manage = findManagePy(files, dir, pyFiles);
    const at = manage === null ? '.' : relativePath(dir, parentDir(manage));
    testCommand = `${at === '.' ? '' : `cd ${at} && `}${run}python manage.py test`;
  } else if (walked.some((f) => TEST_FILE.test(f))) testCommand = `${run}pytest`;
  // pytest without tests exits 5 ("no tests collected"), and is not installed without a declaration.
  if (testCommand === null) notes.push('no tests (no tests/ or test/ folder, no test_*.py files) and no pytest dependency: CI runs no tests until there are some');
  if (testCommand?.endsWith('pytest') && !deps.has('pytest')) {
    notes.push(`CI runs the tests with pytest, which no dependency file declares: add it to the test dependencies (${project.devRequirements ?? 'a requirements-dev.txt, or a dev group'}), or CI fails with "pytest: command not found"`);
  }
  const ruff = deps.has('ruff') || tomlTable(project.pyproject, 'tool', 'ruff') !== null ||
    files.exists(joinPath(dir, 'ruff.toml')) || files.exists(joinPath(dir, '.ruff.toml'));

  return {
    language: 'python',
    framework: fw?.name ?? (aiohttp ? 'aiohttp' : null),
    packageManager: project.pm,
    lockfile: project.lockfile,
    runtimeVersion: version?.version ?? null,
    runtimeVersionSource: version?.source ?? null,
    buildCommand: null,
    testCommand,
    lintCommand: ruff ? `${run}ruff check .` : null,
    startCommand: startCommand(target, port, aiohttp !== null),
    port,
    portSource,
    healthPath: health?.served ?? null,
    readinessPath: pickReadinessPath(routes)?.served ?? null,
    metricsLibrary: pythonMetrics(deps),
    notes,
    node: null,
    python: {
      server: target.server,
      appModule: target.appModule,
      dependencyFile: project.dependencyFile,
      hashPinned: project.hashPinned,
      installable: project.installable,
      devRequirements: project.devRequirements,
      testExtra: testExtra(project.pyproject),
      testGroup: testGroup(project.pyproject),
      pytestCov: deps.has('pytest-cov'),
      importRoot,
      requirementIncludes: isRequirementsFile(project.dependencyFile) ? requirementIncludes(files, dir, project.dependencyFile) : [],
      localRequirements: project.localRequirements,
      localSources: project.localSources,
      nativeDeps: nativePythonDeps(project.declared),
    },
    go: null,
    java: null,
  };
}

/**
 * What a gunicorn.conf.py in the working directory (gunicorn reads it by
 * default) overrides: its settings win over the image's environment.
 */
function gunicornConfigNotes(files: RepoFiles, dir: string): string[] {
  const file = joinPath(dir, 'gunicorn.conf.py');
  const text = files.read(file);
  if (text === undefined) return [];
  const notes: string[] = [];
  const workers = /^workers\s*=\s*(.+)$/m.exec(text)?.[1];
  if (workers !== undefined && !/WEB_CONCURRENCY/.test(workers)) {
    notes.push(`${file} sets workers = ${workers.trim()}, which wins over the image's WEB_CONCURRENCY (and cpu_count() counts the host's CPUs, not the container's share): read it with int(os.environ.get("WEB_CONCURRENCY", 2)), or the container runs more workers than it has memory and metrics for`);
  }
  const bind = /^bind\s*=\s*(.+)$/m.exec(text)?.[1] ?? '';
  if (/['"](?:127\.0\.0\.1|localhost)[:'"]/.test(bind)) {
    notes.push(`${file} binds ${bind.trim()}, the container's loopback only: the load balancer and the platform's probes cannot reach it; bind 0.0.0.0 (or drop bind: with PORT set, gunicorn binds 0.0.0.0:$PORT)`);
  }
  return notes;
}

/** The first source that adds Starlette's (FastAPI's) TrustedHostMiddleware without allowing every host, or null. */
function trustedHostFile(files: RepoFiles, pyFiles: readonly string[]): string | null {
  return pyFiles.find((f) => {
    const text = files.read(f) ?? '';
    return /add_middleware\(\s*TrustedHostMiddleware/.test(text) && !/allowed_hosts\s*=\s*\[\s*['"]\*['"]\s*\]/.test(text);
  }) ?? null;
}

/** Extras of a framework that install uvicorn (fastapi[standard], litestar[standard]). */
const UVICORN_EXTRAS: Readonly<Record<string, readonly string[]>> = {
  fastapi: ['standard', 'standard-no-fastapi-cloud-cli', 'all'],
  litestar: ['standard', 'cli', 'full'],
};

/** True when the server is declared, comes with a framework's extra, or the lockfile installs it (a dependency's dependency). */
function installsServer(files: RepoFiles, dir: string, project: PythonProject, server: 'uvicorn' | 'gunicorn'): boolean {
  if (project.deps.has(server)) return true;
  if (server === 'uvicorn' && Object.entries(UVICORN_EXTRAS).some(([dep, extras]) => (project.declared.get(dep) ?? []).some((e) => e.some((x) => extras.includes(x))))) return true;
  const lock = project.lockfile === null || isRequirementsFile(project.lockfile) ? undefined : files.read(joinPath(dir, project.lockfile));
  // uv.lock, poetry.lock and pdm.lock: name = "uvicorn"; Pipfile.lock: "uvicorn": {.
  return lock !== undefined && new RegExp(`^name = "${server}"$|"${server}": \\{`, 'm').test(lock);
}

/** True when `dir` holds a Python web app (a framework dependency or Django's manage.py). */
export function isPythonWebApp(files: RepoFiles, dir: string): boolean {
  if (!hasPythonManifest(files, dir)) return false;
  if (files.exists(joinPath(dir, 'manage.py'))) return true;
  const { deps } = readPythonProject(files, dir);
  return PYTHON_FRAMEWORKS.some((f) => deps.has(f.dep));
}

function findTarget(
  files: RepoFiles,
  dir: string,
  pyFiles: readonly string[],
  fw: (typeof PYTHON_FRAMEWORKS)[number] | undefined,
): PythonTarget {
  if (fw?.dep === 'django') {
    const django = findDjangoTarget(files, dir, pyFiles);
    if (django) return django;
  } else if (fw) {
    const found = findAppObject(files, dir, pyFiles, fw.cls, fw.server);
    if (found) return found;
  }
  // Guess: a conventional module next to the manifest, served by the framework's usual server.
  const server = fw?.server ?? 'uvicorn';
  if (fw?.dep === 'django') return { server, appModule: 'config.wsgi:application', factory: false, file: null };
  const guess = ['app/main.py', 'main.py', 'app.py'].map((f) => joinPath(dir, f)).find((f) => files.exists(f));
  return { server, appModule: `${guess ? moduleName(dir, guess) : 'main'}:app`, factory: false, file: null };
}

/**
 * The folder the image puts on PYTHONPATH: a Django project's own folder, or
 * src/ when moduleName() dropped that prefix and no install makes the import work.
 */
function pythonImportRoot(dir: string, target: PythonTarget, installable: boolean): string | null {
  if (target.importRoot) return target.importRoot;
  return target.file?.startsWith(joinPath(dir, 'src') + '/') && !installable ? 'src' : null;
}

function startCommand(t: PythonTarget, port: number, aiohttp: boolean): string {
  return t.server === 'uvicorn'
    ? `uvicorn ${t.appModule}${t.factory ? ' --factory' : ''} --host 0.0.0.0 --port ${port}`
    : `gunicorn --bind 0.0.0.0:${port}${aiohttp ? ` --worker-class ${AIOHTTP_WORKER}` : ''} ${t.appModule}`;
}

/** Python version: .python-version, .tool-versions, runtime.txt, then requires-python / Poetry's python. */
function pythonVersion(files: RepoFiles, dir: string, project: PythonProject): FoundVersion | null {
  const found = firstVersion(files, dir, [
    { file: '.python-version', read: (t) => plainVersion(t.split('\n').find((l) => /^\s*\d/.test(l)) ?? '', 2) },
    { file: '.tool-versions', read: (t) => plainVersion(toolVersionsEntry(t, ['python']) ?? '', 2) },
    { file: 'runtime.txt', read: (t) => plainVersion(t.replace(/^\s*python-/, ''), 2) },
  ]);
  if (found) return found;
  const pyproject = joinPath(dir, 'pyproject.toml');
  const requires = tomlString(tomlTable(project.pyproject, 'project'), 'requires-python');
  const fromRequires = requires === null ? null : rangeLowerBound(requires, 2);
  if (fromRequires) return { version: fromRequires, source: `${pyproject} requires-python` };
  const poetry = tomlString(tomlTable(project.pyproject, 'tool', 'poetry', 'dependencies'), 'python');
  const fromPoetry = poetry === null ? null : rangeLowerBound(poetry, 2);
  if (fromPoetry) return { version: fromPoetry, source: `${pyproject} tool.poetry.dependencies.python` };
  // pipenv writes [requires] python_version, and `pipenv sync` refuses any other Python.
  const pipfile = joinPath(dir, 'Pipfile');
  const requiresTable = tomlTable(parseToml(files.read(pipfile)), 'requires');
  for (const key of ['python_version', 'python_full_version']) {
    const version = plainVersion(tomlString(requiresTable, key) ?? '', 2);
    if (version) return { version, source: `${pipfile} requires.${key}` };
  }
  return null;
}

/** The most specific metrics integration declared. */
function pythonMetrics(deps: Set<string>): string | null {
  for (const lib of ['prometheus-fastapi-instrumentator', 'django-prometheus', 'prometheus-flask-exporter', 'starlette-exporter', 'prometheus-client']) {
    if (deps.has(lib)) return lib;
  }
  return [...deps].some((d) => d.startsWith('opentelemetry')) ? 'opentelemetry' : null;
}
