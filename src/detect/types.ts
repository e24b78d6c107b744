import type { Language } from '../answers/options.js';

/**
 * Read-only view of a repository's files. Detectors only see this, so they are
 * pure functions of the files and are tested on in-memory fixtures.
 * Paths are POSIX and relative to the repository root ('' or '.' is the root).
 */
export interface RepoFiles {
  /** Text of a regular file, or undefined when missing, a directory, or too large. */
  read(path: string): string | undefined;
  exists(path: string): boolean;
  /** Names of the entries of a directory (files and folders), sorted; [] when missing. */
  list(dir: string): string[];
  isDirectory(path: string): boolean;
}

export type PackageManager =
  | 'npm' | 'pnpm' | 'yarn' | 'bun'
  | 'pip' | 'poetry' | 'uv' | 'pdm' | 'pipenv'
  | 'go'
  | 'maven' | 'gradle';

/** DevOps files already in the repository, by kind (paths relative to the root). */
export interface ExistingDevops {
  dockerfile: string[];
  dockerignore: string[];
  compose: string[];
  workflows: string[];
  terraform: string[];
  prometheus: string[];
  dependabot: string[];
}

/** A deployable service found in a monorepo. */
export interface ServiceInfo {
  name: string;
  /** Relative to the repository root, '.' for the root. */
  dir: string;
  language: Language | null;
}

export interface NodeFacts {
  typescript: boolean;
  /** A `build` script exists (its output is shipped). */
  hasBuildScript: boolean;
  /** The directory the build writes to, e.g. 'dist', '.next'. */
  buildOutputDir: string | null;
  /** The app's file the image runs, relative to the app dir (e.g. 'dist/server.js', 'server.js'): node runs it, or the launcher loads it. */
  entrypoint: string;
  /** Options the start script passes `node` before the file (e.g. -r module-alias/register), dev-only ones left out. */
  nodeOptions: string[];
  /** A package's CLI that loads the entrypoint instead of node running it (fastify-cli's `fastify start`), or null. */
  launcher: NodeLauncher | null;
  /**
   * Starting the app compiles TypeScript with the typescript package, which only
   * devDependencies list (`next start` reads next.config.ts): the image keeps a copy.
   */
  runtimeTypescript: boolean;
  /** Next.js with `output: 'standalone'` (ship .next/standalone + static). */
  nextStandalone: boolean;
  /** The app declares workspaces (npm/yarn `workspaces`, pnpm-workspace.yaml). */
  workspaces: string[];
  /** Has a lint script. */
  hasLintScript: boolean;
  /** Yarn 2+ (.yarnrc.yml or packageManager yarn@2+): installs use `yarn install --immutable`. */
  yarnBerry: boolean;
  /** What corepack installs when package.json pins no release (e.g. 'pnpm@8', from the lockfile's version), else null. */
  corepackSpec: string | null;
  /** Workspace packages the member depends on that have a build script, dependencies first, relative to the app dir. */
  workspaceBuilds: string[];
  /** Package-manager settings files in the app dir (.npmrc, .yarnrc...): installs read them, the image must not ship them. */
  installConfig: string[];
  /**
   * The runner the test script calls with nothing after it but flags (so CI
   * can add report flags), e.g. `node --test`, `vitest run`, `jest --ci`; else null.
   */
  testRunner: NodeTestRunner | null;
  /** Test report packages among the dependencies (NODE_TEST_PLUGINS), e.g. a vitest coverage provider. */
  testPlugins: string[];
  /** Top-level folders of the app its code reads at run time (public/, views/), which an image shipping only the build output must copy. */
  runtimeDirs: string[];
  /** Prisma's client, which `prisma generate` writes from the schema, or null without @prisma/client. */
  prisma: PrismaFacts | null;
}

/** A Prisma schema the app's client is generated from. */
export interface PrismaFacts {
  /** The schema file, or the folder of a multi-file schema, relative to the app dir. */
  schema: string;
  /** A prisma-client-js generator without `output`: the client lives in node_modules, so the production install needs one too. */
  clientInNodeModules: boolean;
  /** The build (or prebuild) script runs `prisma generate` itself. */
  buildGenerates: boolean;
}

/** A CLI node runs that loads the app's entrypoint itself. */
export interface NodeLauncher {
  /** Script node runs, relative to the app dir (e.g. node_modules/fastify-cli/cli.js). */
  script: string;
  /** Its arguments, the entrypoint among them (e.g. start -l info --address 0.0.0.0 app.js). */
  args: string[];
}

export type NodeTestRunner = 'node-test' | 'vitest' | 'jest';
/** Packages that add test reports a runner lacks by itself: coverage for vitest, JUnit XML for jest. */
export const NODE_TEST_PLUGINS = ['@vitest/coverage-v8', '@vitest/coverage-istanbul', 'jest-junit'] as const;

export interface PythonFacts {
  /** The production server the image runs. */
  server: 'uvicorn' | 'gunicorn';
  /** ASGI/WSGI target, e.g. 'app.main:app' or 'mysite.wsgi:application'. */
  appModule: string;
  /** Dependency file used for installs: 'uv.lock', 'poetry.lock', 'pdm.lock', 'requirements.txt', 'Pipfile.lock', 'pyproject.toml'. */
  dependencyFile: string;
  /** requirements.txt carries --hash pins (pip-compile --generate-hashes). */
  hashPinned: boolean;
  /** The project itself is an installable package (pyproject with [project] + build-system). */
  installable: boolean;
  /** requirements-dev.txt or the like: what the tests need besides the app (CI installs it), or null. */
  devRequirements: string | null;
  /**
   * The [project.optional-dependencies] extra holding the tests' packages ('test', 'tests' or
   * 'dev'), which CI installs with a project installed from pyproject.toml; null without one.
   */
  testExtra: string | null;
  /**
   * The PEP 735 [dependency-groups] group holding the tests' packages ('test', 'tests' or 'dev'),
   * which CI installs next to the project (pip 25.1+ `--group`, uv `--group`); null without one.
   */
  testGroup: string | null;
  /** pytest-cov is a dependency: pytest can write a coverage report. */
  pytestCov: boolean;
  /** Folder the app's modules import from when the project is not installed (src/ layout): the image puts it on PYTHONPATH. */
  importRoot: string | null;
  /** Files requirements.txt includes (-r, -c), relative to the app dir: mounted for the install with it. */
  requirementIncludes: string[];
  /**
   * Local code requirements.txt installs ('.' from `-e .`, './libs/shared'), relative to the
   * app dir: it needs the source, so the image installs it after the other requirements.
   */
  localRequirements: string[];
  /**
   * Local folders pyproject.toml installs as path dependencies ([tool.uv.sources], Poetry's
   * `path`), relative to the app dir: one outside it must be inside the image's build context.
   */
  localSources: string[];
  /** Dependencies that need OS packages to build or run on a slim image (see python-native.ts), sorted. */
  nativeDeps: NativePythonDep[];
}

/** A Python dependency with native needs: see src/detect/python-native.ts. */
export type NativePythonDep = 'mysqlclient' | 'psycopg' | 'psycopg-c' | 'psycopg2' | 'python-ldap' | 'uwsgi';

export interface GoFacts {
  module: string;
  /** Package path to build, e.g. './cmd/server' or '.'. */
  mainPackage: string;
  /** A dependency needs cgo (e.g. mattn/go-sqlite3), so the binary can't be static. */
  cgo: boolean;
  /** vendor/modules.txt: dependencies are committed, and the build uses them (no downloads). */
  vendored: boolean;
  /** Folders go.mod `replace`s modules with, relative to the app dir (normalised: 'third_party/x', '../libs/shared'). */
  localReplaces: string[];
  /** The go.work that uses this module (builds run in workspace mode, with its other modules), or null. */
  workspace: GoWorkspace | null;
  /** Files and folders the code opens by relative path at run time (templates, static assets), relative to the app dir: the image ships them. */
  runtimeFiles: string[];
}

/** A Go workspace (go.work) the service's module is part of. */
export interface GoWorkspace {
  /** The folder holding go.work, relative to the app dir ('../..'). */
  root: string;
  /** The module folders go.work uses, relative to that folder ('libs/platform', 'services/api'). */
  uses: string[];
  /** go.work.sum sits beside go.work: the checksums of modules only the workspace needs, so the module cache depends on it too. */
  hasSum: boolean;
}

export interface JavaFacts {
  buildTool: 'maven' | 'gradle';
  /**
   * The wrapper relative to the app dir, possibly above it ('../../gradlew' at a
   * multi-project root): what CI runs; null without one. See wrapperInContext().
   */
  wrapperPath: string | null;
  springBoot: boolean;
  /** Spring Boot's version when the build states it literally (parent POM, BOM, Gradle plugin), else null. */
  springBootVersion: string | null;
  actuator: boolean;
  /** Gradle build script flavour. */
  gradleKotlinDsl: boolean;
  /** Where the built jar (or war) lands, as a glob relative to the app dir: 'target/*.jar', 'build/libs/*.war'. */
  artifactGlob: string;
  /**
   * Quarkus's fast-jar folder ('target/quarkus-app', relative to the app dir):
   * quarkus-run.jar runs from it with lib/, app/ and quarkus/ beside it. Null
   * for every other app, an uber-jar Quarkus build included (one runnable jar).
   */
  quarkusApp: string | null;
  /**
   * Where the app's Micrometer Prometheus registry serves the scrape, as its
   * framework's config places it (Spring Boot `/actuator/prometheus`, Quarkus
   * `/q/metrics`, Micronaut `/prometheus`, each movable); null for other apps.
   */
  metricsPath: string | null;
  /**
   * Spring Boot's management.endpoints.web.exposure.include as configured,
   * or null when the config leaves it at its default (health only).
   */
  webExposure: string | null;
  /** The multi-module (Maven) or multi-project (Gradle) build the app is a module of, built from its root; null for a standalone build. */
  project: JavaProject | null;
}

/** A multi-module build in the repository: the service is built from its root, selecting its module. */
export interface JavaProject {
  /** The build's root directory relative to the app dir ('..', '../..'). */
  root: string;
  /** How the build tool selects the service from the root: Maven `-pl :artifactId`, Gradle's project path `:services:api`. */
  selector: string;
  /** The build files of the root and of every module, relative to the root: what the image's dependency layer copies. */
  buildFiles: string[];
}

export interface GitFacts {
  /** The `origin` remote URL as written in .git/config. */
  remote: string | null;
  /** GitHub owner and repository parsed from the remote, when it is GitHub. */
  owner: string | null;
  repo: string | null;
  /** From .git/HEAD or refs/remotes/origin/HEAD; null when unknown. */
  defaultBranch: string | null;
}

/** What the repository says about itself. Every field is detected, never asked. */
export interface RepoFacts {
  /** Supported language of the selected service, or null. */
  language: Language | null;
  /** A language we recognised but do not support (e.g. 'ruby', 'rust'), for the error message. */
  otherLanguage: string | null;
  framework: string | null;
  packageManager: PackageManager | null;
  /** The lockfile the install uses, relative to appDir (e.g. 'package-lock.json'), or null. */
  lockfile: string | null;
  /** e.g. '22', '22.11', '3.12', '1.23', '21'. */
  runtimeVersion: string | null;
  /** Where runtimeVersion was declared (e.g. '.nvmrc', 'pyproject.toml requires-python'). */
  runtimeVersionSource: string | null;
  buildCommand: string | null;
  testCommand: string | null;
  lintCommand: string | null;
  /** The command that starts the app in production (what the Dockerfile runs). */
  startCommand: string | null;
  port: number | null;
  portSource: string | null;
  healthPath: string | null;
  /** Readiness route (/readyz, /ready, Spring's /actuator/health/readiness...), or null. */
  readinessPath: string | null;
  /** Metrics library in use (express-prom-bundle, prom-client, micrometer-prometheus, client_golang, opentelemetry...), or null. */
  metricsLibrary: string | null;
  /** Service directory relative to the root ('.' when the app is at the root). */
  appDir: string;
  /** Deployable services in a monorepo (one entry for a single-app repo). */
  services: ServiceInfo[];
  existing: ExistingDevops;
  git: GitFacts;
  /** The repository directory's name, a fallback for the service name. */
  dirName: string;
  node: NodeFacts | null;
  python: PythonFacts | null;
  go: GoFacts | null;
  java: JavaFacts | null;
  /** Human-readable notes on what was guessed (shown by `detect`). */
  notes: string[];
}
