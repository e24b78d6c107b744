import { randomBytes } from 'node:crypto';
import { closeSync, fsync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { UserError } from '../errors.js';
import { lstatOrNull } from '../stat-or-null.js';
import { blobId, isBlobId } from './blob-id.js';
import { TargetPaths } from './safe-path.js';

/**
 * Written before anything else (staging included) and renamed to
 * COMMITTED_PATH once every rename is done (the commit point): a crash before
 * it is undone, a crash after it is completed.
 */
export const JOURNAL_PATH = '.devops-stack/journal.json';
/** The journal after the commit point: only the originals kept aside remain to be dropped. */
export const COMMITTED_PATH = '.devops-stack/journal.committed.json';

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
  /** The run writing it: a journal whose run is still going is not a crash to recover from. */
  owner?: JournalOwner;
}

interface JournalOwner {
  pid: number;
  host: string;
}

/**
 * A journal younger than this whose process is still running belongs to a
 * run in progress. An apply takes seconds at most; after that a live pid is
 * taken to be a reused one, so a crash is never stuck unrecovered.
 */
const LIVE_JOURNAL_MS = 5 * 60_000;

/** What the journal records per path (relative to the root), enough to undo it after a crash. */
interface JournalEntry {
  path: string;
  /** Staged new content, renamed onto `path`; null for a deletion. */
  tmp: string | null;
  /** Where the original is moved before the rename; null when there was none. */
  backup: string | null;
  /**
   * Blob id of the staged content: undo removes the file at `path` only while
   * it is still what this run wrote (absent in journals of older versions).
   */
  blob?: string;
}


/**
 * Staged writes inside the target, made visible by rename. The journal,
 * listing every temp file, backup and folder this transaction may create, is
 * on disk before any of them: until the commit point a failure (or, via
 * recoverInterrupted, a crash) restores the target exactly; after it, the new
 * state is final.
 */
export class Transaction {
  readonly root: string;
  readonly #paths: TargetPaths;
  /** Makes this transaction's temp names its own: no clash with a file there or a crashed run's leftovers. */
  readonly #tag = randomBytes(4).toString('hex');
  #count = 0;
  readonly #entries: JournalEntry[] = [];
  readonly #contents = new Map<JournalEntry, { content: string; mode: number }>();
  /** Folders to create (shallowest first), none of which exist yet. */
  readonly #dirs: string[] = [];
  /** Those this run has created so far: rollback removes these only. */
  readonly #createdDirs: string[] = [];
  #journaled = false;
  /** This run created the journal file (so rollback may remove it). */
  #journalCreated = false;

  constructor(root: string) {
    this.#paths = new TargetPaths(root);
    this.root = this.#paths.realRoot;
  }

  /** Records one operation; nothing is written before commit(). */
  stage(op: FileOp): void {
    const { abs, stat } = this.#paths.resolve(op.path);
    const rel = relative(this.root, abs);
    const backup = stat === null ? null : this.#tmpName(rel, 'old');
    if (op.content === null) {
      this.#entries.push({ path: rel, tmp: null, backup });
      return;
    }
    this.#planDirs(dirname(abs));
    const entry: JournalEntry = { path: rel, tmp: this.#tmpName(rel, 'new'), backup, blob: blobId(op.content) };
    this.#entries.push(entry);
    this.#contents.set(entry, { content: op.content, mode: op.mode });
  }

  async commit(): Promise<void> {
    // Refused like any write when .devops-stack leads out of the target.
    const journalDir = dirname(this.#paths.resolve(JOURNAL_PATH).abs);
    this.#planDirs(journalDir);
    // The journal's own folder first: the journal lists it, so undo removes it too.
    const own = this.#dirs.filter((d) => journalDir === d || journalDir.startsWith(`${d}/`));
    try {
      for (const d of own) this.#mkdir(d);
      const journal: Journal = { entries: this.#entries, dirs: this.#dirs.map((d) => relative(this.root, d)), owner: { pid: process.pid, host: hostname() } };
      // Exclusive: the journal is also the lock that keeps two runs from writing here at once.
      const fd = openSync(join(this.root, JOURNAL_PATH), 'wx', 0o644);
      this.#journalCreated = true;
      writeDurable(fd, `${JSON.stringify(journal, null, 1)}\n`);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw anotherRun(this.root);
      throw e;
    }
    this.#journaled = true;
    for (const d of this.#dirs) if (!own.includes(d)) this.#mkdir(d);
    // Every staged file is written, then all are synced at once (the thread
    // pool runs several fsyncs side by side), and only then renamed into place.
    const fds: number[] = [];
    try {
      for (const e of this.#entries) {
        const staged = this.#contents.get(e);
        if (!e.tmp || !staged) continue;
        const fd = openSync(join(this.root, e.tmp), 'wx', staged.mode);
        fds.push(fd);
        writeSync(fd, staged.content);
      }
      await Promise.all(fds.map((fd) => fsyncAsync(fd)));
    } finally {
      for (const fd of fds) closeSync(fd);
    }
    for (const e of this.#entries) {
      const abs = join(this.root, e.path);
      if (e.backup) renameSync(abs, join(this.root, e.backup));
      if (e.tmp) renameSync(join(this.root, e.tmp), abs);
    }
    renameSync(join(this.root, JOURNAL_PATH), join(this.root, COMMITTED_PATH));
  }

  rollback(): void {
    if (this.#journaled) undo(this.root, this.#entries);
    if (this.#journalCreated) tryUnlink(join(this.root, JOURNAL_PATH));
    for (const dir of [...this.#createdDirs].reverse()) tryRmdir(dir);
  }

  /** Drops the originals kept for rollback, and folders left empty by deletions; then the journal. */
  finish(): void {
    complete(this.root, this.#entries, join(this.root, COMMITTED_PATH));
  }

  #mkdir(dir: string): void {
    mkdirSync(dir);
    this.#createdDirs.push(dir);
  }

  #tmpName(rel: string, kind: 'new' | 'old'): string {
    return join(dirname(rel), `.${basename(rel)}.devops-stack-${kind}-${this.#tag}-${this.#count++}`);
  }

  /** Notes the missing folders above `dir`, shallowest first, without creating them. */
  #planDirs(dir: string): void {
    const missing: string[] = [];
    for (let d = dir; lstatOrNull(d) === null && !this.#dirs.includes(d); d = dirname(d)) missing.unshift(d);
    this.#dirs.push(...missing);
  }
}

/** After the commit point: removes the backups and the folders deletions emptied, then the journal (at `committed`). */
function complete(root: string, entries: readonly JournalEntry[], committed: string): void {
  for (const e of entries) {
    if (e.backup) tryUnlink(join(root, e.backup));
    if (!e.tmp) removeEmptyParents(root, dirname(join(root, e.path)));
  }
  tryUnlink(committed);
}

/**
 * Restores each entry's original: remove what was renamed in, put the backup
 * back, drop staged files. After a crash the user may have written at a path
 * since (a new file, an edit of ours): that file stays, and its original is
 * left aside under its backup name, reported in `notes`. Safe to run again
 * after being killed itself: each step leaves a state the next run reads the
 * same way (nothing at the path and a backup aside: the backup goes back).
 */
function undo(root: string, entries: readonly JournalEntry[], notes: string[] = []): void {
  for (const e of [...entries].reverse()) {
    const abs = join(root, e.path);
    const tmpLeft = e.tmp !== null && lstatOrNull(join(root, e.tmp)) !== null;
    const backupLeft = e.backup !== null && lstatOrNull(join(root, e.backup)) !== null;
    if (e.tmp !== null && tmpLeft) tryUnlink(join(root, e.tmp));
    // The new file was renamed in when its staged copy is gone and the original, if any, is still aside.
    const renamedIn = e.tmp !== null && !tmpLeft && (e.backup === null || backupLeft);
    const present = lstatOrNull(abs) !== null;
    // A file at the path is the user's when it is not what this run wrote: with
    // the original moved aside and ours never renamed in, anything there is.
    const userWrote = present && (renamedIn ? e.blob !== undefined && !holds(abs, e.blob) : backupLeft);
    if (userWrote) {
      notes.push(`${e.path} was written after the interrupted run and is left as it is${backupLeft ? `; the version from before that run is ${e.backup}` : ''}`);
    } else if (e.backup !== null && backupLeft) {
      // Over ours in one rename: the path is never empty while its original is aside.
      renameSync(join(root, e.backup), abs);
    } else if (present && renamedIn) {
      tryUnlink(abs);
    }
  }
}

/** Whether the file at `abs` is exactly the content with this blob id. */
function holds(abs: string, blob: string): boolean {
  try {
    return blobId(readFileSync(abs, 'utf8')) === blob;
  } catch {
    return false;
  }
}

/**
 * After a killed apply: if a journal is left, put every file back as it was
 * before that apply; if the apply had passed its commit point, finish it.
 * Called at the start of every command that writes. Returns true when
 * changes were undone; `notes` gets the files left as the user made them since.
 * Each step can be killed too: the journal goes last, so the next run does
 * whatever is left.
 */
export function recoverInterrupted(root: string, notes: string[] = []): boolean {
  const paths = journalPaths(root);
  const { real } = paths;
  const committedFile = readJournalFile(paths.committed);
  const journalFile = readJournalFile(paths.journal);
  if ([committedFile, journalFile].some((f) => f !== null && isInProgress(f))) throw anotherRun(real);
  if (committedFile !== null) {
    complete(real, safeJournal(real, committedFile).entries, paths.committed);
    return false;
  }
  if (journalFile === null) {
    // Killed between creating the journal's folder and writing the journal.
    tryRmdir(dirname(paths.journal));
    return false;
  }
  const journal = safeJournal(real, journalFile);
  undo(real, journal.entries, notes);
  // Deepest first; a folder the user has put something in since is not empty and stays.
  for (const d of [...journal.dirs].reverse()) tryRmdir(join(real, d));
  unlinkSync(paths.journal);
  tryRmdir(dirname(paths.journal));
  return true;
}

/**
 * For commands that only read (check, --dry-run): a run killed before its
 * commit point left the target half-written, which would read as the user's
 * edits and deletions. Refuses, naming the command that undoes it.
 */
export function refuseInterrupted(root: string, recover: string): void {
  const paths = journalPaths(root);
  const journalFile = readJournalFile(paths.journal);
  if (journalFile === null) return;
  if (isInProgress(journalFile)) throw anotherRun(paths.real);
  throw new UserError(`an earlier run was interrupted while writing in ${paths.real} (${JOURNAL_PATH}); run \`${recover}\` first: it undoes that run before anything else`);
}

/**
 * The journal's paths, proven to stay inside the target before anything is
 * read or removed there: a .devops-stack that is a symlink leading out of it
 * is refused (as for any write).
 */
function journalPaths(root: string): { real: string; journal: string; committed: string } {
  const paths = new TargetPaths(root);
  return { real: paths.realRoot, journal: paths.resolve(JOURNAL_PATH).abs, committed: paths.resolve(COMMITTED_PATH).abs };
}

function anotherRun(root: string): UserError {
  return new UserError(`another run is writing in ${root} (${JOURNAL_PATH}); run again once it has finished`);
}

/** Whether a journal is being written by a run still going on this machine (see LIVE_JOURNAL_MS). */
function isInProgress({ parsed, mtimeMs }: JournalFile): boolean {
  const owner = parsed?.owner;
  if (typeof owner?.pid !== 'number' || owner.host !== hostname() || owner.pid === process.pid) return false;
  return Date.now() - mtimeMs < LIVE_JOURNAL_MS && isRunning(owner.pid);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, as another user's process.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A journal as read: its JSON (null when cut short) and when it was last written. */
interface JournalFile {
  parsed: Partial<Journal> | null;
  mtimeMs: number;
}

/** The journal at `abs` (checked by journalPaths), or null when there is none. */
function readJournalFile(abs: string): JournalFile | null {
  const stat = lstatOrNull(abs);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch {
    return null;
  }
  let parsed: Partial<Journal> | null = null;
  try {
    parsed = JSON.parse(text) as Partial<Journal>;
  } catch {
    // Cut short: nothing was staged or renamed yet (all of that comes after it is complete and synced).
  }
  return { parsed, mtimeMs: stat?.mtimeMs ?? 0 };
}

/** A journal's safe entries; one cut short was written before anything else happened: empty. */
function safeJournal(real: string, { parsed }: JournalFile): Journal {
  const paths = new TargetPaths(real);
  let data: Journal = { entries: [], dirs: [] };
  try {
    // A folder through a symlink leaving the target is not removed (rmdir would remove an empty one out there).
    if (parsed !== null) data = { entries: (parsed.entries ?? []).filter(isSafeEntry), dirs: (parsed.dirs ?? []).filter((d) => isSafeRelative(d) && paths.isSafeFolder(d)) };
  } catch {
    // Not a journal's shape: treated as one cut short.
  }
  for (const e of data.entries) for (const p of [e.path, e.tmp, e.backup]) if (p) paths.resolve(p);
  return data;
}

function isSafeRelative(v: unknown): v is string {
  return typeof v === 'string' && v !== '' && !v.startsWith('/') && !v.split('/').includes('..');
}

function isSafeEntry(e: unknown): e is JournalEntry {
  const ok = (v: unknown) => v === null || isSafeRelative(v);
  const blob = (e as JournalEntry | null)?.blob;
  return (
    typeof e === 'object' && e !== null && typeof (e as JournalEntry).path === 'string' && ok((e as JournalEntry).path) && ok((e as JournalEntry).tmp) && ok((e as JournalEntry).backup) &&
    (blob === undefined || isBlobId(blob))
  );
}

const fsyncAsync = promisify(fsync);

function writeDurable(fd: number, content: string): void {
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Removes `dir` and its ancestors below `root` while they are empty. */
function removeEmptyParents(root: string, dir: string): void {
  for (let d = dir; d.startsWith(root) && d !== root; d = dirname(d)) {
    try {
      rmdirSync(d);
    } catch (e) {
      // Already gone: a run killed after removing it, before its parent. Go on up.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return;
    }
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
