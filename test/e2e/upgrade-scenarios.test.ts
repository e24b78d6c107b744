import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/run-cli.js';
import { commitAll, ENVS, expectNothingLost, inspectStack, scratchRoot, StackFixtures, treeSnapshot, type Env } from '../helpers/stack-fixture.js';

// Upgrade scenarios per kind of generated file (issue 7). "Our change" is
// always a real re-render: an answer changed on `upgrade`. Each test copies
// a stack rendered once, so the suite stays within a minute on 2 cores.
// `check` itself costs ~10 s a run (actionlint, HCL, promtool), so its
// verdict is computed by inspectStack (the same drift and marker rules);
// lifecycle.test.ts runs the real `check` after an upgrade.

interface FileKind {
  name: string;
  path: string;
  /** An answer change that re-renders `path`. */
  driver: string[];
  /** Text only the new render of `path` has: our change arrived. */
  ours: string;
  /** The user's edit far from what `driver` changes. */
  far: (s: string) => string;
  /** The user's edit of a line `driver` changes too: [text, replacement] (first occurrence). */
  same: [string, string];
  renameTo: string;
  /** A file of this kind that an answer change stops generating (none for the Dockerfile). */
  stale: { path: string; driver: string[] } | null;
}

const KINDS: FileKind[] = [
  {
    name: 'workflow',
    path: '.github/workflows/deploy.yml',
    driver: ['--strategy', 'canary'],
    ours: 'name: Bake canary',
    far: (s) => `${s}# team note: ask #platform before changing this\n`,
    same: [String.raw`\"minimumHealthyPercent\":100`, String.raw`\"minimumHealthyPercent\":50`],
    renameTo: '.github/workflows/deploy-production.yml',
    stale: { path: '.github/workflows/infra.yml', driver: ['--iac', 'none'] },
  },
  {
    name: 'hcl',
    path: 'infra/envs/staging/main.tf',
    driver: ['--port', '4000'],
    ours: 'container_port       = 4000',
    far: (s) => `${s}\nlocals {\n  team_owner = "payments"\n}\n`,
    same: ['container_port       = 3000', 'container_port       = 8080'],
    renameTo: 'infra/envs/staging/service.tf',
    stale: { path: 'infra/modules/service/main.tf', driver: ['--iac', 'none'] },
  },
  {
    name: 'dockerfile',
    path: 'Dockerfile',
    driver: ['--port', '4000'],
    ours: 'EXPOSE 4000',
    far: (s) => s.replace('# syntax=docker/dockerfile:1\n', '# syntax=docker/dockerfile:1\n# team: base image reviewed monthly\n'),
    same: ['EXPOSE 3000', 'EXPOSE 3000 9229'],
    renameTo: 'Dockerfile.prod',
    stale: null,
  },
  {
    name: 'prometheus rules',
    path: 'monitoring/prometheus/rules/shop.rules.yml',
    driver: ['--slo', '99.5'],
    ours: 'vector(0.995)',
    far: (s) => `${s}# team: reviewed by #sre on every SLO change\n`,
    same: ['vector(0.999)', 'vector(0.9995)'],
    renameTo: 'monitoring/prometheus/rules/shop-custom.rules.yml',
    stale: { path: 'monitoring/prometheus/rules/shop.rules.yml', driver: ['--monitoring', 'none'] },
  },
  {
    name: 'runbook',
    path: 'docs/runbooks/HighErrorRatio.md',
    driver: ['--slo', '99.5'],
    ours: "the 99.5% availability SLO's",
    far: (s) => `${s}\n## Team notes\n\nPage #payments-oncall before rolling back.\n`,
    same: ['Users get errors.', 'Users get errors (checkout is hit first).'],
    renameTo: 'docs/runbooks/archive/HighErrorRatio.md',
    stale: { path: 'docs/runbooks/HighErrorRatio.md', driver: ['--monitoring', 'none'] },
  },
];

const fx = new StackFixtures(scratchRoot());

/** One scenario run: a private copy of the stack in `env`, and the steps every scenario shares. */
class Trial {
  constructor(
    readonly dir: string,
    readonly env: Env,
  ) {}
  read(p: string): string | null {
    return existsSync(join(this.dir, p)) ? readFileSync(join(this.dir, p), 'utf8') : null;
  }
  write(p: string, content: string): void {
    mkdirSync(dirname(join(this.dir, p)), { recursive: true });
    writeFileSync(join(this.dir, p), content);
  }
  /** Commits the user's edits (git envs), then upgrades with `flags`. */
  async upgrade(flags: string[]): Promise<CliResult> {
    await commitAll(this.dir, this.env, 'user edits');
    return runCli(['upgrade', this.dir, '--yes', ...flags]);
  }
  /** After the user committed the result: the manifest is consistent, and upgrading again changes nothing. */
  async expectSettled(): Promise<ReturnType<typeof inspectStack>> {
    await commitAll(this.dir, this.env, 'upgraded');
    const state = inspectStack(this.dir);
    const before = treeSnapshot(this.dir);
    const again = await runCli(['upgrade', this.dir, '--yes']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toContain('nothing was written');
    expect(treeSnapshot(this.dir)).toEqual(before);
    return state;
  }
}

/** The stack rendered with `flags` in the same kind of repository (git or not): "a clean run". */
const rendered = async (t: Trial, flags: string[], p: string): Promise<string | null> => {
  const ref = await fx.render(t.env === 'nogit' ? 'nogit' : 'git', flags);
  return existsSync(join(ref, p)) ? readFileSync(join(ref, p), 'utf8') : null;
};

const row = (label: string, path: string) => new RegExp(`^\\s+${label}\\s+${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm');

/** Replaces each conflict block with the user's side: how a user resolves "keep mine". */
const takeYours = (s: string): string => s.replace(/^<{7} [^\n]*\n([\s\S]*?)^\|{7} [^\n]*\n[\s\S]*?^={7}\n[\s\S]*?^>{7} [^\n]*\n/gm, '$1').replace(/^<{7} [^\n]*\n([\s\S]*?)^={7}\n[\s\S]*?^>{7} [^\n]*\n/gm, '$1');

/**
 * One row of the table: what the user does to a file of kind `k` before the
 * upgrade, which answer change the upgrade carries, and what must hold after.
 * A test runs one scenario for every kind at once in one repository (one
 * upgrade instead of five: the files are independent, and the suite must
 * stay within a minute), so every kind meets every environment.
 */
interface Scenario {
  name: string;
  /** Kinds it applies to (default all). */
  applies?: (k: FileKind) => boolean;
  /** The generated path it is about (default the kind's main file). */
  target?: (k: FileKind) => string;
  /** The answer change that re-renders (or stops rendering) this kind's file. */
  flags: (k: FileKind) => string[];
  exitCode: 0 | 2;
  /** The user's doing; returns [original, edited] content to prove no line is lost. */
  before: (k: FileKind, t: Trial) => [string, string] | null;
  /** Checks right after the upgrade; returns where the user's lines must be. */
  after: (k: FileKind, t: Trial, r: Upgrade) => Promise<Array<string | null>>;
  /** How the user resolves what the upgrade left (conflicts). */
  resolve?: (k: FileKind, t: Trial) => void;
  /** The drift `check` reports for this kind's file once settled. */
  drift: (k: FileKind) => Drift | null;
  /** In the manifest once settled (no: the file is the user's now). */
  recorded: boolean;
  /** Nothing else edited: the whole target must equal a clean init with the new answers. */
  wholeTree?: boolean;
}

/** The upgrade's result, with the answer flags it was given. */
type Upgrade = CliResult & { flags: string[] };

interface Drift {
  path: string;
  state: 'edited' | 'deleted';
}

const staleOf = (k: FileKind) => k.stale!;

const SCENARIOS: Scenario[] = [
  {
    name: 'edit far from our change: merged, both edits present',
    flags: (k) => k.driver,
    exitCode: 0,
    before: (k, t) => {
      const original = t.read(k.path)!;
      t.write(k.path, k.far(original));
      return [original, k.far(original)];
    },
    after: async (k, t, r) => {
      expect(r.stdout).toMatch(row('MERGE', k.path));
      const merged = t.read(k.path)!;
      expect(merged, k.name).toContain(k.ours);
      // Exactly the new render with the user's edit applied to it.
      expect(merged, k.name).toBe(k.far((await rendered(t, r.flags, k.path))!));
      return [merged];
    },
    drift: (k) => ({ path: k.path, state: 'edited' }),
    recorded: true,
  },
  {
    name: 'edit where we change too: git-style conflict, exit 2, listed',
    flags: (k) => k.driver,
    exitCode: 2,
    before: (k, t) => {
      const original = t.read(k.path)!;
      expect(original).toContain(k.same[0]);
      const edited = original.replace(k.same[0], k.same[1]);
      t.write(k.path, edited);
      return [original, edited];
    },
    after: async (k, t, r) => {
      expect(r.stdout).toMatch(row('CONFLICT', k.path));
      expect(r.stderr).toMatch(/conflict markers to resolve: /);
      expect(r.stderr.split('conflict markers to resolve: ')[1]?.split(/, |\n/)).toContain(k.path);
      const marked = t.read(k.path)!;
      expect(marked).toContain(`<<<<<<< ${k.path} (yours)`);
      expect(marked).toContain(`>>>>>>> ${k.path} (new template)`);
      expect(marked).toContain(k.ours);
      // Unresolved markers: check must fail (exit 1).
      const state = inspectStack(t.dir);
      expect(state.markers).toContain(k.path);
      expect(state.checkExit).toBe(1);
      return [marked];
    },
    resolve: (k, t) => {
      t.write(k.path, takeYours(t.read(k.path)!));
      expect(t.read(k.path)).not.toMatch(/^(<{7}|={7}|>{7})/m);
    },
    drift: (k) => ({ path: k.path, state: 'edited' }),
    recorded: true,
  },
  {
    name: 'deleted by the user: stays deleted, listed',
    flags: (k) => k.driver,
    exitCode: 0,
    before: (k, t) => {
      rmSync(join(t.dir, k.path));
      return null;
    },
    after: async (k, t, r) => {
      expect(r.stdout).toMatch(row('DELETED', k.path));
      expect(t.read(k.path)).toBeNull();
      return [];
    },
    drift: (k) => ({ path: k.path, state: 'deleted' }),
    // Still ours: a later upgrade keeps it deleted.
    recorded: true,
  },
  {
    name: 'renamed by the user: the original stays absent, the copy is untouched',
    flags: (k) => k.driver,
    exitCode: 0,
    before: (k, t) => {
      const original = t.read(k.path)!;
      // Moved, and edited in its new place.
      const moved = `${original}${k.path.endsWith('.md') ? '\nmoved by the team\n' : '# moved by the team\n'}`;
      mkdirSync(dirname(join(t.dir, k.renameTo)), { recursive: true });
      renameSync(join(t.dir, k.path), join(t.dir, k.renameTo));
      t.write(k.renameTo, moved);
      return [original, moved];
    },
    after: async (k, t, r) => {
      expect(r.stdout).toMatch(row('DELETED', k.path));
      expect(r.stdout).not.toContain(k.renameTo);
      expect(t.read(k.path)).toBeNull();
      expect(t.read(k.renameTo)).toMatch(/moved by the team\n$/);
      return [t.read(k.renameTo)];
    },
    drift: (k) => ({ path: k.path, state: 'deleted' }),
    recorded: true,
  },
  {
    name: 'untouched: replaced by the new render',
    flags: (k) => k.driver,
    exitCode: 0,
    before: (k, t) => {
      expect(t.read(k.path)).not.toContain(k.ours);
      return null;
    },
    after: async (k, t, r) => {
      expect(r.stdout).toMatch(row('UPDATE', k.path));
      expect(t.read(k.path), k.name).toBe(await rendered(t, r.flags, k.path));
      return [];
    },
    drift: () => null,
    recorded: true,
    wholeTree: true,
  },
  {
    name: 'no longer generated, untouched: removed',
    applies: (k) => k.stale !== null,
    target: (k) => staleOf(k).path,
    flags: (k) => staleOf(k).driver,
    exitCode: 0,
    before: () => null,
    after: async (k, t, r) => {
      expect(r.stdout).toMatch(row('DELETE', staleOf(k).path));
      expect(t.read(staleOf(k).path)).toBeNull();
      return [];
    },
    drift: () => null,
    recorded: false,
    // The answers change which files exist: exactly those of a clean init remain.
    wholeTree: true,
  },
  {
    name: 'no longer generated, edited: kept and reported',
    applies: (k) => k.stale !== null,
    target: (k) => staleOf(k).path,
    flags: (k) => staleOf(k).driver,
    exitCode: 0,
    before: (k, t) => {
      const { path } = staleOf(k);
      const original = t.read(path)!;
      const edited = path.endsWith('.md') ? `${original}\nour own notes\n` : `${original}# our own addition\n`;
      t.write(path, edited);
      return [original, edited];
    },
    after: async (k, t, r) => {
      expect(r.stdout).toMatch(row('ORPHAN', staleOf(k).path));
      return [t.read(staleOf(k).path)];
    },
    // The user's now: no longer in the manifest, so no drift either.
    drift: () => null,
    recorded: false,
  },
];

/** The union of the kinds' answer changes (the same flag twice must agree). */
function mergeFlags(lists: string[][]): string[] {
  const byFlag = new Map<string, string>();
  for (const l of lists) {
    for (let i = 0; i < l.length; i += 2) {
      const prev = byFlag.get(l[i]!);
      expect(prev === undefined || prev === l[i + 1], `${l[i]} twice`).toBe(true);
      byFlag.set(l[i]!, l[i + 1]!);
    }
  }
  return [...byFlag].flat();
}

describe.concurrent('upgrade scenarios, for every kind of generated file', () => {
  for (const s of SCENARIOS) {
    for (const env of ENVS) {
      it(`${s.name} [${env}]`, async () => {
        const kinds = KINDS.filter((k) => s.applies?.(k) ?? true);
        const t = new Trial(await fx.workdir(env), env);
        const edits = new Map(kinds.map((k) => [k, s.before(k, t)]));
        const flags = mergeFlags(kinds.map(s.flags));
        const r = { ...(await t.upgrade(flags)), flags };
        expect(r.exitCode, r.stderr).toBe(s.exitCode);
        for (const k of kinds) {
          const places = await s.after(k, t, r);
          const edit = edits.get(k);
          if (edit) expectNothingLost(edit[0], edit[1], places);
        }
        if (s.wholeTree) {
          // Same paths, contents, modes, manifest and merge bases as rendering from scratch.
          expect(treeSnapshot(t.dir)).toEqual(treeSnapshot(await fx.render(env === 'nogit' ? 'nogit' : 'git', flags)));
        }
        for (const k of kinds) s.resolve?.(k, t);
        const settled = await t.expectSettled();
        for (const k of kinds) {
          const path = s.target?.(k) ?? k.path;
          expect(settled.manifest.files[path] !== undefined, `${path} in the manifest`).toBe(s.recorded);
        }
        expect(settled.markers).toEqual([]);
        const drift = kinds.map(s.drift).filter((d): d is Drift => d !== null);
        expect(settled.drift).toEqual(expect.arrayContaining(drift));
        expect(settled.drift).toHaveLength(drift.length);
        expect(settled.checkExit).toBe(drift.length > 0 ? 2 : 0);
        // Nothing of the user's was lost after resolving either.
        for (const k of kinds) {
          const edit = edits.get(k);
          if (edit) expectNothingLost(edit[0], edit[1], [t.read(k.path), t.read(k.renameTo), k.stale ? t.read(k.stale.path) : null]);
        }
      });
    }
  }
});

// Every scenario above changes answers; 'untouched' and 'no longer generated,
// untouched' also compare the whole tree with a clean init of the new answers.
describe.concurrent('answer changed back', () => {
  it('a kept orphan that is generated again is not written into: nothing is written until --on-conflict says [nogit]', async () => {
    const t = new Trial(await fx.workdir('nogit'), 'nogit');
    const rules = 'monitoring/prometheus/rules/shop.rules.yml';
    const original = t.read(rules)!;
    const edited = `${original}# our own recording rule notes\n`;
    t.write(rules, edited);
    expect((await t.upgrade(['--monitoring', 'none'])).stdout).toMatch(row('ORPHAN', rules));
    // Back to prometheus: our rules file is generated again where the user's copy is.
    const before = treeSnapshot(t.dir);
    const r = await t.upgrade(['--monitoring', 'prometheus']);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toMatch(row('CONFLICT', rules));
    expect(r.stderr).toContain(`${rules}: a file that create-devops-stack did not generate is in the way`);
    expect(treeSnapshot(t.dir)).toEqual(before);
    const kept = await t.upgrade(['--monitoring', 'prometheus', '--on-conflict', 'keep']);
    expect(kept.exitCode, kept.stderr).toBe(0);
    expect(t.read(rules)).toBe(edited);
    expect((await t.expectSettled()).markers).toEqual([]);
  });
});
