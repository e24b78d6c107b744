import { joinPath } from './paths.js';
import type { RepoFiles } from './types.js';

/** Top-level folders that are never read at run time from the app dir: sources, output, tests, tooling. */
const NOT_RUNTIME = new Set(['src', 'dist', 'build', 'out', 'lib', 'node_modules', 'test', 'tests', '__tests__', 'e2e', 'coverage', 'scripts', 'docs', 'infra', 'monitoring', 'prisma']);

/**
 * The app's top-level folders its code names in a string (`express.static('public')`,
 * `path.join(__dirname, '..', 'views')`, `'../templates/mail'`): an image that ships
 * only the compiled output needs them beside it. `exclude` adds the build's own folders.
 */
export function nodeRuntimeDirs(files: RepoFiles, dir: string, sources: readonly string[], exclude: ReadonlyArray<string | null>): string[] {
  const candidates = files.list(dir).filter((name) =>
    !name.startsWith('.') && !NOT_RUNTIME.has(name) && !exclude.includes(name) && files.isDirectory(joinPath(dir, name)) && /^[\w-]+$/.test(name),
  );
  if (candidates.length === 0) return [];
  const texts = sources.map((f) => files.read(f) ?? '');
  return candidates.filter((name) => {
    // 'public', './public', '../views', 'views/mail' and, in path.join's separate arguments, '..', 'views'.
    const named = new RegExp(String.raw`['"\`](?:\.{1,2}/)*${name}(?:/[^'"\`]*)?['"\`]`);
    return texts.some((t) => named.test(t));
  });
}
