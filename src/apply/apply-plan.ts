import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, realpathSync, renameSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { changingEntries, type Plan, type PlanEntry } from '../plan/plan-types.js';
import { blobId } from './blob-id.js';
import { BASE_DIR, MANIFEST_PATH, MANIFEST_VERSION, basePath, serializeManifest, type Manifest } from './manifest.js';
import { lstatOrNull, resolveInside } from './safe-path.js';
import type { Answers } from '../answers/options.js';

/** One file operation of an apply: write `content`, or delete when null. */
interface FileOp {
  path: string;
  content: string | null;
  mode: number;
}

export interface ApplyResult {
  written: string[];
  deleted: string[];
}

function opsForEntries(entries: readonly PlanEntry[]): FileOp[] {
  return changingEntries(entries).map((e) => ({ path: e.path, content: e.after, mode: e.executable ? 0o755 : 0o644 }));
}

/** The manifest after this plan: other layers' entries kept, this run's rendered files recorded. */
export function nextManifest(plan: Plan, previous: Manifest | null, answers: Answers, tool: { name: string; version: string }): Manifest {
  const files: Manifest['files'] = {};
  for (const [path, entry] of Object.entries(previous?.files ?? {})) {
    if (!plan.layers.includes(entry.layer)) files[path] = entry;
  }
  for (const e of plan.entries) {
    // A kept user file is not ours; a deleted one is gone; an orphan is the user's now.
    if (e.generated === null || e.kind === 'keep') continue;
    files[e.path] = { layer: e.layer, blob: blobId(e.generated) };
  }
  return { manifestVersion: MANIFEST_VERSION, tool: tool.name, version: tool.version, answers, files };
}

/**
 * Applies a plan all-or-nothing: (1) every path is proven to stay inside the
 * target, (2) every new content is staged as a temp file next to its
 * destination, (3) all are renamed into place, originals kept aside until the
 * end, manifest last. Any failure rolls back what was done.
 */
export function applyPlan(plan: Plan, manifest: Manifest): ApplyResult {
  const ops = opsForEntries(plan.entries);
  // Merge bases for the next upgrade, content-addressed and never rewritten.
  const bases = new Map<string, string>();
  for (const e of plan.entries) if (e.generated !== null && e.kind !== 'keep') bases.set(basePath(blobId(e.generated)), e.generated);
  for (const [path, content] of bases) {
    if (lstatOrNull(join(plan.root, path)) === null) ops.push({ path, content, mode: 0o644 });
  }
  ops.push({ path: MANIFEST_PATH, content: serializeManifest(manifest), mode: 0o644 });
  const tx = new Transaction(plan.root);
  try {
    for (const op of ops) tx.stage(op);
    tx.commit();
  } catch (e) {
    tx.rollback();
    throw e;
  }
  tx.finish();
  collectGarbage(plan.root, manifest);
  return {
    written: ops.filter((o) => o.content !== null && o.path !== MANIFEST_PATH && !o.path.startsWith(`${BASE_DIR}/`)).map((o) => o.path),
    deleted: ops.filter((o) => o.content === null).map((o) => o.path),
  };
}

const tmpName = (abs: string, tag: string): string => join(dirname(abs), `.${basename(abs)}.devops-stack-${tag}-${randomBytes(4).toString('hex')}`);

/** Staged writes inside the target, made visible by rename, undoable until finish(). */
class Transaction {
  readonly #staged: Array<{ abs: string; tmp: string | null }> = [];
  readonly #createdDirs: string[] = [];
  readonly #done: Array<{ abs: string; backup: string | null; wrote: boolean }> = [];

  readonly root: string;

  constructor(root: string) {
    // Real path, so the parent-cleanup walk compares like with like.
    this.root = realpathSync(root);
  }

  stage(op: FileOp): void {
    const abs = resolveInside(this.root, op.path);
    if (op.content === null) {
      this.#staged.push({ abs, tmp: null });
      return;
    }
    this.#mkdirs(dirname(abs));
    const tmp = tmpName(abs, 'new');
    const fd = openSync(tmp, 'wx', op.mode);
    try {
      writeSync(fd, op.content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.#staged.push({ abs, tmp });
  }

  commit(): void {
    for (const { abs, tmp } of this.#staged) {
      const exists = lstatOrNull(abs) !== null;
      const backup = exists ? tmpName(abs, 'old') : null;
      if (backup) renameSync(abs, backup);
      this.#done.push({ abs, backup, wrote: false });
      if (tmp) {
        renameSync(tmp, abs);
        this.#done[this.#done.length - 1]!.wrote = true;
      }
    }
  }

  rollback(): void {
    for (const { abs, backup, wrote } of this.#done.reverse()) {
      if (wrote) tryUnlink(abs);
      if (backup) renameSync(backup, abs);
    }
    for (const { tmp } of this.#staged) if (tmp) tryUnlink(tmp);
    for (const dir of this.#createdDirs.reverse()) tryRmdir(dir);
  }

  /** Drops the originals kept for rollback; the new state is final. */
  finish(): void {
    for (const { backup } of this.#done) if (backup) tryUnlink(backup);
    for (const { abs } of this.#done.filter((d) => !d.wrote)) removeEmptyParents(this.root, dirname(abs));
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

/** Removes base copies no manifest entry refers to any more. */
function collectGarbage(root: string, manifest: Manifest): void {
  const keep = new Set(Object.values(manifest.files).map((f) => f.blob));
  const dir = join(root, BASE_DIR);
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) if (/^[0-9a-f]{40}$/.test(name) && !keep.has(name)) tryUnlink(join(dir, name));
}

function removeEmptyParents(root: string, dir: string): void {
  for (let d = dir; d.startsWith(root) && d !== root; d = dirname(d)) {
    if (!tryRmdir(d)) return;
  }
}

function tryUnlink(path: string): void {
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
