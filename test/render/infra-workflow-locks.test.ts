import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { renderStack } from '../../src/render/plop-bridge.js';
import { runStepScript, stubCommands } from '../helpers/run-step.js';
import { infraStack } from './infra-fixtures.js';

/**
 * The infra workflow's provider lock file steps, run for real in a checkout
 * layout: the check fails, naming each root, while a lock file is missing,
 * and validate inits roots with -lockfile=readonly (a stand-in CLI records
 * its arguments and the lock file it finds), and modules, which have no lock
 * file, with the one of the first env root.
 */
const root = mkdtempSync(join(tmpdir(), 'infra-locks-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

type Step = { name?: string; run?: string };

async function validateSteps(iac: 'terraform' | 'opentofu'): Promise<Step[]> {
  const tree = await renderStack(infraStack('aws', iac, 'rolling', 'prometheus'), 'infra');
  const wf = parseYaml(tree.read('.github/workflows/infra.yml')!.content) as { jobs: { validate: { steps: Step[] } } };
  return wf.jobs.validate.steps;
}

function checkout(locked: string[]): string {
  const dir = mkdtempSync(join(root, 'checkout-'));
  for (const d of ['infra/bootstrap', 'infra/modules/service', 'infra/envs/staging', 'infra/envs/production']) mkdirSync(join(dir, d), { recursive: true });
  for (const d of locked) writeFileSync(join(dir, d, '.terraform.lock.hcl'), `# lock of ${d}\n`);
  return dir;
}

const bash = (dir: string, script: string, path = process.env['PATH'] ?? '') => runStepScript(script, { cwd: dir, env: { PATH: path } });

describe('infra workflow: provider lock files', () => {
  it('the check fails while a root has no lock file, and names it', async () => {
    const check = (await validateSteps('terraform')).find((s) => s.name === 'Provider lock files committed')!;
    const partial = bash(checkout(['infra/bootstrap', 'infra/envs/staging']), check.run!);
    expect(partial.status).toBe(1);
    expect(partial.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^::error::infra\/envs\/production has no \.terraform\.lock\.hcl/)]);
    expect(bash(checkout(['infra/bootstrap', 'infra/envs/staging', 'infra/envs/production']), check.run!).status).toBe(0);
  });

  it.each(['terraform', 'opentofu'] as const)('%s validate: roots init read-only against their lock file, modules with the first env root\'s', async (iac) => {
    const steps = await validateSteps(iac);
    const validate = steps.find((s) => s.name?.includes('validate ('))!;
    const cli = iac === 'terraform' ? 'terraform' : 'tofu';
    const bin = mkdtempSync(join(root, 'bin-'));
    const log = join(bin, 'calls.log');
    const path = stubCommands(bin, { [cli]: `#!/bin/sh\nd=\${1#-chdir=}\necho "$* :: $(cat "$d/.terraform.lock.hcl" 2>/dev/null || echo no lock)" >> "${log}"\n` });
    const r = bash(checkout(['infra/bootstrap', 'infra/envs/staging', 'infra/envs/production']), validate.run!, path);
    expect(r.status, r.stderr).toBe(0);
    const inits = readFileSync(log, 'utf8').trim().split('\n').filter((l) => l.includes(' init '));
    expect(inits).toEqual([
      '-chdir=infra/bootstrap init -backend=false -input=false -lockfile=readonly :: # lock of infra/bootstrap',
      // Not the newest provider its lower bound allows: the version the roots run.
      '-chdir=infra/modules/service init -backend=false -input=false :: # lock of infra/envs/staging',
      '-chdir=infra/envs/production init -backend=false -input=false -lockfile=readonly :: # lock of infra/envs/production',
      '-chdir=infra/envs/staging init -backend=false -input=false -lockfile=readonly :: # lock of infra/envs/staging',
    ]);
  });
});
