import type { Answers } from '../../src/answers/options.js';
import type {
  ExistingDevops,
  GitFacts,
  GoFacts,
  JavaFacts,
  NodeFacts,
  PythonFacts,
  RepoFacts,
} from '../../src/detect/types.js';

/**
 * Overrides for makeFacts: any RepoFacts field, and the nested blocks
 * (existing, git, node, python, go, java) may be given partially: they are
 * merged over the defaults of that block.
 */
export type FactsOverrides = Partial<Omit<RepoFacts, 'existing' | 'git' | 'node' | 'python' | 'go' | 'java'>> & {
  existing?: Partial<ExistingDevops>;
  git?: Partial<GitFacts>;
  node?: Partial<NodeFacts> | null;
  python?: Partial<PythonFacts> | null;
  go?: Partial<GoFacts> | null;
  java?: Partial<JavaFacts> | null;
};

export const NODE_DEFAULTS: NodeFacts = {
  typescript: false,
  hasBuildScript: false,
  buildOutputDir: null,
  entrypoint: 'server.js',
  nodeOptions: [],
  launcher: null,
  runtimeTypescript: false,
  nextStandalone: false,
  workspaces: [],
  hasLintScript: false,
  yarnBerry: false,
  corepackSpec: null,
  workspaceBuilds: [],
  installConfig: [],
  testRunner: null,
  testPlugins: [],
  runtimeDirs: [],
  prisma: null,
};

export const PYTHON_DEFAULTS: PythonFacts = {
  server: 'uvicorn',
  appModule: 'app.main:app',
  dependencyFile: 'uv.lock',
  hashPinned: false,
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
};

export const GO_DEFAULTS: GoFacts = { module: 'github.com/acme/api', mainPackage: './cmd/server', cgo: false, vendored: false, localReplaces: [], workspace: null, runtimeFiles: [] };

export const JAVA_DEFAULTS: JavaFacts = {
  buildTool: 'maven',
  wrapperPath: './mvnw',
  springBoot: true,
  springBootVersion: '3.5.0',
  actuator: true,
  gradleKotlinDsl: false,
  artifactGlob: 'target/*.jar',
  quarkusApp: null,
  metricsPath: '/actuator/prometheus',
  webExposure: 'health,prometheus',
  project: null,
};

/** Language-level defaults: what a plain, well-kept app of that language looks like to the detectors. */
const LANGUAGE_DEFAULTS: Record<'node' | 'python' | 'go' | 'java', Partial<RepoFacts>> = {
  node: {
    framework: 'express',
    packageManager: 'npm',
    lockfile: 'package-lock.json',
    runtimeVersion: '22',
    runtimeVersionSource: '.nvmrc',
    testCommand: 'npm test',
    startCommand: 'node server.js',
    port: 3000,
    portSource: 'server.js',
    metricsLibrary: 'prom-client',
  },
  python: {
    framework: 'fastapi',
    packageManager: 'uv',
    lockfile: 'uv.lock',
    runtimeVersion: '3.12',
    runtimeVersionSource: '.python-version',
    testCommand: 'uv run pytest',
    startCommand: 'uvicorn app.main:app --host 0.0.0.0 --port 8000',
    port: 8000,
    portSource: 'uvicorn default',
    metricsLibrary: 'prometheus-fastapi-instrumentator',
  },
  go: {
    framework: 'net/http',
    packageManager: 'go',
    lockfile: 'go.sum',
    runtimeVersion: '1.24',
    runtimeVersionSource: 'go.mod go directive',
    buildCommand: 'go build ./...',
    testCommand: 'go test ./...',
    startCommand: './server',
    port: 8080,
    portSource: 'cmd/server/main.go',
    metricsLibrary: 'client_golang',
  },
  java: {
    framework: 'spring-boot',
    packageManager: 'maven',
    lockfile: null,
    runtimeVersion: '21',
    runtimeVersionSource: 'pom.xml <java.version>',
    buildCommand: './mvnw -B -DskipTests package',
    testCommand: './mvnw -B verify',
    startCommand: 'java -jar app.jar',
    port: 8080,
    portSource: 'spring-boot default',
    healthPath: '/actuator/health',
    metricsLibrary: 'micrometer-prometheus',
  },
};

function block<T extends object>(defaults: T, given: Partial<T> | null | undefined, active: boolean): T | null {
  if (given === null) return null;
  if (given === undefined) return active ? { ...defaults } : null;
  return { ...defaults, ...given };
}

/**
 * A complete RepoFacts for tests. `language` (default 'node') picks sensible
 * defaults for that language: its package manager, lockfile, version, port,
 * and its language block (node/python/go/java). Everything can be overridden.
 *
 *   makeFacts({ language: 'python', python: { server: 'gunicorn' } })
 */
export function makeFacts(overrides: FactsOverrides = {}): RepoFacts {
  const language = overrides.language === undefined ? 'node' : overrides.language;
  const { existing, git, node, python, go, java, ...rest } = overrides;
  const base: RepoFacts = {
    language,
    otherLanguage: null,
    framework: null,
    packageManager: null,
    lockfile: null,
    runtimeVersion: null,
    runtimeVersionSource: null,
    buildCommand: null,
    testCommand: null,
    lintCommand: null,
    startCommand: null,
    port: null,
    portSource: null,
    healthPath: '/healthz',
    readinessPath: null,
    metricsLibrary: null,
    appDir: '.',
    services: [{ name: 'api', dir: '.', language }],
    existing: { dockerfile: [], dockerignore: [], compose: [], workflows: [], terraform: [], prometheus: [], dependabot: [] },
    git: { remote: 'git@github.com:acme/api.git', owner: 'acme', repo: 'api', defaultBranch: 'main' },
    dirName: 'api',
    node: null,
    python: null,
    go: null,
    java: null,
    notes: [],
    ...(language === null ? {} : LANGUAGE_DEFAULTS[language]),
  };
  return {
    ...base,
    ...rest,
    existing: { ...base.existing, ...existing },
    git: { ...base.git, ...git },
    node: block(NODE_DEFAULTS, node, language === 'node'),
    python: block(PYTHON_DEFAULTS, python, language === 'python'),
    go: block(GO_DEFAULTS, go, language === 'go'),
    java: block(JAVA_DEFAULTS, java, language === 'java'),
  };
}

/** Answers matching makeFacts' defaults (AWS, ECS, Terraform, rolling, Prometheus), overridable. */
export function makeAnswers(overrides: Partial<Answers> = {}): Answers {
  const language = overrides.language ?? 'node';
  const ports = { node: 3000, python: 8000, go: 8080, java: 8080 } as const;
  return {
    language,
    cloud: 'aws',
    runtime: 'ecs-fargate',
    iac: 'terraform',
    environments: ['staging', 'production'],
    strategy: 'rolling',
    monitoring: 'prometheus',
    ci: 'github-actions',
    serviceName: 'api',
    region: 'us-east-1',
    port: ports[language],
    healthPath: language === 'java' ? '/actuator/health' : '/healthz',
    readinessPath: language === 'java' ? '/actuator/health' : '/readyz',
    serviceDir: '.',
    slo: 99.9,
    team: 'platform',
    ...overrides,
  };
}
