import { describe, expect, it } from 'vitest';
import { detectRepoOnDisk } from '../../src/detect/index.js';
import { detectPython } from '../../src/detect/python.js';
import { filesFromMap } from '../../src/detect/repo-files.js';
import { fixture } from './helpers.js';

const detect = (files: Record<string, string>, dir = '.') => {
  const facts = detectPython(filesFromMap(files), dir);
  if (facts === null) throw new Error('expected a python app');
  return facts;
};
const FASTAPI_MAIN = 'from fastapi import FastAPI\napp = FastAPI()\n';

describe('detectPython installers and lockfiles', () => {
  it('returns null without a Python manifest', () => {
    expect(detectPython(filesFromMap({ 'main.py': FASTAPI_MAIN }), '.')).toBeNull();
  });

  it('uv.lock → uv', () => {
    const f = detect({ 'pyproject.toml': '[project]\nname = "x"\ndependencies = ["fastapi"]\n', 'uv.lock': '' });
    expect(f.packageManager).toBe('uv');
    expect(f.lockfile).toBe('uv.lock');
    expect(f.python?.dependencyFile).toBe('uv.lock');
  });

  it('finds the test requirements CI installs besides requirements.txt', () => {
    expect(detect({ 'requirements.txt': 'fastapi==0.1\n', 'requirements-dev.txt': '-r requirements.txt\npytest==8\n' }).python?.devRequirements).toBe('requirements-dev.txt');
    expect(detect({ 'requirements.txt': 'fastapi==0.1\n' }).python?.devRequirements).toBeNull();
  });

  it('notices pytest-cov among the test requirements (CI then writes a coverage report)', () => {
    expect(detect({ 'requirements.txt': 'fastapi==0.1\n', 'requirements-dev.txt': 'pytest==8\npytest-cov==6.1.1\n' }).python?.pytestCov).toBe(true);
    expect(detect({ 'requirements.txt': 'fastapi==0.1\n', 'requirements-dev.txt': 'pytest==8\n' }).python?.pytestCov).toBe(false);
  });

  it('uses the uv workspace root lockfile for a member', () => {
    const f = detect({ 'uv.lock': '', 'pyproject.toml': '', 'services/api/pyproject.toml': '[project]\nname = "api"\n' }, 'services/api');
    expect(f.packageManager).toBe('uv');
    expect(f.lockfile).toBe('../../uv.lock');
  });

  it('poetry.lock or [tool.poetry] → poetry, noting a missing lock', () => {
    const toml = '[tool.poetry]\nname = "x"\n\n[tool.poetry.dependencies]\npython = "^3.11"\nflask = "^3"\n\n[tool.poetry.group.dev.dependencies]\npytest = "^8"\n';
    const locked = detect({ 'pyproject.toml': toml, 'poetry.lock': '' });
    expect(locked.packageManager).toBe('poetry');
    expect(locked.lockfile).toBe('poetry.lock');
    expect(locked.framework).toBe('flask');
    expect(locked.testCommand).toBe('poetry run pytest');
    expect(locked.runtimeVersion).toBe('3.11');
    expect(locked.runtimeVersionSource).toBe('pyproject.toml tool.poetry.dependencies.python');

    const unlocked = detect({ 'pyproject.toml': toml });
    expect(unlocked.packageManager).toBe('poetry');
    expect(unlocked.lockfile).toBeNull();
    expect(unlocked.notes.join('\n')).toMatch(/no poetry.lock/);
  });

  it('a Poetry project that names its packages (src/ layout) is installed; package-mode = false or no build system is not', () => {
    const poetry = (extra: string, build = '\n[build-system]\nrequires = ["poetry-core"]\nbuild-backend = "poetry.core.masonry.api"\n') =>
      detect({ 'pyproject.toml': `[tool.poetry]\nname = "shop"\npackages = [{ include = "shop", from = "src" }]\n${extra}\n[tool.poetry.dependencies]\nfastapi = "*"\n${build}`, 'poetry.lock': '', 'src/shop/main.py': FASTAPI_MAIN });
    expect(poetry('').python).toMatchObject({ installable: true, importRoot: null });
    expect(poetry('package-mode = false').python?.installable).toBe(false);
    expect(poetry('', '').python?.installable).toBe(false);
  });

  it('pdm.lock or [tool.pdm.dev-dependencies] → pdm, reading its dev groups', () => {
    const toml = '[project]\nname = "svc"\nrequires-python = ">=3.12"\ndependencies = ["fastapi"]\n\n[tool.pdm]\ndistribution = false\n\n[tool.pdm.dev-dependencies]\ntest = ["pytest>=8", "pytest-cov"]\nlint = ["ruff"]\n';
    const locked = detect({ 'pyproject.toml': toml, 'pdm.lock': '[metadata]\ngroups = ["default", "lint", "test"]\n', 'tests/test_app.py': '' });
    expect(locked).toMatchObject({ packageManager: 'pdm', lockfile: 'pdm.lock', testCommand: 'pdm run pytest', lintCommand: 'pdm run ruff check .' });
    expect(locked.python).toMatchObject({ dependencyFile: 'pdm.lock', installable: false, pytestCov: true });
    const notes = locked.notes.join('\n');
    expect(notes).not.toMatch(/no lockfile|pytest, which no dependency file declares/);
    expect(notes).toMatch(/Dependabot does not update pdm.lock/);

    const unlocked = detect({ 'pyproject.toml': toml });
    expect(unlocked).toMatchObject({ packageManager: 'pdm', lockfile: null });
    expect(unlocked.notes.join('\n')).toMatch(/no pdm.lock/);
    // A package: distribution = true, or (without it) a build system.
    expect(detect({ 'pyproject.toml': toml.replace('distribution = false', 'distribution = true'), 'pdm.lock': '' }).python?.installable).toBe(true);
    expect(detect({ 'pyproject.toml': `${toml.replace('distribution = false', '')}\n[build-system]\nrequires = ["pdm-backend"]\nbuild-backend = "pdm.backend"\n`, 'pdm.lock': '' }).python?.installable).toBe(true);
    // [tool.pdm] that only configures pdm-backend's build is no PDM-managed install.
    expect(detect({ 'pyproject.toml': '[project]\nname = "svc"\ndependencies = ["fastapi"]\n[tool.pdm.build]\nincludes = ["svc"]\n' }).packageManager).toBe('pip');
  });

  it('Pipfile.lock → pipenv, reading Pipfile packages', () => {
    const f = detect({ Pipfile: '[packages]\nDjango = "*"\n\n[dev-packages]\npytest = "*"\n', 'Pipfile.lock': '{}', 'manage.py': '' });
    expect(f.packageManager).toBe('pipenv');
    expect(f.lockfile).toBe('Pipfile.lock');
    expect(f.framework).toBe('django');
    expect(f.testCommand).toBe('pipenv run pytest');
  });

  it('requirements.txt with --hash pins counts as a lockfile', () => {
    const f = detect({ 'requirements.txt': 'fastapi==0.115.0 \\\n    --hash=sha256:abc\n' });
    expect(f.packageManager).toBe('pip');
    expect(f.python?.hashPinned).toBe(true);
    expect(f.lockfile).toBe('requirements.txt');
  });

  it('finds the extra that holds the tests\' packages: test, tests, then dev', () => {
    const pyproject = (extras: string) => `[project]\nname = "svc"\ndependencies = ["fastapi"]\n[project.optional-dependencies]\n${extras}`;
    expect(detect({ 'pyproject.toml': pyproject('dev = ["ruff"]\ntest = ["pytest"]\n') }).python?.testExtra).toBe('test');
    expect(detect({ 'pyproject.toml': pyproject('dev = ["pytest"]\n') }).python?.testExtra).toBe('dev');
    expect(detect({ 'pyproject.toml': pyproject('postgres = ["psycopg"]\n') }).python?.testExtra).toBeNull();
  });

  it("finds the PEP 735 dependency group that holds the tests' packages", () => {
    const pyproject = (groups: string) => `[project]\nname = "svc"\ndependencies = ["fastapi"]\n[dependency-groups]\n${groups}`;
    expect(detect({ 'pyproject.toml': pyproject('dev = ["ruff"]\ntests = ["pytest"]\n') }).python).toMatchObject({ testGroup: 'tests', testExtra: null });
    expect(detect({ 'pyproject.toml': pyproject('dev = [{ include-group = "lint" }, "pytest"]\nlint = ["ruff"]\n') }).python?.testGroup).toBe('dev');
    expect(detect({ 'pyproject.toml': pyproject('docs = ["mkdocs"]\n') }).python?.testGroup).toBeNull();
  });

  it("a flat setuptools project at the root is told that the generated folders break its package discovery", () => {
    const pyproject = '[project]\nname = "svc"\ndependencies = ["fastapi"]\n[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n';
    const note = /setuptools finds a flat layout's packages itself/;
    expect(detect({ 'pyproject.toml': pyproject, 'app/main.py': '' }).notes.join('\n')).toMatch(note);
    // Named packages, a src/ layout, another backend: nothing to say.
    expect(detect({ 'pyproject.toml': `${pyproject}[tool.setuptools]\npackages = ["app"]\n` }).notes.join('\n')).not.toMatch(note);
    expect(detect({ 'pyproject.toml': pyproject, 'src/app/main.py': '' }).notes.join('\n')).not.toMatch(note);
    expect(detect({ 'pyproject.toml': pyproject.replace('setuptools.build_meta', 'hatchling.build') }).notes.join('\n')).not.toMatch(note);
  });

  it('says when tests exist but pytest, which CI runs them with, is declared nowhere', () => {
    expect(detect({ 'requirements.txt': 'fastapi\n', 'tests/test_app.py': '' }).notes.join('\n')).toMatch(/pytest, which no dependency file declares/);
    expect(detect({ 'requirements.txt': 'fastapi\n', 'requirements-dev.txt': 'pytest\n', 'tests/test_app.py': '' }).notes.join('\n')).not.toMatch(/no dependency file declares/);
  });

  it('says when hash-pinned requirements meet unpinned test requirements, which pip refuses to install together', () => {
    const hashed = 'fastapi==0.115.0 --hash=sha256:abc\n';
    expect(detect({ 'requirements.txt': hashed, 'requirements-dev.txt': 'pytest==8\n' }).notes.join('\n')).toMatch(/requirements-dev.txt has no --hash pins/);
    expect(detect({ 'requirements.txt': hashed, 'requirements-dev.txt': 'pytest==8 --hash=sha256:def\n' }).notes.join('\n')).not.toMatch(/has no --hash pins/);
  });

  it('a bare pyproject installs from ranges: no lockfile, installable when it has a build system', () => {
    const f = detect({
      'pyproject.toml': '[project]\nname = "svc"\nrequires-python = ">=3.12,<3.14"\ndependencies = ["fastapi"]\n\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n',
      'src/svc/main.py': FASTAPI_MAIN,
    });
    expect(f.packageManager).toBe('pip');
    expect(f.lockfile).toBeNull();
    expect(f.python?.dependencyFile).toBe('pyproject.toml');
    expect(f.python?.installable).toBe(true);
    expect(f.python?.appModule).toBe('svc.main:app');
    expect(f.runtimeVersion).toBe('3.12');
    expect(f.runtimeVersionSource).toBe('pyproject.toml requires-python');
    expect(f.notes.join('\n')).toMatch(/no lockfile/);
  });

  it('follows -r includes in requirements files', () => {
    const f = detect({ 'requirements.txt': '-r requirements/base.txt\n', 'requirements/base.txt': 'flask==3.0\n', 'app.py': 'app = Flask(__name__)' });
    expect(f.framework).toBe('flask');
  });

  it('a requirements/ folder without requirements.txt (cookiecutter-django): the image installs the production set, CI the local one', () => {
    const f = detect({
      'pyproject.toml': '[tool.pytest.ini_options]\naddopts = "--ds=config.settings.test"\n\n[tool.ruff]\nline-length = 119\n',
      'requirements/base.txt': 'django==5.1.4\ndjango-environ==0.11.2\n',
      'requirements/local.txt': '-r base.txt\npytest==8.3.4\npytest-django==4.9.0\n',
      'requirements/production.txt': '-r base.txt\ngunicorn==23.0.0\n',
      'config/wsgi.py': 'from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n',
      'manage.py': '',
      'myproj/users/models.py': '',
    });
    expect(f.packageManager).toBe('pip');
    expect(f.python).toMatchObject({ dependencyFile: 'requirements/production.txt', devRequirements: 'requirements/local.txt', requirementIncludes: ['requirements/base.txt'], installable: false });
    const notes = f.notes.join('\n');
    expect(notes).toMatch(/no requirements.txt: the image installs requirements\/production.txt, CI requirements\/local.txt with it/);
    // The tool-only pyproject.toml is no project: no `pip install .`, nor its flat-layout warning.
    expect(notes).not.toMatch(/flat layout|pyproject.toml ranges/);
    expect(notes).not.toMatch(/gunicorn, which|pytest, which/);
  });

  it('a requirements/ folder: prod.txt, then base.txt; the test set that declares pytest', () => {
    const files = { 'manage.py': '', 'requirements/base.txt': 'django\n', 'requirements/dev.txt': '-r base.txt\nipdb\n', 'requirements/test.txt': '-r base.txt\npytest\n' };
    expect(detect({ ...files, 'requirements/prod.txt': '-r base.txt\ngunicorn\n' }).python).toMatchObject({ dependencyFile: 'requirements/prod.txt', devRequirements: 'requirements/test.txt' });
    expect(detect(files).python).toMatchObject({ dependencyFile: 'requirements/base.txt', requirementIncludes: [] });
    // None declares pytest: the first one there.
    expect(detect({ ...files, 'requirements/test.txt': 'coverage\n' }).python?.devRequirements).toBe('requirements/dev.txt');
  });

  it('finds the local code requirements.txt installs (-e ., paths), which the image installs after the source', () => {
    const f = detect({
      'requirements.txt': 'fastapi==0.115.0\n-e .  # the project\r\n--editable=./libs/shared\n.[prod]\n-r requirements/base.txt\n-e git+https://example.com/x.git#egg=x\n',
      'requirements/base.txt': '-e ./vendor/y\nuvicorn\n',
    });
    expect(f.python?.localRequirements).toEqual(['.', './libs/shared', '.[prod]']);
    expect(f.notes.join('\n')).toMatch(/requirements\/base.txt installs local code \(.\/vendor\/y\), which the image installs only once the source is copied: move that line into requirements.txt/);
    expect(detect({ 'requirements.txt': 'fastapi\n' }).python?.localRequirements).toEqual([]);
  });

  it("finds pyproject.toml's path dependencies ([tool.uv.sources], Poetry's path), which the image's build context must hold", () => {
    const uv = detect({
      'pyproject.toml': '[project]\nname = "api"\ndependencies = ["fastapi", "common", "x"]\n[tool.uv.sources]\ncommon = { path = "../../libs/common" }\nx = { git = "https://example.com/x" }\n',
      'uv.lock': 'version = 1\n',
    });
    expect(uv.python?.localSources).toEqual(['../../libs/common']);
    const poetry = detect({ 'pyproject.toml': '[tool.poetry.dependencies]\npython = "^3.12"\nflask = "^3"\nshared = { path = "../shared", develop = true }\n' });
    expect(poetry.python?.localSources).toEqual(['../shared']);
  });

  it('says when nothing lists the dependencies: a pyproject.toml with tool settings only', () => {
    const f = detect({ 'pyproject.toml': '[tool.ruff]\nline-length = 100\n', 'manage.py': '' });
    expect(f.notes.join('\n')).toMatch(/no file lists the app's dependencies .* add a requirements.txt/);
    expect(f.notes.join('\n')).not.toMatch(/flat layout/);
  });

  it('lists the files requirements.txt includes, for the image to mount with it', () => {
    const f = detect({
      'svc/requirements.txt': '-r requirements/prod.txt\n--constraint=constraints.txt  # pinned\n-r missing.txt\n',
      'svc/requirements/prod.txt': '-r base.txt\nflask\n',
      'svc/requirements/base.txt': '-r ../../shared.txt\n',
      'svc/constraints.txt': 'flask==3.0\n',
      'shared.txt': 'requests\n',
    }, 'svc');
    expect(f.python?.requirementIncludes).toEqual(['requirements/prod.txt', 'requirements/base.txt', '../shared.txt', 'constraints.txt']);
  });
});

describe('detectPython Django host check', () => {
  const HOSTS_NOTE = /Django answers 400 to a Host its ALLOWED_HOSTS does not list/;
  const django = (settings: string) =>
    detect({ 'requirements.txt': 'django==5.1\ngunicorn==23\n', 'manage.py': 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")\n', 'mysite/settings.py': settings, 'mysite/wsgi.py': 'from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n' }).notes.join('\n');

  it("says the same of Starlette's TrustedHostMiddleware, unless it allows every host", () => {
    const main = (allowed: string) => `from fastapi import FastAPI\nfrom starlette.middleware.trustedhost import TrustedHostMiddleware\napp = FastAPI()\napp.add_middleware(TrustedHostMiddleware, allowed_hosts=${allowed})\n`;
    const notes = (allowed: string) => detect({ 'requirements.txt': 'fastapi==0.1\n', 'main.py': main(allowed) }).notes.join('\n');
    expect(notes('["shop.example.com"]')).toContain('main.py adds TrustedHostMiddleware, which answers 400 to a Host outside allowed_hosts');
    expect(notes('["*"]')).not.toContain('TrustedHostMiddleware');
  });

  it('says the health checks need their own answer unless ALLOWED_HOSTS lets any host through', () => {
    expect(django('ALLOWED_HOSTS = ["shop.example.com"]\n')).toMatch(HOSTS_NOTE);
    expect(django('ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")\n')).toMatch(HOSTS_NOTE);
    expect(django("ALLOWED_HOSTS = ['*']\n")).not.toMatch(HOSTS_NOTE);
    expect(detect({ 'requirements.txt': 'fastapi==0.1\n', 'main.py': FASTAPI_MAIN }).notes.join('\n')).not.toMatch(HOSTS_NOTE);
  });

  it('says the image does not collect static files that whitenoise would serve', () => {
    const notes = (deps: string) => detect({ 'requirements.txt': deps, 'manage.py': '' }).notes.join('\n');
    expect(notes('django==5.1\ngunicorn\nwhitenoise==6.7\n')).toMatch(/whitenoise serves the files `manage.py collectstatic` gathers, and the image does not run it: uncomment its line in the Dockerfile/);
    expect(notes('django==5.1\ngunicorn\n')).not.toMatch(/collectstatic/);
  });

  it("reads ALLOWED_HOSTS from the settings the WSGI file names, not from the local ones that allow any host", () => {
    const split = (production: string, base = 'ALLOWED_HOSTS = []\n') => detect({
      'requirements.txt': 'django==5.1\ngunicorn==23\n',
      'manage.py': 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")\n',
      'config/wsgi.py': 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")\napplication = get_wsgi_application()\n',
      'config/settings/base.py': base,
      'config/settings/local.py': 'from .base import *  # noqa\nALLOWED_HOSTS = ["*"]\n',
      'config/settings/production.py': production,
    }).notes.join('\n');
    expect(split('from .base import *  # noqa\nALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")\n')).toMatch(HOSTS_NOTE);
    expect(split('from .base import *\n')).toMatch(HOSTS_NOTE);
    // Production inherits base's, through an absolute star import too.
    expect(split('from config.settings.base import *\n', 'ALLOWED_HOSTS = ["*"]\n')).not.toMatch(HOSTS_NOTE);
    expect(split('from .base import *\nALLOWED_HOSTS = ["*"]\n')).not.toMatch(HOSTS_NOTE);
  });
});

describe('detectPython native dependencies', () => {
  const native = (files: Record<string, string>) => detect({ 'main.py': FASTAPI_MAIN, ...files }).python?.nativeDeps;

  it('finds the dependencies that build from source or load a C library, wherever they are declared', () => {
    expect(native({ 'requirements.txt': 'fastapi==0.1\npsycopg2==2.9.10\nuWSGI==2.0.28\n' })).toEqual(['psycopg2', 'uwsgi']);
    expect(native({ 'pyproject.toml': '[project]\nname = "x"\ndependencies = ["fastapi", "mysqlclient>=2", "python_ldap"]\n' })).toEqual(['mysqlclient', 'python-ldap']);
    expect(native({ 'Pipfile': '[packages]\nfastapi = "*"\npsycopg2 = "*"\n' })).toEqual(['psycopg2']);
    expect(native({ 'requirements.txt': 'fastapi==0.1\npsycopg2-binary==2.9.10\n' })).toEqual([]);
  });

  it("tells psycopg's installs apart by their extras: [binary] needs nothing, [c] builds, plain loads libpq", () => {
    expect(native({ 'requirements.txt': 'psycopg[binary,pool]==3.2.9\n' })).toEqual([]);
    expect(native({ 'requirements.txt': 'psycopg[pool]==3.2.9\n' })).toEqual(['psycopg']);
    expect(native({ 'requirements.txt': 'psycopg==3.2.9\npsycopg-binary==3.2.9\n' })).toEqual([]);
    expect(native({ 'requirements.txt': 'psycopg-c==3.2.9\n' })).toEqual(['psycopg-c']);
    // cookiecutter-django: the binary wheel for development, the C build for production.
    expect(native({ 'requirements/base.txt': 'django==5.1\n', 'requirements/local.txt': '-r base.txt\npsycopg[binary]==3.2.9\n', 'requirements/production.txt': '-r base.txt\npsycopg[c]==3.2.9\n' })).toEqual(['psycopg-c']);
    expect(native({ 'pyproject.toml': '[tool.poetry]\nname = "x"\n[tool.poetry.dependencies]\npython = "^3.12"\npsycopg = { extras = ["c"], version = "^3.2" }\n' })).toEqual(['psycopg-c']);
    expect(native({ 'pyproject.toml': '[tool.poetry]\nname = "x"\n[tool.poetry.dependencies]\npython = "^3.12"\npsycopg = { extras = ["binary"], version = "^3.2" }\n' })).toEqual([]);
  });
});

describe('detectPython versions', () => {
  it.each([
    [{ '.python-version': '3.12.4\n' }, '3.12', '.python-version'],
    [{ '.tool-versions': 'nodejs 22\npython 3.11.9\n' }, '3.11', '.tool-versions'],
    [{ 'runtime.txt': 'python-3.10.14' }, '3.10', 'runtime.txt'],
  ])('reads %j', (extra, version, source) => {
    const f = detect({ 'requirements.txt': 'flask\n', ...extra });
    expect(f.runtimeVersion).toBe(version);
    expect(f.runtimeVersionSource).toBe(source);
  });

  it('is null when nothing declares it', () => {
    expect(detect({ 'requirements.txt': 'flask\n' }).runtimeVersion).toBeNull();
  });

  it("reads Pipfile's [requires], which pipenv sync insists on", () => {
    const pipfile = (requires: string) => detect({ Pipfile: `[packages]\nflask = "*"\n\n[requires]\n${requires}\n`, 'Pipfile.lock': '{}' });
    expect(pipfile('python_version = "3.11"')).toMatchObject({ runtimeVersion: '3.11', runtimeVersionSource: 'Pipfile requires.python_version' });
    expect(pipfile('python_full_version = "3.10.14"')).toMatchObject({ runtimeVersion: '3.10', runtimeVersionSource: 'Pipfile requires.python_full_version' });
  });
});

describe('detectPython framework, server and target', () => {
  it('says when the server the image runs is not a dependency, and puts a src/ layout on PYTHONPATH', () => {
    const flask = detect({ 'requirements.txt': 'flask\n', 'app.py': 'from flask import Flask\napp = Flask(__name__)\n' });
    expect(flask.notes.join('\n')).toContain('the image runs gunicorn, which requirements.txt does not declare');
    expect(detect({ 'requirements.txt': 'flask\ngunicorn\n', 'app.py': 'from flask import Flask\napp = Flask(__name__)\n' }).notes.join('\n')).not.toContain('does not declare');
    const src = detect({ 'requirements.txt': 'fastapi\nuvicorn\n', 'src/myapi/main.py': FASTAPI_MAIN });
    expect(src.python).toMatchObject({ appModule: 'myapi.main:app', importRoot: 'src' });
    expect(detect({ 'requirements.txt': 'fastapi\nuvicorn\n', 'app/main.py': FASTAPI_MAIN }).python?.importRoot).toBeNull();
  });

  it('says when uvicorn is not installed: Quart brings hypercorn, FastAPI brings it only with [standard]', () => {
    const quart = detect({ 'pyproject.toml': '[project]\nname = "chat"\ndependencies = ["quart>=0.19", "hypercorn"]\n', 'app.py': 'from quart import Quart\napp = Quart(__name__)\n' });
    expect(quart.notes).toContain('the image runs uvicorn, which pyproject.toml does not declare: add it as a runtime dependency, or the container will not start');
    const fastapi = (deps: string, extra: Record<string, string> = {}) => detect({ 'requirements.txt': deps, 'main.py': FASTAPI_MAIN, ...extra }).notes.join('\n');
    expect(fastapi('fastapi\n')).toContain('the image runs uvicorn, which requirements.txt does not declare: add it as a runtime dependency (uvicorn, or fastapi[standard])');
    expect(fastapi('fastapi[standard]>=0.112\n')).not.toContain('does not declare');
    expect(detect({ 'requirements.txt': 'litestar[standard]\n', 'app.py': 'app = Litestar([])\n' }).notes.join('\n')).not.toContain('does not declare');
    // A lockfile that installs it as another package's dependency.
    const lock = detect({ 'pyproject.toml': '[project]\nname = "x"\ndependencies = ["fastapi", "some-server"]\n', 'uv.lock': 'version = 1\n\n[[package]]\nname = "uvicorn"\nversion = "0.30.1"\n', 'main.py': FASTAPI_MAIN });
    expect(lock.notes.join('\n')).not.toContain('does not declare');
  });

  it('aiohttp runs under gunicorn with its own worker: the module-level app, a factory gunicorn calls, or an async one it awaits', () => {
    const aiohttp = (main: string, deps = 'aiohttp==3.9.5\ngunicorn==22.0.0\n') => detect({ 'requirements.txt': deps, 'svc/main.py': main });
    const sync = aiohttp('from aiohttp import web\n\ndef init_app() -> web.Application:\n    app = web.Application()\n    return app\n\nif __name__ == "__main__":\n    web.run_app(init_app())\n');
    expect(sync).toMatchObject({ framework: 'aiohttp', python: { server: 'gunicorn', appModule: 'svc.main:init_app()' } });
    expect(sync.startCommand).toBe('gunicorn --bind 0.0.0.0:8000 --worker-class aiohttp.GunicornWebWorker svc.main:init_app()');
    expect(aiohttp('from aiohttp import web\n\nasync def make_app():\n    return web.Application()\n').python?.appModule).toBe('svc.main:make_app');
    expect(aiohttp('from aiohttp import web\napp = web.Application()\n').python?.appModule).toBe('svc.main:app');
    expect(aiohttp('from aiohttp import web\napp = web.Application()\n', 'aiohttp\n').notes.join('\n')).toContain('the image runs gunicorn, which requirements.txt does not declare');
    // aiohttp as the HTTP client of a FastAPI app changes nothing.
    expect(detect({ 'requirements.txt': 'fastapi\nuvicorn\naiohttp\n', 'main.py': FASTAPI_MAIN }).python?.server).toBe('uvicorn');
  });

  it("says when gunicorn.conf.py's workers or bind override what the image sets", () => {
    const notes = (conf: string) => detect({ 'requirements.txt': 'flask\ngunicorn\n', 'app.py': 'app = Flask(__name__)\n', 'gunicorn.conf.py': conf }).notes.join('\n');
    expect(notes('import multiprocessing\nworkers = multiprocessing.cpu_count() * 2 + 1\n')).toContain("gunicorn.conf.py sets workers = multiprocessing.cpu_count() * 2 + 1, which wins over the image's WEB_CONCURRENCY");
    expect(notes('workers = int(os.environ.get("WEB_CONCURRENCY", 2))\n')).not.toContain('sets workers');
    expect(notes('bind = "127.0.0.1:8000"\n')).toContain("gunicorn.conf.py binds \"127.0.0.1:8000\", the container's loopback only");
    expect(notes('bind = f"0.0.0.0:{os.environ.get(\'PORT\', \'5000\')}"\n')).not.toMatch(/loopback|sets workers/);
  });

  it('FastAPI in main.py at the root → uvicorn main:app', () => {
    const f = detect({ 'requirements.txt': 'fastapi\nuvicorn\n', 'main.py': FASTAPI_MAIN });
    expect(f.framework).toBe('fastapi');
    expect(f.python?.server).toBe('uvicorn');
    expect(f.python?.appModule).toBe('main:app');
    expect(f.startCommand).toBe('uvicorn main:app --host 0.0.0.0 --port 8000');
  });

  it('finds a typed, differently named FastAPI object', () => {
    const f = detect({ 'requirements.txt': 'fastapi\n', 'service/server.py': 'import fastapi\napi: fastapi.FastAPI = fastapi.FastAPI()\n' });
    expect(f.python?.appModule).toBe('service.server:api');
  });

  it('Flask → gunicorn module:app', () => {
    const f = detect({ 'requirements.txt': 'flask\ngunicorn\n', 'web/app.py': 'from flask import Flask\napp = Flask(__name__)\n' });
    expect(f.python?.server).toBe('gunicorn');
    expect(f.python?.appModule).toBe('web.app:app');
    expect(f.startCommand).toBe('gunicorn --bind 0.0.0.0:8000 web.app:app');
  });

  it('a Flask factory is called by gunicorn', () => {
    const f = detect({
      'requirements.txt': 'flask\n',
      'myapp/__init__.py': 'from flask import Flask\n\ndef create_app():\n    app = Flask(__name__)\n    return app\n',
    });
    expect(f.python?.appModule).toBe('myapp:create_app()');
  });

  it('Django → gunicorn <project>.wsgi:application, from manage.py when wsgi.py is missing', () => {
    const f = detect({
      'requirements.txt': 'django\n',
      'manage.py': "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings.production')",
    });
    expect(f.python?.appModule).toBe('config.wsgi:application');
    expect(f.testCommand).toBe('python manage.py test');
  });

  it('a Django project in a subfolder is imported from the folder that holds manage.py', () => {
    const wsgi = "import os\nfrom django.core.wsgi import get_wsgi_application\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\napplication = get_wsgi_application()\n";
    const f = detect({ 'requirements.txt': 'django\ngunicorn\n', 'backend/manage.py': '', 'backend/mysite/wsgi.py': wsgi });
    expect(f.python?.appModule).toBe('mysite.wsgi:application');
    expect(f.python?.importRoot).toBe('backend');
    expect(f.testCommand).toBe('cd backend && python manage.py test');
    expect(f.notes.join('\n')).toMatch(/Django project lives in backend\/: the image sets PYTHONPATH=backend/);
    // Found from manage.py alone, and inside a service directory.
    const svc = detect(
      { 'svc/requirements.txt': 'django\n', 'svc/web/manage.py': "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings')" },
      'svc',
    );
    expect(svc.python?.appModule).toBe('config.wsgi:application');
    expect(svc.python?.importRoot).toBe('web');
    // Without manage.py the project folder is the one above the settings package.
    const bare = detect({ 'requirements.txt': 'django\n', 'deploy/site/wsgi.py': wsgi });
    expect(bare.python?.appModule).toBe('site.wsgi:application');
    expect(bare.python?.importRoot).toBe('deploy');
    // At the root nothing changes.
    const root = detect({ 'requirements.txt': 'django\n', 'manage.py': '', 'mysite/wsgi.py': wsgi });
    expect(root.python?.appModule).toBe('mysite.wsgi:application');
    expect(root.python?.importRoot).toBeNull();
  });

  it('guesses a target with a note when no app object is found', () => {
    const f = detect({ 'requirements.txt': 'fastapi\n' });
    expect(f.python?.appModule).toBe('main:app');
    expect(f.notes.join('\n')).toMatch(/is a guess/);
  });

  it('detects ports from uvicorn.run, gunicorn.conf.py and PORT defaults', () => {
    expect(detect({ 'requirements.txt': 'fastapi\n', 'main.py': `${FASTAPI_MAIN}uvicorn.run(app, host="0.0.0.0", port=8080)\n` }).port).toBe(8080);
    const gunicorn = detect({ 'requirements.txt': 'flask\n', 'app.py': 'app = Flask(__name__)', 'gunicorn.conf.py': 'bind = "0.0.0.0:9000"\n' });
    expect(gunicorn.port).toBe(9000);
    expect(gunicorn.startCommand).toBe('gunicorn --bind 0.0.0.0:9000 app:app');
    expect(detect({ 'requirements.txt': 'flask\n', 'app.py': 'port = int(os.environ.get("PORT", "5050"))' }).port).toBe(5050);
  });

  it('finds health routes from decorators and Django urls, preferring /healthz', () => {
    const f = detect({
      'requirements.txt': 'fastapi\n',
      'main.py': `${FASTAPI_MAIN}@app.get("/health")\ndef h(): ...\n`,
      'routers/probes.py': "@router.get('/healthz')\ndef z(): ...\n",
    });
    expect(f.healthPath).toBe('/healthz');
    const flask = detect({ 'requirements.txt': 'flask\n', 'app.py': "app = Flask(__name__)\n@app.route('/ping')\ndef p(): ...\n" });
    expect(flask.healthPath).toBe('/ping');
    expect(flask.readinessPath).toBeNull();
    expect(detect({ 'requirements.txt': 'fastapi\n', 'main.py': `${FASTAPI_MAIN}@app.get("/healthz")\ndef h(): ...\n@app.get("/readyz")\ndef r(): ...\n` }).readinessPath).toBe('/readyz');
  });

  it('uses ruff for lint only when it is configured', () => {
    expect(detect({ 'requirements.txt': 'flask\nruff\n' }).lintCommand).toBe('ruff check .');
    expect(detect({ 'requirements.txt': 'flask\n' }).lintCommand).toBeNull();
  });

  it('runs pytest when a tests/ folder exists even without the dependency', () => {
    expect(detect({ 'requirements.txt': 'flask\n', 'tests/': '' }).testCommand).toBe('pytest');
  });

  it('runs pytest for test files beside the app, and no tests without tests or pytest', () => {
    const flask = { 'requirements.txt': 'flask\n', 'app.py': 'from flask import Flask\napp = Flask(__name__)\n' };
    const none = detect(flask);
    expect(none.testCommand).toBeNull();
    expect(none.notes).toContain('no tests (no tests/ or test/ folder, no test_*.py files) and no pytest dependency: CI runs no tests until there are some');
    expect(detect({ ...flask, 'test_app.py': 'def test_ok(): pass\n' }).testCommand).toBe('pytest');
    expect(detect({ ...flask, 'app/routes_test.py': 'def test_ok(): pass\n' }).testCommand).toBe('pytest');
    // A conftest.py alone is no test.
    expect(detect({ ...flask, 'conftest.py': '' }).testCommand).toBeNull();
    const declared = detect({ ...flask, 'requirements.txt': 'flask\npytest\n' });
    expect(declared.testCommand).toBe('pytest');
    expect(declared.notes.join('\n')).not.toMatch(/no tests/);
    // Django's runner passes without tests, and finds its test*.py files itself.
    expect(detect({ 'requirements.txt': 'django\n', 'manage.py': '', 'polls/test_views.py': '' }).testCommand).toBe('python manage.py test');
  });

  it('reports prometheus-client and opentelemetry', () => {
    expect(detect({ 'requirements.txt': 'flask\nprometheus_client\n' }).metricsLibrary).toBe('prometheus-client');
    expect(detect({ 'requirements.txt': 'flask\nopentelemetry-sdk\n' }).metricsLibrary).toBe('opentelemetry');
  });
});

describe('python fixtures on disk', () => {
  it('uv project with FastAPI in app/main.py', () => {
    const f = detectRepoOnDisk(fixture('uv-fastapi'));
    expect(f.language).toBe('python');
    expect(f.framework).toBe('fastapi');
    expect(f.packageManager).toBe('uv');
    expect(f.lockfile).toBe('uv.lock');
    expect(f.python?.appModule).toBe('app.main:app');
    expect(f.python?.server).toBe('uvicorn');
    expect(f.runtimeVersion).toBe('3.12');
    expect(f.port).toBe(8000);
    // The test file asks for /health; only the app's own route counts.
    expect(f.healthPath).toBe('/healthz');
    expect(f.testCommand).toBe('uv run pytest');
    expect(f.lintCommand).toBe('uv run ruff check .');
    expect(f.metricsLibrary).toBe('prometheus-fastapi-instrumentator');
  });

  it('Django project with hash-pinned requirements', () => {
    const f = detectRepoOnDisk(fixture('django'));
    expect(f.framework).toBe('django');
    expect(f.python).toEqual({
      server: 'gunicorn',
      appModule: 'mysite.wsgi:application',
      dependencyFile: 'requirements.txt',
      hashPinned: true,
      installable: false,
      devRequirements: null,
      pytestCov: false,
      importRoot: null,
      requirementIncludes: [],
      localRequirements: [],
      localSources: [],
      testExtra: null,
      testGroup: null,
      nativeDeps: [],
    });
    expect(f.lockfile).toBe('requirements.txt');
    expect(f.healthPath).toBe('/healthz/');
    expect(f.runtimeVersion).toBe('3.13');
    expect(f.metricsLibrary).toBe('django-prometheus');
  });

  it('lockfile-less Flask app with plain requirements.txt', () => {
    const f = detectRepoOnDisk(fixture('python-requirements'));
    expect(f.framework).toBe('flask');
    expect(f.packageManager).toBe('pip');
    expect(f.lockfile).toBeNull();
    expect(f.python?.hashPinned).toBe(false);
    expect(f.python?.appModule).toBe('app:app');
    expect(f.port).toBe(5000);
    expect(f.healthPath).toBe('/health');
    expect(f.runtimeVersion).toBe('3.11');
    expect(f.runtimeVersionSource).toBe('runtime.txt');
    expect(f.notes.join('\n')).toMatch(/no lockfile/);
  });
});

describe('detectPython health routes under router prefixes', () => {
  it('adds a FastAPI APIRouter prefix and the include_router prefix above it', () => {
    const f = detect({
      'requirements.txt': 'fastapi\n',
      'app/main.py': 'from fastapi import FastAPI\nfrom app.routers import health\napp = FastAPI()\napp.include_router(health.router, prefix="/api")\n',
      'app/routers/health.py': 'from fastapi import APIRouter\nrouter = APIRouter(prefix="/internal", tags=["health"])\n\n@router.get("/health")\nasync def health(): ...\n',
    });
    expect(f.healthPath).toBe('/api/internal/health');
    expect(f.notes).toContain('health path /api/internal/health from app/routers/health.py');
  });

  it('follows a router mounted in the same file, and one imported under another name', () => {
    const same = detect({
      'requirements.txt': 'fastapi\n',
      'main.py': 'app = FastAPI()\napi = APIRouter(prefix="/api")\n\n@api.get("/healthz")\ndef h(): ...\n\napp.include_router(api)\n',
    });
    expect(same.healthPath).toBe('/api/healthz');
    const aliased = detect({
      'requirements.txt': 'fastapi\n',
      'svc/main.py': 'from svc.probes import router as probes\napp = FastAPI()\napp.include_router(probes, prefix="/ops")\n',
      'svc/probes.py': 'router = APIRouter()\n@router.get("/readyz")\ndef r(): ...\n',
    });
    expect(aliased.readinessPath).toBe('/ops/readyz');
  });

  it("uses register_blueprint's url_prefix in place of the Blueprint's own, in an app factory", () => {
    const f = detect({
      'requirements.txt': 'flask\ngunicorn\n',
      'app/__init__.py': 'from flask import Flask\n\ndef create_app():\n    app = Flask(__name__)\n    from .api import bp as api_bp\n    app.register_blueprint(api_bp, url_prefix="/api/v1")\n    return app\n',
      'app/api/__init__.py': 'from flask import Blueprint\nbp = Blueprint("api", __name__, url_prefix="/ignored")\nfrom . import routes\n',
      'app/api/routes.py': 'from . import bp\n\n@bp.route("/healthz")\ndef healthz(): ...\n',
    });
    expect(f.healthPath).toBe('/api/v1/healthz');
    const own = detect({
      'requirements.txt': 'flask\n',
      'wsgi.py': 'health_bp = Blueprint("health", __name__, url_prefix="/_")\n@health_bp.get("/health")\ndef h(): ...\napp = Flask(__name__)\napp.register_blueprint(health_bp)\n',
    });
    expect(own.healthPath).toBe('/_/health');
  });

  it("adds the path of Django's include() that names the urls module", () => {
    const f = detect({
      'requirements.txt': 'django\n',
      'manage.py': 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")\n',
      'config/wsgi.py': 'application = get_wsgi_application()\n',
      'config/urls.py': 'urlpatterns = [\n    path("admin/", admin.site.urls),\n    path("api/", include("core.urls")),\n]\n',
      'core/urls.py': 'urlpatterns = [path("healthz/", views.healthz)]\n',
    });
    expect(f.healthPath).toBe('/api/healthz/');
  });

  it('keeps the route as written, with a note, when a prefix is not a literal', () => {
    const f = detect({
      'requirements.txt': 'fastapi\n',
      'app/main.py': 'app = FastAPI()\napp.include_router(api_router, prefix=settings.API_V1_STR)\n',
      'app/api.py': 'api_router = APIRouter()\n@api_router.get("/health")\ndef h(): ...\n',
    });
    expect(f.healthPath).toBe('/health');
    expect(f.notes.join('\n')).toMatch(/\/health in app\/api\.py is served under api_router's prefix, which is settings\.API_V1_STR, not a literal: .*--health-path/);
  });

  it("finds Litestar's bare @get handlers", () => {
    const f = detect({ 'requirements.txt': 'litestar\n', 'app.py': 'from litestar import Litestar, get\n\n@get("/health")\nasync def health() -> dict: ...\n\napp = Litestar([health])\n' });
    expect(f.healthPath).toBe('/health');
  });
});

describe('detectPython: no web framework', () => {
  it('says the stack deploys an HTTP service, so a worker needs its own command', () => {
    const worker = detect({ 'requirements.txt': 'celery\nredis\n', 'main.py': 'from celery import Celery\napp = Celery("jobs")\n' });
    expect(worker.framework).toBeNull();
    expect(worker.notes.join('\n')).toMatch(/no web framework among the dependencies: the stack deploys an HTTP service .* a worker or script needs its own CMD/);
    expect(detect({ 'requirements.txt': 'fastapi\nuvicorn\n', 'main.py': 'from fastapi import FastAPI\napp = FastAPI()\n' }).notes.join('\n')).not.toContain('no web framework');
  });
});
