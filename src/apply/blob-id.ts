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

/** A blob id as blobId writes it (40 lowercase hex digits): what the manifest, the store and the journal accept. */
export function isBlobId(v: unknown): v is string {
  return typeof v === 'string' && /^[0-9a-f]{40}$/.test(v);
}
