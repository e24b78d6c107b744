import { AIOHTTP_WORKER } from '../detect/python-app.js';
import { LOCAL_REQUIREMENT, isRequirementsFile } from '../detect/python-deps.js';
import type { PythonFacts } from '../detect/types.js';
import {
  USERS,
  bindMount,
  cacheMount,
  drainSeconds,
  healthUrl,
  missingFacts,
  partitionByContext,
  type DockerContext,
  type KeyValue,
  type LanguageSpec,
  type PythonSpec,
  type RequirementsFilter,
} from './docker.js';
import { pythonSystemPackages } from './python-system-packages.js';
import { PYTHON, TOOLS, chooseLine } from './versions.js';
import { shellWord } from '../render/escape/shell.js';

type PythonPm = PythonSpec['pm'];

/** The installer-specific part of the build stage. */
type Install = Pick<PythonSpec, 'toolInstall' | 'toolCacheMount' | 'createVenv' | 'buildEnv' | 'cacheMounts' | 'bindMounts' | 'localFilter' | 'installDeps' | 'installProject' | 'unlocked'>;

const PIP_CACHE = '/root/.cache/pip';

/**
 * Bytecode for the service's own modules at build time: installers compile
 * what they install, but the app is imported from its source folder, and the
 * runtime image writes no .pyc (PYTHONDONTWRITEBYTECODE, read-only root
 * filesystem), so without this every cold start compiles it again.
 * unchecked-hash: the .pyc is used without comparing the source's mtime,
 * which image layers do not keep reliably (and the source never changes in an
 * image). The virtualenv is skipped: its installer compiled it.
 */
const COMPILE_SOURCE = ['python', '-m', 'compileall', '-q', '-j', '0', '--invalidation-mode', 'unchecked-hash', '-x', '/\\.venv/', '.'];

function asPythonPm(pm: string | null): PythonPm {
  return pm === 'uv' || pm === 'poetry' || pm === 'pdm' || pm === 'pipenv' ? pm : 'pip';
}

/**
 * Install steps per installer. Dependencies install from the lockfile before
 * the source is copied (cached until the lockfile changes); the project
 * itself, when installable, after it.
 */
export function pythonInstall(pm: PythonPm, py: PythonFacts, locked: boolean, workspace: boolean, pathSources = false): Install {
  switch (pm) {
    case 'uv':
      return {
        toolInstall: null,
        toolCacheMount: cacheMount(PIP_CACHE),
        createVenv: false,
        buildEnv: [
          { name: 'UV_COMPILE_BYTECODE', value: '1' },
          // The cache is a mount on another filesystem: hard links would fail, so copy.
          { name: 'UV_LINK_MODE', value: 'copy' },
          // Use the image's interpreter, never a downloaded one (it must match the runtime image).
          { name: 'UV_PYTHON_DOWNLOADS', value: 'never' },
          { name: 'UV_PYTHON', value: '/usr/local/bin/python' },
          { name: 'UV_PROJECT_ENVIRONMENT', value: '/app/.venv' },
        ],
        cacheMounts: [cacheMount('/root/.cache/uv')],
        bindMounts: workspace ? [] : ['uv.lock', 'pyproject.toml'].map(bindMount),
        localFilter: null,
        // Path dependencies are no workspace members: --no-install-local (uv 0.8.7+) skips them too, their source is not copied yet.
        installDeps: ['uv', 'sync', '--locked', '--no-dev', pathSources ? '--no-install-local' : workspace ? '--no-install-workspace' : '--no-install-project'],
        installProject: workspace || py.installable ? ['uv', 'sync', '--locked', '--no-dev', '--no-editable'] : null,
        unlocked: false,
      };
    case 'poetry':
      return {
        toolInstall: ['pip', 'install', `poetry==${TOOLS.poetry}`],
        toolCacheMount: cacheMount(PIP_CACHE),
        createVenv: false,
        buildEnv: [
          { name: 'POETRY_VIRTUALENVS_IN_PROJECT', value: 'true' },
          { name: 'POETRY_NO_INTERACTION', value: '1' },
          { name: 'POETRY_CACHE_DIR', value: '/root/.cache/pypoetry' },
        ],
        cacheMounts: [cacheMount(PIP_CACHE), cacheMount('/root/.cache/pypoetry')],
        bindMounts: (locked ? ['pyproject.toml', 'poetry.lock'] : ['pyproject.toml']).map(bindMount),
        localFilter: null,
        // --compile: bytecode at build time (pip and uv do it too), not at every cold start.
        installDeps: ['poetry', 'install', '--only', 'main', '--no-root', '--compile'],
        installProject: py.installable ? ['poetry', 'install', '--only', 'main', '--compile'] : null,
        unlocked: !locked,
      };
    case 'pdm': {
      // --check: a pdm.lock that no longer matches pyproject.toml fails the build rather than being re-resolved.
      const check = locked ? ['--check'] : [];
      return {
        toolInstall: ['pip', 'install', `pdm==${TOOLS.pdm}`],
        toolCacheMount: cacheMount(PIP_CACHE),
        // PDM installs into the project's .venv when one exists: the image's Python, not one it picks.
        createVenv: true,
        buildEnv: [{ name: 'PDM_CHECK_UPDATE', value: 'false' }],
        cacheMounts: [cacheMount(PIP_CACHE), cacheMount('/root/.cache/pdm')],
        bindMounts: (locked ? ['pyproject.toml', 'pdm.lock'] : ['pyproject.toml']).map(bindMount),
        localFilter: null,
        // --prod: the default group only, no dev groups.
        installDeps: ['pdm', 'install', ...check, '--prod', '--no-self'],
        installProject: py.installable ? ['pdm', 'install', ...check, '--prod', '--no-editable'] : null,
        unlocked: !locked,
      };
    }
    case 'pipenv':
      return {
        toolInstall: ['pip', 'install', `pipenv==${TOOLS.pipenv}`],
        toolCacheMount: cacheMount(PIP_CACHE),
        createVenv: false,
        buildEnv: [{ name: 'PIPENV_VENV_IN_PROJECT', value: '1' }],
        cacheMounts: [cacheMount(PIP_CACHE), cacheMount('/root/.cache/pipenv')],
        bindMounts: (locked ? ['Pipfile', 'Pipfile.lock'] : ['Pipfile']).map(bindMount),
        localFilter: null,
        // `pipenv sync` installs exactly Pipfile.lock's default packages, hashes checked.
        installDeps: locked ? ['pipenv', 'sync'] : ['pipenv', 'install'],
        installProject: null,
        unlocked: !locked,
      };
    case 'pip': {
      const file = py.dependencyFile;
      const requirements = isRequirementsFile(file);
      // What the requirements file includes is mounted with it (outside the build context it cannot be: see the note).
      const includes = partitionByContext(py.requirementIncludes).inside;
      const localFilter = requirements && py.localRequirements.length > 0 ? withoutLocalRequirements(file) : null;
      const installed = localFilter?.output ?? file;
      return {
        toolInstall: null,
        toolCacheMount: cacheMount(PIP_CACHE),
        createVenv: true,
        buildEnv: [{ name: 'PIP_DISABLE_PIP_VERSION_CHECK', value: '1' }],
        cacheMounts: [cacheMount(PIP_CACHE)],
        bindMounts: requirements ? [file, ...includes].map(bindMount) : [],
        localFilter,
        installDeps: requirements
          ? py.hashPinned
            ? ['pip', 'install', '--require-hashes', '-r', installed]
            : ['pip', 'install', '-r', installed]
          : null,
        installProject: requirements ? projectInstall(py) : ['pip', 'install', '.'],
        unlocked: !py.hashPinned,
      };
    }
  }
}

/**
 * The requirements file without its local-code lines (`-e .`, `./libs/shared`), written
 * next to it so that its `-r` includes still resolve: what can be installed before the
 * source is copied. The image and CI's audit use it alike.
 */
export function withoutLocalRequirements(file: string): RequirementsFilter {
  return { command: ['sed', '-E', `/${LOCAL_REQUIREMENT}/d`, file], output: file.replace(/(\.txt)?$/, '.deps.txt') };
}

/**
 * What a requirements-file install adds once the source is copied: the local code the
 * file names (with the dependencies it declares, unless hashes pin every one), else the
 * project itself when it is a package (its dependencies are the file's).
 */
function projectInstall(py: PythonFacts): string[] | null {
  const local = partitionByContext(py.localRequirements).inside;
  if (local.length > 0) return ['pip', 'install', ...(py.hashPinned ? ['--no-deps'] : []), ...local];
  return py.installable ? ['pip', 'install', '--no-deps', '.'] : null;
}

/**
 * The production server command: uvicorn for ASGI apps, gunicorn (threads,
 * uvicorn workers for ASGI, aiohttp's own worker for aiohttp) for the rest. Both listen on $PORT (the image sets
 * it to `port`; a platform may set another): gunicorn binds 0.0.0.0:$PORT by
 * itself, uvicorn has no such default, so a shell reads it and `exec`s
 * uvicorn, which then is PID 1 and gets SIGTERM.
 */
export function pythonCommand(py: PythonFacts, startCommand: string | null, port: number, graceSeconds: number, framework: string | null = null): string[] {
  const app = py.appModule;
  if (py.server === 'uvicorn') {
    const factory = /\s--factory\b/.test(startCommand ?? '') ? ['--factory'] : [];
    // Behind the platform's load balancer: trust its X-Forwarded-* so URLs keep https.
    // The grace bound keeps draining shorter than the platform's stop timeout (uvicorn >= 0.24).
    const words = (ws: string[]) => ws.map(shellWord).join(' ');
    const rest = words(['--proxy-headers', '--forwarded-allow-ips', '*', '--timeout-graceful-shutdown', String(graceSeconds)]);
    return ['sh', '-c', `exec uvicorn ${words([app, ...factory, '--host', '0.0.0.0'])} --port "\${PORT:-${port}}" ${rest}`];
  }
  const asgi = /(^|\.)asgi:/.test(py.appModule);
  return [
    'gunicorn',
    // Heartbeat files in memory: works with a read-only root filesystem.
    '--worker-tmp-dir',
    '/dev/shm',
    '--graceful-timeout',
    String(graceSeconds),
    '--access-logfile',
    '-',
    ...(framework === 'aiohttp' ? ['--worker-class', AIOHTTP_WORKER] : asgi ? ['--worker-class', 'uvicorn.workers.UvicornWorker'] : ['--threads', '4']),
    app,
  ];
}

/** Python (uv, poetry, pdm, pipenv, pip) image spec. */
export function buildPythonSpec(ctx: DockerContext): LanguageSpec {
  const { facts, answers, appPath } = ctx;
  const py = facts.python ?? missingFacts('python', ctx.serviceDir);
  const pm = asPythonPm(facts.packageManager);
  const workspace = appPath !== '';
  const locked = facts.lockfile !== null;
  const line = chooseLine(PYTHON, facts.runtimeVersion, 'Python');
  if (line.note) ctx.notes.push(line.note);

  // Built from above the app dir for its path dependencies, not for a workspace lockfile.
  const pathSources = workspace && !(facts.lockfile?.startsWith('../') ?? false);
  const install = pythonInstall(pm, py, locked, workspace, pathSources);
  const grace = drainSeconds(answers.runtime);
  const cmd = pythonCommand(py, facts.startCommand, answers.port, grace, facts.framework);

  // A missing lockfile or hash pins are detection's notes (src/detect/python-deps.ts), printed with these.
  const { outside } = partitionByContext(py.requirementIncludes);
  if (pm === 'pip' && outside.length > 0) {
    ctx.notes.push(`${py.dependencyFile} includes ${outside.join(', ')}, outside the build context: the install cannot read ${outside.length > 1 ? 'them' : 'it'}; move ${outside.length > 1 ? 'them' : 'it'} into ${ctx.serviceDir}`);
  }
  const localOutside = partitionByContext(py.localRequirements).outside;
  if (pm === 'pip' && localOutside.length > 0) {
    ctx.notes.push(`${py.dependencyFile} installs ${localOutside.join(', ')}, outside the build context: the image cannot install ${localOutside.length > 1 ? 'them' : 'it'}; move ${localOutside.length > 1 ? 'them' : 'it'} into ${ctx.serviceDir} or publish ${localOutside.length > 1 ? 'them' : 'it'} as a package`);
  }
  ctx.notes.push(`the image runs ${py.server}: it must be a runtime dependency, not a dev one`);
  if (py.server === 'gunicorn' && /(^|\.)asgi:/.test(py.appModule)) {
    ctx.notes.push('ASGI under gunicorn uses uvicorn.workers.UvicornWorker: uvicorn must be installed');
  }
  if (workspace && !pathSources) ctx.notes.push('uv workspace: the image syncs the member from the workspace root lockfile');
  const outsideSources = partitionByContext(py.localSources, appPath).outside;
  if (outsideSources.length > 0) {
    ctx.notes.push(`pyproject.toml installs ${outsideSources.join(', ')} from outside the build context (only uv projects are built from the folder above): the image cannot install ${outsideSources.length > 1 ? 'them' : 'it'}; build from a context that holds ${outsideSources.length > 1 ? 'them' : 'it'} or publish ${outsideSources.length > 1 ? 'them' : 'it'} as a package`);
  }
  const system = pythonSystemPackages(py.nativeDeps);
  if (system.build) ctx.notes.push(`${system.build.why}: the image's build stage installs ${system.build.packages.join(', ')}`);
  if (system.runtime) ctx.notes.push(`${system.runtime.why}: the runtime stage installs ${system.runtime.packages.join(', ')}`);

  const env: KeyValue[] = [
    { name: 'PYTHONUNBUFFERED', value: '1' },
    { name: 'PYTHONDONTWRITEBYTECODE', value: '1' },
  ];
  if (py.server === 'gunicorn') {
    // Each worker process keeps its own Prometheus counters and a scrape reads whichever answers,
    // so rates jump between them: with metrics, one worker (threads or an event loop) per container.
    const monitored = answers.monitoring !== 'none';
    env.push({ name: 'WEB_CONCURRENCY', value: monitored ? '1' : '2' });
    if (monitored) ctx.notes.push("gunicorn runs one worker (WEB_CONCURRENCY=1): each worker would keep its own metrics. Scale with more containers, or set up prometheus_client's multiprocess mode (PROMETHEUS_MULTIPROC_DIR) before raising it");
    // gunicorn >= 25.1 opens a control socket in $XDG_RUNTIME_DIR, else ~/.gunicorn: the
    // app user has no home and the root filesystem may be read-only, so every start
    // logged "Control server error: Permission denied". In memory, like the heartbeat files.
    env.push({ name: 'XDG_RUNTIME_DIR', value: '/dev/shm' });
  }
  // Relative to the working directory the server starts in (the app's folder).
  if (py.importRoot) env.push({ name: 'PYTHONPATH', value: py.importRoot });
  const url = healthUrl(answers.port, answers.healthPath);

  return {
    images: line.images,
    user: USERS.created,
    env,
    tiniApt: null,
    entrypoint: null,
    cmd,
    // urlopen raises on connection errors and non-2xx answers, so the exit code is the verdict.
    healthcheckCmd: ['python', '-c', `import urllib.request; urllib.request.urlopen('${url}', timeout=3)`],
    startPeriod: '20s',
    platforms: ['linux/amd64'],
    python: {
      pm,
      uv: pm === 'uv',
      uvImage: pm === 'uv' ? TOOLS.uvImage : null,
      ...install,
      compileSource: COMPILE_SOURCE,
      manifestsStage: workspace,
      manifestNames: ['pyproject.toml', 'uv.lock'],
      django: facts.framework === 'django',
      buildPackages: system.build,
      runtimePackages: system.runtime,
    },
  };
}
