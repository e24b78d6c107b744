import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { CLOUDS, CROSS_RULES, IAC_TOOLS, LANGUAGES, MONITORING, RUNTIMES_BY_CLOUD, STRATEGIES, type Answers } from '../../src/answers/options.js';
import { checkCollectorConfig } from '../../src/check/otel-collector.js';
import { checkPromql } from '../../src/check/promql.js';
import { checkRunbookLinks } from '../../src/check/runbook-links.js';
import { securityFindings } from '../../src/check/workflow.js';
import { reusableCallFindings } from '../../src/check/workflow-calls.js';
import { detectRepoOnDisk } from '../../src/detect/index.js';
import type { RepoFacts } from '../../src/detect/types.js';
import type { Tree } from '../../src/plan/tree.js';
import { renderStack } from '../../src/render/plop-bridge.js';
import { REVISION_PLACEHOLDER } from '../../src/stack/promql.js';
import { buildStack } from '../../src/stack/build-stack.js';
import { iacSetVars } from '../../src/stack/collector.js';
import type { Stack } from '../../src/stack/types.js';
import { brokenDocLinks } from '../helpers/doc-links.js';
import { EXAMPLES_DIR } from '../helpers/testdir.js';

/**
 * Every valid combination of the option table, rendered in memory as a whole
 * stack, with the checks that span layers (each layer's own validators run in
 * its layer test): files parse, no template syntax leaks, security rules of
 * every workflow, the pipeline builds the Dockerfile we wrote and calls scripts
 * we wrote, alerts link to runbooks we wrote, and the canary gate's PromQL parses.
 */
const EXAMPLE_BY_LANGUAGE = { node: 'node-express', python: 'python-fastapi', go: 'go-http', java: 'java-spring' } as const;
const facts = new Map<string, RepoFacts>(LANGUAGES.map((l) => [l, detectRepoOnDisk(`${EXAMPLES_DIR}/${EXAMPLE_BY_LANGUAGE[l]}`)]));
const git = { remote: 'git@github.com:acme/shop.git', owner: 'acme', repo: 'shop', defaultBranch: 'main' };

function combinations(): Answers[] {
  const out: Answers[] = [];
  for (const language of LANGUAGES)
    for (const cloud of CLOUDS)
      for (const iac of IAC_TOOLS)
        for (const strategy of STRATEGIES)
          for (const monitoring of MONITORING)
            for (const environments of [['staging', 'production'], ['dev', 'staging', 'prod'], ['prod']]) {
              // Three environment lists only for one language: they do not interact with it.
              if (environments.length !== 2 && language !== 'node') continue;
              const a: Answers = {
                language, cloud, runtime: RUNTIMES_BY_CLOUD[cloud][0]!, iac, environments, strategy, monitoring,
                ci: 'github-actions', serviceName: 'shop', region: 'eu-west-1', port: 8080, healthPath: '/healthz', readinessPath: '/healthz', serviceDir: '.', slo: 99.9, team: 'platform',
              };
              if (CROSS_RULES.every((rule) => rule(a) === null)) out.push(a);
            }
  return out;
}

// Prometheus/Alertmanager templating and Grafana legends use {{ }} themselves.
const NEEDS_BRACES = /^(monitoring\/(prometheus|alertmanager|grafana)\/|docs\/runbooks\/)/;

function crossLayerProblems(a: Answers, tree: Tree): string[] {
  const problems: string[] = [];
  const stack = buildStack(a, { ...facts.get(a.language)!, git });
  for (const [path, file] of tree.entries()) {
    const text = file.content;
    if (/\$\{\{\s*\}\}/.test(text)) problems.push(`${path}: empty \${{ }}`);
    if (!NEEDS_BRACES.test(path) && /(^|[^$])\{\{(?!\s*\$)/.test(text.replace(/\$\{\{[^}]*\}\}/g, ''))) problems.push(`${path}: leftover {{`);
    if (/\.ya?ml$/.test(path)) {
      const docs = parseAllDocuments(text);
      for (const d of Array.isArray(docs) ? docs : [docs]) if (d.errors.length) problems.push(`${path}: YAML ${d.errors[0]!.message}`);
    }
    if (path.endsWith('.json')) {
      try {
        JSON.parse(text);
      } catch (e) {
        problems.push(`${path}: JSON ${(e as Error).message}`);
      }
    }
    if (path.startsWith('.github/workflows/')) {
      for (const f of securityFindings(path, text)) if (f.severity === 'error') problems.push(`${path}:${f.line}: ${f.message}`);
      // Every script a workflow runs is one we wrote, and executable.
      for (const m of text.matchAll(/\.github\/scripts\/[A-Za-z0-9._-]+\.sh/g)) {
        const script = tree.read(m[0]);
        if (!script) problems.push(`${path}: runs ${m[0]}, which was not generated`);
        else if (!script.executable) problems.push(`${m[0]} is not executable`);
      }
      if (!stack.docker.userDockerfile && text.includes('docker/build-push-action') && !text.includes(stack.docker.dockerfilePath)) {
        problems.push(`${path}: does not build ${stack.docker.dockerfilePath}`);
      }
    }
    if (/^monitoring\/prometheus\/(rules|managed)\//.test(path)) {
      for (const f of checkRunbookLinks(path, text, tree)) problems.push(`${path}: ${f.message}`);
    }
  }
  if (stack.monitoring.gate) {
    for (const q of [stack.monitoring.gate.errorRatioQuery, stack.monitoring.gate.latencyP99Query, stack.monitoring.gate.requestCountQuery]) {
      const err = checkPromql(q.replaceAll(REVISION_PLACEHOLDER, 'shop-00042'));
      if (err) problems.push(`canary gate query does not parse: ${err}`);
    }
  }
  const workflows = new Map(tree.entries().filter(([path]) => path.startsWith('.github/workflows/')).map(([path, f]) => [path, f.content] as [string, string]));
  for (const f of reusableCallFindings(workflows)) problems.push(`${f.path}: ${f.message}`);
  problems.push(...collectorProblems(stack, tree));
  // Every doc link leads to a generated file, and every #anchor to one of its headings.
  problems.push(...brokenDocLinks(new Map(tree.entries().map(([path, f]) => [path, f.content] as [string, string]))));
  return problems;
}

/**
 * The collector config and the IaC that runs it agree: the config is valid,
 * every \${env:X} it reads is set on the sidecar by the service module or by
 * the platform, each env root reads the config from where the monitoring
 * layer wrote it, and every series gets the labels the rules select on.
 */
function collectorProblems(stack: Stack, tree: Tree): string[] {
  const c = stack.monitoring.collector;
  if (!c) return tree.has('monitoring/collector/otel-collector.yaml') ? ['collector config without monitoring'] : [];
  const config = tree.read(c.configPath)?.content;
  if (config === undefined) return [`${c.configPath} was not generated`];
  const problems = checkCollectorConfig(c.configPath, config).map((f) => `${f.path}:${f.line ?? ''} ${f.message}`);
  const m = stack.monitoring.metrics;
  for (const label of [`${m.serviceLabel}:`, 'env:']) if (!config.includes(`                ${label}`)) problems.push(`collector sets no ${label} label`);
  if (!config.includes(`                ${m.revisionLabel}: `) && !config.includes(`set(attributes["${m.revisionLabel}"]`)) problems.push('collector sets no revision label');
  const platform = [c.vars.revision, c.vars.replica, c.vars.platformService].filter((x): x is string => x !== null);
  const read = [...config.matchAll(/\$\{env:(\w+)(?::-[^}]*)?\}/g)].map((x) => x[1]!);
  for (const name of read) if (!iacSetVars(c.vars).includes(name) && !platform.includes(name)) problems.push(`collector reads \${env:${name}}, which nothing sets`);
  if (stack.is.iac) {
    const module = tree.read('infra/modules/service/main.tf')?.content ?? '';
    for (const name of iacSetVars(c.vars)) if (read.includes(name) || name === c.vars.config) {
      if (!module.includes(`"${name}"`)) problems.push(`infra/modules/service/main.tf does not set ${name} on the collector`);
    }
    for (const env of stack.infra.envs) {
      const root = tree.read(`${env.dir}/main.tf`)?.content ?? '';
      const ref = /file\("\$\{path\.root\}\/([^"]+otel-collector\.yaml)"\)/.exec(root)?.[1];
      const resolved = ref ? new URL(ref, `file:///${env.dir}/`).pathname.slice(1) : null;
      if (resolved !== c.configPath) problems.push(`${env.dir}/main.tf reads the collector config from ${resolved ?? 'nowhere'}`);
    }
  }
  return problems;
}

describe('the whole option matrix', () => {
  const all = combinations();

  it('covers every language, cloud, IaC tool, strategy and monitoring choice', () => {
    for (const [key, values] of [['language', LANGUAGES], ['cloud', CLOUDS], ['iac', IAC_TOOLS], ['strategy', STRATEGIES], ['monitoring', MONITORING]] as const) {
      expect(new Set(all.map((a) => a[key]))).toEqual(new Set(values));
    }
    expect(all.length).toBeGreaterThan(400);
  });

  it('renders every combination with consistent layers', async () => {
    const failures: string[] = [];
    for (const a of all) {
      const tree = await renderStack(buildStack(a, { ...facts.get(a.language)!, git }), 'stack');
      const problems = crossLayerProblems(a, tree);
      if (problems.length) failures.push(`${a.language}/${a.cloud}/${a.iac}/${a.strategy}/${a.monitoring}/${a.environments.join(',')}: ${problems.slice(0, 3).join('; ')}`);
    }
    expect(failures.slice(0, 10)).toEqual([]);
  }, 300_000);

  it('is deterministic', async () => {
    const a = all[all.length - 1]!;
    const render = async () => (await renderStack(buildStack(a, { ...facts.get(a.language)!, git }), 'stack')).entries().map(([p, f]) => [p, f.content]);
    expect(await render()).toEqual(await render());
  });
});

