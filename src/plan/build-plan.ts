import { blobId } from '../apply/blob-id.js';
import { BASES_PATH, BaseStore } from '../apply/base-store.js';
import type { Manifest } from '../apply/manifest.js';
import { merge3 } from '../apply/merge3.js';
import { readInside, TargetPaths } from '../apply/safe-path.js';
import type { Plan, PlanEntry } from './plan-types.js';
import type { LayerName, Tree } from './tree.js';
import { byCodeUnit } from '../compare.js';

export type ConflictPolicy = 'fail' | 'keep' | 'overwrite';

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
  for (const [path, file] of tree.entries()) {
    const before = readInside(target, path);
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
    if (before === null) {
      if (recorded && opts.mode === 'upgrade') Object.assign(entry, { kind: 'deleted-by-user', after: null, reason: 'you deleted it; it stays deleted' });
    } else if (before === file.content) {
      entry.kind = 'unchanged';
    } else if (recorded && blobId(before) === recorded.blob) {
      entry.kind = 'update';
    } else if (recorded) {
      await planMerge(bases, entry, before, file.content, recorded.blob, opts);
    } else {
      entry.kind = 'conflict';
      entry.reason = 'a file that create-devops-stack did not generate is in the way';
      // upgrade writes conflicts: never over a file of the user's (e.g. an orphan
      // we generate again), but with markers around both versions (empty base).
      if (opts.mode === 'upgrade' && opts.onConflict === 'fail') entry.after = (await merge3(before, '', file.content, path))?.content ?? before;
      else applyPolicy(entry, opts.onConflict);
    }
    entries.push(entry);
  }
  for (const [path, recorded] of Object.entries(manifest?.files ?? {})) {
    if (tree.has(path) || !opts.layers.includes(recorded.layer)) continue;
    const before = readInside(target, path);
    if (before === null) continue;
    const untouched = blobId(before) === recorded.blob;
    entries.push({
      path,
      kind: untouched ? 'delete' : 'orphan',
      layer: recorded.layer,
      before,
      after: untouched ? null : before,
      generated: null,
      executable: false,
      reason: untouched ? 'no longer generated' : 'no longer generated, but you edited it: kept',
    });
  }
  entries.sort((a, b) => byCodeUnit(a.path, b.path));
  return { root, entries, layers: opts.layers };
}

async function planMerge(bases: BaseStore, entry: PlanEntry, ours: string, theirs: string, blob: string, opts: PlanOptions): Promise<void> {
  const base = bases.get(blob);
  const merged = base === null ? null : await merge3(ours, base, theirs, entry.path);
  if (merged === null) {
    entry.kind = 'conflict';
    entry.reason = base === null ? `you edited it and the previous version is missing from ${BASES_PATH}` : 'you edited it and git is not installed to merge';
    applyPolicy(entry, opts.onConflict);
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

function applyPolicy(entry: PlanEntry, policy: ConflictPolicy): void {
  if (policy === 'keep') Object.assign(entry, { kind: 'keep', after: entry.before });
  else if (policy === 'overwrite') entry.kind = 'update';
}
