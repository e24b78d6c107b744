import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { Cloud, IacTool } from '../../src/answers/options.js';
import { renderStack } from '../../src/render/plop-bridge.js';
import { runRerunGuard, runStepScript, stubCommands } from '../helpers/run-step.js';
import { evaluateCondition } from '../helpers/workflow-expression.js';
import { infraStack } from './infra-fixtures.js';

/**
 * The infra workflow applies only the plan an environment's reviewers read:
 * the default branch plans with the read-only identity (which the bootstrap
 * lets that branch use), and each apply job plans again and applies nothing
 * when its plan's fingerprint differs. The fingerprint steps run for real,
 * on `show` output a stand-in CLI prints.
 */
const root = mkdtempSync(join(tmpdir(), 'infra-reviewed-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

type Step = { name?: string; id?: string; run?: string; env?: Record<string, string> };
type Job = { if?: string; needs?: string | string[]; environment?: string; outputs?: Record<string, string>; steps: Step[] };

async function render(cloud: Cloud, iac: IacTool, environments = ['staging', 'production']) {
  const tree = await renderStack(infraStack(cloud, iac, 'rolling', 'prometheus', environments), 'infra');
  const workflow = parseYaml(tree.read('.github/workflows/infra.yml')!.content) as { jobs: Record<string, Job> };
  return { jobs: workflow.jobs, bootstrap: tree.read('infra/bootstrap/main.tf')!.content };
}

const needsOf = (job: Job) => (Array.isArray(job.needs) ? job.needs : [job.needs]);

const repository = { full_name: 'acme/shop', default_branch: 'main' };
/** Whether a plan job runs, for each kind of run (GitHub's `github` context, abridged). */
const PLAN_RUNS: Array<[boolean, Record<string, unknown>]> = [
  [true, { event_name: 'pull_request', repository: 'acme/shop', ref_name: '7/merge', event: { repository, pull_request: { head: { repo: { full_name: 'acme/shop' } } } } }],
  // A fork's pull request gets no OIDC token: its plan could only fail.
  [false, { event_name: 'pull_request', repository: 'acme/shop', ref_name: '8/merge', event: { repository, pull_request: { head: { repo: { full_name: 'someone/shop' } } } } }],
  [true, { event_name: 'push', repository: 'acme/shop', ref_name: 'main', event: { repository } }],
  [false, { event_name: 'push', repository: 'acme/shop', ref_name: 'feature', event: { repository } }],
  [true, { event_name: 'workflow_dispatch', repository: 'acme/shop', ref_name: 'main', event: { repository } }],
  [false, { event_name: 'workflow_dispatch', repository: 'acme/shop', ref_name: 'feature', event: { repository } }],
  // A scheduled run's event has no repository.
  [true, { event_name: 'schedule', repository: 'acme/shop', ref_name: 'main', event: { schedule: '23 6 * * 1-5' } }],
];

// What `terraform show -no-color` prints for a saved plan (Terraform 1.11), with a drift note before the actions.
const DRIFT = `
Note: Objects have changed outside of Terraform

Terraform detected the following changes made outside of Terraform since the
last "terraform apply" which may have affected this plan:

  # aws_ecs_service.this has changed
  ~ resource "aws_ecs_service" "this" {
      ~ task_definition = "orders-api:7" -> "orders-api:8"
    }
`;
const ACTIONS = (count: number) => `
Terraform used the selected providers to generate the following execution
plan. Resource actions are indicated with the following symbols:
  ~ update in-place

Terraform will perform the following actions:

  # aws_appautoscaling_target.this will be updated in-place
  ~ resource "aws_appautoscaling_target" "this" {
        id           = "service/orders-api/orders-api"
      ~ max_capacity = 10 -> ${count}
    }

Plan: 0 to add, 1 to change, 0 to destroy.

Changes to Outputs:
  ~ max_tasks = 10 -> ${count}
`;

/** Runs `script` in a checkout whose CLI's `show` prints `planText`; returns the result and what it wrote to GITHUB_OUTPUT. */
function runStep(cli: string, script: string, planText: string, env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(root, 'job-'));
  writeFileSync(join(dir, 'plan.txt'), planText);
  const path = stubCommands(join(dir, 'bin'), { [cli]: `#!/bin/sh\ncase "$*" in *"show -no-color tfplan") cat "${join(dir, 'plan.txt')}" ;; *) exit 3 ;; esac\n` });
  const output = join(dir, 'github-output');
  writeFileSync(output, '');
  const r = runStepScript(script, { cwd: dir, env: { PATH: path, ROOT: 'infra/envs/production', GITHUB_OUTPUT: output, ...env } });
  return { ...r, output: readFileSync(output, 'utf8') };
}

describe('infra workflow: apply only the reviewed plan', () => {
  it.each([
    ['aws', 'terraform'],
    ['gcp', 'opentofu'],
    ['azure', 'terraform'],
  ] as const)('%s/%s: every environment is planned on the default branch and its apply job checks that plan', async (cloud, iac) => {
    const envs = ['dev', 'staging', 'prod'];
    const { jobs } = await render(cloud, iac, envs);
    for (const [i, env] of envs.entries()) {
      const plan = jobs[`plan-${env}`]!;
      // Pull requests and the default branch: the only subjects the plan identity trusts.
      expect(PLAN_RUNS.map(([, github]) => evaluateCondition(plan.if!, { github }))).toEqual(PLAN_RUNS.map(([runs]) => runs));
      expect(plan.outputs).toEqual({ fingerprint: '${{ steps.fingerprint.outputs.sha256 }}', changes: '${{ steps.plan.outputs.changes }}' });
      const apply = jobs[`apply-${env}`]!;
      expect(apply.environment).toBe(env);
      expect(needsOf(apply)).toEqual(i === 0 ? [`plan-${env}`] : [`plan-${env}`, `apply-${envs[i - 1]}`]);
      const names = apply.steps.map((s) => s.name);
      const check = apply.steps.find((s) => s.name === 'Plan unchanged since review')!;
      expect(check.env).toEqual({ REVIEWED: `\${{ needs.plan-${env}.outputs.fingerprint }}` });
      // Checked after this job's own plan, before anything is applied.
      expect(names.indexOf('Plan unchanged since review')).toBeGreaterThan(names.findIndex((n) => n?.endsWith(' plan')));
      expect(names.indexOf('Plan unchanged since review')).toBeLessThan(names.findIndex((n) => n?.endsWith(' apply')));
    }
  });

  it.each(['terraform', 'opentofu'] as const)('%s: the apply step runs only on the reviewed plan, whatever the refresh notes say', async (iac) => {
    const cli = iac === 'terraform' ? 'terraform' : 'tofu';
    const { jobs } = await render('aws', iac);
    const fingerprint = jobs['plan-production']!.steps.find((s) => s.id === 'fingerprint')!.run!;
    const check = jobs['apply-production']!.steps.find((s) => s.name === 'Plan unchanged since review')!.run!;
    const tool = iac === 'terraform' ? 'Terraform' : 'OpenTofu';
    const reviewedText = ACTIONS(12).replaceAll('Terraform', tool);

    const planned = runStep(cli, fingerprint, reviewedText);
    expect(planned.status, planned.stderr).toBe(0);
    const reviewed = /^sha256=([0-9a-f]{64})$/m.exec(planned.output)?.[1];
    expect(reviewed).toBeDefined();

    // The same actions after a refresh that noticed a deploy: still the reviewed plan.
    expect(runStep(cli, check, DRIFT + reviewedText, { REVIEWED: reviewed! }).status).toBe(0);
    // Other actions: nothing is applied, and the log says why and shows the new plan.
    const changed = runStep(cli, check, ACTIONS(20).replaceAll('Terraform', tool), { REVIEWED: reviewed! });
    expect(changed.status).toBe(1);
    expect(changed.stdout).toMatch(/^::error::The production plan changed since the reviewed one/m);
    expect(changed.stdout).toContain('max_capacity = 10 -> 20');
    // No reviewed plan (its job failed or was skipped): never apply.
    expect(runStep(cli, check, reviewedText, { REVIEWED: '' }).status).toBe(1);
  });

  it('a plan with no changes fingerprints the same in both jobs', async () => {
    const { jobs } = await render('gcp', 'terraform');
    const noChanges = '\nNo changes. Your infrastructure matches the configuration.\n\nTerraform has compared your real infrastructure against your configuration\nand found no differences, so no changes are needed.\n';
    const planned = runStep('terraform', jobs['plan-staging']!.steps.find((s) => s.id === 'fingerprint')!.run!, DRIFT + noChanges);
    const reviewed = /^sha256=(\S+)$/m.exec(planned.output)![1]!;
    const check = jobs['apply-staging']!.steps.find((s) => s.name === 'Plan unchanged since review')!.run!;
    expect(runStep('terraform', check, noChanges, { REVIEWED: reviewed }).status).toBe(0);
  });

  it.each(['aws', 'gcp', 'azure'] as const)('%s: the docs have an administrator create each state the read-only identity could not (GCS and azurerm write it on first use)', async (cloud) => {
    const stack = infraStack(cloud, 'terraform', 'rolling', 'prometheus');
    const docs = (await renderStack(stack, 'stack')).read('docs/deploy/infra.md')!.content;
    for (const env of stack.infra.envs) {
      const container = env.stateContainer === null ? '' : ` -backend-config="container_name=${env.stateContainer}"`;
      const command = `(cd ${env.dir} && terraform init -input=false -backend-config="${stack.infra.backendKeyArg}=${env.stateKey}"${container} && terraform state list)`;
      // S3's default state exists without being written.
      if (cloud === 'aws') expect(docs).not.toContain(command);
      else expect(docs).toContain(command);
    }
  });

  it.each(['aws', 'gcp', 'azure'] as const)('%s bootstrap: the read-only plan identity trusts pull requests and the default branch', async (cloud) => {
    const { bootstrap } = await render(cloud, 'terraform');
    const subjects = [':pull_request', ':ref:refs/heads/${var.default_branch}'];
    if (cloud === 'aws') {
      const role = /resource "aws_iam_role" "plan" \{[\s\S]*?\n\}/.exec(bootstrap)![0];
      expect(role).toContain(`:sub" = [${subjects.map((s) => `"repo:\${var.repository}${s}"`).join(', ')}]`);
    } else if (cloud === 'gcp') {
      const members = [...bootstrap.matchAll(/resource "google_service_account_iam_member" "(plan_[a-z_]+)" \{[\s\S]*?member\s+= "([^"]+)"/g)].map((m) => m[2]);
      expect(members).toEqual(subjects.map((s) => `\${local.principal_prefix}/repo:\${var.repository}${s}`));
    } else {
      expect(bootstrap).toMatch(/plan = "pull_request"/);
      const credential = /resource "azurerm_federated_identity_credential" "plan_default_branch" \{[\s\S]*?\n\}/.exec(bootstrap)![0];
      expect(credential).toContain('user_assigned_identity_id = azurerm_user_assigned_identity.ci["plan"].id');
      expect(credential).toContain('subject                   = "repo:${var.repository}:ref:refs/heads/${var.default_branch}"');
    }
  });
});

describe('a re-run of an older infra run', () => {
  it.each(['aws', 'gcp', 'azure'] as const)('%s: applies nothing once a newer run of another commit exists', async (cloud) => {
    const { jobs } = await render(cloud, 'terraform');
    for (const env of ['staging', 'production']) {
      const apply = jobs[`apply-${env}`]! as Job & { permissions: Record<string, string> };
      // First, before the checkout and any credentials; only on a re-run (a queued first attempt applies in turn).
      expect(apply.steps[0], env).toMatchObject({ name: 'Not superseded by a newer infra run', if: 'fromJSON(github.run_attempt) > 1' });
      expect(apply.permissions.actions, env).toBe('read');
    }
    const guard = jobs['apply-staging']!.steps[0]!;
    expect(guard.run).toContain('repos/$GITHUB_REPOSITORY/actions/workflows/infra.yml/runs?branch=$BRANCH');
    const dir = join(root, `rerun-${cloud}`);
    const attempt = (newest: string | null) => runRerunGuard(guard.run!, dir, 17, newest);
    expect(attempt(`17 ${'a'.repeat(40)}`).status).toBe(0);
    // A newer run of the same commit (Run workflow on it): the same code, nothing undone.
    expect(attempt(`18 ${'a'.repeat(40)}`).status).toBe(0);
    const older = attempt(`18 ${'b'.repeat(40)}`);
    expect(older.status).toBe(1);
    expect(older.stdout).toContain('::error::infra run #18 (bbbbbbb) is newer than this one (aaaaaaa)');
    // The lookup itself failing stops the job too: it never applies unchecked.
    expect(attempt(null).status).not.toBe(0);
  });
});
