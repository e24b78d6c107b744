import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { renderStack } from '../../src/render/plop-bridge.js';
import type { Tree } from '../../src/plan/tree.js';
import { buildStack } from '../../src/stack/build-stack.js';
import { infraStack } from './infra-fixtures.js';
import { pipelineAnswers, pipelineFacts } from './pipeline-fixtures.js';

// What the generated docs and runbooks tell the reader to run: the names,
// commands and settings must be the ones this stack actually has.

const content = (tree: Tree, path: string): string => {
  const file = tree.read(path);
  if (!file) throw new Error(`${path} not rendered`);
  return file.content;
};

/** The text from `from` up to `to` (both headings or list markers of the rendered doc). */
const section = (text: string, from: string, to: string): string => text.slice(text.indexOf(from), text.indexOf(to));

const expectAll = (text: string, parts: string[]): void => {
  for (const part of parts) expect(text).toContain(part);
};

describe('workflow names taken by the repository', () => {
  const taken = ['.github/workflows/ci.yml', '.github/workflows/deploy.yml', '.github/workflows/rollback.yml'];

  it.each(['aws', 'gcp', 'azure'] as const)('%s: the runbooks and monitoring.md name the devops-stack-* workflows the pipeline wrote', async (cloud) => {
    const tree = await renderStack(buildStack(pipelineAnswers({ language: 'node', cloud }), pipelineFacts('npm', taken)), 'stack');
    for (const name of ['ci', 'deploy', 'rollback']) expect(tree.read(`.github/workflows/devops-stack-${name}.yml`), name).toBeDefined();
    const runbooks = tree.paths().filter((p) => p.startsWith('docs/runbooks/'));
    expect(runbooks.length).toBeGreaterThan(0);
    const text = runbooks.map((p) => content(tree, p)).join('\n');
    expect(text).toContain('gh workflow run devops-stack-rollback.yml -f environment=production');
    expect(text).toContain('gh run list --workflow devops-stack-deploy.yml --limit 5');
    // The user's own workflows are never the ones the runbooks send an on-call engineer to.
    expect(text).not.toMatch(/gh workflow run rollback\.yml|--workflow deploy\.yml/);
    const monitoring = content(tree, 'docs/deploy/monitoring.md');
    expect(monitoring).toContain('job `monitoring` of `.github/workflows/devops-stack-ci.yml`');
    expect(monitoring).not.toContain('.github/workflows/ci.yml');
  });

  it('with the names free, the runbooks name ci.yml, deploy.yml and rollback.yml', async () => {
    const tree = await renderStack(buildStack(pipelineAnswers({ language: 'node', cloud: 'aws' }), pipelineFacts('npm')), 'stack');
    const text = content(tree, 'docs/runbooks/HighErrorRatio.md');
    expect(text).toContain('gh workflow run rollback.yml -f environment=production');
    expect(text).toContain('gh run list --workflow deploy.yml --limit 5');
    expect(content(tree, 'docs/deploy/monitoring.md')).toContain('`.github/workflows/ci.yml`');
  });
});

describe("DEPLOY.md with the repository's own Dockerfile", () => {
  it('names it as yours and the context the pipeline builds it with, not a generated image or a .dockerignore that was not written', async () => {
    const facts = pipelineFacts('npm');
    facts.existing.dockerfile = ['Dockerfile'];
    const tree = await renderStack(buildStack(pipelineAnswers({ language: 'node', cloud: 'aws' }), facts), 'stack');
    expect(tree.read('.dockerignore')).toBeUndefined();
    const row = content(tree, 'DEPLOY.md').split('\n').find((l) => l.startsWith('| container image |'));
    expect(row).toContain('`Dockerfile` (yours)');
    expect(row).toContain('builds it with context `.`');
    expect(row).not.toMatch(/multi-stage|non-root|\.dockerignore/);
  });

  it('a generated Dockerfile is described with its .dockerignore', async () => {
    const tree = await renderStack(buildStack(pipelineAnswers({ language: 'node', cloud: 'aws' }), pipelineFacts('npm')), 'stack');
    const row = content(tree, 'DEPLOY.md').split('\n').find((l) => l.startsWith('| container image |'));
    expect(row).toContain('`Dockerfile`, `.dockerignore` | multi-stage');
  });
});

describe('DEPLOY.md and pipeline.md: GitHub settings the stack relies on', () => {
  it.each(['terraform', 'none'] as const)('iac %s: step 2 names the plans environments and reviewers need, and the upgrade token', async (iac) => {
    const tree = await renderStack(buildStack(pipelineAnswers({ language: 'go', cloud: 'gcp', iac }), pipelineFacts('go')), 'stack');
    expectAll(section(content(tree, 'DEPLOY.md'), '2. **GitHub settings.**', '3. **'), [
      'GitHub Pro, Team or Enterprise',
      'required reviewers there need GitHub Enterprise',
      '`DEVOPS_STACK_UPGRADE_TOKEN`',
      'Allow GitHub Actions\n   to create and approve pull requests',
    ]);
    expectAll(section(content(tree, 'docs/deploy/pipeline.md'), '## GitHub environments to create', '## Variables to set'), [
      '**Which GitHub plan.**',
      '*Required reviewers* and *Prevent self-review* in a private or\ninternal repository need GitHub Enterprise',
      `\`production\` deploys${iac === 'none' ? '' : ' and applies'} without anyone's approval`,
    ]);
  });

  it("pipeline.md says exactly what the upgrade workflow's fallback GITHUB_TOKEN cannot do", async () => {
    const tree = await renderStack(buildStack(pipelineAnswers({ language: 'node', cloud: 'aws' }), pipelineFacts('npm')), 'pipeline');
    expectAll(section(content(tree, 'docs/deploy/pipeline.md'), '- **Token**', '- To upgrade by hand'), [
      '`GITHUB_TOKEN`',
      'GitHub refuses the push when the upgrade changes a file in\n  `.github/workflows/`',
      'Allow GitHub Actions to create and approve pull requests* is ticked, which is\n  off by default',
      'starts no workflow',
    ]);
  });

  it('without a GitHub remote, step 0 lists what the placeholder reaches in this stack only', async () => {
    const bare = buildStack(pipelineAnswers({ language: 'node', cloud: 'aws', iac: 'none', monitoring: 'none' }), { ...pipelineFacts('npm'), git: { remote: null, owner: null, repo: null, defaultBranch: null } });
    const step0 = content(await renderStack(bare, 'stack'), 'DEPLOY.md');
    expect(step0).toContain('it uses the placeholder `OWNER/REPO` for the repository, in: the OIDC subjects docs/deploy/pipeline.md tells you to trust.');
    expect(step0).not.toMatch(/runbook links|state bucket|registry's/);
    const known = content(await renderStack(buildStack(pipelineAnswers({ language: 'node', cloud: 'aws' }), pipelineFacts('npm')), 'stack'), 'DEPLOY.md');
    expect(known).not.toContain('Add the GitHub remote first');
  });
});

/** Rows of the markdown table that follows `heading` in `doc`: the cells of each row, without the header. */
function tableAfter(doc: string, heading: string): string[][] {
  const lines = doc.slice(doc.indexOf(heading) + heading.length).split('\n');
  const start = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line.slice(1, -1).split(' | ').map((c) => c.trim()));
  }
  return rows;
}

describe('infra.md: the GitHub variables', () => {
  it.each(['aws', 'gcp', 'azure'] as const)('%s: the infra workflow table lists exactly the vars.* infra.yml reads', async (cloud) => {
    const tree = await renderStack(infraStack(cloud, 'terraform', 'rolling', 'managed-prometheus'), 'infra');
    const read = new Set([...content(tree, '.github/workflows/infra.yml').matchAll(/\bvars\.([A-Z0-9_]+)/g)].map((m) => m[1]!));
    const documented = tableAfter(content(tree, 'docs/deploy/infra.md'), 'Used by the infra workflow:').map((row) => row[0]!.replace(/`/g, ''));
    expect(documented.slice().sort()).toEqual([...read].sort());
  });

  it.each(['aws', 'gcp', 'azure'] as const)('%s: a variable the bootstrap outputs is never "set by hand"', async (cloud) => {
    const tree = await renderStack(infraStack(cloud, 'opentofu', 'rolling', 'managed-prometheus'), 'infra');
    // The bootstrap's outputs say which GitHub variable they feed.
    const fed = [...content(tree, 'infra/bootstrap/outputs.tf').matchAll(/^output "([a-z0-9_]+)" \{\n\s+description = "GitHub variable ([A-Z0-9_]+)/gm)].map((m) => ({ output: m[1]!, name: m[2]! }));
    expect(fed.length).toBeGreaterThan(2);
    const doc = content(tree, 'docs/deploy/infra.md');
    const rows = [...tableAfter(doc, 'Used by the infra workflow:'), ...tableAfter(doc, 'Used by the build and deploy workflows:')];
    for (const { output, name } of fed) {
      const documented = rows.filter((row) => row[0] === `\`${name}\``);
      expect(documented.length, name).toBeGreaterThan(0);
      for (const row of documented) expect(row[2], name).toMatch(new RegExp(`\`${output}\``));
    }
  });
});

describe('infra.md: the one-time bootstrap', () => {
  it('GCP: enables Secret Manager and creates Application Default Credentials before the first init', async () => {
    const doc = content(await renderStack(infraStack('gcp', 'terraform', 'rolling', 'prometheus'), 'infra'), 'docs/deploy/infra.md');
    const bootstrap = section(doc, '## One-time bootstrap', '## Provider lock files');
    expect(bootstrap).toContain('secretmanager.googleapis.com');
    expect(bootstrap).toContain('and the metrics remote-write password');
    expect(bootstrap.indexOf('gcloud auth application-default login')).toBeGreaterThan(-1);
    expect(bootstrap.indexOf('gcloud auth application-default login')).toBeLessThan(bootstrap.indexOf('terraform init'));
  });

  it('Azure: waits for the state role assignment to propagate before moving the state, and retries on 403', async () => {
    const doc = content(await renderStack(infraStack('azure', 'terraform', 'rolling', 'prometheus'), 'infra'), 'docs/deploy/infra.md');
    const step3 = section(doc, '3. Move the bootstrap', 'Still as administrator');
    expect(step3).toContain('wait a few\n   minutes before this `init`');
    expect(step3).toContain('if it answers 403');
  });
});

describe('runbooks: where the queries run', () => {
  /** The label after each query's title: the line before a promql block, "<title> (<where>):". */
  const queryLabels = (tree: Tree) => [...content(tree, 'docs/runbooks/HighErrorRatio.md').matchAll(/^.+ \(([^()]+)\):\n\n```promql/gm)].map((m) => m[1]!);

  it.each([
    ['aws', 'Amazon Managed Grafana with the workspace as data source, or awscurl as shown above'],
    ['gcp', 'Cloud Monitoring → Metrics explorer, PromQL'],
    ['azure', 'the Azure Monitor workspace → Prometheus explorer'],
  ] as const)('%s managed Prometheus: each query names the cloud\'s own console, never a Prometheus UI that does not exist', async (cloud, where) => {
    const tree = await renderStack(infraStack(cloud, 'terraform', 'rolling', 'managed-prometheus'), 'monitoring');
    const labels = queryLabels(tree);
    expect(labels.length).toBeGreaterThan(1);
    expect(new Set(labels)).toEqual(new Set([where]));
    const runbook = content(tree, 'docs/runbooks/HighErrorRatio.md');
    if (cloud === 'aws') {
      // SigV4-signed, to the workspace's query API in the stack's region, the query URL-encoded (awscurl has no --data-urlencode).
      expect(runbook).toContain('awscurl -X POST --region eu-west-1 --service aps \\\n  "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/$AMP_WORKSPACE_ID/api/v1/query"');
      expect(runbook).toContain(`-d "query=$(jq -rn --arg q "$query" '$q|@uri')"`);
    } else {
      expect(runbook).not.toContain('awscurl');
    }
  });

  it('self-hosted Prometheus: Prometheus or Grafana Explore', async () => {
    const tree = await renderStack(infraStack('gcp', 'terraform', 'rolling', 'prometheus'), 'monitoring');
    expect(new Set(queryLabels(tree))).toEqual(new Set(['Prometheus or Grafana Explore']));
  });
});

describe('without IaC: what the user creates is named as the runbooks expect', () => {
  it('AWS: pipeline.md names the task family, log group and the sidecar\'s stream prefix the runbook commands use', async () => {
    const tree = await renderStack(infraStack('aws', 'none', 'rolling', 'prometheus'), 'stack');
    const pipeline = content(tree, 'docs/deploy/pipeline.md');
    expectAll(pipeline, [
      'its family named like the service (`orders-api-staging`, `orders-api-production`)',
      'to the log group `/ecs/orders-api-staging`, `/ecs/orders-api-production`',
      'the sidecar with the stream prefix `otel-collector`',
    ]);
    const targetDown = content(tree, 'docs/runbooks/TargetDown.md');
    expectAll(targetDown, ['aws logs tail /ecs/orders-api-production --since 30m', '--log-stream-name-prefix otel-collector']);
    expect(content(tree, 'docs/runbooks/HighErrorRatio.md')).toContain('--task-definition orders-api-production:<previous-revision>');
  });

  it('monitoring.md: the env label is the user\'s to set, to the GitHub environment\'s name', async () => {
    const none = content(await renderStack(infraStack('aws', 'none', 'rolling', 'prometheus'), 'monitoring'), 'docs/deploy/monitoring.md');
    expect(none).not.toContain('set by the IaC');
    expectAll(none, ['which you set on the sidecar: there is no IaC here', '`ServiceDown` watches `env="production"` only', 'Alertmanager pages the on-call engineer only for alerts from it']);
    const iac = content(await renderStack(infraStack('aws', 'terraform', 'rolling', 'prometheus'), 'monitoring'), 'docs/deploy/monitoring.md');
    expect(iac).toContain('`DEPLOY_ENV`, set by the IaC');
  });
});

describe('comments in generated files', () => {
  it('the managed alert manager\'s routing does not point at a file managed mode never writes, and says how its pages differ', async () => {
    const tree = await renderStack(infraStack('aws', 'terraform', 'rolling', 'managed-prometheus'), 'stack');
    expect(tree.has('monitoring/alertmanager/alertmanager.yml')).toBe(false);
    const module = content(tree, 'infra/modules/monitoring/main.tf');
    expect(module).not.toContain('monitoring/alertmanager/alertmanager.yml');
    expect(module).toContain("subscribe\n  # a pager to production's only");
  });

  it('Container Apps: the revision suffix comment matches the SUFFIX the workflows pass', async () => {
    const tree = await renderStack(infraStack('azure', 'terraform', 'rolling', 'prometheus'), 'pipeline');
    expect(content(tree, '.github/scripts/deploy-container-apps.sh')).toContain('(suffix = SUFFIX: r<run number>-<run attempt> from a deploy, rb<...> from');
    expect(content(tree, '.github/workflows/deploy.yml')).toContain('SUFFIX: r${{ github.run_number }}-${{ github.run_attempt }}');
    expect(content(tree, '.github/workflows/rollback.yml')).toContain('SUFFIX: rb${{ github.run_number }}-${{ github.run_attempt }}');
  });
});

describe("monitoring.md: the Micrometer setup of the app's own JVM framework", () => {
  const monitoringDoc = async (framework: string, metricsLibrary: string | null) => {
    const facts = { ...pipelineFacts('maven'), framework, metricsLibrary };
    const java = { ...facts.java!, springBoot: framework === 'spring-boot', metricsPath: { micronaut: '/prometheus', quarkus: '/q/metrics' }[framework] ?? '/actuator/prometheus' };
    return content(await renderStack(buildStack(pipelineAnswers({ language: 'java', cloud: 'aws' }), { ...facts, java }), 'monitoring'), 'docs/deploy/monitoring.md');
  };
  /** The code block that mentions `marker`. */
  const codeBlock = (text: string, marker: string) => [...text.matchAll(/```\w+\n([\s\S]*?)```/g)].map((m) => m[1]!).find((b) => b.includes(marker)) ?? '';

  it('Micronaut: its registry, /prometheus not sensitive, and its server histogram, as valid YAML', async () => {
    const doc = await monitoringDoc('micronaut', null);
    expectAll(doc, ['micronaut-micrometer-registry-prometheus', 'MICRONAUT_METRICS_BINDERS_WEB_SERVER_HISTOGRAM', '(`/prometheus`)']);
    expect(doc).not.toContain('management.endpoints.web.exposure.include');
    expect(parseYaml(codeBlock(doc, 'micronaut-micrometer-registry-prometheus'))).toEqual({ endpoints: { prometheus: { sensitive: false } }, micronaut: { metrics: { enabled: true, binders: { web: { server: { histogram: true, slos: '0.5' } } } } } });
  });

  it('Quarkus: its extension and the MeterFilter its histogram needs, also once the registry is there', async () => {
    for (const library of [null, 'micrometer-prometheus']) {
      const doc = await monitoringDoc('quarkus', library);
      expect(doc).toContain('.serviceLevelObjectives(Duration.ofMillis(500).toNanos())');
      expect(doc).not.toContain('management.metrics.distribution');
    }
    expect(await monitoringDoc('quarkus', null)).toContain('quarkus-micrometer-registry-prometheus');
  });

  it("Spring Boot: actuator's exposure and histogram properties", async () => {
    const doc = await monitoringDoc('spring-boot', null);
    expectAll(doc, ['management.endpoints.web.exposure.include=health,prometheus', 'MANAGEMENT_METRICS_DISTRIBUTION_SLO_HTTP_SERVER_REQUESTS']);
    expect(doc).not.toContain('MeterFilter');
  });
});

describe('pipeline.md: Django answers health checks sent to the container address', () => {
  const DJANGO_PYTHON = '/usr/bin/python3';
  const hasDjango = spawnSync(DJANGO_PYTHON, ['-c', 'import django'], { encoding: 'utf8' }).status === 0;
  const djangoDoc = async (django: boolean) => {
    const facts = { ...pipelineFacts('pip'), framework: django ? 'django' : 'fastapi' };
    const answers = pipelineAnswers({ language: 'python', cloud: 'aws', healthPath: '/healthz/', readinessPath: '/readyz/' });
    return content(await renderStack(buildStack(answers, facts), 'pipeline'), 'docs/deploy/pipeline.md');
  };

  it('only for a Django app', async () => {
    expect(await djangoDoc(true)).toContain('## Django and the health checks');
    expect(await djangoDoc(false)).not.toContain('Django');
  });

  // Django from Debian's python3-django (.ci/run installs it), under Debian's own Python.
  it.skipIf(!hasDjango)('the middleware it shows answers the health paths whatever the Host, and leaves the Host check to Django for the rest', async () => {
    const doc = await djangoDoc(true);
    const snippet = /```python\n([\s\S]*?)```/.exec(doc.slice(doc.indexOf('## Django and the health checks')))![1]!;
    const dir = mkdtempSync(join(tmpdir(), 'django-health-'));
    try {
      writeFileSync(join(dir, 'health.py'), snippet);
      writeFileSync(join(dir, 'urls.py'), 'from django.http import HttpResponse\nfrom django.urls import path\nurlpatterns = [path("", lambda r: HttpResponse("home"))]\n');
      const script = `
import django
from django.conf import settings
settings.configure(DEBUG=False, SECRET_KEY="test", ALLOWED_HOSTS=["shop.example.com"], ROOT_URLCONF="urls", SECURE_SSL_REDIRECT=True,
    MIDDLEWARE=["health.HealthCheckMiddleware", "django.middleware.security.SecurityMiddleware", "django.middleware.common.CommonMiddleware"])
django.setup()
from django.test import Client
c = Client()
for path, host, https in [("/healthz/", "10.0.1.23:8000", False), ("/readyz/", "localhost:8000", False), ("/", "10.0.1.23:8000", True), ("/", "shop.example.com", True), ("/", "shop.example.com", False)]:
    print(path, host, c.get(path, HTTP_HOST=host, secure=https).status_code)
`;
      const r = spawnSync(DJANGO_PYTHON, ['-c', script], { cwd: dir, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', PYTHONPATH: dir } });
      expect(r.status, r.stderr).toBe(0);
      // Health paths answer over plain HTTP from any Host; the rest keeps Django's host check and HTTPS redirect.
      expect(r.stdout.trim().split('\n')).toEqual(['/healthz/ 10.0.1.23:8000 200', '/readyz/ localhost:8000 200', '/ 10.0.1.23:8000 400', '/ shop.example.com 200', '/ shop.example.com 301']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
