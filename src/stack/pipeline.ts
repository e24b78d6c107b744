import type { Answers, Language } from '../answers/options.js';
import { javaBuildTool } from '../detect/java-build.js';
import { mavenReactorArgs } from '../detect/java.js';
import { binRunner, runScript, type NodePm } from '../detect/node-pm.js';
import { joinPath } from '../detect/paths.js';
import { isRequirementsFile } from '../detect/python-deps.js';
import type { PackageManager, PythonFacts, RepoFacts } from '../detect/types.js';
import { buildMonitoringStack, type MonitoringStack } from './monitoring.js';
import { appContainerName, buildNames } from './naming.js';
import { ecsRollbackConfiguration } from './ecs-rollback.js';
import { buildRepo } from './repo.js';
import type { MetricGate } from './promql.js';
import { buildUses, TRIVY_VERSION, type PinKey } from './pins.js';
import { testCommand, type TestCommand, type TestReport } from './test-reports.js';
import { corepackCommand } from './docker-node.js';
import { buildRootOf, resolveContext } from './docker.js';
import { withoutLocalRequirements } from './docker-python.js';
import { pythonSystemPackages } from './python-system-packages.js';
import { rerunGuard } from './rerun-guard.js';
import { GO, JAVA, NODE, PYTHON, TOOLS, chooseLine, type LineImages, type PinnedLines } from './versions.js';
import { shellWord } from '../render/escape/shell.js';
import { REGENERATE_COMMAND } from '../package-root.js';
import { WORKFLOW_DIR, workflowFiles, type WorkflowFiles } from './workflow-files.js';
import type { DependabotUpdate } from './dependabot-coverage.js';

/** A GitHub Actions variable (`vars.NAME`) the generated workflows read. */
export interface PipelineVariable {
  name: string;
  description: string;
  /** Set on each GitHub environment (one value per environment) rather than once on the repository. */
  perEnvironment: boolean;
  /** The IaC output that supplies the value when the infra layer is generated, or null (set by hand). */
  infraOutput: string | null;
}

/** One `with:` entry of a step, rendered through the `yaml` helper. */
export interface StepInput {
  key: string;
  value: string;
}

/** A named shell step (`run:` is a single line, passed through the `yaml` helper). */
export interface RunStep {
  name: string;
  run: string;
}

/** How CI sets up and exercises the service's language. */
export interface LanguagePipeline {
  /** Commands run before the setup action (e.g. corepack, pipx install poetry). */
  preSetup: RunStep[];
  setupUses: string;
  setupWith: StepInput[];
  /** Extra cache for tools the setup action does not cache (uv), or null. */
  extraCache: { path: string; key: string } | null;
  install: RunStep[];
  lint: RunStep[];
  /**
   * The test command, before test-reports.ts adds its report flags; null when
   * a Node or Python app has no tests yet (their runners fail without any:
   * npm's missing script, pytest's exit 5). Go and Java always have one: theirs pass.
   */
  test: string | null;
  /** Dependency audit for the ecosystem; empty when Trivy's fs scan is the audit (Java). */
  audit: RunStep[];
  /** CodeQL language id and build mode. */
  codeql: { language: string; buildMode: string };
}

/** One CI stage job (lint, test, audit): setup, then `steps`. */
export interface CiJob {
  id: string;
  name: string;
  needs: string | null;
  timeout: number;
  /**
   * Check the repository out first. A job that reads none of it skips that, and
   * its steps run in the empty workspace with no permissions.
   */
  checkout: boolean;
  /** Set up the language toolchain and install dependencies first (after the checkout). */
  setup: boolean;
  steps: RunStep[];
  /** Test reports and coverage the job uploads after its steps (also when they fail), or null. */
  report: TestReport | null;
  /** Also run Trivy's filesystem scan and its misconfiguration scan (Dockerfile, IaC) to code scanning. */
  trivy: boolean;
}

/** Per-environment values of the deploy workflow, in promotion order. */
export interface PipelineEnvironment {
  name: string;
  /** Job ids: `deploy-<env>` and, for non-production environments, `test-<env>`. */
  deployJob: string;
  testJob: string;
  /** Jobs this deploy waits for: CI (for the image) and the previous environment's tests. */
  needs: string[];
  /** The environment promoted before this one, or null for the first. */
  previous: string | null;
  /** Expression for the deployed URL, read by this environment's test job. */
  urlExpr: string;
  isProduction: boolean;
  isLast: boolean;
  /** Cloud service / ECS service / Container App name. */
  service: string;
  /** ECS cluster (AWS) or Container Apps resource group (Azure). */
  cluster: string;
  /** ECS: the CloudWatch log group of the service's containers (the runbooks tail it). */
  logGroup: string;
  resourceGroup: string;
  concurrencyGroup: string;
}

/** Values the pipeline layer's templates read. Owned by the pipeline layer. */
export interface PipelineStack {
  /** Script of each deploy job's first step: a re-run of an older Deploy run stops once a newer one exists. */
  rerunGuard: string;
  /** `uses:` text per pinned action: `owner/repo@<sha> # vX.Y.Z`. */
  uses: Record<PinKey, string>;
  trivyVersion: string;
  files: WorkflowFiles;
  lang: LanguagePipeline;
  /** lint -> test -> audit, in order. */
  ciJobs: CiJob[];
  /** What the test job uploads (its report), or null when the test command's reports are unknown. */
  testReport: TestReport | null;
  /** What the app lacks for CI to run tests (the Test job then only warns), or null when it has tests. */
  missingTests: string | null;
  /** Go: the release the image builds with, which CI's jobs (CodeQL's autobuild included) set up too; null for other languages. */
  goVersion: string | null;
  /** Buildx GHA cache scope (one per image). Dockerfile and context come from `stack.docker`. */
  image: { cacheScope: string };
  /**
   * Registry host (GCP: for docker login) and the image name as a shell word
   * fragment using $REGISTRY (AWS: the ECR login output) or $PROJECT (GCP);
   * imageFromVars from the job's variables (AWS: $AWS_ACCOUNT_ID), and
   * imageExpr the same name in an `env:` value (workflow expressions).
   */
  registry: { host: string; image: string; imageFromVars: string; imageExpr: string };
  /** Regex (bash ERE) a revision input of rollback.yml must match for this runtime. */
  revisionPattern: string;
  /** Prefix of every environment's deploy concurrency group (+ environment name): CloudNames.releaseLockPrefix. */
  concurrencyPrefix: string;
  /** Every GitHub variable the workflows read; DEPLOY docs and the infra layer list them. */
  variables: PipelineVariable[];
  /** `vars.NAME` expressions for the templates (`{{gh pipeline.vars.pushRole}}`). */
  vars: Record<string, string>;
  environments: PipelineEnvironment[];
  /** Name of the first environment (integration tests), and the production environment. */
  productionEnvironment: string;
  /** Canary traffic steps in percent (last is 100). */
  canarySteps: number[];
  /** Seconds each canary step bakes before the gate is evaluated. */
  bakeSeconds: number;
  /** Dependabot ecosystem for the language (npm, pip, uv, gomod, maven, gradle). */
  dependabotEcosystem: string;
  /**
   * Dependabot ecosystem of the infra roots, null without IaC. OpenTofu has
   * its own (GitHub, December 2025): it resolves providers on
   * registry.opentofu.org, whose lock-file hashes the terraform ecosystem's
   * updates would not match.
   */
  iacDependabotEcosystem: 'terraform' | 'opentofu' | null;
  /** The IaC roots that entry updates (globs: written as they are). */
  iacDependabotDirs: readonly string[];
  /** The service directory as Dependabot writes it ('/' or '/services/api'): where the Dockerfile is. */
  dependabotDir: string;
  /** Where Dependabot reads the language's manifests: the service directory, or the root of the multi-module Java build it is part of (which resolves the modules). */
  dependabotManifestDir: string;
  /** Every update entry of the generated dependabot.yml: what its pins need kept current. */
  dependabotUpdates: DependabotUpdate[];
  /**
   * The repository's own .github/dependabot.yml (or .yaml), kept in place of
   * ours and never written; null when there is none or it is the one we generated.
   */
  userDependabot: string | null;
  /** Scripts directory inside the repository. */
  scriptsDir: string;
  /** The runtime's deploy script in scriptsDir (deploy | shift | promote | rollback | wait). */
  deployScript: string;
  /** Runtime uses a tagged/labelled candidate URL and traffic weights (Cloud Run, Container Apps). */
  trafficSplit: boolean;
  /** Canary traffic percentages before 100 (empty unless canary on a traffic-split runtime). */
  canaryShifts: number[];
  /** ECS: deployment configuration JSON merged over the service's (strategy, circuit breaker). */
  ecsDeploymentConfiguration: string;
  /** ECS: merged over the service's for a rollback by redeploy: the strategy's steps without their bakes. */
  ecsRollbackConfiguration: string;
  /**
   * rollback.yml's redeploy of a known-good image digest: the strategy and the
   * circuit breaker, without the canary step and the bakes (during an incident
   * the bad revision must not keep 90% of the traffic for the canary's bake).
   */
  ecsRedeployConfiguration: string;
  /** ECS bake times (minutes), shared by the deploy workflow and the Terraform service, so neither undoes the other. */
  ecsBake: EcsBake;
  /** The app's container as infra/ names it (naming.ts appContainerName); on ECS, the one whose image the deploy replaces. */
  container: string;
  /** Metric gate wiring, or null with --monitoring none (the gate is then smoke tests + health checks). */
  gate: PipelineGate | null;
  /**
   * Rolling and blue-green: the gate judges the new revision once it has all
   * traffic (canary: at each canary step instead). False without a gate.
   */
  postSwitchGate: boolean;
  /**
   * Synthetic traffic during a gated bake, in requests per second, so even a
   * quiet environment gives the gate twice its minimum request count: `full`
   * when every synthetic request reaches the new revision (its own URL, or
   * all traffic), `canary` when the load balancer sends it only the canary's
   * share (ECS). Null without a gate.
   */
  syntheticRps: { full: number; canary: number } | null;
  /** The deploy job's timeout: the ECS rollout wait (30 min at most) plus a gate's bake and a rollback's wait must fit. */
  deployTimeoutMinutes: number;
  /** gcloud version setup-gcloud installs (pinned for reproducible deploys). */
  gcloudVersion: string;
  /**
   * Workflow condition under which pushed images are attested, and so have
   * their provenance verified before a deploy: artifact attestations need a
   * public repository or GitHub Enterprise Cloud (the ATTESTATIONS variable).
   */
  attested: string;
  /**
   * Workflow condition under which findings go to Code scanning (SARIF
   * uploads, CodeQL, dependency review): free on public repositories, and on
   * private ones only with GitHub Code Security (the CODE_SCANNING variable).
   * Without it the uploads fail, and the build that needs them never runs.
   */
  codeScanning: string;
  /**
   * The build workflow's path, which signs the provenance (a reusable workflow
   * is the signer, not the workflow that calls it): the checks accept only its
   * certificate identity, <server>/<OWNER/REPO>/<this>@refs/heads/<default branch>.
   */
  attestationSigner: string;
  /**
   * That certificate identity as a shell word of the Actions variables
   * GITHUB_SERVER_URL and GITHUB_REPOSITORY: what both provenance checks
   * (verify-provenance.sh, the build's reuse check) pass to --cert-identity.
   */
  attestationIdentity: string;
  /**
   * Path the smoke tests request on the service's public URL for the health
   * check, or '' for none: Cloud Run reserves paths ending in `z` (/healthz)
   * on its run.app URLs and answers them itself, so there the startup probe,
   * which reaches the container directly, is the health check.
   */
  smokeHealthPath: string;
  /**
   * The paths whose changes deploy on a push (the `paths:` filter), or null
   * for every push: set for a service below the root whose build context is
   * its own folder. A workspace context holds every member, so there any change can change the image.
   */
  deployPaths: string[] | null;
}

/** How the metric gate reaches the Prometheus query API. */
export interface PipelineGate {
  /** basic: a self-hosted Prometheus, with basic auth when PROMETHEUS_QUERY_USER is set (its web config's basic_auth_users). */
  auth: 'basic' | 'aws-sigv4' | 'google' | 'azure';
  /** `env:` entries of the gate step (queries, thresholds, endpoint). */
  env: StepInput[];
}

const run = (name: string, cmd: string): RunStep => ({ name, run: cmd });

/** First word of runtimeVersionSource, when it is a file the setup action can read. */
function versionFile(facts: RepoFacts, allowed: readonly string[]): string | null {
  const file = facts.runtimeVersionSource?.split(' ')[0] ?? null;
  if (!file) return null;
  const base = file.split('/').pop() ?? '';
  return allowed.includes(base) ? file : null;
}

/**
 * The setup action's version input: the repository's version file when the
 * image runs the line it declares, else the line the image runs (a version we
 * do not pin, or none), so CI tests on the runtime production runs.
 */
function versionInput(facts: RepoFacts, files: readonly string[], key: string, pinned: PinnedLines<LineImages>, what: string): StepInput {
  const line = chooseLine(pinned, facts.runtimeVersion, what);
  const file = line.note === null ? versionFile(facts, files) : null;
  if (file) return { key: `${key}-version-file`, value: file };
  return { key: `${key}-version`, value: line.note === null && facts.runtimeVersion !== null ? facts.runtimeVersion : line.line };
}

function nodePipeline(facts: RepoFacts, dirPrefix: string): LanguagePipeline {
  const pm: PackageManager = facts.packageManager ?? 'npm';
  const berry = facts.node?.yarnBerry === true;
  // Without a lockfile there is nothing to key a cache on, and `npm ci` refuses to run.
  // A workspace member's lockfile is the root's ('../../pnpm-lock.yaml'): actions' globs refuse '..'.
  const lock = facts.lockfile ? joinPath(dirPrefix, facts.lockfile) : null;
  const exec = pm === 'npm' ? 'npm' : pm;
  const install: Record<string, string> = {
    npm: lock ? 'npm ci' : 'npm install',
    pnpm: 'pnpm install --frozen-lockfile',
    yarn: berry ? 'yarn install --immutable' : 'yarn install --frozen-lockfile',
    bun: 'bun install --frozen-lockfile',
  };
  // pnpm and yarn 1 call npm's legacy audit endpoints, retired in 2026 (HTTP 410 on every
  // run): there the audit job's Trivy filesystem scan, which reads their lockfiles, audits alone.
  const audit: Record<string, string | null> = {
    npm: 'npm audit --omit=dev --audit-level=high',
    pnpm: null,
    yarn: berry ? 'yarn npm audit --environment production --severity high' : null,
    bun: 'bun audit --audit-level=high',
  };
  const auditCommand = audit[pm] === undefined ? audit['npm']! : audit[pm];
  const tscRunner = binRunner(pm as NodePm).join(' ');
  const lint = facts.lintCommand ?? (facts.node?.hasLintScript ? `${exec} run lint` : facts.node?.typescript ? `${tscRunner} tsc --noEmit` : null);
  // setup-node's cache runs `pnpm store path` / `yarn cache dir`, so the package manager must exist first.
  const preSetup = pm === 'pnpm' || pm === 'yarn' ? [run('Enable corepack (pnpm/yarn at the version package.json pins)', corepackCommand(facts.node?.corepackSpec ?? null))] : [];
  if (pm === 'bun') preSetup.push(run('Install bun', 'npm install --global bun@1'));
  // Not package.json: setup-node reads its engines range and takes the newest release in it, not the image's.
  const setupWith = [versionInput(facts, ['.nvmrc', '.node-version', '.tool-versions'], 'node', NODE, 'Node.js')];
  if (pm !== 'bun' && lock) setupWith.push({ key: 'cache', value: pm }, { key: 'cache-dependency-path', value: lock });
  return {
    preSetup,
    setupUses: 'setupNode',
    setupWith,
    extraCache: null,
    install: [run('Install dependencies', install[pm] ?? 'npm ci'), ...prismaGenerateSteps(facts, tscRunner)],
    lint: [lint ? run('Lint', lint) : run('Check syntax (add a lint script to run your linter here)', `node --check ${facts.node?.entrypoint ?? 'index.js'}`)],
    test: facts.testCommand,
    audit: auditCommand === null ? [] : [run('Audit dependencies', auditCommand)],
    codeql: { language: 'javascript-typescript', buildMode: 'none' },
  };
}

/**
 * Prisma's client is code generated from the schema, which type checks and
 * tests import: @prisma/client's install hook wrote it up to Prisma 6; from 7
 * only `prisma generate` does.
 */
function prismaGenerateSteps(facts: RepoFacts, runner: string): RunStep[] {
  const prisma = facts.node?.prisma;
  return prisma ? [run('Generate the Prisma client', `${runner} prisma generate --schema ${shellWord(prisma.schema)}`)] : [];
}

/**
 * The workspace packages the service imports, built as the image builds them
 * (same packages, same order, same script): their package.json `main` is
 * build output (dist/index.js) that type checks and tests resolve. The paths
 * are relative to the service directory, where CI's steps run.
 */
function workspaceBuildSteps(facts: RepoFacts): RunStep[] {
  const dirs = facts.node?.workspaceBuilds ?? [];
  if (dirs.length === 0) return [];
  const build = runScript((facts.packageManager ?? 'npm') as NodePm, 'build');
  return [run('Build the workspace packages this service imports', dirs.map((d) => `(cd ${shellWord(d)} && ${build})`).join('\n'))];
}

/** What a project adds for CI to run tests: the Test job's warning and the docs say it. */
const ADD_TESTS: Readonly<Record<Language, string>> = {
  node: 'Add a "test" script to package.json',
  python: 'Add tests (a tests/ folder or test_*.py files) and declare pytest in the test dependencies',
  go: 'Add _test.go files',
  java: 'Add tests under src/test/',
};

/**
 * The Test job: the tests after the workspace builds, or, for an app without
 * tests, a warning on the run and success, so that the deploy, which needs CI,
 * still runs. The job stays either way: branch protection may require the
 * check "Test", and the audit waits for it. The warning needs no checkout,
 * toolchain or dependencies.
 */
function testJob(tests: TestCommand | null, missingTests: string, builds: RunStep[]): CiJob {
  const job = { id: 'test', name: 'Test', needs: 'lint', timeout: 20, trivy: false };
  if (tests === null) {
    const warning = `::warning::No tests found: CI runs none. ${missingTests}, then run ${REGENERATE_COMMAND} and CI runs them.`;
    return { ...job, checkout: false, setup: false, steps: [run('No tests found', `echo ${shellWord(warning)}`)], report: null };
  }
  return { ...job, checkout: true, setup: true, steps: [...builds, run('Test', tests.run)], report: tests.report };
}

const PIP_AUDIT = 'pip-audit==2.9.0';
const PIP = 'pip==25.3';
// The same tool versions as the image's build stage.
const UV = `uv==${TOOLS.uv}`;
const POETRY = `poetry==${TOOLS.poetry}`;
const PDM = `pdm==${TOOLS.pdm}`;
const PIPENV = `pipenv==${TOOLS.pipenv}`;

/**
 * `uv sync` installs the `dev` group and no extra by default: the flags that add
 * the tests' extra or another group of theirs.
 */
function uvTestFlags(python: PythonFacts | null): string {
  const extra = python?.testExtra ? ` --extra ${python.testExtra}` : '';
  const group = python?.testGroup && python.testGroup !== 'dev' ? ` --group ${python.testGroup}` : '';
  return extra + group;
}

/**
 * pip-audit of a requirements file: without the local code it installs (`-e .`),
 * which is on no index to look up, as the image's dependency layer installs it.
 */
function requirementsAudit(file: string, python: PythonFacts | null): string {
  if (!python?.localRequirements.length) return `pip-audit --strict -r ${file}`;
  const filter = withoutLocalRequirements(file);
  return `${filter.command.map(shellWord).join(' ')} > ${filter.output}\npip-audit --strict -r ${filter.output}`;
}

function pythonPipeline(facts: RepoFacts, dirPrefix: string): LanguagePipeline {
  const pm = facts.packageManager ?? 'pip';
  // Not pyproject.toml: setup-python reads requires-python as a range and takes the newest Python in it, not the image's.
  const version = versionInput(facts, ['.python-version', '.tool-versions'], 'python', PYTHON, 'Python');
  const depFile = facts.python?.dependencyFile ?? 'requirements.txt';
  const codeql = { language: 'python', buildMode: 'none' };
  const lintCmd = facts.lintCommand;
  if (pm === 'uv') {
    return {
      preSetup: [],
      setupUses: 'setupPython',
      setupWith: [version],
      // A workspace member's uv.lock is the workspace root's: hashFiles finds nothing at '<member>/uv.lock'.
      extraCache: { path: '~/.cache/uv', key: `uv-\${{ runner.os }}-\${{ hashFiles('${joinPath(dirPrefix, facts.lockfile ?? 'uv.lock')}') }}` },
      install: [run('Install uv', `python -m pip install ${UV}`), run('Install dependencies', `uv sync --locked${uvTestFlags(facts.python)}`)],
      lint: [run('Lint', lintCmd ?? 'uv run python -m compileall -q .')],
      test: facts.testCommand,
      audit: [
        // Without the project itself (`-e .`): pip-audit cannot look up an unpublished package.
        run('Export locked requirements', 'uv export --locked --no-dev --no-hashes --no-emit-project --format requirements-txt --output-file "$RUNNER_TEMP/requirements.txt"'),
        run('Audit dependencies', `uvx ${PIP_AUDIT.replace('==', '@')} --strict -r "$RUNNER_TEMP/requirements.txt"`),
      ],
      codeql,
    };
  }
  if (pm === 'poetry') {
    return {
      preSetup: [run('Install poetry (setup-python caches its virtualenvs)', `pipx install ${POETRY}`)],
      setupUses: 'setupPython',
      setupWith: [version, { key: 'cache', value: 'poetry' }, { key: 'cache-dependency-path', value: `${dirPrefix}poetry.lock` }],
      extraCache: null,
      // Poetry 2 fails an install whose root package it cannot find: an app that is no package skips it.
      // A PEP 735 group is installed by default, as Poetry's own groups are; an extra only when named.
      install: [run('Install dependencies', `poetry install --no-interaction${facts.python?.installable ? '' : ' --no-root'}${facts.python?.testExtra ? ` --extras ${facts.python.testExtra}` : ''}`)],
      lint: [run('Lint', lintCmd ?? 'poetry run python -m compileall -q .')],
      test: facts.testCommand,
      // The project itself is installed editable and is on no index: skip it.
      audit: [run('Audit dependencies', `poetry run pip install ${PIP_AUDIT} && poetry run pip-audit --strict --skip-editable`)],
      codeql,
    };
  }
  if (pm === 'pdm') {
    const locked = facts.lockfile !== null;
    return {
      preSetup: [run('Install pdm', `pipx install ${PDM}`)],
      setupUses: 'setupPython',
      // setup-python has no pdm cache: PDM's own, keyed on the lockfile.
      setupWith: [version],
      extraCache: { path: '~/.cache/pdm', key: `pdm-\${{ runner.os }}-\${{ hashFiles('${dirPrefix}${locked ? 'pdm.lock' : 'pyproject.toml'}') }}` },
      install: [
        // PDM installs into the project's .venv when there is one: setup-python's Python, not the newest it finds.
        run('Create the virtualenv', 'python -m venv .venv'),
        // Without options: the default group and every group pdm.lock holds (the tests' among them).
        run('Install dependencies', locked ? 'pdm install --check' : 'pdm install'),
      ],
      lint: [run('Lint', lintCmd ?? 'pdm run python -m compileall -q .')],
      test: facts.testCommand,
      audit: [
        // The image's packages: the default group, without the project (on no index to look up).
        run('Export locked requirements', 'pdm export --prod --no-hashes --output "$RUNNER_TEMP/requirements.txt"'),
        run('Install pip-audit', `python -m pip install ${PIP_AUDIT}`),
        run('Audit dependencies', 'pip-audit --strict -r "$RUNNER_TEMP/requirements.txt"'),
      ],
      codeql,
    };
  }
  if (pm === 'pipenv') {
    const locked = facts.lockfile !== null;
    return {
      preSetup: [run('Install pipenv (setup-python caches its virtualenvs)', `pipx install ${PIPENV}`)],
      setupUses: 'setupPython',
      setupWith: locked ? [version, { key: 'cache', value: 'pipenv' }, { key: 'cache-dependency-path', value: `${dirPrefix}Pipfile.lock` }] : [version],
      extraCache: null,
      // The tests' packages are [dev-packages]; `sync` installs exactly the lockfile, hashes checked.
      install: [run('Install dependencies', locked ? 'pipenv sync --dev' : 'pipenv install --dev')],
      lint: [run('Lint', lintCmd ?? 'pipenv run python -m compileall -q .')],
      test: facts.testCommand,
      audit: locked
        ? [
            run('Install pip-audit', `python -m pip install ${PIP_AUDIT}`),
            // The image's packages: Pipfile.lock's default section.
            run('Audit dependencies', 'pipenv requirements > "$RUNNER_TEMP/requirements.txt"\npip-audit --strict -r "$RUNNER_TEMP/requirements.txt"'),
          ]
        : [run('Audit dependencies', `pipenv run pip install ${PIP_AUDIT} && pipenv run pip-audit --strict --skip-editable`)],
      codeql,
    };
  }
  const requirements = isRequirementsFile(depFile) ? depFile : null;
  const dev = facts.python?.devRequirements ?? null;
  const extra = facts.python?.testExtra ?? null;
  // A requirements-dev.txt is what the tests install; a group then most likely lists the same.
  const group = dev ? null : (facts.python?.testGroup ?? null);
  return {
    preSetup: [],
    setupUses: 'setupPython',
    setupWith: [version, { key: 'cache', value: 'pip' }, { key: 'cache-dependency-path', value: dev ? `${dirPrefix}${depFile}\n${dirPrefix}${dev}` : `${dirPrefix}${depFile}` }],
    extraCache: null,
    // The tests' own requirements (pytest...) too: they are not in the image's requirements.
    // A project installed from pyproject.toml is installed editable, with its test extra.
    // A [dependency-groups] group needs pip 25.1+ (`--group`), newer than some Pythons bundle.
    install: [
      ...(group ? [run('Update pip (dependency groups need 25.1+)', `python -m pip install ${PIP}`)] : []),
      run('Install dependencies', `${requirements ? `python -m pip install -r ${requirements}` : `python -m pip install -e ${shellWord(extra ? `.[${extra}]` : '.')}`}${dev ? ` -r ${dev}` : ''}${group ? ` --group ${group}` : ''}`),
    ],
    lint: [run('Lint', lintCmd ?? 'python -m compileall -q .')],
    test: facts.testCommand,
    audit: [
      run('Install pip-audit', `python -m pip install ${PIP_AUDIT}`),
      // The editable project itself is on no index for pip-audit to look up.
      run('Audit dependencies', requirements ? requirementsAudit(requirements, facts.python) : 'pip-audit --strict --skip-editable'),
    ],
    codeql,
  };
}

/**
 * The Go release of the image's build stage (golang:1.26.7-bookworm -> 1.26.7).
 * Not go.mod's `go 1.24`, which setup-go resolves to whatever 1.24 the runner
 * has: govulncheck reports the standard library of the Go it runs with.
 */
function imageGoVersion(facts: RepoFacts): string {
  const build = chooseLine(GO, facts.runtimeVersion, 'Go').images.build;
  return /^golang:(\d+\.\d+\.\d+)/.exec(build)?.[1] ?? GO.default;
}

/**
 * The files setup-go keys its module cache on. A module without dependencies
 * has no go.sum: its go.mod then (setup-go warns on a missing file). A
 * workspace's go.work.sum holds sums the module's go.sum does not, so a change
 * there must refresh the cache too; by its path from the repository root, as
 * setup-go's globs refuse '..'.
 */
function goCacheDependencyPaths(facts: RepoFacts, dirPrefix: string): string[] {
  const own = joinPath(dirPrefix, facts.lockfile ?? 'go.mod');
  const workspace = facts.go?.workspace;
  return workspace?.hasSum ? [own, joinPath(dirPrefix, workspace.root, 'go.work.sum')] : [own];
}

function goPipeline(facts: RepoFacts, dirPrefix: string): LanguagePipeline {
  return {
    preSetup: [],
    setupUses: 'setupGo',
    setupWith: [
      { key: 'go-version', value: imageGoVersion(facts) },
      { key: 'cache-dependency-path', value: goCacheDependencyPaths(facts, dirPrefix).join('\n') },
    ],
    extraCache: null,
    // vendor/ holds the modules already: `go mod download` would fetch them again (private ones need credentials).
    // In a workspace (go.work, found from the service dir) it would look the sibling modules up in the proxy: tests download.
    install: facts.go?.vendored || facts.go?.workspace ? [] : [run('Download modules', 'go mod download')],
    lint: facts.lintCommand
      ? [run('Lint', facts.lintCommand)]
      // The module's own packages: not vendor/, which is other people's formatting.
      : [run('Check formatting', "test -z \"$(find . -name '*.go' -not -path './vendor/*' -exec gofmt -l {} +)\""), run('Vet', 'go vet ./...')],
    test: facts.testCommand ?? 'go test -race ./...',
    audit: [run('Audit dependencies (govulncheck)', 'go run golang.org/x/vuln/cmd/govulncheck@v1.1.4 ./...')],
    // Go has no build-mode none; autobuild compiles the module.
    codeql: { language: 'go', buildMode: 'autobuild' },
  };
}

function javaPipeline(facts: RepoFacts): LanguagePipeline {
  const gradle = javaBuildTool(facts) === 'gradle';
  const project = facts.java?.project ?? null;
  // CI runs in the repository, so a wrapper at a multi-project root ('../../gradlew') serves too.
  // A Maven module builds through its reactor, with the sibling modules it needs; Gradle finds its settings itself.
  const tool = [facts.java?.wrapperPath ?? (gradle ? 'gradle' : 'mvn'), ...(gradle ? [] : mavenReactorArgs(project))].join(' ');
  const flags = gradle ? '--no-daemon' : '--batch-mode --no-transfer-progress';
  // go-offline cannot resolve a sibling module before it is built (MDEP-516): the test step downloads.
  const resolve = !gradle && project !== null ? [] : [run('Resolve dependencies', gradle ? `${tool} ${flags} dependencies` : `${tool} ${flags} dependency:go-offline`)];
  return {
    preSetup: [],
    setupUses: 'setupJava',
    setupWith: [
      { key: 'distribution', value: 'temurin' },
      versionInput(facts, ['.java-version', '.tool-versions', '.sdkmanrc'], 'java', JAVA, 'Java'),
      { key: 'cache', value: gradle ? 'gradle' : 'maven' },
    ],
    extraCache: null,
    install: resolve,
    lint: [run('Lint', facts.lintCommand ?? (gradle ? `${tool} ${flags} check -x test` : `${tool} ${flags} validate`))],
    test: facts.testCommand ?? (gradle ? `${tool} ${flags} test` : `${tool} ${flags} verify`),
    // Trivy's filesystem scan reads pom.xml / Gradle lockfiles; OWASP dependency-check needs an NVD API key.
    audit: [],
    codeql: { language: 'java-kotlin', buildMode: 'none' },
  };
}

/**
 * The Debian packages the image's build stage installs for dependencies that
 * build from source (psycopg2, mysqlclient...), installed on the runner before
 * the dependencies too: the runner's Ubuntu has the same package names, not
 * every one of them installed.
 */
function withNativeBuildPackages(lang: LanguagePipeline, python: PythonFacts | null): LanguagePipeline {
  const build = pythonSystemPackages(python?.nativeDeps ?? []).build;
  if (build === null) return lang;
  const install = run(`System packages: ${build.why}`, `sudo apt-get update -qq\nsudo apt-get install -y -qq --no-install-recommends ${build.packages.join(' ')}`);
  return { ...lang, install: [install, ...lang.install] };
}

function languagePipeline(answers: Answers, facts: RepoFacts, dirPrefix: string): LanguagePipeline {
  switch (answers.language) {
    case 'node':
      return nodePipeline(facts, dirPrefix);
    case 'python':
      return withNativeBuildPackages(pythonPipeline(facts, dirPrefix), facts.python);
    case 'go':
      return goPipeline(facts, dirPrefix);
    case 'java':
      return javaPipeline(facts);
  }
}

function dependabotEcosystem(answers: Answers, facts: RepoFacts): string {
  switch (answers.language) {
    case 'node':
      return 'npm';
    case 'python':
      return facts.packageManager === 'uv' ? 'uv' : 'pip';
    case 'go':
      return 'gomod';
    case 'java':
      return javaBuildTool(facts);
  }
}

/** `(infra output \`x\`)` at the end of a description names the IaC output that supplies the value. */
const INFRA_OUTPUT = / \(infra output `([a-z0-9_]+)`\)$/;

/** The description without the IaC output it names (where the table shows the output in a column, or there is no IaC). */
export const withoutInfraOutput = (description: string): string => description.replace(INFRA_OUTPUT, '');

const v = (name: string, description: string, perEnvironment: boolean): PipelineVariable => {
  const m = INFRA_OUTPUT.exec(description);
  return { name, description, perEnvironment, infraOutput: m?.[1] ?? null };
};

/** GitHub variables of the deploy's checks: the path smoke tests and synthetic traffic request, and the synthetic traffic switch. */
export const BUSINESS_PATH = 'BUSINESS_PATH';
export const SYNTHETIC_TRAFFIC = 'SYNTHETIC_TRAFFIC';

/** Basic auth of the metric gate's queries to a self-hosted Prometheus: a variable and an environment secret. */
export const PROMETHEUS_QUERY_USER = 'PROMETHEUS_QUERY_USER';
export const PROMETHEUS_QUERY_PASSWORD = 'PROMETHEUS_QUERY_PASSWORD';

/** The variables of one cloud (+ monitoring) choice; names are defined here once. */
export function pipelineVariables(answers: Pick<Answers, 'cloud' | 'monitoring'> & Partial<Pick<Answers, 'iac'>>): PipelineVariable[] {
  const list: PipelineVariable[] = [];
  // Every strategy's metric gate queries metrics (none without monitoring).
  const gate = answers.monitoring !== 'none';
  if (answers.cloud === 'aws') {
    list.push(
      v('AWS_PUSH_ROLE_ARN', 'IAM role the build job assumes by OIDC to push to ECR (infra output `github_push_role_arn`)', false),
      v('AWS_DEPLOY_ROLE_ARN', 'IAM role the deploy job of this environment assumes by OIDC (infra output `github_deploy_role_arn`)', true),
      v('AWS_ACCOUNT_ID', 'AWS account id; credentials for any other account are refused (infra output `aws_account_id`)', false),
    );
    if (answers.monitoring === 'managed-prometheus') {
      list.push(v('AMP_WORKSPACE_ID', 'Amazon Managed Prometheus workspace id queried by the metric gate (infra output `amp_workspace_id`)', true));
    }
  } else if (answers.cloud === 'gcp') {
    list.push(
      v('GCP_PROJECT_ID', 'Google Cloud project id, of the registry and the services (infra output `project_id`)', false),
      v('GCP_WORKLOAD_IDENTITY_PROVIDER', 'Full resource name of the workload identity provider (infra output `workload_identity_provider`)', false),
      v('GCP_PUSH_SERVICE_ACCOUNT', 'Service account email the build job impersonates to push images (infra output `push_service_account`)', false),
      v('GCP_DEPLOY_SERVICE_ACCOUNT', 'Service account email the deploy job of this environment impersonates (infra output `deploy_service_account`)', true),
    );
  } else {
    list.push(
      v('AZURE_TENANT_ID', 'Entra tenant id (infra output `tenant_id`)', false),
      v('AZURE_SUBSCRIPTION_ID', 'Subscription id (infra output `subscription_id`)', false),
      v('AZURE_PUSH_CLIENT_ID', 'Client id of the managed identity the build job uses to push to ACR (infra output `push_client_id`)', false),
      v('AZURE_CLIENT_ID', 'Client id of the managed identity the deploy job of this environment uses (infra output `deploy_client_id`)', true),
    );
    if (answers.monitoring === 'managed-prometheus') {
      list.push(v('AZURE_PROMETHEUS_QUERY_ENDPOINT', 'Query endpoint of the Azure Monitor workspace (infra output `prometheus_query_endpoint`)', true));
    }
  }
  if (answers.monitoring === 'prometheus') {
    list.push(v('PROMETHEUS_URL', 'Base URL of the self-hosted Prometheus the metric gate queries (reachable from GitHub runners)', true));
    list.push(v(PROMETHEUS_QUERY_USER, `User the metric gate queries as when Prometheus requires basic auth (its web config's basic_auth_users), with the environment secret \`${PROMETHEUS_QUERY_PASSWORD}\` as password; unset: no auth`, true));
  }
  list.push(v('CODE_SCANNING', 'Set to `true` once a private repository has GitHub Code Security: CodeQL, dependency review and the Trivy findings then go to Code scanning; public repositories always do', false));
  list.push(v('ATTESTATIONS', 'Set to `true` to attest images of a private repository (needs GitHub Enterprise Cloud), and to verify their provenance before each deploy; public repositories always do both', false));
  // Cloud Run and Container Apps report their URL (the deploy script's outputs, rollbacks included); ECS does not.
  if (answers.cloud === 'aws') {
    list.push(v('SERVICE_URL', 'Public URL of the service in this environment, for smoke and integration tests (infra output `service_url`)', true));
  }
  list.push(v(
    BUSINESS_PATH,
    gate
      ? 'A path users request (not the health check), without query string: smoke tests require a 2xx from it, and synthetic traffic during the metric gate\'s bake requests it. Unset: smoke tests only require `/` to answer without a server error, and synthetic traffic requests `/`'
      : 'A path users request (not the health check): smoke tests require a 2xx from it. Unset: they only require `/` to answer without a server error',
    false,
  ));
  if (gate) {
    list.push(v(SYNTHETIC_TRAFFIC, 'Set to `off` in an environment whose real traffic is enough for the metric gate (it needs its minimum request count per bake); synthetic requests also dilute a real error ratio', true));
  }
  // Without IaC nothing has outputs: the values come from wherever the resources were made.
  if (answers.iac === 'none') return list.map((x) => ({ ...x, description: withoutInfraOutput(x.description), infraOutput: null }));
  return list;
}

function registryOf(answers: Answers, names: ReturnType<typeof buildNames>): PipelineStack['registry'] {
  switch (answers.cloud) {
    case 'aws': {
      const ecrImage = (account: string) => `${account}.dkr.ecr.${answers.region}.amazonaws.com/${names.aws.ecrRepository}`;
      return { host: '$REGISTRY', image: `$REGISTRY/${names.aws.ecrRepository}`, imageFromVars: ecrImage('$AWS_ACCOUNT_ID'), imageExpr: ecrImage('${{ vars.AWS_ACCOUNT_ID }}') };
    }
    case 'gcp': {
      const host = `${answers.region}-docker.pkg.dev`;
      const image = (project: string) => `${host}/${project}/${names.gcp.artifactRepository}/${names.imageRepository}`;
      return { host, image: image('$PROJECT'), imageFromVars: image('$PROJECT'), imageExpr: image('${{ vars.GCP_PROJECT_ID }}') };
    }
    case 'azure': {
      const host = `${names.azure.acrName}.azurecr.io`;
      const image = `${host}/${names.imageRepository}`;
      return { host, image, imageFromVars: image, imageExpr: image };
    }
  }
}

export interface EcsBake {
  /**
   * Blue/green and canary: minutes the new revision holds all traffic before
   * the old one is dropped. Blue/green runs its smoke test (and gate) within
   * it, so that a failure moves traffic back at once: see ecsBakeOf.
   */
  minutes: number;
  /** Canary: minutes at 10 %, twice the bake, so the workflow's metric gate judges the canary while it still holds 10 %. */
  canaryMinutes: number;
  /** Canary: the share of traffic the canary holds. */
  canaryPercent: number;
  /** Canary: seconds the workflow bakes (with synthetic traffic) before its gate; the canary's tasks start meanwhile. */
  canaryGateBakeSeconds: number;
}

/** Seconds a gated step bakes; the gate's window (5m) covers it. */
const BAKE_SECONDS = 300;
/**
 * ECS canary: update-service returns before the canary's tasks run, so the
 * bake is longer than the window, and still ends well inside the canary's
 * time at 10 % (ECS_BAKE.canaryMinutes) for the gate to judge it there.
 */
const ECS_CANARY_BAKE_SECONDS = 420;
/** The first canary step's share of traffic (ECS: its only one). */
const CANARY_PERCENT = 10;

const ECS_BAKE: EcsBake = { minutes: 5, canaryMinutes: 10, canaryPercent: CANARY_PERCENT, canaryGateBakeSeconds: ECS_CANARY_BAKE_SECONDS };

/**
 * Blue/green on ECS checks the new revision while ECS bakes it with the old
 * one still running (a failed check stops the deployment with ROLLBACK:
 * traffic moves back at once). With a gate, the bake covers the smoke test,
 * the gated bake (BAKE_SECONDS) and the gate's queries, with room to spare.
 */
function ecsBakeOf(strategy: Answers['strategy'], gated: boolean): EcsBake {
  return strategy === 'blue-green' && gated ? { ...ECS_BAKE, minutes: 10 } : ECS_BAKE;
}

/** ECS deployment configuration per strategy: ECS itself shifts traffic, bakes and rolls back. */
function ecsDeploymentConfiguration(strategy: Answers['strategy'], bake: EcsBake): string {
  const breaker = { deploymentCircuitBreaker: { enable: true, rollback: true } };
  switch (strategy) {
    case 'rolling':
      return JSON.stringify({ strategy: 'ROLLING', minimumHealthyPercent: 100, maximumPercent: 200, ...breaker });
    case 'blue-green':
      return JSON.stringify({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: bake.minutes, ...breaker });
    case 'canary':
      return JSON.stringify({
        strategy: 'CANARY',
        bakeTimeInMinutes: bake.minutes,
        canaryConfiguration: { canaryPercent: bake.canaryPercent, canaryBakeTimeInMinutes: bake.canaryMinutes },
        ...breaker,
      });
  }
}

/**
 * Requests per second that give the new revision twice `minRequests` in the
 * gate's window: on all traffic, and on the canary's share, of which ECS's
 * canary may serve only half the window (its tasks start during the bake).
 */
function syntheticRps(minRequests: number, windowSeconds: number, canaryPercent: number): { full: number; canary: number } {
  const rps = (share: number) => Math.ceil((2 * minRequests) / (share * windowSeconds));
  return { full: rps(1), canary: rps((canaryPercent / 100) * 0.5) };
}

function gateOf(answers: Answers, gate: MetricGate | null): PipelineGate | null {
  if (!gate) return null;
  let auth: PipelineGate['auth'] = 'basic';
  let url = '${{ vars.PROMETHEUS_URL }}/api/v1/query';
  if (answers.monitoring === 'managed-prometheus') {
    if (answers.cloud === 'aws') {
      auth = 'aws-sigv4';
      url = `https://aps-workspaces.${answers.region}.amazonaws.com/workspaces/\${{ vars.AMP_WORKSPACE_ID }}/api/v1/query`;
    } else if (answers.cloud === 'gcp') {
      auth = 'google';
      url = 'https://monitoring.googleapis.com/v1/projects/${{ vars.GCP_PROJECT_ID }}/location/global/prometheus/api/v1/query';
    } else {
      auth = 'azure';
      url = '${{ vars.AZURE_PROMETHEUS_QUERY_ENDPOINT }}/api/v1/query';
    }
  }
  return {
    auth,
    env: [
      { key: 'PROM_QUERY_URL', value: url },
      { key: 'PROM_AUTH', value: auth },
      ...(auth === 'basic'
        ? [
            { key: 'PROM_USER', value: `\${{ vars.${PROMETHEUS_QUERY_USER} }}` },
            { key: 'PROM_PASSWORD', value: `\${{ secrets.${PROMETHEUS_QUERY_PASSWORD} }}` },
          ]
        : []),
      { key: 'ERROR_QUERY', value: gate.errorRatioQuery },
      { key: 'LATENCY_QUERY', value: gate.latencyP99Query },
      { key: 'COUNT_QUERY', value: gate.requestCountQuery },
      { key: 'MAX_ERROR_RATIO', value: String(gate.maxErrorRatio) },
      { key: 'MAX_LATENCY_SECONDS', value: String(gate.maxLatencySeconds) },
      { key: 'MIN_REQUESTS', value: String(gate.minRequests) },
    ],
  };
}

/** Answers + RepoFacts -> what the pipeline templates read. Pure. */
/** `monitoring`: the monitoring layer's values when the caller has them already (its metric gate is the pipeline's). */
export function buildPipelineStack(
  answers: Answers,
  facts: RepoFacts,
  generated: ReadonlySet<string> = new Set(),
  monitoring: MonitoringStack = buildMonitoringStack(answers, facts, generated),
): PipelineStack {
  const dir = answers.serviceDir === '.' ? '.' : answers.serviceDir.replace(/\/+$/, '');
  const dirPrefix = dir === '.' ? '' : `${dir}/`;
  const repo = buildRepo(facts.git);
  const names = buildNames(answers, repo.slug);
  const variables = pipelineVariables(answers);
  const vars = Object.fromEntries(variables.map((x) => [x.name, `vars.${x.name}`]));
  const envs = answers.environments;
  const environments = envs.map((name, i): PipelineEnvironment => {
    const n = names.perEnv[name]!;
    const prev = i === 0 ? null : envs[i - 1]!;
    return {
      name,
      deployJob: `deploy-${name}`,
      testJob: `test-${name}`,
      needs: prev === null ? ['ci'] : ['ci', `test-${prev}`],
      previous: prev,
      urlExpr: `needs.deploy-${name}.outputs.url`,
      isProduction: i === envs.length - 1,
      isLast: i === envs.length - 1,
      service: n.service,
      cluster: answers.cloud === 'azure' ? n.resourceGroup : n.cluster,
      logGroup: n.logGroup,
      resourceGroup: n.resourceGroup,
      concurrencyGroup: n.releaseLock,
    };
  });
  const lang = languagePipeline(answers, facts, dirPrefix);
  const tests = lang.test === null ? null : testCommand(answers, facts, lang.test, dirPrefix);
  const builds = workspaceBuildSteps(facts);
  const ecsBake = ecsBakeOf(answers.strategy, monitoring.gate !== null);
  const ecsDeploy = ecsDeploymentConfiguration(answers.strategy, ecsBake);
  const ecsRollback = ecsRollbackConfiguration(answers.strategy);
  const files = workflowFiles(facts.existing.workflows, generated);
  const dependabot = dependabotOf(answers, facts, dir, generated);
  const ciJobs: CiJob[] = [
    { id: 'lint', name: 'Lint', needs: null, timeout: 15, checkout: true, setup: true, steps: [...builds, ...lang.lint], report: null, trivy: false },
    testJob(tests, ADD_TESTS[answers.language], builds),
    { id: 'audit', name: 'Security / dependency audit', needs: 'test', timeout: 15, checkout: true, setup: lang.audit.length > 0, steps: lang.audit, report: null, trivy: true },
  ];
  return {
    rerunGuard: rerunGuard({ workflowFile: files.deploy, label: 'Deploy', harm: 'a re-run of this one would deploy older code over it', instead: 'go back with the Rollback workflow' }),
    uses: buildUses(),
    trivyVersion: TRIVY_VERSION,
    files,
    lang,
    ciJobs,
    testReport: tests?.report ?? null,
    missingTests: tests === null ? ADD_TESTS[answers.language] : null,
    goVersion: answers.language === 'go' ? imageGoVersion(facts) : null,
    image: { cacheScope: answers.serviceName },
    registry: registryOf(answers, names),
    revisionPattern:
      answers.cloud === 'aws' ? '^(arn:aws:ecs:[a-z0-9-]+:[0-9]{12}:task-definition/)?[A-Za-z0-9_-]{1,255}:[0-9]{1,6}$' : '^[a-z][a-z0-9-]{0,62}$',
    concurrencyPrefix: names.releaseLockPrefix,
    variables,
    vars,
    environments,
    productionEnvironment: envs[envs.length - 1]!,
    canarySteps: [CANARY_PERCENT, 50, 100],
    bakeSeconds: BAKE_SECONDS,
    ...dependabot,
    scriptsDir: '.github/scripts',
    deployScript: `deploy-${answers.runtime}.sh`,
    trafficSplit: answers.cloud !== 'aws',
    canaryShifts: answers.strategy === 'canary' && answers.cloud !== 'aws' ? [CANARY_PERCENT, 50] : [],
    ecsDeploymentConfiguration: ecsDeploy,
    ecsRollbackConfiguration: ecsRollback,
    ecsRedeployConfiguration: JSON.stringify({ ...(JSON.parse(ecsDeploy) as object), ...(JSON.parse(ecsRollback) as object) }),
    ecsBake,
    container: appContainerName(answers),
    gate: gateOf(answers, monitoring.gate),
    postSwitchGate: monitoring.gate !== null && answers.strategy !== 'canary',
    syntheticRps: monitoring.gate ? syntheticRps(monitoring.gate.minRequests, BAKE_SECONDS, CANARY_PERCENT) : null,
    // ECS: a rollout may wait 30 minutes and its rollback 30 more.
    deployTimeoutMinutes: monitoring.gate || answers.cloud === 'aws' ? 75 : 60,
    gcloudVersion: '568.0.0',
    attested: "github.event.repository.visibility == 'public' || vars.ATTESTATIONS == 'true'",
    codeScanning: "github.event.repository.visibility == 'public' || vars.CODE_SCANNING == 'true'",
    attestationSigner: `.github/workflows/${files.build}`,
    attestationIdentity: `\${GITHUB_SERVER_URL}/\${GITHUB_REPOSITORY}/.github/workflows/${files.build}@refs/heads/${repo.defaultBranch}`,
    smokeHealthPath: answers.cloud === 'gcp' && answers.healthPath.endsWith('z') ? '' : answers.healthPath,
    deployPaths: deployPaths(dir, facts, files),
  };
}

const DEPENDABOT_PATH = '.github/dependabot.yml';
/** The IaC roots Dependabot updates: dependabot.yml.hbs writes them, and dependabotUpdates lists them. */
const IAC_DEPENDABOT_DIRS = ['/infra/bootstrap', '/infra/envs/*', '/infra/modules/*'] as const;

type DependabotFields = Pick<
  PipelineStack,
  'dependabotEcosystem' | 'iacDependabotEcosystem' | 'iacDependabotDirs' | 'dependabotDir' | 'dependabotManifestDir' | 'dependabotUpdates' | 'userDependabot'
>;

/** What the generated dependabot.yml updates where, and whether the user's own one stands in for it. */
function dependabotOf(answers: Answers, facts: RepoFacts, dir: string, generated: ReadonlySet<string>): DependabotFields {
  const ecosystem = dependabotEcosystem(answers, facts);
  const iac = answers.iac === 'none' ? null : answers.iac;
  const dockerDir = dependabotPath(dir);
  const manifestDir = dependabotPath(facts.java?.project ? resolveContext(dir, buildRootOf(facts)).contextDir : dir);
  return {
    dependabotEcosystem: ecosystem,
    iacDependabotEcosystem: iac,
    iacDependabotDirs: IAC_DEPENDABOT_DIRS,
    dependabotDir: dockerDir,
    dependabotManifestDir: manifestDir,
    dependabotUpdates: [
      { ecosystem: 'github-actions', directories: ['/'] },
      { ecosystem: 'docker', directories: [dockerDir] },
      { ecosystem, directories: [manifestDir] },
      ...(iac === null ? [] : [{ ecosystem: iac, directories: [...IAC_DEPENDABOT_DIRS] }]),
    ],
    // Theirs is kept (like their Dockerfile); the one we generated earlier stays ours.
    userDependabot: generated.has(DEPENDABOT_PATH) ? null : (facts.existing.dependabot[0] ?? null),
  };
}

/** A repository folder as Dependabot's `directory` writes it: '/' or '/services/api'. */
function dependabotPath(dir: string): string {
  return dir === '.' ? '/' : `/${dir}`;
}

/** See PipelineStack.deployPaths: the service's folder, and the pipeline that builds and deploys it. */
function deployPaths(dir: string, facts: RepoFacts, files: WorkflowFiles): string[] | null {
  if (dir === '.' || resolveContext(dir, buildRootOf(facts)).contextDir !== dir) return null;
  const workflows = [files.deploy, files.ci, files.build].map((f) => `${WORKFLOW_DIR}/${f}`);
  return [`${dir}/**`, ...workflows, '.github/scripts/**'];
}
