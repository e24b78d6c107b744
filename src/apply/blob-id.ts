import { createHash } from 'node:crypto';

/**
 * Git's blob id for a text (sha1 of "blob <bytes>\0<content>"). The manifest
 * records it per generated file: it names the merge base in our own store and
 * matches `git hash-object`, so it can also be found in git history.
 */
export function blobId(content: string): string {
  const bytes = Buffer.from(content, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}
