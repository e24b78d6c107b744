import { statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { UserError } from '../errors.js';
import { lstatOrNull } from '../stat-or-null.js';

/** The target directory, which must exist and be a directory. */
export function targetDir(dir: string): string {
  const root = resolve(dir);
  let isDir = false;
  try {
    isDir = statSync(root).isDirectory();
  } catch {
    throw new UserError(`${dir}: no such directory`);
  }
  if (!isDir) throw new UserError(`${dir} is not a directory`);
  return root;
}

/**
 * Refuses a target below the top of a git work tree: GitHub runs workflows
 * from the repository root's .github/ only, so a stack written into a
 * service's folder would never run. The way in is --service-dir from the top.
 */
export function refuseInsideRepository(root: string): void {
  if (lstatOrNull(join(root, '.git')) !== null) return;
  for (let dir = dirname(root); dir !== dirname(dir); dir = dirname(dir)) {
    if (lstatOrNull(join(dir, '.git')) === null) continue;
    const rel = relative(dir, root).split(sep).join('/');
    throw new UserError(
      `${root} is inside the git repository ${dir}: GitHub runs workflows from its root only; run there with --service-dir ${rel}`,
    );
  }
}
