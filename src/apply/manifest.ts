import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateStoredAnswers } from '../answers/validate-object.js';
import type { Answers } from '../answers/options.js';
import { UserError } from '../errors.js';
import { normalizeTreePath, type LayerName } from '../plan/tree.js';
import { isBlobId } from './blob-id.js';

export const MANIFEST_PATH = '.devops-stack.json';
export const MANIFEST_VERSION = 1;

const LAYER_NAMES: readonly LayerName[] = ['docker', 'pipeline', 'infra', 'monitoring', 'stack'];

export interface ManifestEntry {
  layer: LayerName;
  /** Git blob id of what we generated; its content (the merge base) is in the base store (base-store.ts). */
  blob: string;
}

/**
 * `.devops-stack.json`: which tool version generated what, with which answers.
 * `upgrade` re-renders from `answers` and finds each file's merge base from
 * `files[path].blob` in our own store (base-store.ts), so it works in
 * shallow clones and outside git.
 */
export interface Manifest {
  manifestVersion: number;
  tool: string;
  version: string;
  /** Partial when read from an older version: options added since take their defaults. */
  answers: Partial<Answers>;
  files: Record<string, ManifestEntry>;
  /**
   * Paths where the user kept their own file over ours (--on-conflict keep):
   * later upgrades leave them alone instead of reporting them again.
   */
  kept: string[];
}

/** Stable JSON: sorted file keys, two-space indent, trailing newline; `kept` only when there is one. */
export function serializeManifest(m: Manifest): string {
  const files: Record<string, ManifestEntry> = {};
  for (const p of Object.keys(m.files).sort()) files[p] = m.files[p]!;
  const { kept, ...rest } = m;
  return `${JSON.stringify({ ...rest, files, ...(kept.length > 0 ? { kept: [...kept].sort() } : {}) }, null, 2)}\n`;
}

/**
 * Reads the manifest, or null when there is none. The manifest is untrusted
 * input: paths are normalized (no absolute, no '..'), blobs must be hex ids,
 * answers must pass the answers schema.
 */
export function readManifest(root: string): Manifest | null {
  let text: string;
  try {
    text = readFileSync(join(root, MANIFEST_PATH), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new UserError(`${MANIFEST_PATH}: cannot read it (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new UserError(`${MANIFEST_PATH} is not valid JSON; restore it from git or delete it to start over`);
  }
  return parseManifest(data);
}

export function parseManifest(data: unknown): Manifest {
  const bad = (why: string): never => {
    throw new UserError(`${MANIFEST_PATH}: ${why}; restore it from git or delete it to start over`);
  };
  if (typeof data !== 'object' || data === null) return bad('not an object');
  const d = data as Record<string, unknown>;
  if (typeof d['manifestVersion'] !== 'number') return bad('manifestVersion is missing');
  if (d['manifestVersion'] > MANIFEST_VERSION) {
    throw new UserError(`${MANIFEST_PATH} was written by a newer create-devops-stack (manifest v${String(d['manifestVersion'])}); run npx create-devops-stack@latest`);
  }
  const answers = validateStoredAnswers(d['answers'], MANIFEST_PATH);
  const files: Record<string, ManifestEntry> = {};
  const rawFiles = d['files'];
  if (typeof rawFiles !== 'object' || rawFiles === null) return bad('files is missing');
  for (const [path, entry] of Object.entries(rawFiles as Record<string, unknown>)) {
    let norm: string;
    try {
      norm = normalizeTreePath(path);
    } catch {
      return bad(`unsafe path ${JSON.stringify(path)}`);
    }
    const e = entry as Partial<ManifestEntry> | null;
    if (!e || !isBlobId(e.blob) || !LAYER_NAMES.includes(e.layer as LayerName)) {
      return bad(`bad entry for ${path}`);
    }
    files[norm] = { layer: e.layer as LayerName, blob: e.blob };
  }
  const rawKept = d['kept'] ?? [];
  if (!Array.isArray(rawKept)) return bad('kept is not a list');
  const kept: string[] = [];
  for (const path of rawKept) {
    try {
      if (typeof path !== 'string') throw new Error('not a path');
      kept.push(normalizeTreePath(path));
    } catch {
      return bad(`unsafe path ${JSON.stringify(path)}`);
    }
  }
  return {
    manifestVersion: d['manifestVersion'],
    tool: typeof d['tool'] === 'string' ? d['tool'] : 'create-devops-stack',
    version: typeof d['version'] === 'string' ? d['version'] : '0.0.0',
    answers,
    files,
    kept,
  };
}
