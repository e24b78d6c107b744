import { appendFileSync, cpSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
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

/** Runs only the recovery in `dir`, killed right after its n-th change to the filesystem. */
async function recoveryKilledAt(n: number, dir: string) {
  return execa(process.execPath, [CRASH, String(n), '--recover', dir], { reject: false, env: { NO_COLOR: '1', CRASH_COUNT: 'ops', CRASH_ROOT: dir, COUNT_OPS: '1' } });
}

/** A private copy of `dir`, beside it. */
let copies = 0;
function copyOf(dir: string): string {
  const to = join(dirname(dir), `copy-${copies++}`);
  cpSync(dir, to, { recursive: true });
  return to;
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

  it('a recovery killed at any of its steps, once or at every step in turn, still restores the tree from before the interrupted run', async () => {
    // A stack with an edit of the user's, upgraded with a change that updates, merges, adds and deletes files.
    const dir = exampleCopy('node-express');
    expect((await runCli([dir, '--yes'])).exitCode).toBe(0);
    appendFileSync(join(dir, 'infra/envs/staging/main.tf'), '# my edit\n');
    const initial = snapshotDir(dir);
    const upgrade = (d: string) => ['upgrade', d, '--yes', '--strategy', 'canary', '--environments', 'staging,qa,production'];
    const renames = (String((await crashAt(100_000, upgrade(copyOf(dir)))).stderr).match(/^rename \d+$/gm) ?? []).length;
    expect(renames).toBeGreaterThan(10);

    // Killed after moving the first original aside (its new file not renamed in yet),
    // and after every rename but the commit point's.
    for (const point of [1, renames - 1]) {
      const crashed = copyOf(dir);
      expect((await crashAt(point, upgrade(crashed))).signal).toBe('SIGKILL');
      const probe = await recoveryKilledAt(1_000_000, copyOf(crashed));
      expect(probe.exitCode, String(probe.stderr)).toBe(0);
      const steps = (String(probe.stderr).match(/^op \d+ /gm) ?? []).length;
      expect(steps).toBeGreaterThan(2);

      for (let k = 1; k <= steps; k++) {
        const d = copyOf(crashed);
        expect((await recoveryKilledAt(k, d)).signal, `upgrade killed at rename ${point}, recovery at step ${k}`).toBe('SIGKILL');
        const notes: string[] = [];
        recoverInterrupted(d, notes);
        expect(snapshotDir(d), `upgrade killed at rename ${point}, recovery at step ${k}`).toEqual(initial);
        expect(notes).toEqual([]);
      }

      // Killed again and again, each run after its first step: every run takes one more.
      const d = copyOf(crashed);
      let runs = 0;
      while ((await recoveryKilledAt(1, d)).signal === 'SIGKILL') expect(++runs).toBeLessThanOrEqual(steps);
      expect(snapshotDir(d), `upgrade killed at rename ${point}, recovery killed ${runs} times`).toEqual(initial);
    }
  });

  it('check and --dry-run refuse a target left half-written by a killed run, naming the command that undoes it', async () => {
    const dir = exampleCopy('node-express');
    expect((await runCli([dir, '--yes'])).exitCode).toBe(0);
    const initial = snapshotDir(dir);
    // Killed after some of its renames, before the commit point: some files new, some old, some gone.
    expect((await crashAt(7, ['upgrade', dir, '--yes', '--environments', 'staging,qa,production'])).signal).toBe('SIGKILL');
    const halfWritten = snapshotDir(dir);
    for (const args of [['check', dir], ['upgrade', dir, '--dry-run'], [dir, '--dry-run']]) {
      const r = await runCli(args);
      expect(r.exitCode, args.join(' ')).toBe(1);
      const command = args[0] === 'upgrade' || args[0] === 'check' ? `create-devops-stack upgrade ${dir}` : `create-devops-stack ${dir}`;
      expect(r.stderr.trim().split('\n')).toEqual([
        `create-devops-stack: an earlier run was interrupted while writing in ${realpathSync(dir)} (.devops-stack/journal.json); run \`${command}\` first: it undoes that run before anything else`,
      ]);
      expect(r.stdout).toBe('');
      expect(snapshotDir(dir)).toEqual(halfWritten);
    }
    // The command named undoes it, and without --yes writes nothing more.
    expect((await runCli(['upgrade', dir])).stderr).toContain('An earlier run was interrupted while writing; its changes were undone.');
    expect(snapshotDir(dir)).toEqual(initial);
  });
});
