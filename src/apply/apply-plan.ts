import type { Answers } from '../answers/options.js';
import { changingEntries, leavesUserFile, type Plan, type PlanEntry } from '../plan/plan-types.js';
import { describeSystemError, UserError } from '../errors.js';
import { blobId } from './blob-id.js';
import { BASES_ATTRIBUTES, BASES_ATTRIBUTES_PATH, BASES_PATH, BaseStore, legacyBaseFiles, serializeBases, type BaseRecord } from './base-store.js';
import { MANIFEST_PATH, MANIFEST_VERSION, serializeManifest, type Manifest } from './manifest.js';
import { readTextInside, TargetPaths } from './safe-path.js';
import { Transaction, type FileOp } from './transaction.js';

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
  const kept = new Set(previous?.kept ?? []);
  for (const e of plan.entries) {
    // An orphan is the user's now; a deleted one stays recorded (it stays deleted).
    if (e.generated === null) continue;
    if (leavesUserFile(e)) {
      // Ours before: the earlier record stays, to merge from next time. Never
      // ours and kept by choice: the user's, remembered as such.
      const earlier = previous?.files[e.path];
      if (earlier) files[e.path] = earlier;
      else if (e.kind === 'keep') kept.add(e.path);
      continue;
    }
    kept.delete(e.path);
    files[e.path] = { layer: e.layer, blob: blobId(e.generated) };
  }
  return { manifestVersion: MANIFEST_VERSION, tool: tool.name, version: tool.version, answers, files, kept: [...kept].sort() };
}

/**
 * Applies a plan all-or-nothing: (1) every path is proven to stay inside the
 * target, (2) every new content is staged as a temp file next to its
 * destination, (3) all are renamed into place, originals kept aside until the
 * end, manifest last. Any failure rolls back what was done.
 */
export async function applyPlan(plan: Plan, manifest: Manifest): Promise<ApplyResult> {
  const ops = opsForEntries(plan.entries);
  const written = ops.filter((o) => o.content !== null).map((o) => o.path);
  const deleted = ops.filter((o) => o.content === null).map((o) => o.path);
  const paths = new TargetPaths(plan.root);
  assertUnchangedSincePlan(plan, paths);
  const store = new BaseStore(paths);
  const bases = serializeBases(baseRecords(plan, manifest, store));
  const firstStore = store.current() === null;
  // In the same transaction as the files: a crash never leaves bases that do not match them.
  if (bases !== store.current()) ops.push({ path: BASES_PATH, content: bases, mode: 0o644 });
  // With the store's first write only: afterwards the file is the user's to change or delete.
  if (firstStore && paths.resolve(BASES_ATTRIBUTES_PATH).stat === null) ops.push({ path: BASES_ATTRIBUTES_PATH, content: BASES_ATTRIBUTES, mode: 0o644 });
  for (const path of legacyBaseFiles(plan.root)) ops.push({ path, content: null, mode: 0o644 });
  ops.push({ path: MANIFEST_PATH, content: serializeManifest(manifest), mode: 0o644 });
  const tx = new Transaction(plan.root);
  try {
    for (const op of ops) tx.stage(op);
    await tx.commit();
  } catch (e) {
    tx.rollback();
    // Rolled back: say so, for what the user can fix (permissions, a full disk).
    const system = describeSystemError(e);
    throw system === null ? e : new UserError(`cannot write in ${plan.root}: ${system}; nothing was changed`);
  }
  tx.finish();
  return { written, deleted };
}

/**
 * Refuses to write when a file the plan changes is no longer what the plan
 * was built from (edited while the confirmation prompt was open, say): the
 * plan's diff would no longer be what gets written, and the edit would be lost.
 */
function assertUnchangedSincePlan(plan: Plan, paths: TargetPaths): void {
  for (const e of changingEntries(plan.entries)) {
    if ((readTextInside(paths, e.path)?.text ?? null) !== e.before) {
      throw new UserError(`${e.path} changed after the plan was made; nothing was written: run the command again`);
    }
  }
}

/**
 * The merge base of every file the next manifest lists: what this run
 * generated, or for layers it did not render, what is stored already.
 */
function baseRecords(plan: Plan, manifest: Manifest, store: BaseStore): BaseRecord[] {
  // A file left as the user had it keeps its earlier base.
  const generated = new Map(plan.entries.filter((e) => e.generated !== null && !leavesUserFile(e)).map((e) => [e.path, e.generated!]));
  const records: BaseRecord[] = [];
  for (const [path, { blob }] of Object.entries(manifest.files)) {
    const content = generated.get(path) ?? store.get(blob);
    if (content !== null) records.push({ path, blob, content });
  }
  return records;
}
