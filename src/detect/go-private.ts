import { ancestors, joinPath } from './paths.js';
import type { RepoFiles } from './types.js';

/** Files where a repository sets GOPRIVATE for its builds (in the module's folder or above). */
const SETTING_FILES = ['Makefile', 'GNUmakefile', 'makefile', 'Taskfile.yml', 'Taskfile.yaml', 'justfile', '.envrc', '.env.example', '.gitlab-ci.yml', 'Dockerfile', 'README.md'];
const GOPRIVATE = /\bGO(?:PRIVATE|NOPROXY)\s*[=:]\s*["']?([^\s"'#;]+)/g;

/** Go's glob for one path element: `*` and `?` stay inside it. */
function elementMatches(pattern: string, element: string): boolean {
  const re = pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${re}$`).test(element);
}

/** GOPRIVATE's rule: a pattern matches a module whose leading path elements it matches. */
function matchesPattern(pattern: string, module: string): boolean {
  const want = pattern.replace(/\/+$/, '').split('/');
  const have = module.split('/');
  return have.length >= want.length && want.every((p, i) => elementMatches(p, have[i] ?? ''));
}

/** The GOPRIVATE patterns the repository sets, with the first file that sets them. */
function privatePatterns(files: RepoFiles, dir: string): { patterns: string[]; file: string } | null {
  const candidates = ancestors(dir).flatMap((d) => [
    ...SETTING_FILES.map((f) => joinPath(d, f)),
    ...files.list(joinPath(d, '.github/workflows')).map((f) => joinPath(d, '.github/workflows', f)),
  ]);
  for (const file of candidates) {
    const text = files.read(file);
    if (text === undefined) continue;
    const patterns = [...text.matchAll(GOPRIVATE)].flatMap((m) => (m[1] ?? '').split(',')).filter((p) => p !== '' && !p.startsWith('$'));
    if (patterns.length > 0) return { patterns, file };
  }
  return null;
}

/**
 * A note when go.mod requires modules the repository marks private
 * (GOPRIVATE): the module proxy does not have them, and neither CI's
 * `go mod download` nor the image build has credentials to fetch them from
 * their repositories. Whether a module is private cannot be told otherwise.
 */
export function privateModulesNote(files: RepoFiles, dir: string, requires: readonly string[]): string | null {
  const found = privatePatterns(files, dir);
  if (found === null) return null;
  const modules = requires.filter((r) => found.patterns.some((p) => matchesPattern(p, r)));
  if (modules.length === 0) return null;
  return `go.mod requires private modules (${modules.join(', ')}; GOPRIVATE in ${found.file}): the module proxy does not have them and CI's \`go mod download\` and the image build have no credentials to fetch them, so both fail; set GOPRIVATE=${found.patterns.join(',')} in the workflows and the Dockerfile's build stage and give both a read token for those repositories (CI: a git url.<base>.insteadOf rule from a secret; the image build: a .netrc build secret, as the Dockerfile's comment shows), or vendor them (go mod vendor)`;
}
