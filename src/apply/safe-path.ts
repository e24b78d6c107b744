import { lstatSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { UserError } from '../errors.js';

/**
 * Resolves `rel` inside `root` and proves the write stays inside it: every
 * existing ancestor, followed through symlinks, must still be under the real
 * root, and the destination itself must not be a symlink (a rename would
 * replace the user's link; writing through it could leave the target).
 */
export function resolveInside(root: string, rel: string): string {
  // realpath(3) in one call: the JS realpathSync lstats every component of the path.
  const realRoot = realpathSync.native(root);
  const abs = join(realRoot, rel);
  if (!isWithin(realRoot, abs)) throw new UserError(`${rel}: path leaves the target directory`);
  const st = lstatOrNull(abs);
  if (st?.isSymbolicLink()) throw new UserError(`${rel} is a symlink; refusing to replace it (move it away or use a regular file)`);
  if (st?.isDirectory()) throw new UserError(`${rel} is a directory, but a file is to be written there`);
  let dir = dirname(abs);
  while (lstatOrNull(dir) === null) dir = dirname(dir);
  const realDir = realpathSync.native(dir);
  if (!isWithin(realRoot, realDir) && realDir !== realRoot) {
    throw new UserError(`${rel}: ${relative(realRoot, dir)} is a symlink that leads outside the target directory`);
  }
  const parentStat = lstatOrNull(realDir);
  if (parentStat && !parentStat.isDirectory()) throw new UserError(`${rel}: ${relative(realRoot, dir)} is a file, not a directory`);
  return abs;
}

export function isWithin(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

export function lstatOrNull(path: string): ReturnType<typeof lstatSync> | null {
  try {
    // No exception for a missing path: most paths we ask about do not exist yet.
    return lstatSync(path, { throwIfNoEntry: false }) ?? null;
  } catch {
    return null;
  }
}

/** A file's text inside the target, or null when absent; refuses symlinks and paths leaving the root. */
export function readInside(root: string, rel: string): string | null {
  const abs = resolveInside(root, rel);
  if (lstatOrNull(abs) === null) return null;
  return readFileSync(abs, 'utf8');
}
