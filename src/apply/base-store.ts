import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { byCodeUnit } from '../compare.js';
import { blobId, isBlobId } from './blob-id.js';
import { TargetPaths } from './safe-path.js';

/**
 * The merge bases: what we generated last time for each file, which
 * `upgrade` merges the user's edits against (git may not have them: shallow
 * clones, no git at all). All in one file, as a fresh stack would otherwise
 * create twice as many files. Sorted by path, one record per generated file:
 *
 *   <blob id> <length in bytes> <path>
 *   <exactly that many bytes of content>
 *
 * each record ending with a newline, so a diff of it reads like the files'.
 */
export const BASES_PATH = '.devops-stack/bases';
/**
 * Git attributes for the folder of the store: GitHub folds a
 * linguist-generated file away in pull-request diffs, where every upgrade
 * would otherwise show the store's changes next to the files' own.
 */
export const BASES_ATTRIBUTES_PATH = '.devops-stack/.gitattributes';
export const BASES_ATTRIBUTES = '# Written by create-devops-stack: the merge bases are generated, folded away in pull-request diffs.\nbases linguist-generated=true\n';
/** Where earlier versions kept one file per base, named by blob id: still read, removed on the next write. */
export const LEGACY_BASE_DIR = '.devops-stack/base';
const TITLE = '# create-devops-stack merge bases: what it generated last time, for `upgrade`. Do not edit.';

export interface BaseRecord {
  path: string;
  blob: string;
  content: string;
}

export function serializeBases(records: readonly BaseRecord[]): string {
  const sorted = [...records].sort((a, b) => byCodeUnit(a.path, b.path));
  return `${TITLE}\n${sorted.map((r) => `${r.blob} ${Buffer.byteLength(r.content)} ${r.path}\n${r.content}\n`).join('')}`;
}

/**
 * The records of a store file. The file is the user's to break: reading stops
 * at the first malformed record, and a record whose content does not hash to
 * its id is left out, so a damaged store can only make a base missing (the
 * file is then a conflict to resolve), never wrong.
 */
export function parseBases(bytes: Buffer): BaseRecord[] {
  const records: BaseRecord[] = [];
  let at = bytes.indexOf(0x0a) + 1;
  while (at > 0 && at < bytes.length) {
    const eol = bytes.indexOf(0x0a, at);
    if (eol < 0) break;
    const header = bytes.toString('utf8', at, eol);
    const [blob, length] = header.split(' ', 2);
    const size = Number(length);
    if (blob === undefined || !isBlobId(blob) || !Number.isSafeInteger(size) || size < 0 || bytes[eol + 1 + size] !== 0x0a) break;
    const content = bytes.toString('utf8', eol + 1, eol + 1 + size);
    if (blobId(content) === blob) records.push({ path: header.slice(blob.length + length!.length + 2), blob, content });
    at = eol + 1 + size + 1;
  }
  return records;
}

/** The bases stored in a target, read once on first use; refuses symlinks like every read of the target. */
export class BaseStore {
  readonly #paths: TargetPaths;
  /** The store file's bytes (null: there is none), once read. */
  #bytes: Buffer | null | undefined;
  #bases: Map<string, string> | undefined;

  constructor(paths: TargetPaths) {
    this.#paths = paths;
  }

  /** What we generated with this blob id, or null when it is not stored. */
  get(blob: string): string | null {
    const bytes = this.#read();
    this.#bases ??= new Map(bytes === null ? [] : parseBases(bytes).map((r) => [r.blob, r.content]));
    return this.#bases.get(blob) ?? (isBlobId(blob) ? this.#legacy(blob) : null);
  }

  /** The store file's text, or null when there is none. */
  current(): string | null {
    return this.#read()?.toString('utf8') ?? null;
  }

  #read(): Buffer | null {
    if (this.#bytes === undefined) {
      const { abs, stat } = this.#paths.resolve(BASES_PATH);
      this.#bytes = stat === null ? null : readFileSync(abs);
    }
    return this.#bytes;
  }

  #legacy(blob: string): string | null {
    const { abs, stat } = this.#paths.resolve(`${LEGACY_BASE_DIR}/${blob}`);
    if (stat === null) return null;
    const content = readFileSync(abs, 'utf8');
    return blobId(content) === blob ? content : null;
  }
}

/** The per-base files an earlier version left in LEGACY_BASE_DIR (paths relative to the root). */
export function legacyBaseFiles(root: string): string[] {
  try {
    return readdirSync(join(root, LEGACY_BASE_DIR))
      .filter((name) => isBlobId(name))
      .sort()
      .map((name) => `${LEGACY_BASE_DIR}/${name}`);
  } catch {
    return [];
  }
}
