import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { applyPlan, nextManifest } from '../../src/apply/apply-plan.js';
import { readManifest } from '../../src/apply/manifest.js';
import { describeSystemError, isUserError } from '../../src/errors.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { Tree } from '../../src/plan/tree.js';
import { makeAnswers } from '../helpers/facts.js';
import { snapshotDir, testdir } from '../helpers/testdir.js';

// The machines the tests run on are root, where permissions never fail: the
// disk's errors are injected instead. A staged file whose name contains
// `failOn.part` cannot be created.
const failOn = vi.hoisted(() => ({ part: null as string | null, code: 'EACCES' }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const openSync = ((path: string, flags: string, mode?: number) => {
    if (failOn.part !== null && flags === 'wx' && String(path).includes(failOn.part)) {
      throw Object.assign(new Error(`${failOn.code}: injected, open '${path}'`), { code: failOn.code, syscall: 'open', path: String(path) });
    }
    return fs.openSync(path, flags, mode);
  }) as typeof fs.openSync;
  return { ...fs, default: { ...fs, openSync }, openSync };
});
afterEach(() => {
  failOn.part = null;
});

const answers = makeAnswers();
const tool = { name: 'create-devops-stack', version: '0.0.0-test' };

async function generate(root: string, files: Record<string, string>): Promise<void> {
  const t = new Tree();
  for (const [p, c] of Object.entries(files)) t.write(p, c, 'docker');
  const previous = readManifest(root);
  const plan = await buildPlan(root, t, previous, { onConflict: 'fail', layers: ['docker'], mode: previous ? 'upgrade' : 'init' });
  await applyPlan(plan, nextManifest(plan, previous, answers, tool));
}

describe('a disk error while writing', () => {
  it.each(['EACCES', 'ENOSPC', 'EROFS'])('%s: one line for the user, and the target exactly as it was', async (code) => {
    const root = testdir();
    writeFileSync(join(root, 'app.js'), 'app\n');
    await generate(root, { Dockerfile: 'FROM a\n', 'docs/a.md': 'a\n' });
    const before = snapshotDir(root);
    failOn.part = 'z.md';
    failOn.code = code;
    // Dockerfile and docs/a.md are staged before docs/z.md fails: the rollback has work to do.
    const err = await generate(root, { Dockerfile: 'FROM b\n', 'docs/a.md': 'b\n', 'docs/z.md': 'z\n' }).then(() => null, (e: unknown) => e);
    expect(isUserError(err), String(err)).toBe(true);
    expect((err as Error).message).toMatch(new RegExp(`^cannot write in .+: ${describeSystemError(Object.assign(new Error(), { code }))} \\(open .+z\\.md[^)]*\\); nothing was changed$`));
    expect(snapshotDir(root)).toEqual(before);
  });

  it('anything else is not dressed up as the user\'s to fix', async () => {
    const root = testdir();
    failOn.part = 'a.md';
    failOn.code = 'EBADF';
    const err = await generate(root, { 'docs/a.md': 'a\n' }).then(() => null, (e: unknown) => e);
    expect(isUserError(err)).toBe(false);
    expect((err as NodeJS.ErrnoException).code).toBe('EBADF');
    expect(snapshotDir(root)).toEqual({});
  });
});

describe('describeSystemError', () => {
  it('names the error in words, with the call and path when known', () => {
    expect(describeSystemError(Object.assign(new Error('x'), { code: 'EACCES', syscall: 'mkdir', path: '/r/.github' }))).toBe('permission denied (mkdir /r/.github)');
    expect(describeSystemError(Object.assign(new Error('x'), { code: 'ENOSPC' }))).toBe('no space left on the device');
    expect(describeSystemError(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBeNull();
    expect(describeSystemError('EACCES')).toBeNull();
  });
});
