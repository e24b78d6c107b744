import type { Language } from '../answers/options.js';
import { hasMainPackage } from './go.js';
import { isJavaApp } from './java.js';
import { parseJsonObject, stringMap } from './json.js';
import { joinPath } from './paths.js';
import { isPythonWebApp } from './python.js';
import { hasPythonManifest } from './python-deps.js';
import type { RepoFiles } from './types.js';

/** A supported language whose manifest is in a directory, and whether it looks like a runnable service. */
export interface LanguageCandidate {
  language: Language;
  /** Has a server/start: something a container can run. */
  deployable: boolean;
  /** Uses a web framework (the strongest sign it is the service, not tooling). */
  web: boolean;
}

const NODE_SERVER_DEPS = ['next', '@nestjs/core', 'fastify', 'hono', 'koa', 'express'];
// When nothing else decides, a package.json is most often tooling (linters, hooks) beside the real app.
const ORDER: readonly Language[] = ['go', 'java', 'python', 'node'];

/** Cheap checks of every supported language in `dir` (no source scanning beyond what is needed). */
export function languageCandidates(files: RepoFiles, dir: string): LanguageCandidate[] {
  const out: LanguageCandidate[] = [];
  const pkgText = files.read(joinPath(dir, 'package.json'));
  if (pkgText !== undefined) {
    const pkg = parseJsonObject(pkgText);
    const deps = { ...stringMap(pkg, 'devDependencies'), ...stringMap(pkg, 'dependencies') };
    const scripts = stringMap(pkg, 'scripts');
    const web = NODE_SERVER_DEPS.some((d) => d in deps);
    out.push({ language: 'node', web, deployable: web || 'start' in scripts || 'start:prod' in scripts });
  }
  if (hasPythonManifest(files, dir)) {
    const web = isPythonWebApp(files, dir);
    out.push({ language: 'python', web, deployable: web });
  }
  if (files.exists(joinPath(dir, 'go.mod'))) {
    const cmd = joinPath(dir, 'cmd');
    const deployable = hasMainPackage(files, dir) || files.list(cmd).some((n) => hasMainPackage(files, joinPath(cmd, n)));
    out.push({ language: 'go', web: deployable, deployable });
  }
  if (['pom.xml', 'build.gradle', 'build.gradle.kts'].some((f) => files.exists(joinPath(dir, f)))) {
    const deployable = isJavaApp(files, dir);
    out.push({ language: 'java', web: deployable, deployable });
  }
  return out;
}

/** The candidate to use: a web framework first, then a runnable one, then go/java/python/node order. */
export function pickCandidate(candidates: readonly LanguageCandidate[]): LanguageCandidate | null {
  const score = (c: LanguageCandidate): number => (c.web ? 0 : 10) + (c.deployable ? 0 : 20) + ORDER.indexOf(c.language);
  return [...candidates].sort((a, b) => score(a) - score(b))[0] ?? null;
}

/** Manifests of languages we do not support, checked in the app dir. */
const OTHER_LANGUAGES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^Cargo\.toml$/, 'rust'],
  [/^Gemfile$/, 'ruby'],
  [/^composer\.json$/, 'php'],
  [/\.(csproj|fsproj|sln)$/, 'dotnet'],
  [/^mix\.exs$/, 'elixir'],
  [/^(build\.sbt)$/, 'scala'],
  [/^pubspec\.yaml$/, 'dart'],
  [/^Package\.swift$/, 'swift'],
  [/^deno\.jsonc?$/, 'deno'],
];

/** The unsupported language whose manifest is in `dir`, or null. */
export function otherLanguage(files: RepoFiles, dir: string): string | null {
  const names = files.list(dir);
  for (const [re, lang] of OTHER_LANGUAGES) if (names.some((n) => re.test(n))) return lang;
  return null;
}
