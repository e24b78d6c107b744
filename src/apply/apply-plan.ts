import type { Answers } from '../answers/options.js';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { changingEntries, type Plan, type PlanEntry } from '../plan/plan-types.js';
import { blobId } from './blob-id.js';
import { BASE_DIR, MANIFEST_PATH, MANIFEST_VERSION, basePath, serializeManifest, type Manifest } from './manifest.js';
import { lstatOrNull } from './safe-path.js';
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
export async function applyPlan(plan: Plan, manifest: Manifest): Promise<ApplyResult> {
  const ops = opsForEntries(plan.entries);
  // Merge bases for the next upgrade, content-addressed and never rewritten.
  const bases = new Map<string, string>();
  // Named by the manifest's own blob ids, so every entry's base is the file it names.
  for (const e of plan.entries) {
    const recorded = manifest.files[e.path];
    if (e.generated !== null && recorded) bases.set(basePath(recorded.blob), e.generated);
  }
  for (const [path, content] of bases) {
    if (lstatOrNull(join(plan.root, path)) === null) ops.push({ path, content, mode: 0o644 });
  }
  // Base copies no entry refers to any more go in the same transaction: a crash never leaves half of them.
  for (const path of garbage(plan.root, manifest)) ops.push({ path, content: null, mode: 0o644 });
  ops.push({ path: MANIFEST_PATH, content: serializeManifest(manifest), mode: 0o644 });
  const tx = new Transaction(plan.root);
  try {
    for (const op of ops) tx.stage(op);
    await tx.commit();
  } catch (e) {
    tx.rollback();
    throw e;
  }
  tx.finish();
  return {
    written: ops.filter((o) => o.content !== null && o.path !== MANIFEST_PATH && !o.path.startsWith(`${BASE_DIR}/`)).map((o) => o.path),
    deleted: ops.filter((o) => o.content === null && !o.path.startsWith(`${BASE_DIR}/`)).map((o) => o.path),
  };
}

/** Base copies no manifest entry refers to any more. */
function garbage(root: string, manifest: Manifest): string[] {
  const keep = new Set(Object.values(manifest.files).map((f) => f.blob));
  let names: string[] = [];
  try {
    names = readdirSync(join(root, BASE_DIR));
  } catch {
    return [];
  }
  return names.filter((name) => /^[0-9a-f]{40}$/.test(name) && !keep.has(name)).map((name) => `${BASE_DIR}/${name}`);
}
