import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { CLOUDS, STRATEGIES, type Cloud, type Monitoring, type Strategy } from '../../src/answers/options.js';
import { hasBinary } from '../../src/check/promtool.js';
import { renderStack } from '../../src/render/plop-bridge.js';
import { buildStack } from '../../src/stack/build-stack.js';
import type { Stack } from '../../src/stack/types.js';
import { runRerunGuard, stubCommands } from '../helpers/run-step.js';
import { pipelineAnswers, pipelineFacts } from './pipeline-fixtures.js';

/**
 * What a deploy job checks before the new revision keeps its traffic: the
 * order of its steps for every cloud and strategy (a metric gate after a bake
 * with enough synthetic traffic, before the rollback), and the smoke test and
 * synthetic traffic scripts run for real against a local HTTP server.
 */
interface Step {
  name?: string;
  if?: string;
  run?: string;
  env?: Record<string, string | number>;
}

async function render(cloud: Cloud, strategy: Strategy, monitoring: Monitoring): Promise<{ stack: Stack; files: Map<string, string> }> {
  const stack = buildStack(pipelineAnswers({ language: 'node', cloud, strategy, monitoring }), pipelineFacts('npm'));
  const tree = await renderStack(stack, 'pipeline');
  const files = new Map<string, string>();
  for (const path of ['.github/workflows/deploy.yml', '.github/scripts/smoke-test.sh', '.github/scripts/synthetic-traffic.sh']) {
    const file = tree.read(path);
    if (file) files.set(path, file.content);
  }
  return { stack, files };
}

function deployJobs(yaml: string): Array<[string, Step[]]> {
  const doc = parseYaml(yaml) as { jobs: Record<string, { steps?: Step[] }> };
  return Object.entries(doc.jobs)
    .filter(([id]) => id.startsWith('deploy-'))
    .map(([id, job]) => [id, job.steps ?? []]);
}

const hasJqBin = await hasBinary('jq');

const runs = (step: Step, script: string) => step.run?.includes(`/${script}`) === true;

describe('deploy job checks, every cloud and strategy', () => {
  for (const cloud of CLOUDS)
    for (const strategy of STRATEGIES) {
      it(`${cloud}/${strategy}: each metric gate follows a bake with enough synthetic traffic, and a failed gate rolls back`, async () => {
        const { stack, files } = await render(cloud, strategy, 'prometheus');
        const p = stack.pipeline;
        const minRequests = stack.monitoring.gate!.minRequests;
        for (const [id, steps] of deployJobs(files.get('.github/workflows/deploy.yml')!)) {
          const gates = steps.flatMap((s, i) => (runs(s, 'metric-gate.sh') ? [i] : []));
          expect(gates.length, id).toBeGreaterThan(0);
          for (const g of gates) {
            expect(steps[g]!.env!['REVISION'], id).toBe('${{ steps.deploy.outputs.revision }}');
            const bake = steps[g - 1]!;
            expect(runs(bake, 'synthetic-traffic.sh'), `${id}: step before ${steps[g]!.name}`).toBe(true);
            const ecsCanary = cloud === 'aws' && strategy === 'canary';
            // ECS's canary tasks start during the bake: a longer one, still inside ECS's time at the canary share.
            const seconds = ecsCanary ? p.ecsBake.canaryGateBakeSeconds : p.bakeSeconds;
            expect(bake.run).toContain(`"$URL" ${seconds}`);
            if (ecsCanary) expect(seconds).toBeLessThan(p.ecsBake.canaryMinutes * 60 - 120);
            expect(bake.env!['SYNTHETIC_TRAFFIC']).toBe('${{ vars.SYNTHETIC_TRAFFIC }}');
            // Synthetic requests reach the new revision directly (its own URL, or all
            // traffic) except on ECS's canary, where it gets its share of the service URL's.
            const onCandidate = strategy === 'canary' && p.trafficSplit;
            expect(bake.env!['URL']).toBe(onCandidate ? '${{ steps.deploy.outputs.candidate_url }}' : '${{ steps.deploy.outputs.service_url }}');
            // Twice the gate's minimum in its 5-minute window; ECS's canary gets its share, for maybe half the window.
            const share = ecsCanary ? (p.ecsBake.canaryPercent / 100) * 0.5 : 1;
            expect(Number(bake.env!['TRAFFIC_RPS']) * p.bakeSeconds * share, `${id}: ${bake.name}`).toBeGreaterThanOrEqual(2 * minRequests);
          }
          const rollback = steps.findIndex((s) => s.name === 'Roll back');
          expect(rollback, id).toBeGreaterThan(gates[gates.length - 1]!);
          expect(steps[rollback]!.if).toContain('failure()');
          if (strategy !== 'canary') {
            // Judged on all traffic: after the switch (or ECS's completed rollout) and the smoke test.
            const switched = steps.findIndex((s) => /deploy-[a-z-]+\.sh (promote|wait|wait-bake)$/.test(s.run ?? ''));
            const smoke = steps.findIndex((s) => s.name === 'Smoke test');
            expect(switched, id).toBeGreaterThan(-1);
            expect(gates[0], id).toBeGreaterThan(Math.max(switched, smoke));
          }
          if (cloud === 'aws' && strategy !== 'rolling') {
            // Checked within ECS's bake (after the canary, for a canary), while the old revision still runs:
            // a failure moves traffic back at once. The rollout completes after the checks.
            const names = steps.map((s) => s.run?.match(/deploy-ecs-fargate\.sh (\S+)$/)?.[1] ?? s.name);
            // The canary's gate runs before ECS shifts all traffic; blue/green's gate runs within the bake.
            if (strategy === 'canary') expect(names.indexOf('wait-bake'), id).toBeGreaterThan(gates[gates.length - 1]!);
            expect(names.indexOf('wait-bake'), id).toBeLessThan(names.indexOf('Smoke test'));
            expect(names.indexOf('wait'), id).toBeGreaterThan(Math.max(gates[gates.length - 1]!, names.indexOf('Smoke test')));
            expect(names.indexOf('wait'), id).toBeLessThan(rollback);
            const checks = (strategy === 'blue-green' ? p.bakeSeconds : 0) + 60 + 120;
            expect(checks, 'gated bake, smoke test budget and margin').toBeLessThanOrEqual(p.ecsBake.minutes * 60);
            expect(JSON.parse(p.ecsDeploymentConfiguration).bakeTimeInMinutes).toBe(p.ecsBake.minutes);
          }
          const candidateTests = steps.findIndex((s) => runs(s, 'integration-test.sh') && s.env?.['URL'] === '${{ steps.deploy.outputs.candidate_url }}');
          if (strategy === 'blue-green' && p.trafficSplit) {
            // Green passes the integration tests before it takes any traffic.
            expect(candidateTests, id).toBeGreaterThan(-1);
            expect(candidateTests, id).toBeLessThan(steps.findIndex((s) => s.run?.endsWith(' promote') === true));
          } else {
            expect(candidateTests, id).toBe(-1);
          }
        }
      });
    }

  it('without monitoring there is no metric gate nor synthetic traffic (health checks gate)', async () => {
    for (const cloud of CLOUDS)
      for (const strategy of STRATEGIES) {
        const { files } = await render(cloud, strategy, 'none');
        expect(files.has('.github/scripts/synthetic-traffic.sh')).toBe(false);
        for (const [, steps] of deployJobs(files.get('.github/workflows/deploy.yml')!)) {
          expect(steps.some((s) => runs(s, 'metric-gate.sh') || runs(s, 'synthetic-traffic.sh'))).toBe(false);
          expect(steps.some((s) => runs(s, 'smoke-test.sh'))).toBe(true);
        }
      }
  });
});

describe('the health path the smoke tests request on the public URL', () => {
  /** Every HEALTH_PATH value the deploy and rollback workflows set. */
  async function healthPaths(cloud: Cloud, healthPath: string): Promise<string[]> {
    const stack = buildStack(pipelineAnswers({ language: 'node', cloud, healthPath }), pipelineFacts('npm'));
    const tree = await renderStack(stack, 'pipeline');
    const found: string[] = [];
    const collect = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(collect);
      else if (node !== null && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) (k === 'HEALTH_PATH' ? found.push(v as string) : collect(v));
      }
    };
    for (const wf of ['deploy.yml', 'rollback.yml']) collect(parseYaml(tree.read(`.github/workflows/${wf}`)!.content));
    return found;
  }

  it('Cloud Run answers paths ending in z on run.app itself: none is requested there; elsewhere, and other paths, are', async () => {
    const gcp = await healthPaths('gcp', '/healthz');
    expect(gcp.length).toBeGreaterThanOrEqual(3); // each deploy job, the integration tests, the rollback
    expect(new Set(gcp)).toEqual(new Set(['']));
    expect(new Set(await healthPaths('gcp', '/health'))).toEqual(new Set(['/health']));
    expect(new Set(await healthPaths('aws', '/healthz'))).toEqual(new Set(['/healthz']));
    expect(new Set(await healthPaths('azure', '/livez'))).toEqual(new Set(['/livez']));
  });
});

/** The ECS deploy script for `strategy`, written into a new temporary directory (the caller removes it). */
async function ecsDeployScript(strategy: Strategy, label: string): Promise<{ dir: string; script: string }> {
  const stack = buildStack(pipelineAnswers({ language: 'node', cloud: 'aws', strategy }), pipelineFacts('npm'));
  const tree = await renderStack(stack, 'pipeline');
  const dir = mkdtempSync(join(tmpdir(), `ecs-${label}-`));
  const script = join(dir, 'deploy.sh');
  writeFileSync(script, tree.read(`.github/scripts/${stack.pipeline.deployScript}`)!.content);
  return { dir, script };
}

const taskDefinitionArn = (rev: number) => `arn:aws:ecs:us-east-1:123456789012:task-definition/orders-api-production:${rev}`;

describe('AWS deploy details', () => {
  it.each(STRATEGIES)('%s: the rollback gets fresh credentials, as a failed rollout can outlast the first ones (one hour)', async (strategy) => {
    const { files } = await render('aws', strategy, 'prometheus');
    for (const [id, steps] of deployJobs(files.get('.github/workflows/deploy.yml')!) as Array<[string, Array<Step & { uses?: string; with?: Record<string, unknown> }>]>) {
      const rollback = steps.findIndex((st) => st.name === 'Roll back');
      const login = steps[rollback - 1]!;
      expect(login.uses, id).toMatch(/^aws-actions\/configure-aws-credentials@/);
      expect(login.if, id).toBe(steps[rollback]!.if);
      const first = steps.find((st) => st.uses?.startsWith('aws-actions/configure-aws-credentials@'))!;
      expect({ ...login.with, 'role-session-name': null }, id).toEqual({ ...first.with, 'role-session-name': null });
    }
  });

  it('a redeploy by digest in rollback.yml keeps the strategy and the breaker but skips the canary step and the bakes', async () => {
    const stack = buildStack(pipelineAnswers({ language: 'node', cloud: 'aws', strategy: 'canary' }), pipelineFacts('npm'));
    const rollback = parseYaml((await renderStack(stack, 'pipeline')).read('.github/workflows/rollback.yml')!.content) as { jobs: Record<string, { steps: Step[] }> };
    const redeploy = Object.values(rollback.jobs).flatMap((j) => j.steps).find((st) => st.name === 'Redeploy the image digest')!;
    expect(JSON.parse(String(redeploy.env!.DEPLOYMENT_CONFIGURATION))).toEqual({
      strategy: 'CANARY',
      bakeTimeInMinutes: 0,
      canaryConfiguration: { canaryPercent: 100, canaryBakeTimeInMinutes: 0 },
      deploymentCircuitBreaker: { enable: true, rollback: true },
    });
  });

  it('the account id is not masked: the runner drops job outputs holding a masked value (the image name, ARNs)', async () => {
    const stack = buildStack(pipelineAnswers({ language: 'node', cloud: 'aws', strategy: 'canary' }), pipelineFacts('npm'));
    const tree = await renderStack(stack, 'pipeline');
    let steps = 0;
    for (const path of tree.paths().filter((x) => x.startsWith('.github/workflows/'))) {
      const doc = parseYaml(tree.read(path)!.content) as { jobs: Record<string, { steps?: Array<{ uses?: string; with?: Record<string, unknown> }> }> };
      for (const job of Object.values(doc.jobs)) {
        for (const step of job.steps ?? []) {
          if (!step.uses?.startsWith('aws-actions/configure-aws-credentials@')) continue;
          steps++;
          expect(step.with?.['mask-aws-account-id'], path).toBe(false);
        }
      }
    }
    expect(steps).toBeGreaterThanOrEqual(3);
  });

  it.skipIf(!hasJqBin)('blue/green: wait-bake returns once ECS bakes the new revision, and fails when ECS rolled it back', async () => {
    const { dir, script } = await ecsDeployScript('blue-green', 'wait-bake');
    try {
      // The stand-in aws CLI: the PRIMARY deployment runs $RUNNING; each describe-service-deployments
      // answers the next lifecycle stage of $STAGES. sleep returns at once.
      writeFileSync(
        join(dir, 'aws'),
        `#!/bin/sh
case "$*" in
  *describe-services*) echo "{\\"services\\":[{\\"deployments\\":[{\\"status\\":\\"PRIMARY\\",\\"rolloutState\\":\\"IN_PROGRESS\\",\\"taskDefinition\\":\\"$RUNNING\\"}]}]}" ;;
  *list-service-deployments*) echo "arn:aws:ecs:us-east-1:123456789012:service-deployment/c/s/1" ;;
  *describe-service-deployments*) n=$(cat "${dir}/n" 2>/dev/null || echo 1); echo "$STAGES" | cut -d' ' -f"$n"; echo $((n + 1)) > "${dir}/n" ;;
  *) exit 3 ;;
esac
`,
      );
      writeFileSync(join(dir, 'sleep'), '#!/bin/sh\n');
      for (const bin of ['aws', 'sleep']) chmodSync(join(dir, bin), 0o755);
      const run = (running: string, stages: string) => {
        rmSync(join(dir, 'n'), { force: true });
        return execa('bash', [script, 'wait-bake'], {
          env: { PATH: `${dir}:${process.env['PATH'] ?? ''}`, CLUSTER: 'c', SERVICE: 's', EXPECTED: taskDefinitionArn(8), RUNNING: running, STAGES: stages, WAIT_MINUTES: '1' },
          extendEnv: false,
          reject: false,
        });
      };
      const baked = await run(taskDefinitionArn(8), 'SCALE_UP TEST_TRAFFIC_SHIFT PRODUCTION_TRAFFIC_SHIFT BAKE_TIME');
      expect(baked.exitCode, baked.stderr).toBe(0);
      expect(baked.stdout.trim().split('\n').at(-1)).toBe('rollout state: IN_PROGRESS, stage: BAKE_TIME (orders-api-production:8)');
      const rolledBack = await run(taskDefinitionArn(7), 'BAKE_TIME');
      expect(rolledBack.exitCode).toBe(1);
      expect(rolledBack.stderr).toContain('ECS rolled back to orders-api-production:7 instead of orders-api-production:8');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without IaC, the docs grant the deploy role every ECS action its script calls', async () => {
    const stack = buildStack(pipelineAnswers({ language: 'node', cloud: 'aws', strategy: 'blue-green', iac: 'none' }), pipelineFacts('npm'));
    const tree = await renderStack(stack, 'stack');
    const script = tree.read(`.github/scripts/${stack.pipeline.deployScript}`)!.content;
    const doc = tree.read('docs/deploy/pipeline.md')!.content;
    const calls = [...new Set([...script.matchAll(/\baws ecs ([a-z-]+)/g)].map((m) => m[1]!))];
    expect(calls.length).toBeGreaterThanOrEqual(5);
    for (const call of calls) expect(doc, call).toContain(`\`ecs:${call.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase())}\``);
    expect(doc).toContain(`\`${stack.infra.pushSubject}\``);
    expect(doc).toContain(`ECR repository \`${stack.names.aws.ecrRepository}\``);
  });

  it.skipIf(!hasJqBin)('a rollback refuses a task definition of another family (another environment)', async () => {
    const { dir, script } = await ecsDeployScript('rolling', 'rollback');
    try {
      const log = join(dir, 'aws.log');
      // A stand-in aws CLI: the service runs orders-api-production:7; any other call fails (and is logged).
      writeFileSync(join(dir, 'aws'), `#!/bin/sh\necho "$*" >> "${log}"\ncase "$*" in *describe-services*) echo '{"services":[{"taskDefinition":"arn:aws:ecs:us-east-1:123456789012:task-definition/orders-api-production:7","deployments":[]}]}' ;; *) exit 3 ;; esac\n`);
      chmodSync(join(dir, 'aws'), 0o755);
      const run = (target: string) =>
        execa('bash', [script, 'rollback'], { env: { PATH: `${dir}:${process.env['PATH'] ?? ''}`, CLUSTER: 'orders-api-production', SERVICE: 'orders-api-production', TARGET: target }, extendEnv: false, reject: false });
      const other = await run('orders-api-staging:12');
      expect(other.exitCode).toBe(1);
      expect(other.stderr).toContain('is not a revision of orders-api-production');
      const same = await run('orders-api-production:6');
      // Past the check: it goes on to look for a deployment under way.
      expect(same.stderr).not.toContain('is not a revision');
      expect(readFileSync(log, 'utf8')).toContain('list-service-deployments');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!hasJqBin)('deploy: a service still on Terraform\'s placeholder revision leaves nothing to roll back to; one that served its own image does', async () => {
    const { dir, script } = await ecsDeployScript('rolling', 'deploy');
    try {
      const repository = '123456789012.dkr.ecr.us-east-1.amazonaws.com/orders-api';
      const running = 'arn:aws:ecs:us-east-1:123456789012:task-definition/orders-api-production:7';
      // A stand-in aws CLI: the service runs revision 7, whose app image is $RUNNING_IMAGE, rolled out to $ROLLOUT.
      const PATH = stubCommands(dir, {
        aws: `#!/bin/sh
case "$*" in
  *describe-services*) echo "{\\"services\\":[{\\"taskDefinition\\":\\"${running}\\",\\"deploymentConfiguration\\":{},\\"deployments\\":[{\\"status\\":\\"PRIMARY\\",\\"rolloutState\\":\\"$ROLLOUT\\",\\"runningCount\\":2}]}]}" ;;
  *"describe-task-definition --task-definition ${running} "*) echo "{\\"containerDefinitions\\":[{\\"name\\":\\"orders-api\\",\\"image\\":\\"$RUNNING_IMAGE\\"}]}" ;;
  *"describe-task-definition --task-definition orders-api-production "*) echo '{"containerDefinitions":[{"name":"orders-api","image":"x"}],"revision":7}' ;;
  *register-task-definition*) echo 'arn:aws:ecs:us-east-1:123456789012:task-definition/orders-api-production:8' ;;
  *update-service*) echo '{}' ;;
  *) exit 3 ;;
esac
`,
      });
      const deploy = async (runningImage: string, rollout = 'COMPLETED') => {
        const output = join(dir, 'output');
        writeFileSync(output, '');
        const r = await execa('bash', [script, 'deploy'], {
          env: { PATH, CLUSTER: 'c', SERVICE: 's', CONTAINER: 'orders-api', IMAGE: `${repository}@sha256:${'2'.repeat(64)}`, RUNNING_IMAGE: runningImage, ROLLOUT: rollout, GITHUB_OUTPUT: output },
          extendEnv: false,
          reject: false,
        });
        return { ...r, previous: /^previous=(.*)$/m.exec(readFileSync(output, 'utf8'))?.[1] };
      };
      // The placeholder never passes the app's health check: its rollout never completes.
      const first = await deploy('public.ecr.aws/docker/library/nginx:stable-alpine', 'FAILED');
      expect(first.exitCode, first.stderr).toBe(0);
      expect(first.previous).toBe('');
      expect(first.stdout).toContain('::notice::orders-api-production:7 runs public.ecr.aws/docker/library/nginx:stable-alpine and never completed a rollout');
      // A service adopted (no IaC here) with its own tagged image, serving: a failed deploy returns to it.
      const adopted = await deploy('123456789012.dkr.ecr.us-east-1.amazonaws.com/orders-api:v1');
      expect(adopted.previous).toBe(running);
      const later = await deploy(`${repository}@sha256:${'1'.repeat(64)}`);
      expect(later.exitCode, later.stderr).toBe(0);
      expect(later.previous).toBe(running);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!hasJqBin)('a rollback named by hand refuses a revision that runs no image of the repository (Terraform\'s placeholder)', async () => {
    const { dir, script } = await ecsDeployScript('rolling', 'rollback');
    try {
      const repository = '123456789012.dkr.ecr.us-east-1.amazonaws.com/orders-api';
      // A stand-in aws CLI: revision 5 runs the placeholder, 6 an image of the repository.
      const PATH = stubCommands(dir, {
        aws: `#!/bin/sh
case "$*" in
  *describe-services*) echo '{"services":[{"taskDefinition":"arn:aws:ecs:us-east-1:123456789012:task-definition/orders-api-production:7","deployments":[]}]}' ;;
  *"describe-task-definition --task-definition orders-api-production:5 "*) echo '{"containerDefinitions":[{"name":"app","image":"public.ecr.aws/docker/library/nginx:stable-alpine"}]}' ;;
  *"describe-task-definition --task-definition orders-api-production:6 "*) echo '{"containerDefinitions":[{"name":"collector","image":"otel"},{"name":"app","image":"${repository}@sha256:${'1'.repeat(64)}"}]}' ;;
  *) exit 3 ;;
esac
`,
      });
      const run = (target: string, env: Record<string, string>) =>
        execa('bash', [script, 'rollback'], { env: { PATH, CLUSTER: 'c', SERVICE: 's', CONTAINER: 'app', TARGET: target, ...env }, extendEnv: false, reject: false });
      const placeholder = await run('orders-api-production:5', { IMAGE_REPOSITORY: repository });
      expect(placeholder.exitCode).toBe(1);
      expect(placeholder.stderr).toContain('orders-api-production:5 runs public.ecr.aws/docker/library/nginx:stable-alpine, not an image of');
      // Ours passes the check (and fails later, on the stand-in's unknown calls).
      expect((await run('orders-api-production:6', { IMAGE_REPOSITORY: repository })).stderr).not.toContain('not an image of');
      // An automatic rollback (deploy.yml: no IMAGE_REPOSITORY) returns to whatever served before, the placeholder included.
      expect((await run('orders-api-production:5', {})).stderr).not.toContain('not an image of');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!hasJqBin)('canary: a rollback by redeploy skips the bakes, and waits for a rollback ECS has started instead of adding one', async () => {
    const { dir, script } = await ecsDeployScript('canary', 'rollback');
    try {
      const log = join(dir, 'aws.log');
      // The stand-in aws CLI: the service runs $RUNNING (the service's canary configuration), or the
      // task definition update-service was given; ECS's own rollback is under way for $ROLLING_BACK calls.
      writeFileSync(
        join(dir, 'aws'),
        `#!/bin/sh
echo "$*" >> "${log}"
running=$(cat "${dir}/running" 2>/dev/null || echo "$RUNNING")
case "$*" in
  *describe-services*) echo "{\\"services\\":[{\\"taskDefinition\\":\\"$running\\",\\"deploymentConfiguration\\":{\\"strategy\\":\\"CANARY\\",\\"bakeTimeInMinutes\\":5,\\"canaryConfiguration\\":{\\"canaryPercent\\":10,\\"canaryBakeTimeInMinutes\\":10}},\\"deployments\\":[{\\"status\\":\\"PRIMARY\\",\\"rolloutState\\":\\"COMPLETED\\",\\"taskDefinition\\":\\"$running\\"}]}]}" ;;
  *ROLLBACK_IN_PROGRESS*) n=$(grep -c ROLLBACK_IN_PROGRESS "${log}"); if [ "$n" -le "$ROLLING_BACK" ]; then echo arn:aws:ecs:us-east-1:123456789012:service-deployment/c/s/r1; echo "${taskDefinitionArn(7)}" > "${dir}/running"; else echo None; fi ;;
  *list-service-deployments*) echo None ;;
  *update-service*) echo "$*" | sed 's/.*--task-definition \\([^ ]*\\).*/\\1/' > "${dir}/running" ;;
  *) exit 3 ;;
esac
`,
      );
      writeFileSync(join(dir, 'sleep'), '#!/bin/sh\n');
      for (const bin of ['aws', 'sleep']) chmodSync(join(dir, bin), 0o755);
      const run = (rollingBack: number) => {
        for (const f of [log, join(dir, 'running')]) rmSync(f, { force: true });
        return execa('bash', [script, 'rollback'], {
          env: { PATH: `${dir}:${process.env['PATH'] ?? ''}`, CLUSTER: 'c', SERVICE: 's', TARGET: taskDefinitionArn(7), RUNNING: taskDefinitionArn(8), ROLLING_BACK: String(rollingBack), WAIT_MINUTES: '1' },
          extendEnv: false,
          reject: false,
        });
      };
      const redeploy = await run(0);
      expect(redeploy.exitCode, redeploy.stderr).toBe(0);
      const update = readFileSync(log, 'utf8').split('\n').find((l) => l.includes('update-service'))!;
      const config = JSON.parse(update.replace(/.*--deployment-configuration (\{.*\}) --output.*/, '$1'));
      expect(config).toEqual({ strategy: 'CANARY', bakeTimeInMinutes: 0, canaryConfiguration: { canaryPercent: 100, canaryBakeTimeInMinutes: 0 } });

      const ecsRollsBack = await run(2);
      expect(ecsRollsBack.exitCode, ecsRollsBack.stderr).toBe(0);
      expect(ecsRollsBack.stdout).toContain('ECS is rolling back r1; waiting');
      expect(readFileSync(log, 'utf8')).not.toMatch(/update-service|stop-service-deployment/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!hasJqBin)('Cloud Run deploy details', () => {
  // A stand-in gcloud: the first describe fails with `describeError` (or all print a service serving r1); every call is logged.
  const SERVING_R1 = '{"status":{"url":"https://svc","latestCreatedRevisionName":"r2","traffic":[{"revisionName":"r1","percent":100}]}}';
  async function deploy(describeError: string | null, service = SERVING_R1, mode: 'deploy' | 'rollback' = 'deploy') {
    const stack = buildStack(pipelineAnswers({ language: 'node', cloud: 'gcp', strategy: 'canary' }), pipelineFacts('npm'));
    const tree = await renderStack(stack, 'pipeline');
    const dir = mkdtempSync(join(tmpdir(), 'cloud-run-deploy-'));
    try {
      const script = join(dir, 'deploy.sh');
      writeFileSync(script, tree.read(`.github/scripts/${stack.pipeline.deployScript}`)!.content);
      const log = join(dir, 'gcloud.log');
      // The error comes once: after the deploy, the service exists.
      const onDescribe = describeError === null ? `echo '${service}'` : `if [ -e "${dir}/described" ]; then echo '${service}'; else touch "${dir}/described"; echo '${describeError}' >&2; exit 1; fi`;
      writeFileSync(join(dir, 'gcloud'), `#!/bin/sh
echo "$*" >> "${log}"
case "$*" in *"services describe"*) ${onDescribe} ;; esac
`);
      chmodSync(join(dir, 'gcloud'), 0o755);
      const tmp = join(dir, 'tmp');
      mkdirSync(tmp);
      const output = join(dir, 'output');
      writeFileSync(output, '');
      const r = await execa('bash', [script, mode], { env: { PATH: `${dir}:${process.env['PATH'] ?? ''}`, TMPDIR: tmp, SERVICE: 'orders-api-production', REGION: 'europe-west1', IMAGE: 'img@sha256:1', TAG: 'r1-1', TARGET: 'r1', GITHUB_OUTPUT: output }, extendEnv: false, reject: false });
      // Nothing left in the runner's temporary directory (self-hosted runners keep it), whatever the outcome.
      expect(readdirSync(tmp)).toEqual([]);
      return { ...r, calls: readFileSync(log, 'utf8').trim().split('\n'), outputs: readFileSync(output, 'utf8') };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('deploys with no traffic while a revision serves', async () => {
    const r = await deploy(null);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.calls.find((c) => c.startsWith('run deploy'))).toContain('--no-traffic');
  });

  it('reports the revision its tag points at, not whichever revision was created last', async () => {
    // r3 came from elsewhere (an infra apply, a hand deploy) after this deploy made r2 with tag r1-1.
    const raced = '{"status":{"url":"https://svc","latestCreatedRevisionName":"r3","traffic":[{"revisionName":"r1","percent":100},{"revisionName":"r2","percent":0,"tag":"r1-1","url":"https://r1-1---svc"}]}}';
    const r = await deploy(null, raced);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.outputs).toContain('revision=r2\n');
    expect(r.outputs).toContain('candidate_url=https://r1-1---svc\n');
  });

  it('a rollback reports the service URL for its smoke test (no variable to keep up to date)', async () => {
    const r = await deploy(null, SERVING_R1, 'rollback');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.calls).toContainEqual(expect.stringMatching(/^run services update-traffic orders-api-production .*--to-revisions r1=100/));
    expect(r.outputs).toBe('service_url=https://svc\n');
  });

  it('deploys live only when the service does not exist yet, and stops on any other describe failure', async () => {
    const missing = await deploy('ERROR: (gcloud.run.services.describe) Cannot find service [orders-api-production]');
    expect(missing.exitCode, missing.stderr).toBe(0);
    expect(missing.calls.find((c) => c.startsWith('run deploy'))).not.toContain('--no-traffic');
    const denied = await deploy('ERROR: (gcloud.run.services.describe) PERMISSION_DENIED: Permission denied on resource');
    expect(denied.exitCode).toBe(1);
    expect(denied.stderr).toContain('PERMISSION_DENIED');
    expect(denied.calls.some((c) => c.startsWith('run deploy'))).toBe(false);
  });
});

describe.skipIf(!hasJqBin)('the AWS runbooks\' manual rollback after a completed deployment', () => {
  it.each(['canary', 'blue-green'] as const)('%s: pins the previous task definition without the strategy\'s steps and bakes, keeping its alarms', async (strategy) => {
    const stack = buildStack(pipelineAnswers({ language: 'node', cloud: 'aws', strategy }), pipelineFacts('npm'));
    const snippet = stack.monitoring.runbooks.find((r) => r.alert === 'HighErrorRatio')!.rollback.at(-1)!.code.replaceAll('<previous-revision>', '7');
    const dir = mkdtempSync(join(tmpdir(), 'runbook-rollback-'));
    try {
      const log = join(dir, 'aws.log');
      const own = { strategy: strategy === 'canary' ? 'CANARY' : 'BLUE_GREEN', bakeTimeInMinutes: 5, canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 10 }, alarms: { alarmNames: ['errors'], enable: true, rollback: true } };
      const PATH = stubCommands(dir, {
        aws: `#!/bin/sh\nprintf '%s\\n' "$*" >> "${log}"\ncase "$*" in *"describe-services"*) echo '${JSON.stringify(own)}' ;; esac\n`,
      });
      const r = await execa('bash', ['-euo', 'pipefail', '-c', snippet], { env: { PATH }, extendEnv: false, reject: false });
      expect(r.exitCode, r.stderr).toBe(0);
      const update = readFileSync(log, 'utf8').trim().split('\n').find((c) => c.startsWith('ecs update-service'))!;
      expect(update).toContain('--task-definition orders-api-production:7');
      const config = JSON.parse(/--deployment-configuration (\{.*\}) --region/.exec(update)![1]!);
      expect(config).toMatchObject({ strategy: own.strategy, bakeTimeInMinutes: 0, alarms: own.alarms });
      if (strategy === 'canary') expect(config.canaryConfiguration).toEqual({ canaryPercent: 100, canaryBakeTimeInMinutes: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!hasJqBin)('Container Apps traffic moves', () => {
  // A stand-in az: listing revisions fails (a transient ARM error) when `listFails`; every call is logged.
  async function run(mode: 'promote' | 'rollback', listFails: boolean) {
    const stack = buildStack(pipelineAnswers({ language: 'node', cloud: 'azure', strategy: 'canary' }), pipelineFacts('npm'));
    const tree = await renderStack(stack, 'pipeline');
    const dir = mkdtempSync(join(tmpdir(), 'container-apps-'));
    try {
      const script = join(dir, 'deploy.sh');
      writeFileSync(script, tree.read(`.github/scripts/${stack.pipeline.deployScript}`)!.content);
      const log = join(dir, 'az.log');
      const PATH = stubCommands(dir, {
        az: `#!/bin/sh
echo "$*" >> "${log}"
case "$*" in
  *"revision list"*) ${listFails ? 'echo "ERROR: (InternalServerError) try again" >&2; exit 1' : `echo '[{"name":"app--r1","properties":{"active":true,"trafficWeight":0}}]'`} ;;
  *"containerapp show"*"ingress.fqdn"*) echo orders-api-production.nicesky-1a2b3c4d.westeurope.azurecontainerapps.io ;;
  *"revision show"*)
    # Processing twice after its activation, then Running.
    n=$(cat "${log}.shows" 2>/dev/null || echo 0); echo $((n + 1)) > "${log}.shows"
    if [ "$n" -lt 2 ]; then echo Processing; else echo Running; fi ;;
esac
`,
        sleep: '#!/bin/sh\nexit 0\n',
      });
      const output = join(dir, 'output');
      writeFileSync(output, '');
      const env = { PATH, APP: 'orders-api-production', RESOURCE_GROUP: 'rg-orders-api-production', REVISION: 'app--r3', PREVIOUS: 'app--r2', TARGET: 'app--r2', GITHUB_OUTPUT: output };
      const r = await execa('bash', [script, mode], { env, extendEnv: false, reject: false });
      return { ...r, calls: readFileSync(log, 'utf8').trim().split('\n'), outputs: readFileSync(output, 'utf8') };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it.each(['promote', 'rollback'] as const)('%s: a failed cleanup of idle revisions warns, and never fails a traffic move that succeeded', async (mode) => {
    const failed = await run(mode, true);
    expect(failed.exitCode, failed.stderr).toBe(0);
    expect(failed.stdout).toContain('::warning::could not deactivate idle revisions of orders-api-production');
    expect(failed.calls.some((c) => c.startsWith('containerapp ingress traffic set'))).toBe(true);
    const ok = await run(mode, false);
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(ok.stdout).not.toContain('::warning::');
    expect(ok.calls).toContainEqual(expect.stringMatching(/^containerapp revision deactivate .*--revision app--r1 /));
  });

  it('a rollback reports the app\'s URL for its smoke test (no variable to keep up to date)', async () => {
    const r = await run('rollback', false);
    expect(r.exitCode, r.stderr).toBe(0);
    // The revision it returns to takes traffic once it runs, not while it starts.
    const shows = r.calls.map((c, i) => (c.startsWith('containerapp revision show') ? i : -1)).filter((i) => i >= 0);
    expect(shows).toHaveLength(3);
    expect(r.calls.findIndex((c) => c.startsWith('containerapp ingress traffic set'))).toBeGreaterThan(shows[2]!);
    expect(r.outputs).toBe('service_url=https://orders-api-production.nicesky-1a2b3c4d.westeurope.azurecontainerapps.io\n');
  });
});

describe('the rollback workflow\'s smoke test URL', () => {
  it.each(['gcp', 'azure'] as const)('%s: from the platform, whichever way the rollback went; no SERVICE_URL variable', async (cloud) => {
    const stack = buildStack(pipelineAnswers({ language: 'node', cloud, strategy: 'canary' }), pipelineFacts('npm'));
    const tree = await renderStack(stack, 'pipeline');
    const wf = parseYaml(tree.read('.github/workflows/rollback.yml')!.content) as { jobs: Record<string, { steps: Step[] }> };
    const steps = wf.jobs['rollback']!.steps;
    expect(steps.find((s) => s.name === 'Return traffic to the revision')).toMatchObject({ id: 'back' });
    expect(steps.find((s) => s.name === 'Redeploy the image digest')).toMatchObject({ id: 'deploy' });
    expect(steps.find((s) => s.name === 'Smoke test')!.env).toMatchObject({ URL: '${{ steps.deploy.outputs.service_url || steps.back.outputs.service_url }}' });
    for (const path of ['.github/workflows/rollback.yml', '.github/workflows/deploy.yml', 'docs/deploy/pipeline.md']) expect(tree.read(path)!.content, path).not.toContain('SERVICE_URL');
    expect(stack.pipeline.variables.map((v) => v.name)).not.toContain('SERVICE_URL');
  });
});

const hasCurl = await hasBinary('curl');

describe.skipIf(!hasCurl)('smoke test and synthetic traffic scripts, against a local server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deploy-checks-'));
  /** Path -> status the server answers; every request is logged. */
  let statuses: Record<string, number> = {};
  const requests: Array<{ url: string; agent: string }> = [];
  let server: Server;
  let base = '';
  let smoke = '';
  let traffic = '';

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push({ url: req.url ?? '', agent: req.headers['user-agent'] ?? '' });
      res.statusCode = statuses[(req.url ?? '').split('?')[0]!] ?? 404;
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { files } = await render('gcp', 'canary', 'prometheus');
    smoke = join(dir, 'smoke-test.sh');
    traffic = join(dir, 'synthetic-traffic.sh');
    writeFileSync(smoke, files.get('.github/scripts/smoke-test.sh')!);
    writeFileSync(traffic, files.get('.github/scripts/synthetic-traffic.sh')!);
    chmodSync(smoke, 0o755);
    chmodSync(traffic, 0o755);
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  const runScript = (script: string, args: string[], env: Record<string, string>) =>
    execa('bash', [script, ...args], { env: { PATH: process.env['PATH'] ?? '', ...env }, extendEnv: false, reject: false });

  it('smoke test: health must be 2xx; `/` only free of server errors unless BUSINESS_PATH names a path, which must be 2xx', async () => {
    const env = { HEALTH_PATH: '/healthz', TRIES: '2', DELAY: '0' };
    statuses = { '/healthz': 200 };
    expect((await runScript(smoke, [base], env)).exitCode).toBe(0); // `/` answers 404
    expect((await runScript(smoke, [base], { ...env, BUSINESS_PATH: '/orders' })).exitCode).toBe(1);
    statuses = { '/healthz': 200, '/orders': 200 };
    expect((await runScript(smoke, [base], { ...env, BUSINESS_PATH: '/orders' })).exitCode).toBe(0);
    statuses = { '/healthz': 200, '/': 500 };
    const broken = await runScript(smoke, [base], env);
    expect(broken.exitCode).toBe(1);
    expect(broken.stderr).toContain('::error::smoke test failed');
    statuses = { '/healthz': 503, '/': 200 };
    expect((await runScript(smoke, [base], env)).exitCode).toBe(1);
    expect((await runScript(smoke, ['http://127.0.0.1:1'], env)).exitCode).toBe(1);
  });

  it('smoke test with HEALTH_PATH empty (Cloud Run and a health path ending in z): no health request, the business check still runs', async () => {
    const env = { HEALTH_PATH: '', TRIES: '2', DELAY: '0' };
    // What Cloud Run's front end does to /healthz on run.app: a 404 the app never sees.
    statuses = { '/healthz': 404, '/orders': 200 };
    requests.length = 0;
    expect((await runScript(smoke, [base], { ...env, BUSINESS_PATH: '/orders' })).exitCode).toBe(0);
    expect(requests.map((r) => r.url)).toEqual(['/orders']);
    statuses = { '/': 500 };
    expect((await runScript(smoke, [base], env)).exitCode).toBe(1);
    // Unset (not empty) still means the default health path.
    requests.length = 0;
    statuses = { '/healthz': 200 };
    expect((await runScript(smoke, [base], { TRIES: '1', DELAY: '0' })).exitCode).toBe(0);
    expect(requests[0]!.url).toBe('/healthz');
  });

  it('synthetic traffic: TRAFFIC_RPS requests per second to BUSINESS_PATH for the bake, counted by status', async () => {
    statuses = { '/orders': 200 };
    requests.length = 0;
    const started = Date.now();
    const r = await runScript(traffic, [base, '2'], { BUSINESS_PATH: '/orders', TRAFFIC_RPS: '5' });
    expect(r.exitCode).toBe(0);
    // Paced, not a burst: 5/s over 2 s, split over 3 workers of at most 2/s (4 requests each).
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
    expect(requests.length).toBe(12);
    expect(new Set(requests.map((q) => q.url.replace(/-\d+$/, '')))).toEqual(new Set(['/orders?synthetic=1', '/orders?synthetic=2', '/orders?synthetic=3']));
    expect(requests.every((q) => q.agent.startsWith('synthetic-traffic'))).toBe(true);
    expect(r.stdout).toContain('12 requests, 12 2xx/3xx, 0 4xx, 0 5xx, 0 unanswered');

    statuses = { '/': 500 };
    const failing = await runScript(traffic, [base, '1'], { TRAFFIC_RPS: '4' });
    expect(failing.exitCode).toBe(0); // the gate judges, not the bake
    expect(failing.stdout).toMatch(/4 requests, 0 2xx\/3xx, 0 4xx, 4 5xx/);
    // Nobody answers: every request counts as unanswered, and the step warns.
    const refused = await runScript(traffic, ['http://127.0.0.1:1', '1'], { TRAFFIC_RPS: '2' });
    expect(refused.exitCode).toBe(0);
    expect(refused.stdout).toContain('2 unanswered');
    expect(refused.stdout).toContain('::warning::no synthetic request was answered');
  });

  it('synthetic traffic off: the bake only waits', async () => {
    requests.length = 0;
    const r = await runScript(traffic, [base, '1'], { SYNTHETIC_TRAFFIC: 'off', TRAFFIC_RPS: '5' });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('synthetic traffic off');
    expect(requests).toEqual([]);
  });
});

describe('a re-run of an older Deploy run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deploy-rerun-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stops before deploying once a newer run of another commit exists, and goes on otherwise', async () => {
    const { files } = await render('aws', 'rolling', 'none');
    const doc = parseYaml(files.get('.github/workflows/deploy.yml')!) as { jobs: Record<string, { steps: Step[]; permissions: Record<string, string> }> };
    const jobs = Object.entries(doc.jobs).filter(([id]) => id.startsWith('deploy-'));
    expect(jobs.length).toBe(2);
    for (const [id, job] of jobs) {
      // First, before any credentials; only on a re-run (a first attempt of a queued older run deploys in turn).
      expect(job.steps[0], id).toMatchObject({ name: 'Not superseded by a newer Deploy run', if: 'fromJSON(github.run_attempt) > 1' });
      expect(job.permissions.actions, id).toBe('read');
    }
    const guard = jobs[0]![1].steps[0]!;
    expect(guard.run).toContain('repos/$GITHUB_REPOSITORY/actions/workflows/deploy.yml/runs?branch=$BRANCH');
    const attempt = (newest: string | null) => runRerunGuard(guard.run!, dir, 41, newest);
    expect(attempt(`41 ${'a'.repeat(40)}`).status).toBe(0);
    // A newer run of the same commit (a manual run on it): nothing older would go out.
    expect(attempt(`42 ${'a'.repeat(40)}`).status).toBe(0);
    const older = attempt(`42 ${'b'.repeat(40)}`);
    expect(older.status).toBe(1);
    expect(older.stdout).toContain('::error::Deploy run #42 (bbbbbbb) is newer than this one (aaaaaaa)');
    // The lookup itself failing stops the job too: it never deploys unchecked.
    expect(attempt(null).status).not.toBe(0);
  });
});
