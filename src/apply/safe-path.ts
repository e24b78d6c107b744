import { isUtf8 } from 'node:buffer';
import { readFileSync, realpathSync, type Stats } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { UserError } from '../errors.js';
import { lstatOrNull } from '../stat-or-null.js';

/**
 * Resolves paths inside one target and proves each write stays inside it:
 * every existing ancestor, followed through symlinks, must still be under the
 * real root, and the destination itself must not be a symlink (a rename would
 * replace the user's link; writing through it could leave the target). The
 * verdict on each folder is kept, as a plan or a transaction checks many
 * files in a few folders; make a new one for each plan or transaction.
 */
export class TargetPaths {
  readonly realRoot: string;
  /** Folder (absolute) -> why writing in it is refused, or null when it is safe. */
  readonly #folders = new Map<string, string | null>();

  constructor(root: string) {
    // realpath(3) in one call: the JS realpathSync lstats every component of the path.
    this.realRoot = realpathSync.native(root);
  }

  /** The absolute path of `rel` and what is there now (null: nothing). */
  resolve(rel: string): { abs: string; stat: Stats | null } {
    const abs = join(this.realRoot, rel);
    if (!isWithin(this.realRoot, abs)) throw new UserError(`${rel}: path leaves the target directory`);
    const stat = lstatOrNull(abs);
    if (stat?.isSymbolicLink()) throw new UserError(`${rel} is a symlink; refusing to replace it (move it away or use a regular file)`);
    if (stat?.isDirectory()) throw new UserError(`${rel} is a directory, but a file is to be written there`);
    const refusal = this.#refusal(dirname(abs));
    if (refusal !== null) throw new UserError(`${rel}: ${refusal}`);
    return { abs, stat };
  }

  /** Whether the folder `rel` is inside the target, not reached through a symlink that leaves it. */
  isSafeFolder(rel: string): boolean {
    const abs = join(this.realRoot, rel);
    return isWithin(this.realRoot, abs) && this.#refusal(abs) === null;
  }

  #refusal(folder: string): string | null {
    let refusal = this.#folders.get(folder);
    if (refusal === undefined) {
      refusal = this.#checkFolder(folder);
      this.#folders.set(folder, refusal);
    }
    return refusal;
  }

  #checkFolder(folder: string): string | null {
    let dir = folder;
    while (lstatOrNull(dir) === null) dir = dirname(dir);
    let realDir: string;
    try {
      realDir = realpathSync.native(dir);
    } catch (e) {
      // A symlink to nothing (ENOENT) or to itself (ELOOP): nothing can be written under it.
      return `${relative(this.realRoot, dir)} is a symlink that leads nowhere (${(e as NodeJS.ErrnoException).code ?? 'error'})`;
    }
    if (!isWithin(this.realRoot, realDir) && realDir !== this.realRoot) return `${relative(this.realRoot, dir)} is a symlink that leads outside the target directory`;
    const st = lstatOrNull(realDir);
    if (st !== null && !st.isDirectory()) return `${relative(this.realRoot, dir)} is a file, not a directory`;
    return null;
  }
}


export function isWithin(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** A file's text inside the target, or null when absent; refuses symlinks and paths leaving the root. */
export function readInside(root: string | TargetPaths, rel: string): string | null {
  return readTextInside(root, rel)?.text ?? null;
}

/**
 * readInside, and whether the bytes are text we can merge: UTF-8 without NUL
 * bytes. `text` of anything else is lossy (invalid bytes read as U+FFFD), so
 * it must never be written back.
 */
export function readTextInside(root: string | TargetPaths, rel: string): { text: string; isText: boolean } | null {
  const { abs, stat } = (typeof root === 'string' ? new TargetPaths(root) : root).resolve(rel);
  if (stat === null) return null;
  const bytes = readFileSync(abs);
  return { text: bytes.toString('utf8'), isText: !bytes.includes(0) && isUtf8(bytes) };
}
