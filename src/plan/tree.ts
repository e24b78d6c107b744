import { posix } from 'node:path';

export type LayerName = 'docker' | 'pipeline' | 'infra' | 'monitoring' | 'stack';

export interface TreeFile {
  content: string;
  layer: LayerName;
  /** Executable files (e.g. scripts) get 0o755, the rest 0o644. */
  executable: boolean;
}

/**
 * Normalize a path that is meant to stay inside the target: POSIX separators,
 * no leading './', and never absolute or climbing out with '..'.
 * Throws (a bug in a generator or a tampered manifest) otherwise.
 */
export function normalizeTreePath(path: string): string {
  if (path.includes('\\') || path.includes('\0')) throw new Error(`invalid path ${JSON.stringify(path)}`);
  if (posix.isAbsolute(path) || /^[A-Za-z]:/.test(path)) throw new Error(`path must be relative: ${path}`);
  const norm = posix.normalize(path);
  if (norm === '.' || norm === '' || norm.startsWith('../') || norm === '..' || norm.endsWith('/')) {
    throw new Error(`path leaves the target or is not a file: ${path}`);
  }
  return norm.replace(/^\.\//, '');
}

/**
 * The in-memory output of rendering. Nothing touches the target directory
 * until the whole tree is rendered and a plan is built from it.
 */
export class Tree {
  readonly #files = new Map<string, TreeFile>();

  write(path: string, content: string, layer: LayerName, executable = false): void {
    const p = normalizeTreePath(path);
    if (this.#files.has(p)) throw new Error(`two templates write ${p}`);
    this.#files.set(p, { content, layer, executable });
  }

  read(path: string): TreeFile | undefined {
    return this.#files.get(normalizeTreePath(path));
  }

  has(path: string): boolean {
    return this.#files.has(normalizeTreePath(path));
  }

  /** Paths in a stable (sorted) order, so plans and manifests are deterministic. */
  paths(): string[] {
    return [...this.#files.keys()].sort();
  }

  entries(): Array<[string, TreeFile]> {
    return this.paths().map((p) => [p, this.#files.get(p)!]);
  }

  get size(): number {
    return this.#files.size;
  }
}
