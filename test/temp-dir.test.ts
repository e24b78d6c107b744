import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../src/errors.js';
import { makeTempDir } from '../src/temp-dir.js';
import { testdir } from './helpers/testdir.js';

const saved = process.env['TMPDIR'];
afterEach(() => {
  if (saved === undefined) delete process.env['TMPDIR'];
  else process.env['TMPDIR'] = saved;
});

describe('makeTempDir', () => {
  it('makes a new folder under TMPDIR', () => {
    const parent = testdir();
    process.env['TMPDIR'] = parent;
    const dir = makeTempDir('x-', 'merge');
    expect(dir.startsWith(join(parent, 'x-'))).toBe(true);
    expect(existsSync(dir)).toBe(true);
    rmSync(dir, { recursive: true });
  });

  it.each([
    ['missing', (p: string) => join(p, 'gone'), 'it does not exist'],
    ['a file', () => join(import.meta.dirname, 'temp-dir.test.ts'), 'it is not a folder'],
  ])('a TMPDIR that is %s: one line naming it and what needed it', (_what, tmp, why) => {
    const parent = tmp(testdir());
    process.env['TMPDIR'] = parent;
    const make = () => makeTempDir('x-', 'merge');
    expect(make).toThrow(UserError);
    expect(make).toThrow(`cannot merge without a temporary folder: ${parent} (TMPDIR): ${why}; set TMPDIR to a writable folder`);
  });
});
