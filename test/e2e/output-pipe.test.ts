import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PUBLISHED_BIN, CLI } from '../helpers/run-cli.js';
import { exampleCopy } from '../helpers/testdir.js';

/**
 * Runs `args` with stdout piped to a reader that closes the pipe after the
 * first data, as `| head -1` does. The dry-run plan of a fresh app (every
 * file's diff) is far more than a pipe holds, so the CLI is still writing.
 */
function runIntoClosedPipe(cli: string, args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe.each([
  ['tsc build', CLI],
  ['bundle', PUBLISHED_BIN],
])('output into a pipe whose reader has gone (%s)', (_build, cli) => {
  it('stops writing and exits as the command would, without an EPIPE crash', async () => {
    const dir = exampleCopy('node-express');
    const r = await runIntoClosedPipe(cli, [dir, '--dry-run']);
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled|at .*\(/);
    expect(r.stderr).toContain('dry run: nothing was written');
    expect(r.code).toBe(0);
  });
});
