import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { CLOUDS, type Cloud, type IacTool } from '../../src/answers/options.js';
import { renderStack } from '../../src/render/plop-bridge.js';
import { runStepScript, stubCommands } from '../helpers/run-step.js';
import { infraStack } from './infra-fixtures.js';

/**
 * docs/deploy/infra.md, "Restoring a state": the commands are copy-pasteable.
 * The env root is initialised exactly as the infra workflow does it (same
 * backend key), and the push finds the file the download wrote.
 */
const root = mkdtempSync(join(tmpdir(), 'restore-state-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

type Job = { env?: Record<string, string>; steps: Array<{ name?: string; run?: string }> };

async function render(cloud: Cloud, iac: Exclude<IacTool, 'none'>) {
  const stack = infraStack(cloud, iac, 'rolling', 'prometheus');
  const tree = await renderStack(stack, 'stack');
  const docs = tree.read('docs/deploy/infra.md')!.content;
  const section = docs.slice(docs.indexOf('## Restoring a state'));
  const script = /```sh\n([\s\S]*?)```/.exec(section)![1]!;
  const wf = parseYaml(tree.read('.github/workflows/infra.yml')!.content) as { jobs: Record<string, Job> };
  return { stack, script, wf };
}

/** Shell words of a command, quotes removed (enough for these commands). */
const words = (cmd: string) => cmd.trim().split(/\s+/).map((w) => w.replace(/"/g, ''));

describe('docs: restoring a state', () => {
  for (const cloud of CLOUDS) {
    for (const iac of ['terraform', 'opentofu'] as const) {
      it(`${cloud}/${iac}: the documented init is the workflow's, per environment`, async () => {
        const { stack, script, wf } = await render(cloud, iac);
        const cli = stack.infra.cli;
        const init = script.split('\n').find((l) => l.startsWith(`${cli} `) && / init /.test(l));
        expect(init, 'the restore commands initialise the env root').toBeDefined();
        for (const env of stack.infra.envs) {
          for (const job of [`plan-${env.name}`, `apply-${env.name}`]) {
            const j = wf.jobs[job]!;
            const run = j.steps.find((s) => s.name === `${cli} init`)!.run!;
            const ci = run.replace(/\$ROOT/g, j.env!['ROOT']!).replace(/\$STATE_KEY/g, j.env!['STATE_KEY']!).replace(/\$STATE_CONTAINER/g, j.env!['STATE_CONTAINER'] ?? '');
            expect(words(init!.replace(/ENV/g, env.name)), `${job}`).toEqual(words(ci));
          }
        }
      });
    }
  }

  it('run as written from the repository root, the push finds the downloaded file in an initialised root', async () => {
    for (const cloud of CLOUDS) {
      const { stack, script } = await render(cloud, 'terraform');
      const dir = mkdtempSync(join(root, `${cloud}-`));
      const bin = join(dir, 'bin');
      mkdirSync(bin);
      mkdirSync(join(dir, 'infra/envs/staging'), { recursive: true });
      const log = join(dir, 'log');
      // Cloud CLIs: write the "downloaded" state where the command says, relative to the cwd.
      const download = `#!/bin/bash
for ((i = 1; i <= $#; i++)); do
  a="\${!i}"
  case "$a" in
    --file) j=$((i + 1)); out="\${!j}" ;;
    restored.tfstate) out="$a" ;;
  esac
done
if [ -n "\${out:-}" ]; then echo '{"restored": true}' > "$out"; fi
`;
      // terraform: -chdir first, as the real one does; init marks the root, push needs it and the file.
      const terraform = `#!/bin/bash
set -eu
case "$1" in -chdir=*) cd "\${1#-chdir=}"; shift ;; esac
echo "$PWD $*" >> ${JSON.stringify(log)}
case "$1" in
  init) touch .initialised ;;
  state)
    [ -f .initialised ] || { echo "state push in an uninitialised root" >&2; exit 1; }
    [ -f "$4" ] || { echo "no file $4 from $PWD" >&2; exit 1; }
    grep -q restored "$4" ;;
esac
`;
      const path = stubCommands(bin, { aws: download, gcloud: download, az: download, terraform });
      const run = runStepScript(script.replace(/ENV/g, 'staging').replace(/VERSION_ID|GENERATION/g, '1'), { cwd: dir, env: { PATH: path } });
      expect(run.stderr, cloud).toBe('');
      expect(run.status, cloud).toBe(0);
      const calls = readFileSync(log, 'utf8');
      expect(calls, cloud).toContain(`${join(dir, 'infra/envs/staging')} init`);
      expect(calls, cloud).toContain(`${join(dir, 'infra/envs/staging')} state push -force`);
      expect(stack.infra.envs[0]!.name).toBe('staging');
    }
  });
});
