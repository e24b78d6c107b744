import { cpSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterEach } from 'vitest';

const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fresh temp directory holding `files` (path -> content), removed after the test. */
export function testdir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'cds-test-'));
  made.push(dir);
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), content);
  }
  return dir;
}

export const EXAMPLES_DIR = join(import.meta.dirname, '..', '..', 'examples');

/** A temp copy of examples/<name> (without its committed expected output). */
export function exampleCopy(name: string): string {
  const dir = join(testdir(), name);
  cpSync(join(EXAMPLES_DIR, name), dir, { recursive: true, filter: (src) => !relative(join(EXAMPLES_DIR, name), src).startsWith('expected') });
  return dir;
}

/** Every entry under `dir` with its content (files), link target (symlinks) and mode: compare before/after. */
export function snapshotDir(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const abs = join(d, name);
      const rel = relative(dir, abs);
      const st = lstatSync(abs);
      if (st.isSymbolicLink()) out[rel] = `link:${readlinkSync(abs)}`;
      else if (st.isDirectory()) {
        out[`${rel}/`] = 'dir';
        walk(abs);
      } else out[rel] = `${(st.mode & 0o777).toString(8)}:${readFileSync(abs, 'utf8')}`;
    }
  };
  walk(dir);
  return out;
}
