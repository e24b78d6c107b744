import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { CLOUDS, CROSS_RULES, IAC_TOOLS, LANGUAGES, MONITORING, RUNTIMES_BY_CLOUD, STRATEGIES, type Answers } from '../../src/answers/options.js';
import { checkPromql } from '../../src/check/promql.js';
import { checkRunbookLinks } from '../../src/check/runbook-links.js';
import { securityFindings } from '../../src/check/workflow.js';
import { detectRepoOnDisk } from '../../src/detect/index.js';
import type { RepoFacts } from '../../src/detect/types.js';
import type { Tree } from '../../src/plan/tree.js';
import { renderStack } from '../../src/render/plop-bridge.js';
import { REVISION_PLACEHOLDER } from '../../src/stack/promql.js';
import { buildStack } from '../../src/stack/build-stack.js';
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
                ci: 'github-actions', serviceName: 'shop', region: 'eu-west-1', port: 8080, healthPath: '/healthz', serviceDir: '.', slo: 99.9,
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
  const deploy = tree.read('DEPLOY.md')?.content ?? '';
  for (const m of deploy.matchAll(/\]\(((?:docs)\/[^)#]+\.md)\)/g)) if (!tree.has(m[1]!)) problems.push(`DEPLOY.md links ${m[1]}, which was not generated`);
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

