import { blobId } from '../apply/blob-id.js';
import { BASES_PATH, BaseStore } from '../apply/base-store.js';
import type { Manifest } from '../apply/manifest.js';
import { hasMergeMarkers, merge3 } from '../apply/merge3.js';
import { readTextInside, TargetPaths } from '../apply/safe-path.js';
import type { Plan, PlanEntry } from './plan-types.js';
import type { LayerName, Tree } from './tree.js';
import { byCodeUnit } from '../compare.js';
import { matchEol } from './eol.js';

export type ConflictPolicy = 'fail' | 'keep' | 'overwrite';

const IN_THE_WAY = 'a file that create-devops-stack did not generate is in the way';

/**
 * A file that is not ours where we generate one, left to --on-conflict: with
 * `fail` it stops the whole run, upgrade's as init's, before anything is written.
 */
export function isInTheWay(e: PlanEntry): boolean {
  return e.kind === 'conflict' && e.reason === IN_THE_WAY;
}

export interface PlanOptions {
  onConflict: ConflictPolicy;
  /** Layers rendered this run; stale manifest files are only looked for in these. */
  layers: readonly LayerName[];
  /** upgrade: files the user deleted stay deleted, and merge conflicts are written with markers. */
  mode: 'init' | 'upgrade';
}

/**
 * Tree x disk x manifest -> one entry per path. Reads the target, writes
 * nothing. Every path is checked for containment here, so a plan that was
 * built can be applied without leaving the target.
 */
export async function buildPlan(root: string, tree: Tree, manifest: Manifest | null, opts: PlanOptions): Promise<Plan> {
  const entries: PlanEntry[] = [];
  const target = new TargetPaths(root);
  const bases = new BaseStore(target);
  const kept = new Set(manifest?.kept ?? []);
  for (const [path, file] of tree.entries()) {
    const read = readTextInside(target, path);
    const before = read?.text ?? null;
    const recorded = manifest?.files[path];
    const entry: PlanEntry = {
      path,
      kind: 'create',
      layer: file.layer,
      before,
      after: file.content,
      generated: file.content,
      executable: file.executable,
      reason: null,
    };
    if (read === null) {
      if ((recorded || kept.has(path)) && opts.mode === 'upgrade') Object.assign(entry, { kind: 'deleted-by-user', after: null, reason: 'you deleted it; it stays deleted' });
    } else if (read.text === file.content) {
      entry.kind = 'unchanged';
    } else if (recorded && read.isText && blobId(read.text) === recorded.blob) {
      entry.kind = 'update';
    } else if (!recorded && kept.has(path) && opts.onConflict !== 'overwrite') {
      Object.assign(entry, { kind: 'keep', after: before, reason: 'yours: you kept it over the generated one' });
    } else if (!recorded) {
      // Never written into, not even with markers (an orphan we generate
      // again included: the user's since): under `fail` nothing is written.
      Object.assign(entry, { kind: 'conflict', reason: IN_THE_WAY });
      applyPolicy(entry, opts.onConflict);
    } else if (!read.isText) {
      unmerged(entry, 'not UTF-8 text, so it cannot be merged', opts.onConflict);
    } else if (hasMergeMarkers(read.text, path)) {
      unmerged(entry, 'it still has conflict markers from an earlier upgrade: resolve them, then run upgrade again', opts.onConflict);
    } else {
      await planMerge(bases, entry, read.text, file.content, recorded.blob, opts);
    }
    entries.push(entry);
  }
  for (const [path, recorded] of Object.entries(manifest?.files ?? {})) {
    if (tree.has(path) || !opts.layers.includes(recorded.layer)) continue;
    const read = readTextInside(target, path);
    if (read === null) continue;
    const untouched = read.isText && blobId(read.text) === recorded.blob;
    entries.push({
      path,
      kind: untouched ? 'delete' : 'orphan',
      layer: recorded.layer,
      before: read.text,
      after: untouched ? null : read.text,
      generated: null,
      executable: false,
      reason: untouched ? 'no longer generated' : 'no longer generated, but you edited it: kept',
    });
  }
  entries.sort((a, b) => byCodeUnit(a.path, b.path));
  return { root, entries, layers: opts.layers };
}

async function planMerge(bases: BaseStore, entry: PlanEntry, ours: string, theirs: string, blob: string, opts: PlanOptions): Promise<void> {
  const stored = bases.get(blob);
  // Our render in the user's line endings: a file turned to CRLF is not a whole-file edit.
  const base = stored === null ? null : matchEol(stored, ours);
  const next = matchEol(theirs, ours);
  const merged = base === null ? null : await merge3(ours, base, next, entry.path);
  if (base !== null && merged === null) {
    unmerged(entry, 'you edited it, and git is not installed (or failed) to merge it', opts.onConflict);
  } else if (merged === null) {
    entry.kind = 'conflict';
    entry.reason = `you edited it and the previous version is missing from ${BASES_PATH}`;
    // A file we wrote, so markers may go in as for any conflict; without the
    // base every difference is one: markers around each.
    if (opts.mode === 'upgrade' && opts.onConflict === 'fail') await markConflicts(entry, ours, next);
    else applyPolicy(entry, opts.onConflict);
  } else if (merged.conflicts === 0) {
    entry.kind = merged.content === ours ? 'unchanged' : 'merge';
    entry.after = merged.content;
    entry.reason = 'your edits are kept and merged with the new template';
  } else {
    entry.kind = 'conflict';
    entry.reason = `your edits conflict with the new template (${merged.conflicts} conflict${merged.conflicts > 1 ? 's' : ''})`;
    if (opts.mode === 'upgrade' && opts.onConflict === 'fail') entry.after = merged.content;
    else applyPolicy(entry, opts.onConflict);
  }
}

/** upgrade's conflict without a base: both versions with markers, or the file left as is when git cannot merge. */
async function markConflicts(entry: PlanEntry, ours: string, theirs: string): Promise<void> {
  const merged = await merge3(ours, '', theirs, entry.path);
  if (merged === null) unmerged(entry, `${entry.reason ?? 'a conflict'}, and git is not installed (or failed) to mark it`, 'fail');
  else entry.after = merged.content;
}

/** The user's file cannot take a merge: left exactly as it is, unless --on-conflict says otherwise. */
function unmerged(entry: PlanEntry, reason: string, policy: ConflictPolicy): void {
  Object.assign(entry, { kind: 'unmerged', after: entry.before, reason: `${reason}; left as it is` });
  applyPolicy(entry, policy);
}

function applyPolicy(entry: PlanEntry, policy: ConflictPolicy): void {
  if (policy === 'keep') Object.assign(entry, { kind: 'keep', after: entry.before });
  else if (policy === 'overwrite') Object.assign(entry, { kind: 'update', after: entry.generated });
}
