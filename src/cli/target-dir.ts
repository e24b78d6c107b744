import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../errors.js';

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
