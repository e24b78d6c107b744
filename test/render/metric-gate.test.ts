import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasBinary } from '../../src/check/promtool.js';
import { renderStack } from '../../src/render/plop-bridge.js';
import { buildStack } from '../../src/stack/build-stack.js';
import { pipelineAnswers, pipelineFacts } from './pipeline-fixtures.js';

/**
 * The metric gate script, run for real against a stand-in curl that records
 * its arguments and answers like the Prometheus HTTP API: what it sends
 * (authentication) and what it decides from the answers.
 */
const dir = mkdtempSync(join(tmpdir(), 'metric-gate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hasJq = await hasBinary('jq');

async function gateScript(): Promise<{ script: string; env: Record<string, string> }> {
  const stack = buildStack(pipelineAnswers({ language: 'node', cloud: 'aws', strategy: 'canary', monitoring: 'prometheus' }), pipelineFacts('npm'));
  const tree = await renderStack(stack, 'pipeline');
  const script = join(dir, 'metric-gate.sh');
  writeFileSync(script, tree.read('.github/scripts/metric-gate.sh')!.content);
  chmodSync(script, 0o755);
  const env = Object.fromEntries(stack.pipeline.gate!.env.filter((e) => !e.value.includes('${{')).map((e) => [e.key, e.value]));
  return { script, env };
}

/** Runs the gate with a curl that logs its arguments and answers `values` (count, error ratio, p99) in query order ('-': no series). */
function runGate(script: string, env: Record<string, string>, values: [string, string, string]) {
  const bin = mkdtempSync(join(dir, 'bin-'));
  const log = join(bin, 'curl.log');
  writeFileSync(join(bin, 'curl'), `#!/bin/sh\necho "$*" >> "${log}"\nn=$(wc -l < "${log}")\ncase $n in 1) v=${values[0]};; 2) v=${values[1]};; *) v=${values[2]};; esac\nif [ "$v" = - ]; then printf '{"data":{"result":[]}}'; else printf '{"data":{"result":[{"value":[0,"%s"]}]}}' "$v"; fi\n`);
  chmodSync(join(bin, 'curl'), 0o755);
  const r = spawnSync('bash', [script], { env: { PATH: `${bin}:${process.env['PATH']}`, PROM_QUERY_URL: 'https://prometheus.example/api/v1/query', REVISION: 'orders-api:7', ...env }, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, calls: existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [] };
}

describe.skipIf(!hasJq)('metric gate script (metric-gate.sh)', () => {
  it('self-hosted: sends basic auth only when a query user is set', async () => {
    const { script, env } = await gateScript();
    expect(env['PROM_AUTH']).toBe('basic');
    const withUser = runGate(script, { ...env, PROM_USER: 'gate', PROM_PASSWORD: 's3cret' }, ['500', '0', '0.1']);
    expect(withUser.status).toBe(0);
    for (const call of withUser.calls) expect(call).toContain('--user gate:s3cret');
    const anonymous = runGate(script, env, ['500', '0', '0.1']);
    expect(anonymous.status).toBe(0);
    for (const call of anonymous.calls) expect(call).not.toContain('--user');
  });

  it('queries the new revision and fails on too little traffic, errors over budget or slow p99', async () => {
    const { script, env } = await gateScript();
    const ok = runGate(script, env, ['500', '0', '0.1']);
    expect(ok.calls.every((c) => c.includes('orders-api:7') && !c.includes('__REVISION__'))).toBe(true);
    expect(ok.stdout).toContain('gate passed');
    expect(runGate(script, env, ['20', '0', '0.1'])).toMatchObject({ status: 1 });
    expect(runGate(script, env, ['500', '0.5', '0.1']).stdout).toContain('error ratio above budget');
    expect(runGate(script, env, ['500', '0', '9']).stdout).toContain('p99 latency above threshold');
  });

  it('errors fail the gate beyond what the budget allows by chance: one stray 5xx at 99.9 % does not', async () => {
    const { script, env } = await gateScript();
    expect(env['MAX_ERROR_RATIO']).toBe('0.001');
    // 500 requests at budget 0.001: 0.5 expected, at most 0.5 + 3 * sqrt(0.5) = 2.6 allowed.
    expect(runGate(script, env, ['500', String(1 / 500), '0.1'])).toMatchObject({ status: 0 });
    expect(runGate(script, env, ['500', String(2 / 500), '0.1'])).toMatchObject({ status: 0 });
    const three = runGate(script, env, ['500', String(3 / 500), '0.1']);
    expect(three.status).toBe(1);
    expect(three.stdout).toContain('error ratio above budget (3 errors, at most 2.6 allowed)');
    // With more traffic the allowance tightens towards the budget itself: 100 000 requests allow 100 + 30.
    expect(runGate(script, env, ['100000', '0.0013', '0.1'])).toMatchObject({ status: 0 });
    expect(runGate(script, env, ['100000', '0.0014', '0.1'])).toMatchObject({ status: 1 });
  });

  it('no 5xx series is a zero error ratio, but no latency series is no verdict: the gate fails', async () => {
    const { script, env } = await gateScript();
    expect(runGate(script, env, ['500', '-', '0.1'])).toMatchObject({ status: 0 });
    const noLatency = runGate(script, env, ['500', '0', '-']);
    expect(noLatency.status).toBe(1);
    expect(noLatency.stdout).toContain('no latency data');
  });

  it('refuses a query URL left incomplete by an unset variable, and accepts a base URL with a trailing slash', async () => {
    const { script, env } = await gateScript();
    for (const url of ['/api/v1/query', 'https://aps-workspaces.us-east-1.amazonaws.com/workspaces//api/v1/query', 'https://monitoring.googleapis.com/v1/projects//location/global/prometheus/api/v1/query']) {
      const r = runGate(script, { ...env, PROM_QUERY_URL: url }, ['500', '0', '0.1']);
      expect(r.status, url).toBe(2);
      expect(r.stderr).toContain('is incomplete');
      expect(r.calls).toEqual([]);
    }
    const slash = runGate(script, { ...env, PROM_QUERY_URL: 'https://prometheus.example//api/v1/query' }, ['500', '0', '0.1']);
    expect(slash.status).toBe(0);
    for (const call of slash.calls) expect(call).toMatch(/ https:\/\/prometheus\.example\/api\/v1\/query$/);
  });
});
