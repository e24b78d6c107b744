/**
 * POSIX path helpers for repository-relative paths. '.' is the root; results
 * never start with './' so they can be compared as plain strings.
 */

/** Anything normalizePath would change or refuse: backslashes, '//', a leading or trailing '/', '.' or '..' segments, a drive letter. */
const NEEDS_NORMALIZING = /\\|\/\/|^\/|\/$|(?:^|\/)\.{1,2}(?:\/|$)|^[A-Za-z]:/;

/**
 * Normalises a repository-relative path: drops '.', '' and trailing slashes and
 * resolves '..'. Returns null when the path is absolute or climbs above the root.
 */
export function normalizePath(path: string): string | null {
  // Most paths are normal already (built from directory listings): no splitting.
  if (path !== '' && !NEEDS_NORMALIZING.test(path)) return path;
  if (path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path)) return null;
  const out: string[] = [];
  for (const part of path.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) return null;
      out.pop();
    } else {
      out.push(part);
    }
  }
  return out.length === 0 ? '.' : out.join('/');
}

/** Joins repository-relative segments; `joinPath('.', 'a')` is 'a'. Invalid results collapse to '.'. */
export function joinPath(...parts: string[]): string {
  return normalizePath(parts.filter((p) => p !== '' && p !== '.').join('/')) ?? '.';
}

/** Parent directory of a path ('.' for top-level entries and the root). */
export function parentDir(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '.' : path.slice(0, i);
}

/** Last segment of a path. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** `path` relative to directory `from`, both repository-relative (may contain '..'). */
export function relativePath(from: string, path: string): string {
  const a = from === '.' ? [] : from.split('/');
  const b = path === '.' ? [] : path.split('/');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const up = a.slice(i).map(() => '..');
  const rest = [...up, ...b.slice(i)];
  return rest.length === 0 ? '.' : rest.join('/');
}

/** `dir` and each of its ancestors up to the root, nearest first. */
export function ancestors(dir: string): string[] {
  const out = [dir];
  let d = dir;
  while (d !== '.') {
    d = parentDir(d);
    out.push(d);
  }
  return out;
}
