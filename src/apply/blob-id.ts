import { createHash } from 'node:crypto';

/**
 * Git's blob id for a text (sha1 of "blob <bytes>\0<content>"). The manifest
 * records it per generated file: it names the merge base in our own store and
 * matches `git hash-object`, so it can also be found in git history.
 */
export function blobId(content: string): string {
  // Hashed from the string: a Buffer copy of every file would only add garbage.
  return createHash('sha1').update(`blob ${Buffer.byteLength(content, 'utf8')}\0`).update(content, 'utf8').digest('hex');
}
