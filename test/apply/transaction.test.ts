import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMITTED_PATH, JOURNAL_PATH, recoverInterrupted, refuseInterrupted, Transaction } from '../../src/apply/transaction.js';
import { isUserError } from '../../src/errors.js';
import { snapshotDir, testdir } from '../helpers/testdir.js';

describe('Transaction', () => {
  it('finishing a committed deletion after a kill removes the folders it emptied, even one whose child was already removed', async () => {
    const root = testdir({ 'keep.txt': 'k\n' });
    mkdirSync(join(root, 'infra/envs/staging'), { recursive: true });
    writeFileSync(join(root, 'infra/envs/staging/main.tf'), 'x\n');
    const tx = new Transaction(root);
    tx.stage({ path: 'infra/envs/staging/main.tf', content: null, mode: 0o644 });
    await tx.commit();
    // Killed inside finish(): the original kept aside is gone and so is its folder, but not the folder above.
    const staging = join(root, 'infra/envs/staging');
    for (const name of readdirSync(staging)) unlinkSync(join(staging, name));
    rmdirSync(staging);
    expect(existsSync(join(root, COMMITTED_PATH))).toBe(true);
    expect(recoverInterrupted(root)).toBe(false);
    expect(existsSync(join(root, 'infra'))).toBe(false);
    expect(existsSync(join(root, COMMITTED_PATH))).toBe(false);
  });
});

/** A run killed after renaming its files into place, before its commit point. */
async function crashedAfterRenames(): Promise<string> {
  const root = testdir({ 'old.txt': 'original\n' });
  const tx = new Transaction(root);
  tx.stage({ path: 'new.txt', content: 'ours\n', mode: 0o644 });
  tx.stage({ path: 'old.txt', content: 'ours too\n', mode: 0o644 });
  await tx.commit();
  // As if killed just before the commit point: the journal is back, the renames are done.
  renameSync(join(root, COMMITTED_PATH), join(root, JOURNAL_PATH));
  const journal = JSON.parse(readFileSync(join(root, JOURNAL_PATH), 'utf8')) as { owner?: unknown };
  delete journal.owner;
  writeFileSync(join(root, JOURNAL_PATH), JSON.stringify(journal));
  return root;
}

describe('recovery after a crash, when the user has written since', () => {
  it('undoes what is still as the run wrote it', async () => {
    const root = await crashedAfterRenames();
    const notes: string[] = [];
    expect(recoverInterrupted(root, notes)).toBe(true);
    expect(snapshotDir(root)).toEqual({ 'old.txt': '644:original\n' });
    expect(notes).toEqual([]);
  });

  it('a recovery killed after removing a new file, before putting the original back, is finished by the next one', async () => {
    const root = await crashedAfterRenames();
    // What the recovery had done: the new file removed (and new.txt, a file of
    // this run only, too); the original still aside, nothing at its path.
    unlinkSync(join(root, 'old.txt'));
    unlinkSync(join(root, 'new.txt'));
    const notes: string[] = [];
    expect(recoverInterrupted(root, notes)).toBe(true);
    expect(snapshotDir(root)).toEqual({ 'old.txt': '644:original\n' });
    expect(notes).toEqual([]);
  });

  it('keeps a file the user wrote or edited since, and the original beside it, and says where', async () => {
    const root = await crashedAfterRenames();
    writeFileSync(join(root, 'new.txt'), 'the user\'s own\n');
    writeFileSync(join(root, 'old.txt'), 'ours too, edited\n');
    const notes: string[] = [];
    expect(recoverInterrupted(root, notes)).toBe(true);
    expect(readFileSync(join(root, 'new.txt'), 'utf8')).toBe('the user\'s own\n');
    expect(readFileSync(join(root, 'old.txt'), 'utf8')).toBe('ours too, edited\n');
    const aside = readdirSync(root).find((n) => n.startsWith('.old.txt.devops-stack-old-'))!;
    expect(readFileSync(join(root, aside), 'utf8')).toBe('original\n');
    expect(notes).toEqual([
      `old.txt was written after the interrupted run and is left as it is; the version from before that run is ${aside}`,
      'new.txt was written after the interrupted run and is left as it is',
    ]);
  });
});

describe('two runs in one target', () => {
  // A process that is still running, and one that has ended, to own a journal.
  const live = spawn('sleep', ['60'], { stdio: 'ignore' });
  afterAll(() => live.kill());
  const deadPid = spawnSync('true').pid!;

  /** A target where a run (`pid`) has staged a.txt and written its journal, and nothing more. */
  function midApply(pid: number): string {
    const root = testdir({ 'a.txt': 'old\n' });
    mkdirSync(join(root, '.devops-stack'));
    writeFileSync(join(root, '.a.txt.devops-stack-new-0000-0'), 'new\n');
    const journal = { entries: [{ path: 'a.txt', tmp: '.a.txt.devops-stack-new-0000-0', backup: '.a.txt.devops-stack-old-0000-1' }], dirs: [], owner: { pid, host: hostname() } };
    writeFileSync(join(root, JOURNAL_PATH), JSON.stringify(journal));
    return root;
  }

  const failure = (f: () => unknown): unknown => {
    try {
      f();
    } catch (e) {
      return e;
    }
    return null;
  };

  it('recovery leaves alone a journal whose run is still going, and says so', () => {
    const root = midApply(live.pid!);
    const before = snapshotDir(root);
    const err = failure(() => recoverInterrupted(root));
    expect(isUserError(err), String(err)).toBe(true);
    expect((err as Error).message).toMatch(/^another run is writing in .+ \(\.devops-stack\/journal\.json\); run again once it has finished$/);
    expect(snapshotDir(root)).toEqual(before);
  });

  it('recovers a journal whose process has ended, or one too old to be a run in progress', () => {
    const dead = midApply(deadPid);
    expect(recoverInterrupted(dead)).toBe(true);
    expect(snapshotDir(dead)).toEqual({ 'a.txt': expect.any(String) });
    expect(readFileSync(join(dead, 'a.txt'), 'utf8')).toBe('old\n');

    // A live pid on a journal an hour old is a reused pid, not the run that wrote it.
    const stale = midApply(live.pid!);
    const anHourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(join(stale, JOURNAL_PATH), anHourAgo, anHourAgo);
    expect(recoverInterrupted(stale)).toBe(true);
    expect(readFileSync(join(stale, 'a.txt'), 'utf8')).toBe('old\n');
  });

  it('a run that finds another one writing stops before writing anything, and leaves the other\'s journal', async () => {
    const root = midApply(live.pid!);
    const before = snapshotDir(root);
    const tx = new Transaction(root);
    tx.stage({ path: 'docs/b.md', content: 'b\n', mode: 0o644 });
    const err = await tx.commit().then(() => null, (e: unknown) => e);
    expect(isUserError(err), String(err)).toBe(true);
    tx.rollback();
    expect(snapshotDir(root)).toEqual(before);
  });
});

describe('a .devops-stack that is a symlink', () => {
  /** A target whose .devops-stack leads to a folder outside it, holding journals. */
  function linkedOutside(): { root: string; outside: string } {
    const outside = testdir({ 'journal.json': '{"entries":[],"dirs":[]}\n', 'journal.committed.json': '{"entries":[],"dirs":[]}\n' });
    const root = testdir({ 'app.js': 'app\n' });
    symlinkSync(outside, join(root, '.devops-stack'));
    return { root, outside };
  }

  it('leading outside the target: recovery refuses before reading or removing anything there', () => {
    const { root, outside } = linkedOutside();
    const before = snapshotDir(outside);
    expect(() => recoverInterrupted(root)).toThrow(/^\.devops-stack\/journal(\.committed)?\.json: \.devops-stack is a symlink that leads outside the target directory$/);
    expect(() => refuseInterrupted(root, 'create-devops-stack upgrade')).toThrow(/symlink that leads outside the target directory$/);
    expect(snapshotDir(outside)).toEqual(before);
  });

  it('leading outside the target: a transaction writes no journal there', async () => {
    const { root, outside } = linkedOutside();
    emptyFolder(outside);
    const tx = new Transaction(root);
    tx.stage({ path: 'docs/a.md', content: 'a\n', mode: 0o644 });
    await expect(tx.commit()).rejects.toThrow(/symlink that leads outside the target directory$/);
    tx.rollback();
    expect(readdirSync(outside)).toEqual([]);
    expect(existsSync(join(root, 'docs'))).toBe(false);
  });
});

/** Empties a folder of its files. */
function emptyFolder(dir: string): void {
  for (const name of readdirSync(dir)) unlinkSync(join(dir, name));
}

describe('refuseInterrupted (commands that only read)', () => {
  it('names the command that undoes a run killed before its commit point, and touches nothing', async () => {
    const root = await crashedAfterRenames();
    const before = snapshotDir(root);
    expect(() => refuseInterrupted(root, 'create-devops-stack upgrade')).toThrow(
      /^an earlier run was interrupted while writing in .+ \(\.devops-stack\/journal\.json\); run `create-devops-stack upgrade` first: it undoes that run before anything else$/,
    );
    expect(snapshotDir(root)).toEqual(before);
  });

  it('says nothing when there is no journal, or only a committed one (its files are final)', async () => {
    const root = testdir();
    expect(() => refuseInterrupted(root, 'x')).not.toThrow();
    const tx = new Transaction(root);
    tx.stage({ path: 'a.txt', content: 'a\n', mode: 0o644 });
    await tx.commit();
    expect(existsSync(join(root, COMMITTED_PATH))).toBe(true);
    expect(() => refuseInterrupted(root, 'x')).not.toThrow();
  });
});
