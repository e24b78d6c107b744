import { joinPath } from './paths.js';
import type { RepoFiles } from './types.js';

/** Directories that hold dependencies, build output or tooling state, never the app's own source. */
export const SKIP_DIRS = new Set([
  '.git', 'node_modules', '.next', '.nuxt', '.turbo', '.cache', 'dist', 'build', 'out', 'coverage',
  'vendor', 'target', '.gradle', '.mvn', '.venv', 'venv', 'env', '.tox', '__pycache__', '.mypy_cache',
  '.pytest_cache', '.ruff_cache', '.terraform', '.idea', '.vscode', 'site-packages',
]);

/** Limits for walkFiles. */
export interface WalkOptions {
  /** File name endings to keep, e.g. ['.ts', '.js']. */
  exts: readonly string[];
  /** Depth below `dir` (0 = only `dir` itself). */
  maxDepth: number;
  /** Stop after this many files: detection must stay fast on big repos. */
  maxFiles: number;
  /** Extra directory names to skip (e.g. 'migrations'). */
  skip?: readonly string[];
}

/**
 * Source files under `dir`, breadth-first (shallow files first, then by name),
 * so the likely entry files are seen before deep ones when the cap is hit.
 */
/** Entries a walk may look at, matching or not: a repo with 20 000 data files must not slow detection down. */
export const MAX_WALK_ENTRIES = 2000;

export function walkFiles(files: RepoFiles, dir: string, opts: WalkOptions): string[] {
  const skip = new Set([...SKIP_DIRS, ...(opts.skip ?? [])]);
  const out: string[] = [];
  let visited = 0;
  let level = [joinPath(dir)];
  for (let depth = 0; depth <= opts.maxDepth && level.length > 0; depth++) {
    const next: string[] = [];
    for (const d of level) {
      for (const name of files.list(d)) {
        if (++visited > MAX_WALK_ENTRIES) return out;
        // A listed name is one plain segment: no normalizing needed.
        const path = d === '.' ? name : `${d}/${name}`;
        if (files.isDirectory(path)) {
          if (!skip.has(name) && !name.startsWith('.')) next.push(path);
        } else if (opts.exts.some((e) => name.endsWith(e))) {
          out.push(path);
          if (out.length >= opts.maxFiles) return out;
        }
      }
    }
    level = next;
  }
  return out;
}

/** Health endpoints we recognise, best first. */
// /healthcheck: the Remix stacks' route.
export const HEALTH_PATHS = ['/healthz', '/health', '/livez', '/readyz', '/ping', '/healthcheck'] as const;

/** A route found in source, with the file it came from (for notes). */
export interface FoundRoute {
  path: string;
  file: string;
}

/**
 * Picks the best health route: by HEALTH_PATHS rank (an '/api' prefix or a
 * trailing slash only breaks ties), then by the order found.
 */
export function pickHealthPath<T extends FoundRoute>(routes: T[]): T | null {
  return pickRoute(routes, HEALTH_PATHS);
}

/** Readiness routes (can take traffic now), best first. */
export const READINESS_PATHS = ['/readyz', '/ready', '/readiness'] as const;

/** Picks the best readiness route, ranked like pickHealthPath. */
export function pickReadinessPath<T extends FoundRoute>(routes: T[]): T | null {
  return pickRoute(routes, READINESS_PATHS);
}

function pickRoute<T extends FoundRoute>(routes: T[], names: readonly string[]): T | null {
  let best: T | null = null;
  let bestRank = Infinity;
  for (const r of routes) {
    const rank = routeRank(r.path, names);
    if (rank < bestRank) {
      best = r;
      bestRank = rank;
    }
  }
  return best;
}

/** Rank of a path among HEALTH_PATHS, or Infinity when it is not a health route. */
export function healthRank(path: string): number {
  return routeRank(path, HEALTH_PATHS);
}

function routeRank(path: string, names: readonly string[]): number {
  const m = /^(\/api(?:\/v\d+)?)?(\/[a-z]+)(\/?)$/.exec(path);
  if (!m) return Infinity;
  const i = names.indexOf(m[2] ?? '');
  if (i < 0) return Infinity;
  return i * 4 + (m[1] ? 2 : 0) + (m[3] ? 1 : 0);
}

/** Runs `re` (global) over each file's text and collects health routes from capture group 1. */
export function findRoutes(
  files: RepoFiles,
  paths: readonly string[],
  re: RegExp,
  toPath: (captured: string) => string = (p) => p,
): FoundRoute[] {
  const out: FoundRoute[] = [];
  for (const file of paths) {
    const text = files.read(file);
    if (text === undefined) continue;
    for (const m of text.matchAll(re)) {
      const path = toPath(m[1] ?? '');
      if (healthRank(path) !== Infinity) out.push({ path, file });
    }
  }
  return out;
}

/** A port number pattern (capture group 1) with what it means, in priority order. */
export interface PortPattern {
  re: RegExp;
  what: string;
}

/** First port found: patterns in priority order, each tried across all files in order. */
export function findPort(
  files: RepoFiles,
  paths: readonly string[],
  patterns: readonly PortPattern[],
): { port: number; file: string; what: string } | null {
  for (const { re, what } of patterns) {
    for (const file of paths) {
      const m = re.exec(files.read(file) ?? '');
      const port = Number(m?.[1]);
      if (m && Number.isInteger(port) && port > 0 && port < 65536) return { port, file, what };
    }
  }
  return null;
}
