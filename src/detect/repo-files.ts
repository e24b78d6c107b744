import { readdirSync, readFileSync, type Stats } from 'node:fs';
import { join, resolve } from 'node:path';
import { lstatOrNull, statOrNull } from '../stat-or-null.js';
import { normalizePath } from './paths.js';
import type { RepoFiles } from './types.js';

/** Files larger than this read as undefined: detectors only need small manifests and sources. */
export const MAX_FILE_BYTES = 1024 * 1024;

/**
 * A RepoFiles over a directory on disk. Synchronous and cached (detection is a
 * one-shot read). Symlinks anywhere in a path count as absent, so nothing
 * outside `root` is ever read; paths with '..' above the root are absent too.
 */
export function filesFromDisk(root: string): RepoFiles {
  const base = resolve(root);
  const stats = new Map<string, Stats | null>();
  const texts = new Map<string, string | undefined>();
  // What list() learnt from directory entries: walks ask isDirectory() of
  // thousands of entries, and this answers without one lstat each.
  const listedDirs = new Map<string, boolean>();

  // lstat every segment: a symlinked parent directory must not be followed either.
  const stat = (rel: string): Stats | null => {
    const cached = stats.get(rel);
    if (cached !== undefined) return cached;
    let result: Stats | null = null;
    if (rel === '.') {
      // The root itself may be a symlink the user chose to pass; only links inside it are refused.
      result = statOrNull(base);
    } else {
      const i = rel.lastIndexOf('/');
      const parent = i < 0 ? '.' : rel.slice(0, i);
      const p = stat(parent);
      if (p?.isDirectory()) {
        const s = lstatOrNull(join(base, rel));
        result = s && !s.isSymbolicLink() ? s : null;
      }
    }
    stats.set(rel, result);
    return result;
  };
  const statOf = (path: string): [string, Stats] | null => {
    const rel = normalizePath(path);
    if (rel === null) return null;
    const s = stat(rel);
    return s ? [rel, s] : null;
  };

  return {
    read(path) {
      const found = statOf(path);
      if (!found) return undefined;
      const [rel, s] = found;
      if (!s.isFile() || s.size > MAX_FILE_BYTES) return undefined;
      if (!texts.has(rel)) {
        let text: string | undefined;
        try {
          text = readFileSync(join(base, rel), 'utf8');
        } catch {
          text = undefined;
        }
        texts.set(rel, text);
      }
      return texts.get(rel);
    },
    exists: (path) => statOf(path) !== null,
    isDirectory(path) {
      const rel = normalizePath(path);
      if (rel === null) return false;
      return listedDirs.get(rel) ?? stat(rel)?.isDirectory() ?? false;
    },
    list(dir) {
      const found = statOf(dir);
      if (!found || !found[1].isDirectory()) return [];
      try {
        const entries = readdirSync(join(base, found[0]), { withFileTypes: true }).filter((e) => !e.isSymbolicLink());
        for (const e of entries) listedDirs.set(found[0] === '.' ? e.name : `${found[0]}/${e.name}`, e.isDirectory());
        return entries.map((e) => e.name).sort();
      } catch {
        return [];
      }
    },
  };
}

/**
 * An in-memory RepoFiles for tests. Keys are file paths; directories are
 * implied by them, and a key ending in '/' declares an (empty) directory.
 */
export function filesFromMap(files: Record<string, string>): RepoFiles {
  const texts = new Map<string, string>();
  const children = new Map<string, Set<string>>([['.', new Set()]]);
  const addDir = (dir: string): void => {
    if (children.has(dir)) return;
    children.set(dir, new Set());
    const i = dir.lastIndexOf('/');
    const parent = i < 0 ? '.' : dir.slice(0, i);
    addDir(parent);
    children.get(parent)?.add(dir.slice(i + 1));
  };
  for (const [key, text] of Object.entries(files)) {
    const rel = normalizePath(key);
    if (rel === null || rel === '.') continue;
    if (key.endsWith('/')) {
      addDir(rel);
      continue;
    }
    const i = rel.lastIndexOf('/');
    const parent = i < 0 ? '.' : rel.slice(0, i);
    addDir(parent);
    children.get(parent)?.add(rel.slice(i + 1));
    texts.set(rel, text);
  }
  const norm = (p: string): string | null => normalizePath(p);
  return {
    read: (path) => {
      const rel = norm(path);
      return rel === null ? undefined : texts.get(rel);
    },
    exists: (path) => {
      const rel = norm(path);
      return rel !== null && (texts.has(rel) || children.has(rel));
    },
    isDirectory: (path) => {
      const rel = norm(path);
      return rel !== null && children.has(rel);
    },
    list: (dir) => {
      const rel = norm(dir);
      return rel === null ? [] : [...(children.get(rel) ?? [])].sort();
    },
  };
}
