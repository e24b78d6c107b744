import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, realpathSync, renameSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { lstatOrNull, resolveInside } from './safe-path.js';

/** Written before the first rename, deleted once every rename is done (the commit point). */
export const JOURNAL_PATH = '.devops-stack/journal.json';

/** One file operation: write `content` at `path`, or delete it when content is null. */
export interface FileOp {
  path: string;
  content: string | null;
  mode: number;
}

/** The journal: every file operation, and the folders staging created (removed again on undo). */
interface Journal {
  entries: JournalEntry[];
  dirs: string[];
}

/** What the journal records per path (relative to the root), enough to undo it after a crash. */
interface JournalEntry {
  path: string;
  /** Staged new content, renamed onto `path`; null for a deletion. */
  tmp: string | null;
  /** Where the original is moved before the rename; null when there was none. */
  backup: string | null;
}

const tmpName = (rel: string, tag: string): string => join(dirname(rel), `.${basename(rel)}.devops-stack-${tag}-${randomBytes(4).toString('hex')}`);

/**
 * Staged writes inside the target, made visible by rename. Until the journal
 * is removed, a failure (or, via recoverInterrupted, a crash) restores the
 * target exactly; after it, the new state is final.
 */
export class Transaction {
  readonly root: string;
  readonly #entries: JournalEntry[] = [];
  readonly #createdDirs: string[] = [];
  #renamed = 0;

  constructor(root: string) {
    this.root = realpathSync(root);
  }

  stage(op: FileOp): void {
    const abs = resolveInside(this.root, op.path);
    const rel = relative(this.root, abs);
    const backup = lstatOrNull(abs) === null ? null : tmpName(rel, 'old');
    if (op.content === null) {
      this.#entries.push({ path: rel, tmp: null, backup });
      return;
    }
    this.#mkdirs(dirname(abs));
    const tmp = tmpName(rel, 'new');
    writeDurable(join(this.root, tmp), op.content, op.mode);
    this.#entries.push({ path: rel, tmp, backup });
  }

  commit(): void {
    this.#mkdirs(dirname(join(this.root, JOURNAL_PATH)));
    const dirs = this.#createdDirs.map((d) => relative(this.root, d));
    writeDurable(join(this.root, JOURNAL_PATH), `${JSON.stringify({ entries: this.#entries, dirs } satisfies Journal, null, 1)}\n`, 0o644, true);
    for (const e of this.#entries) {
      const abs = join(this.root, e.path);
      if (e.backup) renameSync(abs, join(this.root, e.backup));
      if (e.tmp) renameSync(join(this.root, e.tmp), abs);
      this.#renamed++;
    }
    unlinkSync(join(this.root, JOURNAL_PATH));
  }

  rollback(): void {
    undo(this.root, this.#entries);
    tryUnlink(join(this.root, JOURNAL_PATH));
    for (const dir of this.#createdDirs.reverse()) tryRmdir(dir);
  }

  /** Drops the originals kept for rollback, and folders left empty by deletions. */
  finish(): void {
    for (const e of this.#entries) {
      if (e.backup) tryUnlink(join(this.root, e.backup));
      if (!e.tmp) removeEmptyParents(this.root, dirname(join(this.root, e.path)));
    }
  }

  #mkdirs(dir: string): void {
    const missing: string[] = [];
    for (let d = dir; lstatOrNull(d) === null; d = dirname(d)) missing.unshift(d);
    for (const d of missing) {
      mkdirSync(d);
      this.#createdDirs.push(d);
    }
  }
}

/** Restores each entry's original: remove what was renamed in, put the backup back, drop staged files. */
function undo(root: string, entries: readonly JournalEntry[]): void {
  for (const e of [...entries].reverse()) {
    const abs = join(root, e.path);
    const tmpLeft = e.tmp !== null && lstatOrNull(join(root, e.tmp)) !== null;
    const backupLeft = e.backup !== null && lstatOrNull(join(root, e.backup)) !== null;
    if (e.tmp && tmpLeft) tryUnlink(join(root, e.tmp));
    // The new file is in place when its staged copy is gone (renamed onto the path).
    else if (e.tmp && !tmpLeft && (e.backup === null || backupLeft)) tryUnlink(abs);
    if (e.backup && backupLeft) renameSync(join(root, e.backup), abs);
  }
}

/**
 * After a killed apply: if a journal is left, put every file back as it was
 * before that apply. Called at the start of every command that writes.
 * Returns true when something was recovered.
 */
export function recoverInterrupted(root: string): boolean {
  const journal = join(root, JOURNAL_PATH);
  let text: string;
  try {
    text = readFileSync(journal, 'utf8');
  } catch {
    return false;
  }
  let journalData: Journal = { entries: [], dirs: [] };
  try {
    const parsed = JSON.parse(text) as Partial<Journal>;
    journalData = { entries: (parsed.entries ?? []).filter(isSafeEntry), dirs: (parsed.dirs ?? []).filter((d) => isSafeRelative(d)) };
  } catch {
    // A journal cut short was never acted on: the renames start after it is complete and synced.
  }
  const real = realpathSync(root);
  for (const e of journalData.entries) for (const p of [e.path, e.tmp, e.backup]) if (p) resolveInside(real, p);
  undo(real, journalData.entries);
  unlinkSync(journal);
  // Deepest first; a folder the user has put something in since is not empty and stays.
  for (const d of [...journalData.dirs].reverse()) tryRmdir(join(real, d));
  return true;
}

function isSafeRelative(v: unknown): v is string {
  return typeof v === 'string' && v !== '' && !v.startsWith('/') && !v.split('/').includes('..');
}

function isSafeEntry(e: unknown): e is JournalEntry {
  const ok = (v: unknown) => v === null || isSafeRelative(v);
  return typeof e === 'object' && e !== null && typeof (e as JournalEntry).path === 'string' && ok((e as JournalEntry).path) && ok((e as JournalEntry).tmp) && ok((e as JournalEntry).backup);
}

function writeDurable(abs: string, content: string, mode: number, replace = false): void {
  const fd = openSync(abs, replace ? 'w' : 'wx', mode);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function removeEmptyParents(root: string, dir: string): void {
  for (let d = dir; d.startsWith(root) && d !== root; d = dirname(d)) {
    if (!tryRmdir(d)) return;
  }
}

/** Removes a file if it is there. */
export function tryUnlink(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* already gone */
  }
}

function tryRmdir(path: string): boolean {
  try {
    rmdirSync(path);
    return true;
  } catch {
    return false;
  }
}
