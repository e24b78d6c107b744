import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { renderStack } from '../../src/render/plop-bridge.js';
import { infraStack } from './infra-fixtures.js';

// What the docs and workflows say when a part of the stack is left out, or
// there is only one environment: nothing may refer to what was not generated,
// and the reader is told what they do without.

type Step = { name?: string; env?: Record<string, string> };

describe('a stack without monitoring', () => {
  it.each(['gcp', 'azure'] as const)('%s canary: each health gate smoke-tests the new revision on its own URL, not the mostly-old live one', async (cloud) => {
    const tree = await renderStack(infraStack(cloud, 'opentofu', 'canary', 'none'), 'stack');
    const deploy = parseYaml(tree.read('.github/workflows/deploy.yml')!.content) as { jobs: Record<string, { steps?: Step[] }> };
    const gates = Object.values(deploy.jobs).flatMap((j) => (j.steps ?? []).filter((s) => s.name?.startsWith('Health gate at')));
    expect(gates.length).toBeGreaterThan(0);
    for (const gate of gates) expect(gate.env?.['URL']).toBe('${{ steps.deploy.outputs.candidate_url }}');
  });

  it('infra.yml watches no rules file, and DEPLOY.md says nothing pages anyone', async () => {
    const tree = await renderStack(infraStack('aws', 'terraform', 'rolling', 'none'), 'stack');
    const infra = parseYaml(tree.read('.github/workflows/infra.yml')!.content) as { on: { push: { paths: string[] }; pull_request: { paths: string[] } } };
    for (const paths of [infra.on.push.paths, infra.on.pull_request.paths]) expect(paths.filter((p) => p.startsWith('monitoring/'))).toEqual([]);
    const deploy = tree.read('DEPLOY.md')!.content;
    expect(deploy).toContain('**No alerting.** This stack was generated with `--monitoring none`: nothing\npages anyone');
    expect(deploy).toContain('--monitoring prometheus` adds the alerts');
    expect(tree.read('infra/modules/service/variables.tf')!.content).toContain('it pages no one: there are no alerts without monitoring');
  });
});

describe('environments', () => {
  it('one environment: DEPLOY.md says no environment comes before it, and how to add one', async () => {
    const tree = await renderStack(infraStack('gcp', 'terraform', 'rolling', 'prometheus', ['production']), 'stack');
    const deploy = tree.read('DEPLOY.md')!.content;
    expect(deploy).toContain('**One environment.**');
    expect(deploy).toContain('`.github/scripts/integration-test.sh` never runs');
    expect(deploy).toContain('--environments staging,production`');
    const two = (await renderStack(infraStack('gcp', 'terraform', 'rolling', 'prometheus'), 'stack')).read('DEPLOY.md')!.content;
    expect(two).not.toContain('One environment');
  });

  it('AWS: infra.md counts the VPCs and Elastic IPs the environments take of the regional quotas', async () => {
    const tree = await renderStack(infraStack('aws', 'terraform', 'rolling', 'prometheus', ['dev', 'qa', 'uat', 'staging', 'prod']), 'infra');
    // One VPC each; one NAT gateway (Elastic IP) per environment, two in production.
    expect(tree.read('docs/deploy/infra.md')!.content).toContain('Together the environments take 5 VPCs and 6 Elastic IPs (NAT gateways)');
  });
});
