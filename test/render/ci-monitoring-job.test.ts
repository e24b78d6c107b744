import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { forAmtoolOnPath } from '../../src/check/amtool-compat.js';
import { hasBinary } from '../../src/check/promtool.js';
import { renderStack } from '../../src/render/plop-bridge.js';
import { buildStack } from '../../src/stack/build-stack.js';
import { pipelineAnswers, pipelineFacts } from './pipeline-fixtures.js';

/**
 * The CI job that checks the alert rules, run for real: its steps (all but
 * the package install) in a checkout of a generated stack, with the promtool
 * and amtool .ci/run installs. They pass on what we generate, and the runbook
 * step fails when an alert's runbook is missing.
 */
const root = mkdtempSync(join(tmpdir(), 'ci-monitoring-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

type Job = { steps: Array<{ name?: string; run?: string }>; defaults?: { run?: { 'working-directory'?: string } } };

/** A checkout of the generated stack; `dir` is where the job's run steps start (its working directory, as GitHub resolves it). */
async function checkout(monitoring: 'prometheus' | 'managed-prometheus', cloud: 'aws' | 'gcp', serviceDir = '.'): Promise<{ dir: string; job: Job }> {
  const stack = buildStack(pipelineAnswers({ language: 'node', cloud, monitoring, serviceDir }), pipelineFacts('npm'));
  const tree = await renderStack(stack, 'stack');
  const dir = mkdtempSync(join(root, `${cloud}-${monitoring}-`));
  for (const [path, file] of tree.entries()) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    // The runner's amtool (Ubuntu 24.04: 0.26) knows url_file; Debian 12's, which .ci/run installs, does not.
    writeFileSync(join(dir, path), path.startsWith('monitoring/alertmanager/') ? await forAmtoolOnPath(file.content) : file.content);
  }
  const ci = parseYaml(tree.read('.github/workflows/ci.yml')!.content) as { jobs: Record<string, Job & { needs?: string[] }>; defaults?: Job['defaults'] };
  expect(ci.jobs['build']!.needs).toContain('monitoring');
  const job = ci.jobs['monitoring']!;
  const cwd = join(dir, job.defaults?.run?.['working-directory'] ?? ci.defaults?.run?.['working-directory'] ?? '.');
  mkdirSync(cwd, { recursive: true });
  return { dir: cwd, job };
}

const run = (dir: string, script: string) => spawnSync('bash', ['-euo', 'pipefail', '-c', script], { cwd: dir, encoding: 'utf8' });

describe('the CI job that checks the alert rules', async () => {
  const tools = (await hasBinary('promtool')) && (await hasBinary('amtool'));

  // A monorepo's service directory is the other jobs' working directory, not this one's.
  it.skipIf(!tools).each([['prometheus', 'aws', '.'], ['managed-prometheus', 'gcp', '.'], ['prometheus', 'aws', 'services/api']] as const)('%s on %s, service dir %s: every check step passes on the generated stack', async (monitoring, cloud, serviceDir) => {
    const { dir, job } = await checkout(monitoring, cloud, serviceDir);
    const steps = job.steps.filter((s) => s.run && !s.name?.startsWith('Install'));
    expect(steps.map((s) => s.name)).toEqual(['Check and unit-test the rules', ...(monitoring === 'prometheus' ? ['Check the Alertmanager configuration'] : []), 'Every alert has its runbook']);
    for (const step of steps) {
      const r = run(dir, step.run!);
      expect(r.status, `${step.name}: ${r.stdout}${r.stderr}`).toBe(0);
    }
  });

  it('fails when an alert has no runbook', async () => {
    const { dir, job } = await checkout('prometheus', 'aws');
    const step = job.steps.find((s) => s.name === 'Every alert has its runbook')!;
    rmSync(join(dir, 'docs/runbooks/ServiceDown.md'));
    const r = run(dir, step.run!);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/::error file=monitoring\/prometheus\/rules\/[^:]+::no runbook at docs\/runbooks\/ServiceDown\.md/);
  });

  // On Cloud Run with managed Prometheus, Cloud Monitoring runs the managed file's alerts, not the rules file's.
  it.skipIf(!(await hasBinary('promtool')))('gcp managed: checks the file Cloud Monitoring runs too, and the runbooks link it', async () => {
    const { dir, job } = await checkout('managed-prometheus', 'gcp');
    const managed = 'monitoring/prometheus/managed/orders-api.alerts.yml';
    expect(job.steps.find((s) => s.name === 'Check and unit-test the rules')!.run).toContain(`promtool check rules monitoring/prometheus/rules/orders-api.rules.yml ${managed}`);
    const step = job.steps.find((s) => s.name === 'Every alert has its runbook')!;
    writeFileSync(join(dir, managed), `${readFileSync(join(dir, managed), 'utf8')}\n# runbook_url: "https://github.com/acme/orders-api/blob/main/docs/runbooks/Missing.md"\n`);
    const r = run(dir, step.run!);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`::error file=${managed}::no runbook at docs/runbooks/Missing.md`);
    expect(readFileSync(join(dir, 'docs/runbooks/HighErrorRatio.md'), 'utf8')).toContain(`Rule: [\`${managed}\`](../../${managed})`);
  });
});
