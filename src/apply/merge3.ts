import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../temp-dir.js';

export interface MergeResult {
  content: string;
  conflicts: number;
}

const label = (path: string, side: 'yours' | 'generated before' | 'new template'): string => `${path} (${side})`;

/**
 * Whether a file still carries the markers of a conflict merge3 wrote (our
 * labels, so a file that merely shows such lines is not taken for one).
 * Merging over them again would nest markers inside markers.
 */
export function hasMergeMarkers(text: string, path: string): boolean {
  const open = text.indexOf(`\n<<<<<<< ${label(path, 'yours')}\n`);
  const opened = open >= 0 || text.startsWith(`<<<<<<< ${label(path, 'yours')}\n`);
  return opened && text.includes(`\n>>>>>>> ${label(path, 'new template')}`, Math.max(open, 0));
}

/**
 * Three-way merge of the user's file with our new render, on the base we
 * generated last time, via `git merge-file` (no repository needed). Conflicts
 * come back with git-style markers. Returns null when git did not run (not
 * installed) or could not give the result (output over maxBuffer).
 */
export async function merge3(ours: string, base: string, theirs: string, path: string): Promise<MergeResult | null> {
  // Loaded on first merge only: most runs never merge.
  const { execa } = await import('execa');
  const dir = makeTempDir('devops-stack-merge-', 'merge');
  try {
    const files = { ours: join(dir, 'ours'), base: join(dir, 'base'), theirs: join(dir, 'theirs') };
    writeFileSync(files.ours, ours);
    writeFileSync(files.base, base);
    writeFileSync(files.theirs, theirs);
    const result = await execa(
      'git',
      ['merge-file', '-p', '-L', label(path, 'yours'), '-L', label(path, 'generated before'), '-L', label(path, 'new template'), files.ours, files.base, files.theirs],
      { reject: false, stripFinalNewline: false },
    );
    if (result.failed && result.exitCode === undefined) return null;
    const code = result.exitCode ?? -1;
    if (code < 0 || code > 127) throw new Error(`git merge-file failed on ${path}: ${result.stderr}`);
    return { content: result.stdout, conflicts: code };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
