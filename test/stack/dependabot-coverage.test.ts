import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { dependabotCoverage, keptDependabotNote, updatesYaml, type DependabotUpdate } from '../../src/stack/dependabot-coverage.js';

const EXPECTED: DependabotUpdate[] = [
  { ecosystem: 'github-actions', directories: ['/'] },
  { ecosystem: 'docker', directories: ['/services/api'] },
  { ecosystem: 'npm', directories: ['/services/api'] },
  { ecosystem: 'terraform', directories: ['/infra/bootstrap', '/infra/envs/*', '/infra/modules/*'] },
];

/** A dependabot.yml with these entries (each a partial update entry). */
const config = (...updates: object[]): string =>
  `version: 2\nupdates:\n${updates.map((u) => `  - ${JSON.stringify({ schedule: { interval: 'daily' }, ...u })}`).join('\n')}\n`;

const missing = (content: string, expected = EXPECTED): DependabotUpdate[] => {
  const c = dependabotCoverage(content, expected);
  if (!c.readable) throw new Error(c.problem);
  return c.missing;
};

describe('dependabotCoverage', () => {
  it('lists every expected entry the file lacks, by ecosystem, and none it has', () => {
    const content = config({ 'package-ecosystem': 'npm', directory: '/services/api' });
    expect(missing(content).map((u) => u.ecosystem)).toEqual(['github-actions', 'docker', 'terraform']);
  });

  it('compares directories as Dependabot cleans them: trailing and doubled slashes, ./, no leading slash', () => {
    const content = config(
      { 'package-ecosystem': 'github-actions', directory: './' },
      { 'package-ecosystem': 'docker', directory: 'services/api/' },
      { 'package-ecosystem': 'npm', directory: '/services//api/.' },
      { 'package-ecosystem': 'terraform', directories: ['/infra/bootstrap/', '/infra/envs/*/', '/infra/modules/*'] },
    );
    expect(missing(content)).toEqual([]);
  });

  it('an entry for another directory of the ecosystem does not cover ours', () => {
    const content = config({ 'package-ecosystem': 'docker', directory: '/' }, { 'package-ecosystem': 'npm', directory: '/services' });
    const m = missing(content);
    expect(m.find((u) => u.ecosystem === 'docker')).toEqual({ ecosystem: 'docker', directories: ['/services/api'] });
    expect(m.find((u) => u.ecosystem === 'npm')).toEqual({ ecosystem: 'npm', directories: ['/services/api'] });
  });

  // [their `directories`, our directory, covered]
  const globs: Array<[string[], string, boolean]> = [
    [['/web', '/services/api'], '/services/api', true],
    [['/services/*'], '/services/api', true],
    [['/**/*'], '/services/api', true],
    [['/{apps,services}/*'], '/services/api', true],
    [['/services/a[p]i'], '/services/api', true],
    [['/*'], '/services/api', false],
    [['/services/w*'], '/services/api', false],
    // Without * or ? or [...] Dependabot does not glob it: braces alone stay literal.
    [['/services/{api,web}'], '/services/api', false],
    // Our own globs: only a wildcard of the whole segment covers every root they stand for.
    [['/infra/envs/*'], '/infra/envs/*', true],
    [['/infra/**/*'], '/infra/envs/*', true],
    [['/infra/*/*'], '/infra/envs/*', true],
    [['/infra/envs/production'], '/infra/envs/*', false],
    [['/infra/envs/p*'], '/infra/envs/*', false],
    [['/infra/envs/?'], '/infra/envs/*', false],
  ];
  it.each(globs)('reads `directories` %j as Dependabot globs them: covers %s? %s', (directories, dir, covered) => {
    const expected = [{ ecosystem: 'docker', directories: [dir] }];
    expect(missing(config({ 'package-ecosystem': 'docker', directories }), expected).length === 0).toBe(covered);
  });

  it('takes `directory` literally: Dependabot globs only `directories`', () => {
    const content = config({ 'package-ecosystem': 'terraform', directory: '/infra/envs/*' });
    expect(missing(content, [{ ecosystem: 'terraform', directories: ['/infra/envs/*'] }])).toHaveLength(1);
    expect(missing(content, [{ ecosystem: 'terraform', directories: ['/infra/envs/prod'] }])).toHaveLength(1);
  });

  it('reports only the directories of an ecosystem that are not covered', () => {
    const content = config({ 'package-ecosystem': 'terraform', directories: ['/infra/bootstrap'] });
    expect(missing(content).find((u) => u.ecosystem === 'terraform')).toEqual({ ecosystem: 'terraform', directories: ['/infra/envs/*', '/infra/modules/*'] });
  });

  it('counts github-actions at /.github/workflows as at /, and ecosystems whatever their case', () => {
    const content = config({ 'package-ecosystem': 'GitHub-Actions', directory: '/.github/workflows' });
    expect(missing(content, [EXPECTED[0]!])).toEqual([]);
    expect(missing(config({ 'package-ecosystem': 'docker', directory: '/.github/workflows' }), [{ ecosystem: 'docker', directories: ['/'] }])).toHaveLength(1);
  });

  it('says why it could not compare a file that does not parse, or has no updates list', () => {
    expect(dependabotCoverage('version: 2\nupdates:\n  - package-ecosystem: [npm\n', EXPECTED)).toMatchObject({ readable: false, problem: expect.stringMatching(/^it does not parse as YAML \(.*[^:]\)$/) });
    expect(dependabotCoverage('version: 2\n', EXPECTED)).toEqual({ readable: false, problem: 'it has no `updates:` list' });
    expect(dependabotCoverage('', EXPECTED)).toEqual({ readable: false, problem: 'it has no `updates:` list' });
  });
});

describe('keptDependabotNote', () => {
  it('gives the missing entries as YAML that parses into update entries with a schedule', () => {
    const note = keptDependabotNote('.github/dependabot.yml', config({ 'package-ecosystem': 'npm', directory: '/services/api' }), EXPECTED);
    expect(note).toMatch(/^keeping your \.github\/dependabot\.yml \(no generated one is written\): it has no update entries for github-actions in \/; docker in \/services\/api; terraform in /);
    const yaml = note.slice(note.indexOf('\n') + 1);
    expect(parse(`updates:\n${yaml}`)).toEqual({
      updates: [
        { 'package-ecosystem': 'github-actions', directory: '/', schedule: { interval: 'weekly' } },
        { 'package-ecosystem': 'docker', directory: '/services/api', schedule: { interval: 'weekly' } },
        { 'package-ecosystem': 'terraform', directories: ['/infra/bootstrap', '/infra/envs/*', '/infra/modules/*'], schedule: { interval: 'weekly' } },
      ],
    });
  });

  it('says nothing is missing when the file covers everything', () => {
    const content = config(
      { 'package-ecosystem': 'github-actions', directory: '/' },
      { 'package-ecosystem': 'docker', directory: '/services/api' },
      { 'package-ecosystem': 'npm', directory: '/services/api' },
      { 'package-ecosystem': 'terraform', directories: ['/infra/**/*'] },
    );
    expect(keptDependabotNote('.github/dependabot.yml', content, EXPECTED)).toBe(
      'keeping your .github/dependabot.yml (no generated one is written): it already updates everything the generated stack pins; nothing is missing',
    );
  });

  it('keeps a file that does not parse, says so, and lists every entry the stack needs', () => {
    const note = keptDependabotNote('.github/dependabot.yaml', 'updates: [\n', EXPECTED);
    expect(note).toMatch(/^keeping your \.github\/dependabot\.yaml \(no generated one is written\); it does not parse as YAML/);
    expect(note.endsWith(updatesYaml(EXPECTED))).toBe(true);
  });
});
