import { languageCandidates, pickCandidate } from './app-kind.js';
import { parseGoWorkUses } from './go-mod.js';
import { gradleIncludes, mavenModules } from './java-project.js';
import { parseJsonObject } from './json.js';
import { nodeWorkspaces } from './node.js';
import { baseName, joinPath, normalizePath } from './paths.js';
import { SKIP_DIRS } from './scan.js';
import { parseToml, tomlStrings, tomlTable } from './toml.js';
import type { RepoFiles, ServiceInfo } from './types.js';

/** Folders scanned for services even when no workspace file lists them. */
const CONVENTIONAL = ['services/*', 'apps/*'];
const MAX_GLOB_DEPTH = 4;

/**
 * Deployable services below the root of a monorepo: members of npm/yarn/pnpm
 * workspaces, uv workspaces, go.work, Maven modules and Gradle includes, plus
 * services/* and apps/* folders with their own manifest. Libraries (no server,
 * no main) are left out. Sorted by dir; the root itself is never listed.
 */
export function findServices(files: RepoFiles): ServiceInfo[] {
  const dirs = new Set<string>();
  const addAll = (patterns: readonly string[]): void => {
    const excluded = new Set(patterns.filter((p) => p.startsWith('!')).flatMap((p) => expandGlob(files, p.slice(1))));
    for (const p of patterns) {
      if (!p.startsWith('!')) for (const d of expandGlob(files, p)) if (!excluded.has(d)) dirs.add(d);
    }
  };

  addAll(nodeWorkspaces(files, '.', parseJsonObject(files.read('package.json'))));
  const uv = tomlTable(parseToml(files.read('pyproject.toml')), 'tool', 'uv', 'workspace');
  addAll([...tomlStrings(uv, 'members'), ...tomlStrings(uv, 'exclude').map((e) => `!${e}`)]);
  const goWork = files.read('go.work');
  if (goWork !== undefined) addAll(parseGoWorkUses(goWork));
  addAll(mavenModules(files, '.'));
  addAll(gradleIncludes(files.read('settings.gradle.kts') ?? files.read('settings.gradle') ?? ''));
  addAll(CONVENTIONAL);

  const out: ServiceInfo[] = [];
  for (const dir of [...dirs].sort()) {
    if (dir === '.') continue;
    const best = pickCandidate(languageCandidates(files, dir).filter((c) => c.deployable));
    if (best) out.push({ name: baseName(dir), dir, language: best.language });
  }
  return out;
}

/** Top-level folders that hold docs, tests, examples or tooling: never taken for the service. */
const NOT_SERVICES = new Set(['doc', 'docs', 'example', 'examples', 'sample', 'samples', 'test', 'tests', 'e2e', 'benchmarks', 'scripts', 'tools', 'infra', 'terraform', 'monitoring']);

/** Apps in the root's own folders, split into server-side ones and the rest (frontends, scripts). */
export interface TopLevelApps {
  /** Apps with a web framework: what this tool deploys. */
  servers: ServiceInfo[];
  /** Apps without one that a container could still run (a start script). */
  runnable: ServiceInfo[];
  /** Folders with a manifest but nothing to run (a Vite SPA, a library). */
  others: ServiceInfo[];
}

/**
 * The apps in the root's own folders (backend/ + frontend/, server/, api/...), for a
 * repository whose root is no app and that no workspace or services/*, apps/* folder
 * describes. Docs, tests and examples folders are left out.
 */
export function findTopLevelApps(files: RepoFiles): TopLevelApps {
  const found: TopLevelApps = { servers: [], runnable: [], others: [] };
  for (const dir of expandGlob(files, '*').sort()) {
    if (NOT_SERVICES.has(dir)) continue;
    const best = pickCandidate(languageCandidates(files, dir));
    if (!best) continue;
    const app = { name: baseName(dir), dir, language: best.language };
    (best.web ? found.servers : best.deployable ? found.runnable : found.others).push(app);
  }
  return found;
}

/**
 * Expands a workspace glob to existing directories: literal segments, '*'
 * and '?' within a segment, and '**' for any depth (up to a limit).
 */
export function expandGlob(files: RepoFiles, pattern: string): string[] {
  const clean = normalizePath(pattern.replace(/\/\*\*\/\*$/, '/**').replace(/\/$/, ''));
  if (clean === null) return [];
  const segments = clean === '.' ? [] : clean.split('/');
  const out: string[] = [];
  const walk = (dir: string, i: number, depth: number): void => {
    if (i === segments.length) {
      if (files.isDirectory(dir)) out.push(dir);
      return;
    }
    const seg = segments[i] ?? '';
    if (seg === '**') {
      walk(dir, i + 1, depth);
      if (depth < MAX_GLOB_DEPTH) for (const child of subdirs(files, dir)) walk(joinPath(dir, child), i, depth + 1);
      return;
    }
    if (!/[*?[]/.test(seg)) {
      walk(joinPath(dir, seg), i + 1, depth);
      return;
    }
    const re = new RegExp(`^${seg.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
    for (const child of subdirs(files, dir)) if (re.test(child)) walk(joinPath(dir, child), i + 1, depth + 1);
  };
  walk('.', 0, 0);
  return [...new Set(out)];
}

/** Subdirectories a wildcard may match: never dependencies, build output or dot folders. */
function subdirs(files: RepoFiles, dir: string): string[] {
  return files.list(dir).filter((n) => !n.startsWith('.') && !SKIP_DIRS.has(n) && files.isDirectory(joinPath(dir, n)));
}
