import { joinPath, parentDir, relativePath } from './paths.js';
import { isTable, parseToml, tomlString, tomlStrings, tomlTable, type TomlTable, type TomlValue } from './toml.js';
import type { RepoFiles } from './types.js';
import { findUp } from './versions.js';

/** The Python installers we generate for. */
export type PythonPm = 'uv' | 'poetry' | 'pdm' | 'pipenv' | 'pip';

/** How a Python project declares and installs its dependencies. */
export interface PythonProject {
  /** Normalised (PEP 503) names of every declared dependency, dev ones included (declared's keys). */
  deps: Set<string>;
  /** The same names, each with the extras of every place it is declared ('psycopg' → [['binary'], ['c']]). */
  declared: Map<string, string[][]>;
  pyproject: TomlTable | null;
  pm: PythonPm;
  /** Relative to the app dir; null when installs are not locked. */
  lockfile: string | null;
  dependencyFile: string;
  hashPinned: boolean;
  installable: boolean;
  /** The test/dev requirements file CI installs besides requirements.txt, or null. */
  devRequirements: string | null;
  /** Local code the requirements file installs ('.', './libs/shared'), relative to the app dir. */
  localRequirements: string[];
  /** Path dependencies of pyproject.toml ([tool.uv.sources], Poetry's `path`), relative to the app dir. */
  localSources: string[];
  notes: string[];
}

/**
 * What the image installs: requirements.txt, else the production set of a
 * requirements/ folder (cookiecutter-django's production.txt, or prod.txt),
 * else the set the others include (base.txt).
 */
const IMAGE_REQUIREMENTS = ['requirements.txt', 'requirements/production.txt', 'requirements/prod.txt', 'requirements/base.txt'];
/** What CI installs for the tests besides them, best first (one that declares pytest wins). */
const DEV_REQUIREMENTS = [
  'requirements-dev.txt', 'requirements_dev.txt', 'dev-requirements.txt', 'requirements-test.txt',
  'requirements/local.txt', 'requirements/dev.txt', 'requirements/test.txt',
];
// A pip --hash pin (pip-compile --generate-hashes): one makes pip require hashes for everything it installs with it.
const HASH_PIN = /--hash[= ]/;

const MANIFESTS = [...IMAGE_REQUIREMENTS, 'pyproject.toml', 'Pipfile', 'setup.py', 'setup.cfg', 'uv.lock', 'poetry.lock', 'pdm.lock', 'manage.py'];
const EXTRA_REQUIREMENTS = [...DEV_REQUIREMENTS, 'requirements.in'];

/** True when `dir` has a Python manifest. */
export function hasPythonManifest(files: RepoFiles, dir: string): boolean {
  return MANIFESTS.some((m) => files.exists(joinPath(dir, m)));
}

/**
 * A requirement line that installs local code (`-e .`, `.`, `--editable ./libs/shared`),
 * which needs the source. Both a POSIX extended regex and a JavaScript one, so the
 * image's filter (sed -E) and detection agree on which lines they are.
 */
export const LOCAL_REQUIREMENT = '^ *((-e|--editable)[ =]+)?\\.';

/** True for a pip requirements file (requirements.txt, requirements/production.txt...), not a lockfile or manifest. */
export function isRequirementsFile(dependencyFile: string): boolean {
  return dependencyFile.endsWith('.txt');
}

/** PEP 503 name normalisation: 'Flask_Cors' → 'flask-cors'. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** The package name at the start of a requirement ('fastapi[all]>=0.110; python_version>"3"' → 'fastapi'). */
function requirementName(spec: string): string | null {
  return parseRequirement(spec)?.name ?? null;
}

/** Name and extras of a requirement ('psycopg[binary,pool]>=3.1' → psycopg, [binary, pool]). */
function parseRequirement(spec: string): { name: string; extras: string[] } | null {
  const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?/.exec(spec);
  if (!m?.[1]) return null;
  return { name: normalizeName(m[1]), extras: extrasList(m[2]?.split(',')) };
}

/** Extras as normalized names, from a requirement's brackets or a Poetry/Pipfile `extras = [...]`. */
function extrasList(extras: unknown): string[] {
  return Array.isArray(extras) ? extras.filter((e): e is string => typeof e === 'string' && e.trim() !== '').map((e) => normalizeName(e.trim())) : [];
}

/**
 * Reads pyproject.toml, requirements files, Pipfile and setup.py in `dir`, and
 * picks the installer: uv.lock → uv, poetry.lock / [tool.poetry] → poetry,
 * pdm.lock / [tool.pdm.dev-dependencies] → pdm, Pipfile(.lock) → pipenv,
 * requirements.txt or a bare pyproject → pip.
 */
export function readPythonProject(files: RepoFiles, dir: string): PythonProject {
  const notes: string[] = [];
  const at = (name: string): string => joinPath(dir, name);
  const pyprojectText = files.read(at('pyproject.toml'));
  const pyproject = parseToml(pyprojectText);
  if (pyprojectText !== undefined && pyproject === null) notes.push(`${at('pyproject.toml')} could not be parsed`);
  const pipfile = parseToml(files.read(at('Pipfile')));

  const declared = new Map<string, string[][]>();
  const add = (req: { name: string; extras: string[] } | null): void => {
    if (req === null || req.name === 'python') return;
    declared.set(req.name, [...(declared.get(req.name) ?? []), req.extras]);
  };
  for (const spec of pyprojectRequirements(pyproject)) add(parseRequirement(spec));
  for (const [name, value] of poetryDependencies(pyproject)) add(tableRequirement(name, value));
  for (const section of ['packages', 'dev-packages']) {
    for (const [name, value] of Object.entries(tomlTable(pipfile, section) ?? {})) add(tableRequirement(name, value));
  }
  const reqFiles = ['requirements.txt', ...EXTRA_REQUIREMENTS, ...files.list(at('requirements')).map((f) => `requirements/${f}`)]
    .filter((f) => f.endsWith('.txt') || f.endsWith('.in'));
  for (const f of reqFiles) for (const line of requirementLines(files, at(f), 0)) add(parseRequirement(line));
  for (const spec of setupPyRequirements(files.read(at('setup.py')))) add(parseRequirement(spec));
  const deps = new Set(declared.keys());

  const requirementsFile = IMAGE_REQUIREMENTS.find((f) => files.exists(at(f))) ?? null;
  const requirements = requirementsFile === null ? undefined : files.read(at(requirementsFile));
  const hashPinned = requirements !== undefined && HASH_PIN.test(requirements);
  const build = tomlTable(pyproject, 'build-system');
  const poetryTable = tomlTable(pyproject, 'tool', 'poetry');
  // Poetry 1's own metadata installs the project when it names its packages (a src/ layout
  // among them), unless package-mode = false says it is not a package.
  const poetryPackages = poetryTable?.['packages'];
  const poetryPackage = Array.isArray(poetryPackages) && poetryPackages.length > 0 && poetryTable?.['package-mode'] !== false;
  const installable = (tomlTable(pyproject, 'project') !== null || poetryPackage) && build !== null;
  const pdmTable = tomlTable(pyproject, 'tool', 'pdm');

  const uvLock = findUp(files, dir, 'uv.lock');
  const devRequirements = testRequirements(files, dir);
  // One hash makes pip require hashes for everything it installs with it (CI installs both files at once).
  if (hashPinned && devRequirements !== null && !HASH_PIN.test(files.read(at(devRequirements)) ?? '')) {
    notes.push(`${devRequirements} has no --hash pins next to a hash-pinned ${requirementsFile}: pip refuses to install the two together, as CI does; pin it with hashes too (pip-compile --generate-hashes)`);
  }
  const localRequirements = requirementsFile === null ? [] : localRequirementPaths(files.read(at(requirementsFile)));
  if (requirementsFile !== null) notes.push(...localIncludeNotes(files, dir, requirementsFile));
  const localSources = pathSources(pyproject);
  const base = { deps, declared, pyproject, hashPinned, installable, devRequirements, localRequirements, localSources, notes };
  if (uvLock !== null) {
    if (parentDir(uvLock) !== dir) notes.push(`lockfile ${uvLock} is shared with the uv workspace`);
    return { ...base, pm: 'uv', lockfile: relativePath(dir, uvLock), dependencyFile: 'uv.lock' };
  }
  if (files.exists(at('poetry.lock'))) {
    return { ...base, pm: 'poetry', lockfile: 'poetry.lock', dependencyFile: 'poetry.lock' };
  }
  if (poetryTable !== null) {
    notes.push('no poetry.lock: installs are not reproducible (run `poetry lock` and commit it)');
    return { ...base, pm: 'poetry', lockfile: null, dependencyFile: 'pyproject.toml' };
  }
  // [tool.pdm] alone may only configure pdm-backend builds; dev-dependencies are PDM's own install groups.
  if (files.exists(at('pdm.lock')) || tomlTable(pdmTable, 'dev-dependencies') !== null) {
    return { ...base, ...pdmProject(files.exists(at('pdm.lock')), pyproject, notes) };
  }
  if (files.exists(at('Pipfile.lock'))) {
    return { ...base, pm: 'pipenv', lockfile: 'Pipfile.lock', dependencyFile: 'Pipfile.lock' };
  }
  if (pipfile !== null) {
    notes.push('no Pipfile.lock: installs are not reproducible (run `pipenv lock` and commit it)');
    return { ...base, pm: 'pipenv', lockfile: null, dependencyFile: 'Pipfile' };
  }
  if (requirementsFile !== null) {
    if (requirementsFile !== 'requirements.txt') {
      notes.push(`no requirements.txt: the image installs ${requirementsFile}${devRequirements ? `, CI ${devRequirements} with it` : ''}`);
    }
    if (!hashPinned) {
      notes.push(
        `no lockfile: ${requirementsFile} has no --hash pins, so installs are not reproducible (use uv, poetry or pip-compile --generate-hashes)`,
      );
    }
    return { ...base, pm: 'pip', lockfile: hashPinned ? requirementsFile : null, dependencyFile: requirementsFile };
  }
  // A pyproject.toml holding only tool settings (ruff, pytest) declares nothing for `pip install .` to install.
  if (tomlTable(pyproject, 'project') === null && build === null && !files.exists(at('setup.py'))) {
    notes.push("no file lists the app's dependencies (a requirements.txt, or [project] dependencies in pyproject.toml): the image's and CI's `pip install .` has no project to install and fails; add a requirements.txt");
    return { ...base, pm: 'pip', lockfile: null, dependencyFile: pyprojectText !== undefined ? 'pyproject.toml' : 'setup.py' };
  }
  notes.push('no lockfile: dependencies come from pyproject.toml ranges, so installs are not reproducible');
  if (dir === '.' && findsFlatPackages(files, pyproject)) {
    notes.push("setuptools finds a flat layout's packages itself and refuses several top-level folders, the generated infra/ and monitoring/ among them: CI's `pip install .` fails until pyproject.toml names the packages ([tool.setuptools] packages, or [tool.setuptools.packages.find] include)");
  }
  return { ...base, pm: 'pip', lockfile: null, dependencyFile: pyprojectText !== undefined ? 'pyproject.toml' : 'setup.py' };
}

/**
 * The test requirements CI installs besides the app's: the first that declares
 * pytest (requirements/local.txt may include test.txt, or be the one with it),
 * else the first that exists; null without one.
 */
function testRequirements(files: RepoFiles, dir: string): string | null {
  const present = DEV_REQUIREMENTS.filter((f) => files.exists(joinPath(dir, f)));
  const declaresPytest = (f: string): boolean =>
    requirementLines(files, joinPath(dir, f), 0).some((line) => requirementName(line) === 'pytest');
  return present.find(declaresPytest) ?? present[0] ?? null;
}

/** The PDM specifics: its lockfile, and whether `pdm install` installs the project itself. */
function pdmProject(locked: boolean, pyproject: TomlTable | null, notes: string[]): Pick<PythonProject, 'pm' | 'lockfile' | 'dependencyFile' | 'installable'> {
  if (!locked) notes.push('no pdm.lock: installs are not reproducible (run `pdm lock` and commit it)');
  // Dependabot has no PDM support: it may bump pyproject.toml, never pdm.lock.
  else notes.push("Dependabot does not update pdm.lock: a version bump it proposes fails CI's `pdm install --check` until `pdm lock` runs on its branch");
  // tool.pdm.distribution says whether the project is a package; without it, a build system does.
  const distribution = tomlTable(pyproject, 'tool', 'pdm')?.['distribution'];
  const installable = tomlTable(pyproject, 'project') !== null && (typeof distribution === 'boolean' ? distribution : tomlTable(pyproject, 'build-system') !== null);
  return { pm: 'pdm', lockfile: locked ? 'pdm.lock' : null, dependencyFile: locked ? 'pdm.lock' : 'pyproject.toml', installable };
}

/**
 * True when setuptools would discover the packages of a flat layout (no src/,
 * no packages or py-modules named, no setup.py that could name them): it then
 * treats every top-level folder as a package candidate and refuses more than one.
 */
function findsFlatPackages(files: RepoFiles, pyproject: TomlTable | null): boolean {
  if (pyproject === null || files.exists('setup.py') || files.isDirectory('src')) return false;
  const backend = tomlString(tomlTable(pyproject, 'build-system'), 'build-backend');
  if (backend !== null && !backend.startsWith('setuptools')) return false;
  const setuptools = tomlTable(pyproject, 'tool', 'setuptools');
  return setuptools === null || !('packages' in setuptools || 'py-modules' in setuptools);
}

/** The names a project's test dependencies go under, most specific first. */
const TEST_DEPENDENCY_NAMES = ['test', 'tests', 'dev'];

/** The optional-dependencies extra the tests need: 'test', 'tests', then 'dev'; null without one. */
export function testExtra(pyproject: TomlTable | null): string | null {
  return firstTestName(tomlTable(tomlTable(pyproject, 'project'), 'optional-dependencies'));
}

/** The PEP 735 [dependency-groups] group the tests need: 'test', 'tests', then 'dev'; null without one. */
export function testGroup(pyproject: TomlTable | null): string | null {
  return firstTestName(tomlTable(pyproject, 'dependency-groups'));
}

function firstTestName(table: TomlTable | null): string | null {
  return TEST_DEPENDENCY_NAMES.find((name) => table !== null && name in table) ?? null;
}

/** PEP 621 dependencies, optional-dependencies, PEP 735 dependency-groups, uv and PDM dev-dependencies. */
function pyprojectRequirements(doc: TomlTable | null): string[] {
  const project = tomlTable(doc, 'project');
  const out = [...tomlStrings(project, 'dependencies')];
  for (const group of [tomlTable(project, 'optional-dependencies'), tomlTable(doc, 'dependency-groups')]) {
    for (const key of Object.keys(group ?? {})) out.push(...tomlStrings(group, key));
  }
  out.push(...tomlStrings(tomlTable(doc, 'tool', 'uv'), 'dev-dependencies'));
  const pdmDev = tomlTable(doc, 'tool', 'pdm', 'dev-dependencies');
  for (const key of Object.keys(pdmDev ?? {})) out.push(...tomlStrings(pdmDev, key));
  return out;
}

/** Entries of [tool.poetry.dependencies], dev-dependencies and every group's dependencies. */
function poetryDependencies(doc: TomlTable | null): Array<[string, TomlValue]> {
  const poetry = tomlTable(doc, 'tool', 'poetry');
  const tables = [tomlTable(poetry, 'dependencies'), tomlTable(poetry, 'dev-dependencies')];
  const groups = tomlTable(poetry, 'group');
  for (const g of Object.values(groups ?? {})) if (isTable(g)) tables.push(tomlTable(g, 'dependencies'));
  return tables.flatMap((t) => Object.entries(t ?? {}));
}

/**
 * The local folders pyproject.toml installs as dependencies: [tool.uv.sources] and
 * Poetry dependencies with a `path` (`common = { path = "../../libs/common" }`), as written.
 */
function pathSources(doc: TomlTable | null): string[] {
  const entries = [...Object.values(tomlTable(doc, 'tool', 'uv', 'sources') ?? {}), ...poetryDependencies(doc).map(([, v]) => v)];
  const paths = entries.flatMap((v) => (Array.isArray(v) ? v : [v])).map((v) => (isTable(v) ? tomlString(v, 'path') : null));
  return [...new Set(paths.filter((p): p is string => p !== null && p.trim() !== ''))];
}

/** A Poetry or Pipfile dependency: `name = "^1.0"`, or a table that may list `extras`. */
function tableRequirement(name: string, value: TomlValue | undefined): { name: string; extras: string[] } {
  return { name: normalizeName(name), extras: isTable(value) ? extrasList(value['extras']) : [] };
}

/**
 * The files a requirements file (relative to `dir`) includes (-r, -c), three
 * files deep, relative to `dir` and existing: the image's install needs them next to it.
 */
export function requirementIncludes(files: RepoFiles, dir: string, requirementsFile: string): string[] {
  const found: string[] = [];
  const walk = (path: string, depth: number): void => {
    for (const raw of (files.read(path) ?? '').split('\n')) {
      const m = /^\s*(?:-r|--requirement|-c|--constraint)\s*=?\s*(\S+)/.exec(raw.replace(/(^|\s)#.*$/, ''));
      if (!m?.[1]) continue;
      const included = joinPath(parentDir(path), m[1]);
      if (!files.exists(included) || found.includes(included)) continue;
      found.push(included);
      if (depth < 2) walk(included, depth + 1);
    }
  };
  walk(joinPath(dir, requirementsFile), 0);
  return found.map((f) => relativePath(dir, f));
}

/** The local paths a requirements file installs, as written ('.', '.[prod]', './libs/shared'); not its includes'. */
export function localRequirementPaths(text: string | undefined): string[] {
  const local = new RegExp(LOCAL_REQUIREMENT);
  const lines = (text ?? '').split(/\r?\n/).map((raw) => raw.replace(/(^|\s)#.*$/, '').trim());
  return [...new Set(lines.filter((line) => local.test(line)).map((line) => line.replace(/^(-e|--editable)[ =]+/, '').trim()))];
}

/**
 * Files the requirements file includes that install local code: the image installs
 * them before the source is copied, so that line must be in the file itself.
 */
function localIncludeNotes(files: RepoFiles, dir: string, requirementsFile: string): string[] {
  return requirementIncludes(files, dir, requirementsFile).flatMap((included) => {
    const local = localRequirementPaths(files.read(joinPath(dir, included)));
    return local.length === 0 ? [] : [`${included} installs local code (${local.join(', ')}), which the image installs only once the source is copied: move that line into ${requirementsFile}, or the image build fails`];
  });
}

/** Requirement lines of a requirements file, following `-r other.txt` two levels deep. */
function requirementLines(files: RepoFiles, path: string, depth: number): string[] {
  const text = files.read(path);
  if (text === undefined) return [];
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    const include = /^(?:-r|--requirement)\s*=?\s*(\S+)/.exec(line);
    if (include?.[1] && depth < 2) out.push(...requirementLines(files, joinPath(parentDir(path), include[1]), depth + 1));
    else if (line !== '' && !line.startsWith('-')) out.push(line);
  }
  return out;
}

/** Quoted requirements inside setup.py's install_requires=[...]. */
function setupPyRequirements(text: string | undefined): string[] {
  const m = /install_requires\s*=\s*\[([^\]]*)\]/.exec(text ?? '');
  return m?.[1] ? [...m[1].matchAll(/['"]([^'"]+)['"]/g)].map((x) => x[1] ?? '') : [];
}
