import type { Answers, Cloud, Language, Runtime } from '../../src/answers/options.js';
import type { PackageManager, RepoFacts } from '../../src/detect/types.js';

/** Answers for pipeline tests; runtime follows the cloud. */
export function pipelineAnswers(over: Partial<Answers> & { language: Language; cloud: Cloud }): Answers {
  const runtime: Runtime = over.cloud === 'aws' ? 'ecs-fargate' : over.cloud === 'gcp' ? 'cloud-run' : 'container-apps';
  return {
    runtime,
    iac: 'terraform',
    environments: ['staging', 'production'],
    strategy: 'rolling',
    monitoring: 'prometheus',
    ci: 'github-actions',
    serviceName: 'orders-api',
    region: over.cloud === 'aws' ? 'us-east-1' : over.cloud === 'gcp' ? 'us-central1' : 'eastus',
    port: 8080,
    healthPath: '/healthz',
    readinessPath: '/readyz',
    serviceDir: '.',
    slo: 99.9,
    team: 'platform',
    ...over,
  };
}

const BY_PM: Record<string, { language: Language; lockfile: string | null; version: string; source: string | null; test: string | null }> = {
  npm: { language: 'node', lockfile: 'package-lock.json', version: '22', source: '.nvmrc', test: 'npm test' },
  pnpm: { language: 'node', lockfile: 'pnpm-lock.yaml', version: '22', source: 'package.json engines.node', test: 'pnpm test' },
  yarn: { language: 'node', lockfile: 'yarn.lock', version: '20', source: null, test: 'yarn test' },
  bun: { language: 'node', lockfile: 'bun.lock', version: '22', source: null, test: 'bun run test' },
  uv: { language: 'python', lockfile: 'uv.lock', version: '3.12', source: '.python-version', test: 'uv run pytest' },
  // An app without tests yet.
  poetry: { language: 'python', lockfile: 'poetry.lock', version: '3.11', source: 'pyproject.toml requires-python', test: null },
  pip: { language: 'python', lockfile: null, version: '3.12', source: null, test: 'pytest' },
  pipenv: { language: 'python', lockfile: 'Pipfile.lock', version: '3.12', source: 'Pipfile requires.python_version', test: 'pipenv run pytest' },
  pdm: { language: 'python', lockfile: 'pdm.lock', version: '3.12', source: 'pyproject.toml requires-python', test: 'pdm run pytest' },
  go: { language: 'go', lockfile: 'go.sum', version: '1.23', source: 'go.mod go', test: null },
  maven: { language: 'java', lockfile: null, version: '21', source: 'pom.xml java.version', test: null },
  gradle: { language: 'java', lockfile: null, version: '17', source: null, test: null },
};

/** RepoFacts of a small app using `pm`; `workflows` are existing workflow files. */
export function pipelineFacts(pm: PackageManager, workflows: string[] = []): RepoFacts {
  const d = BY_PM[pm]!;
  return {
    language: d.language,
    otherLanguage: null,
    framework: null,
    packageManager: pm,
    lockfile: d.lockfile,
    runtimeVersion: d.version,
    runtimeVersionSource: d.source,
    buildCommand: null,
    testCommand: d.test,
    lintCommand: pm === 'npm' ? 'npm run lint' : null,
    startCommand: null,
    port: 8080,
    portSource: null,
    healthPath: '/healthz',
    readinessPath: null,
    metricsLibrary: null,
    appDir: '.',
    services: [{ name: 'orders-api', dir: '.', language: d.language }],
    existing: { dockerfile: [], dockerignore: [], compose: [], workflows, terraform: [], prometheus: [], dependabot: [] },
    git: { remote: 'git@github.com:acme/orders-api.git', owner: 'acme', repo: 'orders-api', defaultBranch: 'main' },
    dirName: 'orders-api',
    node: d.language === 'node'
      ? { typescript: pm === 'pnpm' || pm === 'bun', hasBuildScript: false, buildOutputDir: null, entrypoint: 'server.js', nodeOptions: [], launcher: null, runtimeTypescript: false, nextStandalone: false, workspaces: [], hasLintScript: pm === 'npm', yarnBerry: false, corepackSpec: null, workspaceBuilds: [], installConfig: [],
        // One runner per package manager, so the matrix renders each runner's report flags.
        testRunner: pm === 'npm' ? 'node-test' : pm === 'pnpm' ? 'vitest' : 'jest', testPlugins: pm === 'pnpm' ? ['@vitest/coverage-v8'] : pm === 'yarn' ? ['jest-junit'] : [], runtimeDirs: [], prisma: null }
      : null,
    python: d.language === 'python'
      ? { server: 'uvicorn', appModule: 'app.main:app', dependencyFile: d.lockfile ?? 'requirements.txt', hashPinned: false, installable: false, devRequirements: null, pytestCov: pm === 'uv', importRoot: null, requirementIncludes: [], localRequirements: [], localSources: [], testExtra: null, testGroup: pm === 'uv' ? 'test' : null,
        // The image's (and CI's) OS packages: build and runtime ones (pipenv), runtime ones only (poetry).
        nativeDeps: pm === 'pipenv' ? ['psycopg2', 'uwsgi'] : pm === 'poetry' ? ['psycopg'] : [] }
      : null,
    go: d.language === 'go' ? { module: 'example.com/orders', mainPackage: './cmd/server', cgo: false, vendored: false, localReplaces: [], workspace: null, runtimeFiles: [] } : null,
    java: d.language === 'java'
      ? { buildTool: pm === 'gradle' ? 'gradle' : 'maven', wrapperPath: pm === 'maven' ? './mvnw' : null, springBoot: true, springBootVersion: '3.5.0', actuator: true, gradleKotlinDsl: false, artifactGlob: 'target/*.jar', quarkusApp: null, metricsPath: '/actuator/prometheus', webExposure: 'health,prometheus', project: null }
      : null,
    notes: [],
  };
}

/**
 * A pnpm workspace member at apps/api (render it with that serviceDir) that
 * imports two workspace packages with a build script each, core first.
 */
export function workspaceMemberFacts(): RepoFacts {
  const facts = pipelineFacts('pnpm');
  return {
    ...facts,
    lockfile: '../../pnpm-lock.yaml',
    appDir: 'apps/api',
    services: [{ name: 'orders-api', dir: 'apps/api', language: 'node' }],
    node: { ...facts.node!, workspaceBuilds: ['../../packages/core', '../../packages/shared'] },
  };
}

/** An app of `pm` without tests, as detection leaves it (Node and Python: no test command). */
export function noTestsFacts(pm: 'npm' | 'pip'): RepoFacts {
  const facts = pipelineFacts(pm);
  return { ...facts, testCommand: null, node: facts.node && { ...facts.node, testRunner: null, testPlugins: [] } };
}

/** One package manager per language variant the pipeline distinguishes. */
export const PIPELINE_PMS: readonly PackageManager[] = ['npm', 'pnpm', 'yarn', 'bun', 'uv', 'poetry', 'pdm', 'pip', 'pipenv', 'go', 'maven', 'gradle'];
