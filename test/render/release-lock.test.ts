import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { Cloud, IacTool } from '../../src/answers/options.js';
import { renderStack } from '../../src/render/plop-bridge.js';
import { infraStack } from './infra-fixtures.js';

/**
 * Every job that changes an environment (deploy, manual rollback, infra apply)
 * is in one GitHub concurrency group per environment, and queues there:
 * otherwise an apply could rewrite the service (on Cloud Run, its traffic)
 * halfway through a canary, and GitHub's default single pending slot would
 * silently drop a waiting apply or deploy when a third one arrives.
 */
type Concurrency = { group: string; 'cancel-in-progress': boolean; queue?: string };
type Workflow = { jobs: Record<string, { concurrency?: Concurrency }> };

async function workflows(cloud: Cloud, iac: IacTool, envs: string[]) {
  const stack = infraStack(cloud, iac, 'canary', 'prometheus', envs);
  const pipeline = await renderStack(stack, 'pipeline');
  const infra = await renderStack(stack, 'infra');
  const read = (tree: typeof pipeline, path: string) => parseYaml(tree.read(path)!.content) as Workflow;
  return {
    deploy: read(pipeline, '.github/workflows/deploy.yml'),
    rollback: read(pipeline, '.github/workflows/rollback.yml'),
    infra: iac === 'none' ? null : read(infra, '.github/workflows/infra.yml'),
  };
}

const QUEUED = { 'cancel-in-progress': false, queue: 'max' };

describe('one queue per environment for deploys, rollbacks and applies', () => {
  it.each([
    ['aws', 'terraform'],
    ['gcp', 'opentofu'],
    ['azure', 'terraform'],
  ] as const)('%s/%s: the three workflows share each environment\'s group, queued', async (cloud, iac) => {
    const envs = ['dev', 'staging', 'prod'];
    const { deploy, rollback, infra } = await workflows(cloud, iac, envs);
    const rollbackGroup = rollback.jobs['rollback']!.concurrency!;
    expect(rollbackGroup).toMatchObject(QUEUED);
    const groups = envs.map((env) => {
      const deployed = deploy.jobs[`deploy-${env}`]!.concurrency!;
      const applied = infra!.jobs[`apply-${env}`]!.concurrency!;
      expect(deployed).toMatchObject(QUEUED);
      expect(applied).toEqual(deployed);
      // rollback.yml names the group from its environment input.
      expect(rollbackGroup.group.replace('${{ inputs.environment }}', env)).toBe(deployed.group);
      return deployed.group;
    });
    // One group per environment: staging never waits for a production rollout.
    expect(new Set(groups).size).toBe(envs.length);
    // Plans change nothing: they stay out of the queue (a pull request's plan never waits for a rollout).
    for (const env of envs) expect(infra!.jobs[`plan-${env}`]!.concurrency!.group).not.toBe(groups[envs.indexOf(env)]);
  });

  it('deploy runs reach the queue in commit order: a newer push cancels the CI of an older run', async () => {
    const stack = infraStack('aws', 'terraform', 'canary', 'prometheus');
    const tree = await renderStack(stack, 'pipeline');
    const ci = parseYaml(tree.read('.github/workflows/ci.yml')!.content) as { concurrency: Concurrency };
    const deploy = parseYaml(tree.read('.github/workflows/deploy.yml')!.content) as { jobs: Record<string, { uses?: string }> };
    // deploy.yml runs CI as a reusable workflow: the called workflow's own group (named after the caller and the ref) applies.
    expect(deploy.jobs['ci']!.uses).toBe('./.github/workflows/ci.yml');
    expect(ci.concurrency).toEqual({ group: 'ci-${{ github.workflow }}-${{ github.ref }}', 'cancel-in-progress': true });
  });

  it('without IaC, deploys and rollbacks still queue', async () => {
    const { deploy, rollback } = await workflows('aws', 'none', ['staging', 'production']);
    expect(deploy.jobs['deploy-production']!.concurrency).toMatchObject(QUEUED);
    expect(rollback.jobs['rollback']!.concurrency).toMatchObject(QUEUED);
  });
});
