import type { LayerName } from './tree.js';

/**
 * What happens to one path:
 * - create: new file; update: replaces a file we generated and nobody edited;
 * - merge: the user edited our file, and the new render merged cleanly into it;
 * - conflict: a file we did not generate is in the way, or a merge conflicted;
 * - unmerged: the user edited our file and it cannot be merged (not text, still
 *   has conflict markers, git missing): left exactly as it is;
 * - keep: a conflict resolved by keeping the user's file (--on-conflict keep),
 *   or a file the user kept over ours before;
 * - delete: we generated it before, it is untouched, and we no longer generate it;
 * - orphan: we no longer generate it, but the user edited it: kept, reported;
 * - deleted-by-user: we generated it before, the user deleted it: stays deleted;
 * - unchanged: already as rendered.
 */
export type PlanKind =
  | 'create'
  | 'update'
  | 'merge'
  | 'conflict'
  | 'unmerged'
  | 'keep'
  | 'delete'
  | 'orphan'
  | 'deleted-by-user'
  | 'unchanged';

export interface PlanEntry {
  path: string;
  kind: PlanKind;
  layer: LayerName;
  /** What is on disk now (null: nothing). */
  before: string | null;
  /** What will be on disk after apply (null: nothing / left as is). */
  after: string | null;
  /** What this run rendered (the next merge base); null for deletions. */
  generated: string | null;
  executable: boolean;
  /** Why, for conflicts and other non-obvious kinds. */
  reason: string | null;
}

export interface Plan {
  root: string;
  entries: PlanEntry[];
  /** Layers this run rendered: manifest entries of other layers are carried over untouched. */
  layers: readonly LayerName[];
}

/** Entries whose `after` goes to disk (a write or a deletion); conflicts included when they carry markers. */
export function changingEntries(entries: readonly PlanEntry[]): PlanEntry[] {
  return entries.filter((e) => e.after !== e.before && !leavesUserFile(e) && e.kind !== 'orphan' && e.kind !== 'deleted-by-user');
}

/**
 * The user's file stays as it is, and what we rendered did not reach it: the
 * manifest keeps its earlier record (and merge base), so the next upgrade
 * merges from there again instead of taking this render as already merged.
 */
export function leavesUserFile(e: PlanEntry): boolean {
  return e.kind === 'keep' || e.kind === 'unmerged';
}
