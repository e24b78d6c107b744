import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeSystemError, UserError } from './errors.js';

/**
 * A new private folder under the system's temporary folder (TMPDIR), for
 * files a tool reads (git merge-file, promtool). A TMPDIR that is missing,
 * a file or not writable is the user's to fix: one line naming it, and what
 * needed it (`purpose`).
 */
export function makeTempDir(prefix: string, purpose: string): string {
  const parent = tmpdir();
  try {
    return mkdtempSync(join(parent, prefix));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'it does not exist' : code === 'ENOTDIR' ? 'it is not a folder' : describeSystemError(e);
    if (why === null) throw e;
    throw new UserError(`cannot ${purpose} without a temporary folder: ${parent} (TMPDIR): ${why}; set TMPDIR to a writable folder`);
  }
}
