import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { PUBLISHED_BIN, CLI } from '../helpers/run-cli.js';
import { exampleCopy, snapshotDir } from '../helpers/testdir.js';

const hasScript = existsSync('/usr/bin/script');

// eslint-disable-next-line no-control-regex
const stripAnsi = (s: string) => s.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');

/**
 * Runs the CLI under a pseudo-terminal (util-linux `script`). Each key is typed
 * once the output has grown since the last key (a new prompt is on screen).
 */
async function runInTty(cli: string, args: string[], keys: string[]) {
  const child = execa('script', ['-qfec', [process.execPath, cli, ...args].map((a) => `'${a}'`).join(' '), '/dev/null'], {
    reject: false,
    env: { TERM: 'xterm' },
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  const typing = (async () => {
    for (const k of keys) {
      const seen = output.length;
      for (let waited = 0; output.length === seen && waited < 10_000 && child.exitCode === null; waited += 50) {
        await new Promise((r) => setTimeout(r, 50));
      }
      await new Promise((r) => setTimeout(r, 150));
      if (child.exitCode !== null) return;
      child.stdin?.write(k);
    }
  })();
  const result = await child;
  await typing;
  return { exitCode: result.exitCode, output: stripAnsi(output) };
}

// Both builds: the prompts and the cancel path are lazy chunks in the bundle.
describe.skipIf(!hasScript).each([
  ['compiled sources', CLI],
  ['published bundle', PUBLISHED_BIN],
])('interactive flow (pseudo-terminal), %s', (_build, cli) => {
  it('asks with detected defaults marked, shows the plan, confirms, writes', async () => {
    const dir = exampleCopy('node-express');
    // Accept every default (Enter), then confirm the write (Enter).
    const r = await runInTty(cli, [dir], Array(14).fill('\r'));
    expect(r.output).toContain('Application language (detected)');
    expect(r.output).toMatch(/CREATE\s+Dockerfile/);
    expect(r.exitCode, r.output).toBe(0);
    expect(existsSync(join(dir, 'Dockerfile'))).toBe(true);
  });

  it('Ctrl-C at a prompt exits 130 with nothing written', async () => {
    const dir = exampleCopy('node-express');
    const before = snapshotDir(dir);
    const r = await runInTty(cli, [dir], ['\u0003']);
    expect(r.exitCode).toBe(130);
    expect(r.output).toContain('cancelled, nothing was written');
    expect(snapshotDir(dir)).toEqual(before);
  });
});
