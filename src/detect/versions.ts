import { ancestors, joinPath } from './paths.js';
import type { FoundVersion } from './app-facts.js';
import type { RepoFiles } from './types.js';

/**
 * The lower bound of a version range, cut to `parts` components:
 * '>=20.19' → '20' (parts 1), '^3.12' → '3.12' (parts 2), '1.8' → '8' is left to callers.
 * For '||' alternatives the highest lower bound wins (newest supported line).
 * Returns null for anything without a number ('lts/*', 'latest', '*').
 */
export function rangeLowerBound(range: string, parts: number): string | null {
  let best: number[] | null = null;
  for (const alt of range.split('||')) {
    const m = /(\d+)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?/.exec(alt);
    if (!m) continue;
    const nums = [m[1], m[2], m[3]]
      .filter((n): n is string => n !== undefined && /^\d+$/.test(n))
      .map(Number);
    if (!best || compareVersionParts(nums, best) > 0) best = nums;
  }
  return best ? best.slice(0, parts).join('.') : null;
}

/** Compares versions as number arrays ([1, 24] vs [1, 24, 1]); a missing part counts as 0. */
export function compareVersionParts(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** A plain version ('v22.11.0', '3.12.4') cut to at most `parts` components, or null. */
export function plainVersion(text: string, parts: number): string | null {
  const m = /^\s*v?(\d+(?:\.\d+){0,2})\b/.exec(text);
  return m?.[1] ? m[1].split('.').slice(0, parts).join('.') : null;
}

/** The version of `tools` (e.g. ['nodejs', 'node']) in an asdf/mise `.tool-versions` text. */
export function toolVersionsEntry(text: string, tools: readonly string[]): string | null {
  for (const line of text.split('\n')) {
    const [name, version] = line.replace(/#.*/, '').trim().split(/\s+/);
    if (name && version && tools.includes(name)) return version;
  }
  return null;
}

/**
 * Looks for `name` in `dir` and its ancestors (version files usually sit at the
 * repository root of a monorepo). Returns the repository-relative path.
 */
export function findUp(files: RepoFiles, dir: string, name: string): string | null {
  for (const d of ancestors(dir)) {
    const path = joinPath(d, name);
    if (files.read(path) !== undefined) return path;
  }
  return null;
}

/**
 * Tries version readers in order and returns the first hit. Each reader gets
 * the text of its file found by `findUp`.
 */
export function firstVersion(
  files: RepoFiles,
  dir: string,
  readers: ReadonlyArray<{ file: string; label?: string; read: (text: string) => string | null }>,
): FoundVersion | null {
  for (const r of readers) {
    const path = findUp(files, dir, r.file);
    if (path === null) continue;
    const version = r.read(files.read(path) ?? '');
    if (version) return { version, source: r.label ? `${path} ${r.label}` : path };
  }
  return null;
}
