import { lstatSync, statSync, type Stats } from 'node:fs';

/*
 * What is at a path, or null when there is nothing (or it cannot be read).
 * throwIfNoEntry: a missing path is the common answer (detection probes for
 * files, apply for paths that do not exist yet), and an exception per miss is slow.
 */

/** The path itself, a symlink not followed. */
export function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path, { throwIfNoEntry: false }) ?? null;
  } catch {
    return null;
  }
}

/** What the path leads to, symlinks followed. */
export function statOrNull(path: string): Stats | null {
  try {
    return statSync(path, { throwIfNoEntry: false }) ?? null;
  } catch {
    return null;
  }
}
