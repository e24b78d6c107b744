import { posix } from 'node:path';
import { parse, stringify } from 'yaml';
import { isObject } from '../detect/json.js';

/** One update entry the generated dependabot.yml has: an ecosystem and the directories it reads (globs allowed). */
export interface DependabotUpdate {
  ecosystem: string;
  directories: string[];
}

export type DependabotCoverage =
  | { readable: true; missing: DependabotUpdate[] }
  | { readable: false; problem: string };

/** Where the user's entry covers ours: the ecosystem (lowercase) and its directory patterns. */
interface UserEntry {
  ecosystem: string;
  /** A literal directory (`directory`, or a `directories` item without a wildcard) or a glob's RegExp. */
  covers: Array<string | RegExp>;
}

/** Stands for a `*` of our own directory globs: only a user's wildcard of a whole segment covers it. */
const OUR_WILDCARD = '\u0000';

/**
 * Which of `expected` the user's dependabot.yml leaves out, directory by
 * directory. Dependabot's own rules: `directory` is one literal folder,
 * `directories` items are Ruby Dir.glob patterns (`*`, `?`, `[...]`, `{a,b}`,
 * `**` for any depth), both relative to the root however they are written
 * (leading or trailing slash, `./`). github-actions at `/` reads .github/workflows.
 */
export function dependabotCoverage(content: string, expected: readonly DependabotUpdate[]): DependabotCoverage {
  let doc: unknown;
  try {
    doc = parse(content);
  } catch (e) {
    return { readable: false, problem: `it does not parse as YAML (${firstLine(e)})` };
  }
  const updates = isObject(doc) ? doc['updates'] : undefined;
  if (!Array.isArray(updates)) return { readable: false, problem: 'it has no `updates:` list' };
  const entries = updates.filter(isObject).map(userEntry);
  const missing: DependabotUpdate[] = [];
  for (const want of expected) {
    const ours = entries.filter((e) => e.ecosystem === want.ecosystem.toLowerCase());
    const uncovered = want.directories.filter((dir) => !ours.some((e) => e.covers.some((c) => matches(c, want.ecosystem, dir))));
    if (uncovered.length > 0) missing.push({ ecosystem: want.ecosystem, directories: uncovered });
  }
  return { readable: true, missing };
}

/** The entries as YAML items to paste under `updates:` (indented for it), with our weekly schedule. */
export function updatesYaml(updates: readonly DependabotUpdate[]): string {
  const items = updates.map((u) => ({
    'package-ecosystem': u.ecosystem,
    ...(u.directories.length === 1 ? { directory: u.directories[0] } : { directories: u.directories }),
    schedule: { interval: 'weekly' },
  }));
  return stringify(items).trimEnd().split('\n').map((l) => `  ${l}`).join('\n');
}

/**
 * The note for a user's own dependabot.yml, kept in place of ours: which
 * entries the generated stack's pins need that it lacks, as YAML to add.
 */
export function keptDependabotNote(path: string, content: string, expected: readonly DependabotUpdate[]): string {
  const kept = `keeping your ${path} (no generated one is written)`;
  const coverage = dependabotCoverage(content, expected);
  if (!coverage.readable) {
    return `${kept}; ${coverage.problem}, so it was not compared with the updates the generated stack relies on; it needs these entries under \`updates:\`:\n${updatesYaml(expected)}`;
  }
  if (coverage.missing.length === 0) return `${kept}: it already updates everything the generated stack pins; nothing is missing`;
  const what = coverage.missing.map((u) => `${u.ecosystem} in ${u.directories.join(', ')}`).join('; ');
  return `${kept}: it has no update entries for ${what}, which keep the generated stack's pinned versions current; add under \`updates:\`:\n${updatesYaml(coverage.missing)}`;
}

function userEntry(u: Record<string, unknown>): UserEntry {
  const ecosystem = typeof u['package-ecosystem'] === 'string' ? u['package-ecosystem'].toLowerCase() : '';
  const covers: Array<string | RegExp> = [];
  if (typeof u['directory'] === 'string') covers.push(normalize(u['directory']));
  for (const d of Array.isArray(u['directories']) ? u['directories'] : []) {
    if (typeof d !== 'string') continue;
    // Dependabot globs an item only when it has a wildcard (its `glob?`).
    covers.push(/[*?]|\[.*\]/.test(d) ? globRegExp(normalize(d)) : normalize(d));
  }
  return { ecosystem, covers };
}

function matches(cover: string | RegExp, ecosystem: string, dir: string): boolean {
  const want = normalize(dir).replaceAll('*', OUR_WILDCARD);
  if (typeof cover !== 'string') return cover.test(want);
  // github-actions reads .github/workflows either way: from `/`, or named itself.
  if (ecosystem === 'github-actions' && want === '/') return cover === '/' || cover === '/.github/workflows';
  return cover === want;
}

/** As Dependabot cleans a directory: rooted, no `.`, `..`, doubled or trailing slashes. */
function normalize(dir: string): string {
  const clean = posix.normalize(`/${dir.trim()}`);
  return clean.length > 1 ? clean.replace(/\/+$/, '') : '/';
}

/** A Dir.glob pattern (with File::FNM_DOTMATCH, as Dependabot runs it) as a RegExp over a rooted path. */
function globRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (pattern.startsWith('**/', i)) {
      re += '(?:[^/]*/)*';
      i += 2;
    } else if (c === '*') {
      re += '[^/]*';
    } else if (c === '?') {
      re += `[^/${OUR_WILDCARD}]`;
    } else if (c === '[' && pattern.indexOf(']', i + 2) > 0) {
      const end = pattern.indexOf(']', i + 2);
      const body = pattern.slice(i + 1, end);
      const negated = body.startsWith('!') || body.startsWith('^');
      const set = (negated ? body.slice(1) : body).replace(/[\\\]]/g, '\\$&');
      re += negated ? `[^/${OUR_WILDCARD}${set}]` : `[${set}]`;
      i = end;
    } else if (c === '{' && pattern.indexOf('}', i) > 0) {
      const end = pattern.indexOf('}', i);
      re += `(?:${pattern.slice(i + 1, end).split(',').map((alt) => globRegExp(alt).source.slice(1, -1)).join('|')})`;
      i = end;
    } else {
      re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${re}$`);
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!.trim().replace(/:$/, '');
}
