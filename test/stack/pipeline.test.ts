import { describe, expect, it } from 'vitest';
import { buildPipelineStack, pipelineVariables } from '../../src/stack/pipeline.js';
import { keptWorkflowNotes, workflowFiles } from '../../src/stack/workflow-files.js';
import type { PythonFacts } from '../../src/detect/types.js';
import { ACTION_PINS, buildUses } from '../../src/stack/pins.js';
import { noTestsFacts, pipelineAnswers, pipelineFacts, workspaceMemberFacts } from '../render/pipeline-fixtures.js';

describe('action pins', () => {
  it('are full SHAs with an exact version', () => {
    for (const pin of Object.values(ACTION_PINS)) {
      expect(pin.sha).toMatch(/^[0-9a-f]{40}$/);
      expect(pin.version).toMatch(/^v\d+\.\d+\.\d+$/);
    }
  });

  it('are written as owner/repo@sha # version', () => {
    expect(buildUses().checkout).toBe('actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1');
    expect(buildUses().codeqlInit).toMatch(/^github\/codeql-action\/init@8aad20d1/);
  });
});

describe('workflowFiles', () => {
  it('uses the plain names when they are free', () => {
    expect(workflowFiles([])).toEqual({ ci: 'ci.yml', deploy: 'deploy.yml', rollback: 'rollback.yml', build: '_build.yml' });
  });

  it("never takes a name the user's workflows already use (.yml or .yaml)", () => {
    const files = workflowFiles(['.github/workflows/ci.yml', '.github/workflows/deploy.yaml']);
    expect(files.ci).toBe('devops-stack-ci.yml');
    expect(files.deploy).toBe('devops-stack-deploy.yml');
    expect(files.rollback).toBe('rollback.yml');
  });

  it("says which of the user's workflows are kept and the name ours is written under beside each", () => {
    const existing = ['.github/workflows/CI.yml', '.github/workflows/deploy.yaml', '.github/workflows/lint.yml'];
    const notes = keptWorkflowNotes(existing, Object.values(workflowFiles(existing)));
    expect(notes).toHaveLength(2);
    expect(notes[0]).toMatch(/^keeping your \.github\/workflows\/CI\.yml: the generated workflow is \.github\/workflows\/devops-stack-ci\.yml/);
    expect(notes[1]).toMatch(/^keeping your \.github\/workflows\/deploy\.yaml: the generated workflow is \.github\/workflows\/devops-stack-deploy\.yml/);
    expect(keptWorkflowNotes(['.github/workflows/lint.yml'], Object.values(workflowFiles(['.github/workflows/lint.yml'])))).toEqual([]);
  });

  it('says nothing once the user removed the workflow an earlier run wrote ours beside', () => {
    const generated = new Set(['.github/workflows/devops-stack-ci.yml']);
    expect(keptWorkflowNotes(['.github/workflows/devops-stack-ci.yml'], Object.values(workflowFiles(['.github/workflows/devops-stack-ci.yml'], generated)))).toEqual([]);
  });
});

describe('buildPipelineStack', () => {
  it('uses the detected package manager, version file and lockfile', () => {
    const p = buildPipelineStack(pipelineAnswers({ language: 'node', cloud: 'aws' }), pipelineFacts('pnpm'));
    // engines.node is a range: CI runs the version the image does, not the newest in the range.
    expect(p.lang.setupWith).toContainEqual({ key: 'node-version', value: '22' });
    expect(p.lang.setupWith).toContainEqual({ key: 'cache', value: 'pnpm' });
    expect(p.lang.install[0]?.run).toBe('pnpm install --frozen-lockfile');
    expect(p.lang.preSetup.map((s) => s.run)).toEqual(['corepack enable']);
  });

  it("generates Prisma's client after the install, before type checks and tests import it", () => {
    const facts = pipelineFacts('pnpm');
    const prisma = { schema: 'db/schema.prisma', clientInNodeModules: false, buildGenerates: false };
    const install = buildPipelineStack(pipelineAnswers({ language: 'node', cloud: 'aws' }), { ...facts, node: { ...facts.node!, prisma } }).lang.install;
    expect(install.map((s) => s.run)).toEqual(['pnpm install --frozen-lockfile', 'pnpm exec prisma generate --schema db/schema.prisma']);
    expect(buildPipelineStack(pipelineAnswers({ language: 'node', cloud: 'aws' }), facts).lang.install).toHaveLength(1);
  });

  it('installs the test requirements next to the app requirements with pip', () => {
    const facts = pipelineFacts('pip');
    const withDev = { ...facts, python: { ...facts.python!, dependencyFile: 'requirements.txt', devRequirements: 'requirements-dev.txt' } };
    expect(buildPipelineStack(pipelineAnswers({ language: 'python', cloud: 'aws' }), withDev).lang.install[0]?.run)
      .toBe('python -m pip install -r requirements.txt -r requirements-dev.txt');
  });

  it('each package manager installs, lints and audits with commands that exist in its current releases', () => {
    const lang = (pm: Parameters<typeof pipelineFacts>[0], facts = pipelineFacts(pm)) =>
      buildPipelineStack(pipelineAnswers({ language: facts.language!, cloud: 'aws' }), facts).lang;
    // pnpm and yarn 1 call npm's retired audit endpoints (HTTP 410): Trivy's lockfile scan audits them.
    expect(lang('pnpm').audit).toEqual([]);
    expect(lang('yarn').audit).toEqual([]);
    expect(lang('npm').audit.map((s) => s.run)).toEqual(['npm audit --omit=dev --audit-level=high']);
    // bun has no `bun exec` of package binaries.
    expect(lang('bun').lint[0]?.run).toBe('bunx tsc --noEmit');
    // pdm: into a virtualenv of setup-python's Python, every locked group (the tests' too), the lock checked.
    const pdm = lang('pdm');
    expect(pdm.preSetup.map((s) => s.run)).toEqual([expect.stringMatching(/^pipx install pdm==\d/)]);
    expect(pdm.install.map((s) => s.run)).toEqual(['python -m venv .venv', 'pdm install --check']);
    expect(pdm.extraCache).toEqual({ path: '~/.cache/pdm', key: "pdm-${{ runner.os }}-${{ hashFiles('pdm.lock') }}" });
    expect(pdm.audit.map((s) => s.run)).toEqual(['pdm export --prod --no-hashes --output "$RUNNER_TEMP/requirements.txt"', expect.stringMatching(/^python -m pip install pip-audit==/), 'pip-audit --strict -r "$RUNNER_TEMP/requirements.txt"']);
    expect(lang('pdm', { ...pipelineFacts('pdm'), lockfile: null }).install.map((s) => s.run)).toEqual(['python -m venv .venv', 'pdm install']);
    // pipenv: its own install (the tests' packages are dev-packages), never `pip install .`.
    const pipenv = lang('pipenv');
    expect(pipenv.preSetup.map((s) => s.run)).toEqual([expect.stringMatching(/^pipx install pipenv==\d/)]);
    // After the system packages its fixture's psycopg2 and uwsgi build against.
    expect(pipenv.install.map((s) => s.run)).toEqual([expect.stringContaining('sudo apt-get install'), 'pipenv sync --dev']);
    expect(pipenv.setupWith).toContainEqual({ key: 'cache', value: 'pipenv' });
    expect(pipenv.audit.map((s) => s.run).join('\n')).toContain('pipenv requirements > "$RUNNER_TEMP/requirements.txt"');
    // Poetry 2 refuses to install a root package it cannot find: an app skips it.
    expect(lang('poetry').install[0]?.run).toBe('poetry install --no-interaction --no-root');
    const installable = { ...pipelineFacts('poetry'), python: { ...pipelineFacts('poetry').python!, installable: true } };
    expect(lang('poetry', installable).install[0]?.run).toBe('poetry install --no-interaction');
    expect(lang('poetry').audit[0]?.run).toContain('pip-audit --strict --skip-editable');
    // uv: the project is no published package for pip-audit to look up.
    expect(lang('uv').audit[0]?.run).toContain('--no-emit-project');
    // Go: vendor/ is not checked for formatting, nor downloaded again.
    expect(lang('go').lint[0]?.run).toBe("test -z \"$(find . -name '*.go' -not -path './vendor/*' -exec gofmt -l {} +)\"");
    const vendored = { ...pipelineFacts('go'), go: { ...pipelineFacts('go').go!, vendored: true } };
    expect(lang('go', vendored).install).toEqual([]);
  });

  it('pip from a requirements/ folder: the production set with the local one, audited as the image installs it', () => {
    const facts = pipelineFacts('pip');
    const folder = { ...facts, python: { ...facts.python!, dependencyFile: 'requirements/production.txt', devRequirements: 'requirements/local.txt' } };
    const lang = buildPipelineStack(pipelineAnswers({ language: 'python', cloud: 'aws' }), folder).lang;
    expect(lang.install.map((s) => s.run)).toEqual(['python -m pip install -r requirements/production.txt -r requirements/local.txt']);
    expect(lang.setupWith).toContainEqual({ key: 'cache-dependency-path', value: 'requirements/production.txt\nrequirements/local.txt' });
    expect(lang.audit.map((s) => s.run)).toContain('pip-audit --strict -r requirements/production.txt');
  });

  it('pip requirements that install local code: audited without it, as the image installs them first', () => {
    const facts = pipelineFacts('pip');
    const local = { ...facts, python: { ...facts.python!, dependencyFile: 'requirements.txt', localRequirements: ['.'] } };
    const lang = buildPipelineStack(pipelineAnswers({ language: 'python', cloud: 'aws' }), local).lang;
    expect(lang.install.map((s) => s.run)).toEqual(['python -m pip install -r requirements.txt']);
    expect(lang.audit.map((s) => s.run)).toContain("sed -E '/^ *((-e|--editable)[ =]+)?\\./d' requirements.txt > requirements.deps.txt\npip-audit --strict -r requirements.deps.txt");
  });

  it('pip from pyproject.toml: the project editable with its test extra, and an audit that skips it', () => {
    const facts = pipelineFacts('pip');
    const fromPyproject = { ...facts, python: { ...facts.python!, dependencyFile: 'pyproject.toml', testExtra: 'test' } };
    const lang = buildPipelineStack(pipelineAnswers({ language: 'python', cloud: 'aws' }), fromPyproject).lang;
    expect(lang.install[0]?.run).toBe("python -m pip install -e '.[test]'");
    expect(lang.audit.map((s) => s.run)).toContain('pip-audit --strict --skip-editable');
    const noExtra = { ...facts, python: { ...facts.python!, dependencyFile: 'pyproject.toml', testExtra: null } };
    expect(buildPipelineStack(pipelineAnswers({ language: 'python', cloud: 'aws' }), noExtra).lang.install[0]?.run).toBe('python -m pip install -e .');
  });

  it("installs the tests' dependency group or extra with each package manager's own flag", () => {
    const answers = pipelineAnswers({ language: 'python', cloud: 'aws' });
    const install = (pm: 'pip' | 'uv' | 'poetry', python: { testExtra?: string | null; testGroup?: string | null; dependencyFile?: string }) => {
      const facts = pipelineFacts(pm);
      return buildPipelineStack(answers, { ...facts, python: { ...facts.python!, testExtra: null, testGroup: null, ...python } }).lang.install.map((s) => s.run);
    };
    // pip: `--group` needs pip 25.1+, newer than some Pythons bundle.
    expect(install('pip', { dependencyFile: 'pyproject.toml', testGroup: 'test' })).toEqual([expect.stringMatching(/^python -m pip install pip==25\.\d+$/), 'python -m pip install -e . --group test']);
    expect(install('pip', { testGroup: 'dev' })).toEqual([expect.stringMatching(/^python -m pip install pip==/), 'python -m pip install -r requirements.txt --group dev']);
    expect(install('pip', {})).toEqual(['python -m pip install -r requirements.txt']);
    // A requirements-dev.txt is what the tests install: no group besides.
    const devFile = { ...pipelineFacts('pip'), python: { ...pipelineFacts('pip').python!, devRequirements: 'requirements-dev.txt', testGroup: 'dev' } };
    expect(buildPipelineStack(answers, devFile).lang.install.map((s) => s.run)).toEqual(['python -m pip install -r requirements.txt -r requirements-dev.txt']);
    // uv syncs the dev group by default, and no extra.
    expect(install('uv', { testGroup: 'dev' })).toContain('uv sync --locked');
    expect(install('uv', { testGroup: 'test', testExtra: 'dev' })).toContain('uv sync --locked --extra dev --group test');
    // Poetry installs every non-optional group, PEP 735 ones too; an extra only when named.
    expect(install('poetry', { testExtra: 'tests', testGroup: 'test' })).toEqual(['poetry install --no-interaction --no-root --extras tests']);
  });

  it('installs on the runner the Debian packages native dependencies build against, as the image does, before the dependencies', () => {
    const answers = pipelineAnswers({ language: 'python', cloud: 'aws' });
    const install = (nativeDeps: PythonFacts['nativeDeps']) => {
      const facts = pipelineFacts('pip');
      return buildPipelineStack(answers, { ...facts, python: { ...facts.python!, nativeDeps } }).lang.install;
    };
    const [system, deps] = install(['mysqlclient', 'psycopg2']);
    expect(system).toEqual({ name: 'System packages: mysqlclient and psycopg2 build from source', run: 'sudo apt-get update -qq\nsudo apt-get install -y -qq --no-install-recommends default-libmysqlclient-dev gcc libc6-dev libpq-dev pkgconf' });
    expect(deps?.run).toBe('python -m pip install -r requirements.txt');
    // psycopg 3 without [binary] only loads libpq, which the runner has: nothing to install.
    expect(install(['psycopg']).map((s) => s.run)).toEqual(['python -m pip install -r requirements.txt']);
  });

  it('falls back to an explicit version when no version file is known', () => {
    const p = buildPipelineStack(pipelineAnswers({ language: 'node', cloud: 'aws' }), { ...pipelineFacts('yarn'), runtimeVersion: '24' });
    expect(p.lang.setupWith).toContainEqual({ key: 'node-version', value: '24' });
  });

  it('tests on the line the image runs when the declared one is not pinned, even with a version file', () => {
    // Node.js 20 is past end of life: the image runs 22, so CI must too.
    const node = buildPipelineStack(pipelineAnswers({ language: 'node', cloud: 'aws' }), { ...pipelineFacts('npm'), runtimeVersion: '20' });
    expect(node.lang.setupWith[0]).toEqual({ key: 'node-version', value: '22' });
    const python = buildPipelineStack(pipelineAnswers({ language: 'python', cloud: 'aws' }), { ...pipelineFacts('uv'), runtimeVersion: '3.9' });
    expect(python.lang.setupWith).toContainEqual({ key: 'python-version', value: '3.11' });
    // Nothing declared: the default line, which the image runs too.
    const none = buildPipelineStack(pipelineAnswers({ language: 'node', cloud: 'aws' }), { ...pipelineFacts('npm'), runtimeVersion: null, runtimeVersionSource: null });
    expect(none.lang.setupWith[0]).toEqual({ key: 'node-version', value: '24' });
  });

  it('prefixes paths with the service directory', () => {
    const p = buildPipelineStack(pipelineAnswers({ language: 'go', cloud: 'gcp', serviceDir: 'services/api' }), pipelineFacts('go'));
    // The image's Go release (golang:1.26.7-bookworm for `go 1.23`, a minimum), not whatever Go the runner has.
    expect(p.lang.setupWith).toContainEqual({ key: 'go-version', value: '1.26.7' });
    expect(p.goVersion).toBe('1.26.7');
    expect(p.image).toEqual({ cacheScope: 'orders-api' });
    expect(p.dependabotDir).toBe('/services/api');
  });

  it('keys the Go module cache on go.sum, or on go.mod when the module has none', () => {
    const answers = pipelineAnswers({ language: 'go', cloud: 'gcp' });
    expect(buildPipelineStack(answers, pipelineFacts('go')).lang.setupWith).toContainEqual({ key: 'cache-dependency-path', value: 'go.sum' });
    const noSum = { ...pipelineFacts('go'), lockfile: null };
    expect(buildPipelineStack(answers, noSum).lang.setupWith).toContainEqual({ key: 'cache-dependency-path', value: 'go.mod' });
  });

  it('orders environments and chains them through integration tests', () => {
    const p = buildPipelineStack(pipelineAnswers({ language: 'go', cloud: 'aws', environments: ['dev', 'staging', 'prod'] }), pipelineFacts('go'));
    expect(p.environments.map((e) => e.needs)).toEqual([['ci'], ['ci', 'test-dev'], ['ci', 'test-staging']]);
    expect(p.environments.map((e) => e.isProduction)).toEqual([false, false, true]);
    expect(p.productionEnvironment).toBe('prod');
  });

  it('gates canaries on the monitoring PromQL, or not at all with monitoring none', () => {
    const gated = buildPipelineStack(pipelineAnswers({ language: 'go', cloud: 'gcp', strategy: 'canary' }), pipelineFacts('go'));
    expect(gated.canaryShifts).toEqual([10, 50]);
    expect(gated.gate?.env.find((e) => e.key === 'ERROR_QUERY')?.value).toContain('__REVISION__');
    const none = buildPipelineStack(pipelineAnswers({ language: 'go', cloud: 'gcp', strategy: 'canary', monitoring: 'none' }), pipelineFacts('go'));
    expect(none.gate).toBeNull();
  });

  it('uses ECS native strategies on AWS', () => {
    for (const [strategy, native] of [['rolling', 'ROLLING'], ['blue-green', 'BLUE_GREEN'], ['canary', 'CANARY']] as const) {
      const p = buildPipelineStack(pipelineAnswers({ language: 'go', cloud: 'aws', strategy }), pipelineFacts('go'));
      const config = JSON.parse(p.ecsDeploymentConfiguration) as { strategy: string; deploymentCircuitBreaker: unknown };
      expect(config.strategy).toBe(native);
      expect(config.deploymentCircuitBreaker).toEqual({ enable: true, rollback: true });
    }
  });

  it('an app without tests: the Test job only warns, and passes, without checking out or setting up the language', () => {
    for (const [language, pm, add] of [['node', 'npm', 'Add a "test" script to package.json'], ['python', 'pip', 'Add tests (a tests/ folder']] as const) {
      const p = buildPipelineStack(pipelineAnswers({ language, cloud: 'aws' }), noTestsFacts(pm));
      const test = p.ciJobs.find((j) => j.id === 'test')!;
      // Still the job named Test: branch protection may require it.
      expect(test).toMatchObject({ name: 'Test', needs: 'lint', checkout: false, setup: false, report: null });
      // The audit still waits for it.
      expect(p.ciJobs.find((j) => j.id === 'audit')).toMatchObject({ needs: 'test', checkout: true });
      expect(test.steps).toHaveLength(1);
      expect(test.steps[0]!.name).toBe('No tests found');
      expect(test.steps[0]!.run).toMatch(/^echo '::warning::No tests found: CI runs none\. /);
      expect(test.steps[0]!.run).toContain(add);
      expect(test.steps[0]!.run).toContain('then run npx create-devops-stack@latest upgrade and CI runs them.');
      expect(p.missingTests?.startsWith(add)).toBe(true);
      expect(p.testReport).toBeNull();
    }
    // Go and Java test tools pass without tests: theirs run.
    const go = buildPipelineStack(pipelineAnswers({ language: 'go', cloud: 'aws' }), { ...pipelineFacts('go'), testCommand: null });
    expect(go.ciJobs.find((j) => j.id === 'test')!.steps[0]!.run).toContain('go test -json');
    expect(go.missingTests).toBeNull();
    const npm = buildPipelineStack(pipelineAnswers({ language: 'node', cloud: 'aws' }), pipelineFacts('npm'));
    expect(npm.missingTests).toBeNull();
    expect(npm.ciJobs.find((j) => j.id === 'test')).toMatchObject({ checkout: true, setup: true });
  });

  it('a workspace member: lint and test build the workspace packages it imports first, as the image does', () => {
    const p = buildPipelineStack(pipelineAnswers({ language: 'node', cloud: 'aws', serviceDir: 'apps/api' }), workspaceMemberFacts());
    const build = { name: 'Build the workspace packages this service imports', run: '(cd ../../packages/core && pnpm run build)\n(cd ../../packages/shared && pnpm run build)' };
    const job = (id: string) => p.ciJobs.find((j) => j.id === id)!;
    expect(job('lint').steps[0]).toEqual(build);
    expect(job('lint').steps).toHaveLength(1 + p.lang.lint.length);
    expect(job('test').steps.map((s) => s.name)).toEqual([build.name, 'Test']);
    // The audit reads the lockfile only.
    expect(job('audit').steps.map((s) => s.name)).not.toContain(build.name);
    // Outside a workspace nothing is built.
    const single = buildPipelineStack(pipelineAnswers({ language: 'node', cloud: 'aws' }), pipelineFacts('pnpm'));
    expect(single.ciJobs.flatMap((j) => j.steps).map((s) => s.name)).not.toContain(build.name);
  });

  it('maps the ecosystem for dependabot', () => {
    expect(buildPipelineStack(pipelineAnswers({ language: 'python', cloud: 'aws' }), pipelineFacts('uv')).dependabotEcosystem).toBe('uv');
    expect(buildPipelineStack(pipelineAnswers({ language: 'java', cloud: 'aws' }), pipelineFacts('gradle')).dependabotEcosystem).toBe('gradle');
  });

  it('keeps OpenTofu roots with dependabot\'s opentofu ecosystem (its registry, its lock hashes)', () => {
    const ecosystem = (iac: 'terraform' | 'opentofu' | 'none') => buildPipelineStack(pipelineAnswers({ language: 'node', cloud: 'gcp', iac }), pipelineFacts('npm')).iacDependabotEcosystem;
    expect([ecosystem('terraform'), ecosystem('opentofu'), ecosystem('none')]).toEqual(['terraform', 'opentofu', null]);
  });
});

describe('pipelineVariables', () => {
  it('defines OIDC identifiers only, per environment where the identity differs', () => {
    const aws = pipelineVariables({ cloud: 'aws', monitoring: 'managed-prometheus' });
    expect(aws.map((v) => v.name)).toEqual(['AWS_PUSH_ROLE_ARN', 'AWS_DEPLOY_ROLE_ARN', 'AWS_ACCOUNT_ID', 'AMP_WORKSPACE_ID', 'CODE_SCANNING', 'ATTESTATIONS', 'SERVICE_URL', 'BUSINESS_PATH', 'SYNTHETIC_TRAFFIC']);
    expect(aws.find((v) => v.name === 'AWS_DEPLOY_ROLE_ARN')).toMatchObject({ perEnvironment: true, infraOutput: 'github_deploy_role_arn' });
    // The bootstrap outputs the cloud's ids too: nothing the IaC knows is "set by hand".
    expect(aws.find((v) => v.name === 'AWS_ACCOUNT_ID')?.infraOutput).toBe('aws_account_id');
    expect(pipelineVariables({ cloud: 'gcp', monitoring: 'none' }).find((v) => v.name === 'GCP_PROJECT_ID')?.infraOutput).toBe('project_id');
    const azure = pipelineVariables({ cloud: 'azure', monitoring: 'none' });
    expect(azure.filter((v) => v.name === 'AZURE_TENANT_ID' || v.name === 'AZURE_SUBSCRIPTION_ID').map((v) => v.infraOutput)).toEqual(['tenant_id', 'subscription_id']);
    // Without IaC there is no output to read.
    expect(pipelineVariables({ cloud: 'aws', monitoring: 'none', iac: 'none' }).every((v) => v.infraOutput === null && !v.description.includes('infra output'))).toBe(true);
    for (const cloud of ['aws', 'gcp', 'azure'] as const) {
      const names = pipelineVariables({ cloud, monitoring: 'prometheus' }).map((v) => v.name);
      expect(names).toContain('PROMETHEUS_URL');
      // Without monitoring nothing queries metrics: no variable to set for nothing.
      const none = pipelineVariables({ cloud, monitoring: 'none' }).map((v) => v.name);
      expect(none.filter((n) => /PROMETHEUS|AMP_|SYNTHETIC/.test(n))).toEqual([]);
      expect(names.some((n) => /SECRET|ACCESS_KEY|CREDENTIALS/.test(n))).toBe(false);
    }
  });
});
