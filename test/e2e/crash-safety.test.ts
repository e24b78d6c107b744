import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { recoverInterrupted } from '../../src/apply/transaction.js';
import { runCli } from '../helpers/run-cli.js';
import { leftovers } from '../helpers/stack-fixture.js';
import { exampleCopy, snapshotDir } from '../helpers/testdir.js';

const CRASH = join(import.meta.dirname, '..', 'helpers', 'crash-apply.mjs');

async function crashAt(n: number, args: string[]) {
  return execa(process.execPath, [CRASH, String(n), ...args], { reject: false, env: { NO_COLOR: '1', COUNT_RENAMES: '1' } });
}


describe('crash safety', () => {
  it('a kill after any rename of an apply leaves the target recoverable to exactly its previous state', async () => {
    // How many renames does a full init take? (kill never: a count beyond it)
    const probe = exampleCopy('node-express');
    const counted = await crashAt(100_000, [probe, '--yes']);
    expect(counted.exitCode).toBe(0);
    const total = (String(counted.stderr).match(/^rename \d+$/gm) ?? []).length;
    expect(total).toBeGreaterThan(2);
    const finalState = snapshotDir(probe);

    // Every kill point: first file, middle, manifest (the last rename), and a sample in between.
    const points = [...new Set([1, 2, Math.ceil(total / 2), total - 1, total])];
    for (const k of points) {
      const dir = exampleCopy('node-express');
      const initial = snapshotDir(dir);
      const r = await crashAt(k, [dir, '--yes']);
      expect(r.signal).toBe('SIGKILL');
      const recovered = recoverInterrupted(dir);
      const after = snapshotDir(dir);
      expect(leftovers(after), `kill after rename ${k}`).toEqual([]);
      if (recovered) expect(after, `kill after rename ${k}`).toEqual(initial);
      else expect(after, `kill after rename ${k}`).toEqual(finalState);
      // And the next ordinary run completes the job.
      expect((await runCli([dir, '--yes'])).exitCode).toBe(0);
      expect(snapshotDir(dir)).toEqual(finalState);
    }
  });
});
