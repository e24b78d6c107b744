import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLOUDS, LANGUAGES, RUNTIMES_BY_CLOUD, type Answers } from '../../src/answers/options.js';
import { checkPromql, checkRulesFile, dashboardExprs } from '../../src/check/promql.js';
import { forAmtoolOnPath } from '../../src/check/amtool-compat.js';
import { hasBinary, runPromtool } from '../../src/check/promtool.js';
import { checkRunbookLinks } from '../../src/check/runbook-links.js';
import { renderStack } from '../../src/render/plop-bridge.js';
import type { Tree } from '../../src/plan/tree.js';
import type { Stack } from '../../src/stack/types.js';
import { makeAnswers, makeFacts } from '../helpers/facts.js';
import type { RepoFacts } from '../../src/detect/types.js';
import { buildEnvironments } from '../../src/stack/environments.js';
import { buildMonitoringStack } from '../../src/stack/monitoring.js';
import { buildNames } from '../../src/stack/naming.js';
import { buildRepo } from '../../src/stack/repo.js';
import { execa } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A Stack with only what the monitoring layer's templates read (the other
 * layers' parts are left out), so these tests exercise this layer alone.
 */
function monitoringStack(answers: Answers, facts: RepoFacts): Stack {
  const a = answers;
  return {
    tool: { name: 'create-devops-stack', version: '0.0.0', regenerateCommand: 'npx create-devops-stack@latest upgrade' },
    answers: a,
    is: {
      node: a.language === 'node', python: a.language === 'python', go: a.language === 'go', java: a.language === 'java',
      aws: a.cloud === 'aws', gcp: a.cloud === 'gcp', azure: a.cloud === 'azure',
      iac: a.iac !== 'none', terraform: a.iac === 'terraform', opentofu: a.iac === 'opentofu',
      rolling: a.strategy === 'rolling', blueGreen: a.strategy === 'blue-green', canary: a.strategy === 'canary',
      monitoring: a.monitoring !== 'none', prometheus: a.monitoring === 'prometheus', managedPrometheus: a.monitoring === 'managed-prometheus',
    },
    service: { name: a.serviceName, dir: '.', dirPrefix: '', port: a.port, healthPath: a.healthPath, readinessPath: a.readinessPath, django: false },
    repo: buildRepo(facts.git),
    environments: buildEnvironments(a.environments),
    names: buildNames(a, buildRepo(facts.git).slug),
    docker: {} as Stack['docker'],
    pipeline: {} as Stack['pipeline'],
    infra: {} as Stack['infra'],
    monitoring: buildMonitoringStack(a, facts),
    guide: {} as Stack['guide'],
  };
}

const MONITORING = ['prometheus', 'managed-prometheus'] as const;

interface Rendered {
  label: string;
  stack: Stack;
  tree: Tree;
}

function stackFor(language: Answers['language'], cloud: Answers['cloud'], monitoring: Answers['monitoring'], strategy: Answers['strategy'] = 'rolling'): Stack {
  const runtime = RUNTIMES_BY_CLOUD[cloud][0]!;
  return monitoringStack(makeAnswers({ language, cloud, runtime, monitoring, strategy }), makeFacts({ language }));
}

const content = (tree: Tree, path: string): string => {
  const f = tree.read(path);
  if (!f) throw new Error(`${path} not rendered`);
  return f.content;
};
/** The promtool test files, by path, for runPromtool. */
const testFiles = (paths: string[], tree: Tree): Record<string, string> => Object.fromEntries(paths.map((p) => [p, content(tree, p)]));

describe('monitoring layer: every language x cloud x monitoring', () => {
  const rendered: Rendered[] = [];
  let tools = { promtool: false, amtool: false };

  beforeAll(async () => {
    tools = { promtool: await hasBinary('promtool'), amtool: await hasBinary('amtool') };
    for (const language of LANGUAGES) {
      for (const cloud of CLOUDS) {
        for (const monitoring of MONITORING) {
          const stack = stackFor(language, cloud, monitoring);
          rendered.push({ label: `${language}/${cloud}/${monitoring}`, stack, tree: await renderStack(stack, 'monitoring') });
        }
      }
      // No metrics library detected: the suggested library's names, or the default contract (Django).
      const facts = makeFacts({ language, metricsLibrary: null, ...(language === 'python' ? { framework: 'django' } : {}) });
      const stack = monitoringStack(makeAnswers({ language }), facts);
      rendered.push({ label: `${language}/no-metrics-library`, stack, tree: await renderStack(stack, 'monitoring') });
    }
  });

  it('writes the rules, tests and one runbook per alert', () => {
    for (const { label, stack, tree } of rendered) {
      const m = stack.monitoring;
      expect(tree.has(m.files.rules), label).toBe(true);
      for (const path of m.files.tests) expect(tree.has(path), `${label} ${path}`).toBe(true);
      expect(m.alerts.length).toBeGreaterThanOrEqual(12);
      for (const a of m.alerts) expect(tree.has(a.runbookPath), `${label} ${a.name}`).toBe(true);
      expect(tree.has('monitoring/alertmanager/alertmanager.yml'), label).toBe(stack.is.prometheus);
    }
  });

  it('every rules file parses, every alert is complete and every expression parses (lezer-promql)', () => {
    for (const { label, stack, tree } of rendered) {
      expect(checkRulesFile(stack.monitoring.files.rules, content(tree, stack.monitoring.files.rules)), label).toEqual([]);
    }
  });

  it('every runbook_url resolves to a runbook in the same tree', () => {
    for (const { label, stack, tree } of rendered) {
      expect(checkRunbookLinks(stack.monitoring.files.rules, content(tree, stack.monitoring.files.rules), tree), label).toEqual([]);
    }
  });

  it('every rendered YAML file is valid YAML and no Handlebars braces leak outside Prometheus templating', () => {
    for (const { label, tree } of rendered) {
      for (const [path, file] of tree.entries()) {
        if (/\.ya?ml$/.test(path)) expect(() => parseYaml(file.content), `${label} ${path}`).not.toThrow();
        if (path.endsWith('.json')) expect(() => JSON.parse(file.content) as unknown, `${label} ${path}`).not.toThrow();
        // Prometheus/Alertmanager templating is `{{ $x }}` / `{{ .X }}` / `{{ range`...; Grafana legends `{{label}}`.
        expect(file.content, `${label} ${path}`).not.toMatch(/\{\{\s*\}\}|\{\{[#/>!]/);
      }
    }
  });

  it('dashboards read recording rules only where something evaluates them (not Cloud Run with managed Prometheus)', () => {
    for (const { label, stack, tree } of rendered) {
      const json = content(tree, stack.monitoring.files.dashboard);
      const exprs = [...dashboardExprs(json), ...[...json.matchAll(/"definition": "([^"\\]*(?:\\.[^"\\]*)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`) as string)];
      const recorded = exprs.filter((e) => /\bservice:[a-z_]+:[a-z0-9_]+/.test(e));
      if (stack.is.gcp && stack.is.managedPrometheus) expect(recorded, label).toEqual([]);
      else expect(recorded.length, label).toBeGreaterThan(0);
    }
  });

  it('dashboards select the service and environment through variables, defaulting to this service (checklist 7.8)', () => {
    for (const { label, stack, tree } of rendered) {
      if (!tree.has(stack.monitoring.files.dashboard)) continue;
      const json = content(tree, stack.monitoring.files.dashboard);
      const vars = (JSON.parse(json) as { templating: { list: Array<{ name: string; current: { value?: string } }> } }).templating.list;
      expect(vars.map((v) => v.name), label).toEqual(['datasource', 'service', 'env']);
      expect(vars[1]!.current.value, label).toBe(stack.service.name);
      for (const e of dashboardExprs(json)) {
        expect(e, label).toContain(`${stack.monitoring.metrics.serviceLabel}="$service"`);
        expect(e, label).not.toContain(`"${stack.service.name}"`);
      }
    }
  });

  it('every dashboard target parses (lezer-promql)', () => {
    for (const { label, stack, tree } of rendered) {
      if (!tree.has(stack.monitoring.files.dashboard)) continue;
      const exprs = dashboardExprs(content(tree, stack.monitoring.files.dashboard));
      expect(exprs.length, label).toBeGreaterThan(0);
      for (const e of exprs) expect(checkPromql(e), `${label}: ${e}`).toBeNull();
    }
  });

  it('promtool check rules + test rules and amtool check-config pass (once per distinct content)', async () => {
    if (!tools.promtool) console.warn('promtool not on PATH: skipping promtool assertions');
    if (!tools.amtool) console.warn('amtool not on PATH: skipping amtool assertions');
    const seen = new Set<string>();
    const runs: Array<Promise<{ label: string; findings: Awaited<ReturnType<typeof runPromtool>> }>> = [];
    // promtool test rules is the slow part: run it once per distinct rules + tests content,
    // and the config checks once per distinct config content.
    const schedule = (label: string, files: Record<string, string>, input: Parameters<typeof runPromtool>[1]): void => {
      const key = JSON.stringify(files);
      if (seen.has(key)) return;
      seen.add(key);
      runs.push(runPromtool(files, input).then((findings) => ({ label, findings })));
    };
    for (const { label, stack, tree } of rendered) {
      const m = stack.monitoring;
      if (tools.promtool) {
        schedule(label, { [m.files.rules]: content(tree, m.files.rules), ...testFiles(m.files.tests, tree) }, { rules: [m.files.rules], tests: m.files.tests, alertmanager: [] });
      }
      const am = 'monitoring/alertmanager/alertmanager.yml';
      const prom = 'monitoring/prometheus/prometheus.yml';
      const configs: Record<string, string> = {};
      if (tools.amtool && tree.has(am)) configs[am] = content(tree, am);
      if (tools.promtool && tree.has(prom)) configs[prom] = content(tree, prom);
      if (Object.keys(configs).length > 0) {
        schedule(label, configs, { rules: [], tests: [], alertmanager: am in configs ? [am] : [], prometheus: prom in configs ? [prom] : [] });
      }
    }
    // The inlined alert expressions (for evaluators without recording rules) must behave the same:
    // swap them into the rules file and run the same unit tests.
    for (const { label, stack, tree } of rendered.filter((r) => tools.promtool && r.stack.is.gcp && r.stack.answers.language === 'java')) {
      const m = stack.monitoring;
      const doc = parseYaml(content(tree, m.files.rules)) as { groups: Array<{ rules: Array<{ alert?: string; expr: string }> }> };
      for (const g of doc.groups) for (const r of g.rules) if (r.alert) r.expr = m.alerts.find((a) => a.name === r.alert)!.inlineExpr;
      schedule(`${label} (inlined)`, { [m.files.rules]: stringifyYaml(doc), ...testFiles(m.files.tests, tree) }, { rules: [m.files.rules], tests: m.files.tests, alertmanager: [] });
    }
    for (const { label, findings } of await Promise.all(runs)) expect(findings, label).toEqual([]);
  }, 300_000);

  it('renders the same bytes twice', async () => {
    const stack = stackFor('go', 'gcp', 'prometheus');
    const a = await renderStack(stack, 'monitoring');
    const b = await renderStack(stack, 'monitoring');
    expect(a.entries()).toEqual(b.entries());
  });
});

describe('monitoring layer: Alertmanager routing (amtool config routes test)', () => {
  it('pages only for the last (production) environment and for alerts about every environment; the rest goes to chat', async () => {
    if (!(await hasBinary('amtool'))) return console.warn('amtool not on PATH: skipping the routing test');
    for (const environments of [['staging', 'production'], ['dev', 'staging', 'prod']]) {
      const stack = monitoringStack(makeAnswers({ monitoring: 'prometheus', environments }), makeFacts({ language: 'node' }));
      const dir = mkdtempSync(join(tmpdir(), 'cds-am-'));
      try {
        const file = join(dir, 'alertmanager.yml');
        writeFileSync(file, await forAmtoolOnPath(content(await renderStack(stack, 'monitoring'), 'monitoring/alertmanager/alertmanager.yml')));
        const receiver = async (...labels: string[]) => (await execa('amtool', ['config', 'routes', 'test', `--config.file=${file}`, ...labels])).stdout.trim();
        const prod = environments[environments.length - 1]!;
        expect(await receiver('alertname=ErrorBudgetBurnFast', 'severity=page', `env=${prod}`)).toBe('pager');
        for (const env of [...environments.slice(0, -1), 'local']) expect(await receiver('alertname=ErrorBudgetBurnFast', 'severity=page', `env=${env}`), env).toBe('chat');
        // absent() keeps no env label: every environment is blind.
        expect(await receiver('alertname=MetricsAbsent', 'severity=page')).toBe('pager');
        expect(await receiver('alertname=HighErrorRatio', 'severity=ticket', `env=${prod}`)).toBe('chat');
        expect(await receiver('alertname=Watchdog', 'severity=ticket')).toBe('heartbeat');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });
});

describe('monitoring layer: Alertmanager receivers', () => {
  it('read every secret from a file, the heartbeat ping URL too (it carries the check token)', async () => {
    const stack = monitoringStack(makeAnswers({ monitoring: 'prometheus' }), makeFacts({ language: 'node' }));
    const am = parseYaml(content(await renderStack(stack, 'monitoring'), 'monitoring/alertmanager/alertmanager.yml')) as {
      receivers: Array<{ name: string } & Record<string, Array<Record<string, unknown>>>>;
    };
    const byName = Object.fromEntries(am.receivers.map((r) => [r.name, r]));
    expect(byName['heartbeat']!['webhook_configs']).toEqual([{ url_file: '/etc/alertmanager/secrets/heartbeat-ping-url', send_resolved: false }]);
    expect(byName['pager']!['pagerduty_configs']![0]).toMatchObject({ routing_key_file: '/etc/alertmanager/secrets/pagerduty-routing-key' });
    expect(byName['chat']!['slack_configs']![0]).toMatchObject({ api_url_file: '/etc/alertmanager/secrets/slack-webhook-url' });
    // Opsgenie's API ends on 2027-04-05: a dead man's switch pinging it would die silently.
    expect(JSON.stringify(am)).not.toMatch(/opsgenie/i);
  });
});

describe('monitoring layer: runbooks', () => {
  it('put the runtime CLI and the rollback for runtime + strategy first', async () => {
    const cases = [
      ['aws', 'rolling', 'aws ecs describe-services', 'aws ecs update-service'],
      ['aws', 'canary', 'aws ecs describe-services', 'aws ecs stop-service-deployment'],
      ['gcp', 'blue-green', 'gcloud run revisions list', 'gcloud run services update-traffic'],
      ['azure', 'canary', 'az containerapp revision list', 'az containerapp ingress traffic set'],
      ['azure', 'rolling', 'az containerapp revision list', 'az containerapp ingress traffic set --name'], // rolling too runs in multiple-revision mode
    ] as const;
    for (const [cloud, strategy, diagnose, rollback] of cases) {
      const stack = stackFor('node', cloud, 'prometheus', strategy);
      const tree = await renderStack(stack, 'monitoring');
      const md = content(tree, 'docs/runbooks/ErrorBudgetBurnFast.md');
      expect(md).toContain(diagnose);
      expect(md).toContain('gh workflow run rollback.yml -f environment=production -f target=<digest-or-revision>');
      expect(md).toContain(rollback);
      expect(md.indexOf('gh workflow run rollback.yml')).toBeLessThan(md.indexOf('- If one dependency fails'));
      for (const h of ['## Meaning', '## Impact', '## Diagnosis', '## Mitigation', '## Escalation', '## Related']) expect(md).toContain(h);
      expect(md.startsWith('<!--')).toBe(true);
    }
  });

  it('ECS canary and blue-green: a rollback for a deployment under way and one for a completed deployment', async () => {
    const md = content(await renderStack(stackFor('node', 'aws', 'prometheus', 'canary'), 'monitoring'), 'docs/runbooks/HighErrorRatio.md');
    expect(md).toContain('aws ecs stop-service-deployment');
    expect(md).toContain('--task-definition api-production:<previous-revision>');
  });

  it('where nothing evaluates recording rules (Cloud Run, managed), runbooks query the expressions, and every query parses', async () => {
    for (const [cloud, monitoring] of [['gcp', 'managed-prometheus'], ['aws', 'prometheus']] as const) {
      const stack = stackFor('node', cloud, monitoring, 'canary');
      const tree = await renderStack(stack, 'monitoring');
      for (const a of stack.monitoring.alerts) {
        const md = content(tree, a.runbookPath);
        const queries = [...md.matchAll(/```promql\n([\s\S]*?)\n```/g)].flatMap((q) => q[1]!.split('\n'));
        for (const q of queries) expect(checkPromql(q), `${cloud} ${a.name}: ${q}`).toBeNull();
        const recorded = queries.filter((q) => /\bservice:[a-z_]+:[a-z0-9_]+/.test(q));
        if (cloud === 'gcp') expect(recorded, `${a.name}`).toEqual([]);
      }
    }
  });
});

describe('monitoring layer: --monitoring none', () => {
  it('writes nothing and gives the pipeline no gate', async () => {
    const stack = stackFor('node', 'aws', 'none');
    expect(stack.monitoring.gate).toBeNull();
    expect((await renderStack(stack, 'monitoring')).size).toBe(0);
  });
});

describe('the self-hosted Prometheus config', () => {
  // A static target that is not there would keep TargetDown firing and hide MetricsAbsent.
  it.each(CLOUDS)('%s: scrapes only itself; the app arrives by remote write, its local job is left commented', async (cloud) => {
    const stack = stackFor('node', cloud, 'prometheus');
    const prom = content(await renderStack(stack, 'monitoring'), 'monitoring/prometheus/prometheus.yml');
    const doc = parseYaml(prom) as { scrape_configs: Array<{ job_name: string }> };
    expect(doc.scrape_configs.map((c) => c.job_name)).toEqual(['prometheus']);
    expect(prom).toContain(`  # - job_name: ${stack.monitoring.job}\n`);
  });
});
