import { posix } from 'node:path';
import { ancestors, baseName, joinPath, normalizePath, parentDir, relativePath } from './paths.js';
import type { JavaProject, RepoFiles } from './types.js';

const SETTINGS = ['settings.gradle.kts', 'settings.gradle'];
const GRADLE_BUILD_FILES = ['build.gradle.kts', 'build.gradle'];
const MAX_MODULE_DEPTH = 3;
const MAX_PARENTS = 5;

/** A pom without comments, so commented-out modules and parents do not count. */
function pomText(files: RepoFiles, pom: string): string | undefined {
  return files.read(pom)?.replace(/<!--[\s\S]*?-->/g, '');
}

/** `<module>` dirs of the pom in `dir`, following nested aggregators a few levels (repository-relative). */
export function mavenModules(files: RepoFiles, dir: string, depth = 0): string[] {
  const pom = pomText(files, joinPath(dir, 'pom.xml'));
  if (pom === undefined || depth > MAX_MODULE_DEPTH) return [];
  const out: string[] = [];
  for (const m of pom.matchAll(/<module>\s*([^<\s]+)\s*<\/module>/g)) {
    const child = normalizePath(joinPath(dir, m[1] ?? ''));
    if (child !== null && child !== '.') out.push(child, ...mavenModules(files, child, depth + 1));
  }
  return out;
}

/**
 * `include(...)` with its arguments on any number of lines, or Groovy's
 * `include 'a', 'b'` continued on the next line after a trailing comma.
 */
const INCLUDE = /^[ \t]*include\b[ \t]*(\([^)]*\)|(?:[^\n]*,[ \t]*\n)*[^\n]*)/gm;

/** Project dirs from settings.gradle `include 'a', ':b:c'` or `include("a", "b")`, on one line or several (→ 'a', 'b/c'). */
export function gradleIncludes(settings: string): string[] {
  const code = settings.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  const out: string[] = [];
  for (const include of code.matchAll(INCLUDE)) {
    for (const m of (include[1] ?? '').matchAll(/['"]:?([\w.:-]+)['"]/g)) out.push((m[1] ?? '').replace(/:/g, '/'));
  }
  return out;
}

/** The project's own artifactId: the first one outside `<parent>`. */
function ownArtifactId(pom: string): string | null {
  return /<artifactId>\s*([^<\s]+)\s*<\/artifactId>/.exec(pom.replace(/<parent>[\s\S]*?<\/parent>/, ''))?.[1] ?? null;
}

/**
 * The pom a `<parent>` points at inside the repository: its relativePath
 * (default ../pom.xml; an empty one means "from a repository only"), and
 * only when that pom's artifactId is the one the parent names.
 */
function parentPom(files: RepoFiles, pom: string, text: string): string | null {
  const parent = /<parent>([\s\S]*?)<\/parent>/.exec(text)?.[1];
  if (parent === undefined) return null;
  const rel = /<relativePath\s*\/>|<relativePath>\s*([^<]*?)\s*<\/relativePath>/.exec(parent);
  const path = rel === null ? '../pom.xml' : (rel[1] ?? '');
  if (path === '') return null;
  // posix.join keeps the '..' that joinPath would refuse; normalizePath then resolves it inside the repository.
  const file = normalizePath(posix.join(parentDir(pom), path.endsWith('.xml') ? path : posix.join(path, 'pom.xml')));
  const parentText = file === null ? undefined : pomText(files, file);
  if (file === null || parentText === undefined) return null;
  const named = /<artifactId>\s*([^<\s]+)\s*<\/artifactId>/.exec(parent)?.[1];
  return named === undefined || ownArtifactId(parentText) === named ? file : null;
}

/**
 * The texts of the app's pom and of its parents inside the repository,
 * nearest first: properties (java.version) and the Spring Boot parent are
 * often declared once, in the multi-module build's root pom.
 */
export function mavenParentTexts(files: RepoFiles, dir: string): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  let file: string | null = joinPath(dir, 'pom.xml');
  while (file !== null && out.length < MAX_PARENTS && !out.some((p) => p.file === file)) {
    const text = pomText(files, file);
    if (text === undefined) break;
    out.push({ file, text });
    file = parentPom(files, file, text);
  }
  return out;
}

/**
 * The multi-module Maven build `dir` is a module of: the topmost aggregator
 * pom that lists it (directly or through nested aggregators). Building the
 * module alone fails there: its parent pom and sibling modules are not in
 * any repository, only in the build.
 */
export function mavenProject(files: RepoFiles, dir: string): JavaProject | null {
  if (dir === '.') return null;
  const root = ancestors(parentDir(dir)).filter((a) => mavenModules(files, a).includes(dir)).pop();
  if (root === undefined) return null;
  const artifactId = ownArtifactId(pomText(files, joinPath(dir, 'pom.xml')) ?? '');
  const modules = mavenModules(files, root).filter((m) => files.exists(joinPath(m, 'pom.xml')));
  return {
    root: relativePath(dir, root),
    // `:artifactId` selects the module wherever Maven runs (a path would be resolved differently by Maven 3 and 4).
    selector: `:${artifactId ?? baseName(dir)}`,
    buildFiles: ['pom.xml', ...modules.map((m) => joinPath(relativePath(root, m), 'pom.xml'))],
  };
}

/**
 * The Gradle multi-project build `dir` is a project of: the nearest ancestor
 * whose settings.gradle(.kts) includes it. Its build scripts (the root's
 * plugins, applied with `apply false`) and sibling projects are needed to build it.
 */
export function gradleProject(files: RepoFiles, dir: string): JavaProject | null {
  if (dir === '.') return null;
  for (const root of ancestors(parentDir(dir))) {
    const settingsFile = SETTINGS.map((s) => joinPath(root, s)).find((f) => files.exists(f));
    if (settingsFile !== undefined) {
      const own = relativePath(root, dir);
      const projects = gradleIncludes(files.read(settingsFile) ?? '');
      if (!projects.includes(own)) return null;
      const buildFiles = [root, ...projects.map((p) => joinPath(root, p))]
        .flatMap((d) => GRADLE_BUILD_FILES.map((f) => joinPath(d, f)))
        .filter((f) => files.exists(f));
      const extra = ['gradle.properties', 'gradle/libs.versions.toml'].map((f) => joinPath(root, f)).filter((f) => files.exists(f));
      return {
        root: relativePath(dir, root),
        selector: `:${own.replace(/\//g, ':')}`,
        buildFiles: [settingsFile, ...buildFiles, ...extra].map((f) => relativePath(root, f)),
      };
    }
  }
  return null;
}
