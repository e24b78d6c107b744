import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { Cloud, IacTool } from '../../src/answers/options.js';
import { renderStack } from '../../src/render/plop-bridge.js';
import { runStepScript, stubCommands } from '../helpers/run-step.js';
import { infraStack } from './infra-fixtures.js';

/**
 * Checklist 5.5: a scheduled drift check. The infra workflow also runs on a
 * schedule, where it only plans; each plan job reports whether its plan has
 * changes (plan -detailed-exitcode), and the drift job keeps one issue open
 * per environment with changes. Both steps run for real, with stand-in
 * terraform and gh CLIs (jq is the real one).
 */
const root = mkdtempSync(join(tmpdir(), 'infra-drift-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

type Step = { name?: string; id?: string; run?: string; env?: Record<string, string> };
type Job = { if?: string; needs?: string[]; permissions?: Record<string, string>; outputs?: Record<string, string>; steps: Step[] };
type Workflow = { on: { schedule?: Array<{ cron: string }> }; jobs: Record<string, Job> };

async function render(cloud: Cloud, iac: IacTool, environments: string[]) {
  const stack = infraStack(cloud, iac, 'rolling', 'prometheus', environments);
  const tree = await renderStack(stack, 'infra');
  return { stack, workflow: parseYaml(tree.read('.github/workflows/infra.yml')!.content) as Workflow, docs: tree.read('docs/deploy/infra.md')!.content };
}

/** A job directory with `bin/<name>` stand-ins on PATH, each a shell script body. */
function withStubs(stubs: Record<string, string>): { dir: string; path: string } {
  const dir = mkdtempSync(join(root, 'job-'));
  const path = stubCommands(join(dir, 'bin'), Object.fromEntries(Object.entries(stubs).map(([name, body]) => [name, `#!/bin/sh\n${body}\n`])));
  return { dir, path };
}

const bash = (script: string, dir: string, env: Record<string, string>) => runStepScript(script, { cwd: dir, env });

describe('infra workflow: scheduled drift check', () => {
  it.each([
    ['aws', 'terraform'],
    ['azure', 'opentofu'],
  ] as const)('%s/%s: a schedule plans every environment, applies none, and hands each plan\'s result to the drift job', async (cloud, iac) => {
    const envs = ['dev', 'staging', 'prod'];
    const { stack, workflow, docs } = await render(cloud, iac, envs);
    expect(workflow.on.schedule).toEqual([{ cron: stack.infra.driftSchedule }]);
    expect(docs).toContain(`cron \`${stack.infra.driftSchedule}\``);
    for (const env of envs) {
      const plan = workflow.jobs[`plan-${env}`]!;
      // Scheduled runs are on the default branch, which the plan identity trusts; but a schedule
      // event has no github.event.repository, so the default-branch comparison cannot admit them.
      expect(plan.if).toContain("github.event_name == 'schedule'");
      expect(plan.outputs!['changes']).toBe('${{ steps.plan.outputs.changes }}');
      // Applies only on the default branch, and only a plan with changes: an empty one asks no reviewer.
      const apply = workflow.jobs[`apply-${env}`]!.if!;
      expect(apply).toContain("(github.event_name == 'push' || github.event_name == 'workflow_dispatch') && github.ref_name == github.event.repository.default_branch");
      expect(apply).toContain(`needs.plan-${env}.outputs.changes == 'true'`);
      // After an environment skipped for want of changes the next still applies; after any failure before it, none does.
      expect(apply).toMatch(/^\$\{\{ !cancelled\(\) && !failure\(\) && /);
    }
    const drift = workflow.jobs['drift']!;
    expect(drift.if).toBe("github.event_name == 'schedule' && !cancelled()");
    expect(drift.needs).toEqual(envs.map((e) => `plan-${e}`));
    // Only what it needs: no checkout, no cloud token.
    expect(drift.permissions).toEqual({ issues: 'write' });
    expect(drift.steps[0]!.env!['PLANS']).toBe('${{ toJSON(needs) }}');
  });

  it('the plan step reports changes from the exit code, and fails on an error', async () => {
    const { workflow } = await render('gcp', 'terraform', ['staging', 'production']);
    const step = workflow.jobs['plan-production']!.steps.find((s) => s.id === 'plan')!;
    expect(step.run).toContain('-detailed-exitcode -out=tfplan');
    for (const [exit, status, output] of [
      [0, 0, 'changes=false\n'],
      [2, 0, 'changes=true\n'],
      [1, 1, ''],
    ] as const) {
      const { dir, path } = withStubs({ terraform: `exit ${exit}` });
      const out = join(dir, 'github-output');
      writeFileSync(out, '');
      const r = bash(step.run!, dir, { PATH: path, ROOT: 'infra/envs/production', GITHUB_OUTPUT: out });
      expect(r.status, `exit ${exit}`).toBe(status);
      expect(readFileSync(out, 'utf8'), `exit ${exit}`).toBe(output);
    }
  });

  it('opens an issue for an environment with changes, once; closes it when the plan is clean; skips a failed plan', async () => {
    const { workflow } = await render('aws', 'terraform', ['dev', 'staging', 'prod']);
    const step = workflow.jobs['drift']!.steps[0]!;
    // gh lists the open issue whose title is $TITLE (from the `open` file), and logs every call.
    const { dir, path } = withStubs({
      gh: `echo "$*" >> "$CALLS"\nif [ "$1 $2" = "issue list" ]; then grep -F "$TITLE	" "$OPEN" | cut -f2; fi`,
    });
    const run = (plans: Record<string, { result: string; outputs: Record<string, string> }>, open: Record<string, number>) => {
      const calls = join(dir, 'calls');
      writeFileSync(calls, '');
      writeFileSync(join(dir, 'open'), Object.entries(open).map(([title, n]) => `${title}\t${n}\n`).join(''));
      const env = { PATH: path, CALLS: calls, OPEN: join(dir, 'open'), RUN_URL: 'https://github.com/acme/api/actions/runs/9', GH_TOKEN: 't', GH_REPO: 'acme/api', PLANS: JSON.stringify(plans) };
      const r = bash(step.run!, dir, env);
      expect(r.status, r.stderr).toBe(0);
      return { calls: readFileSync(calls, 'utf8').split('\n').filter((l) => !l.startsWith('issue list') && l !== ''), stdout: r.stdout };
    };
    const changes = (c: string) => ({ result: 'success', outputs: { changes: c } });

    const first = run({ 'plan-dev': changes('true'), 'plan-staging': changes('false'), 'plan-prod': { result: 'failure', outputs: {} } }, {});
    expect(first.calls).toEqual([expect.stringMatching(/^issue create --title Infrastructure drift: dev --body The scheduled plan of `dev` .*runs\/9/)]);
    expect(first.stdout).toContain('::warning::the plan of prod did not finish (failure)');

    // Still drifting: the open issue stays as it is; clean again: closed with a link to the run.
    const later = run({ 'plan-dev': changes('true'), 'plan-staging': changes('false'), 'plan-prod': changes('false') }, { 'Infrastructure drift: dev': 4, 'Infrastructure drift: staging': 7 });
    expect(later.calls).toEqual(['issue close 7 --comment The plan of `staging` has no changes any more: https://github.com/acme/api/actions/runs/9']);
    expect(later.stdout).toContain('dev: changes, already reported in #4');
  });
});
