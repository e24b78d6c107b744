import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, expect } from 'vitest';
import { blobId } from '../../src/apply/blob-id.js';
import { BASES_PATH, LEGACY_BASE_DIR, parseBases } from '../../src/apply/base-store.js';
import { readManifest, type Manifest } from '../../src/apply/manifest.js';
import { runCli } from './run-cli.js';
import { EXAMPLES_DIR, snapshotDir } from './testdir.js';

/** Where a scenario runs: a full git repo, a shallow clone of it, or a plain directory. */
export type Env = 'git' | 'shallow' | 'nogit';
export const ENVS: readonly Env[] = ['git', 'shallow', 'nogit'];

const GIT_ENV = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };
export const REMOTE = 'https://github.com/acme/shop.git';

export async function git(dir: string, ...args: string[]): Promise<void> {
  await execa('git', args, { cwd: dir, env: GIT_ENV });
}

/** Commits everything (git envs), as a user does before `upgrade` (which refuses dirty generated files). */
export async function commitAll(dir: string, env: Env, msg = 'wip'): Promise<void> {
  if (env === 'nogit') return;
  await git(dir, 'add', '-A');
  await git(dir, 'commit', '-qm', msg, '--allow-empty');
}

/**
 * A scratch root for one test file, removed after all its tests. Not testdir():
 * its afterEach removes every directory made so far, which would pull the
 * rug from under tests running concurrently.
 */
export function scratchRoot(): () => string {
  let root: string | null = null;
  let n = 0;
  afterAll(() => {
    if (root !== null) rmSync(root, { recursive: true, force: true });
  });
  return () => {
    root ??= mkdtempSync(join(tmpdir(), 'cds-scn-'));
    const d = join(root, `d${n++}`);
    mkdirSync(d);
    return d;
  };
}

/**
 * Generated stacks of examples/<example>, rendered once per flag set and
 * copied per test: inside a git repo with a GitHub remote (committed), or in
 * a plain directory (where no remote is detected, so renders differ).
 */
export class StackFixtures {
  readonly #renders = new Map<string, Promise<string>>();
  constructor(
    readonly fresh: () => string,
    readonly example = 'node-express',
  ) {}

  /** The stack as `init --yes <flags>` writes it: read-only, shared between tests. */
  render(repo: 'git' | 'nogit', flags: readonly string[] = []): Promise<string> {
    const key = `${repo} ${flags.join(' ')}`;
    let p = this.#renders.get(key);
    if (!p) {
      p = this.#init(repo, flags);
      this.#renders.set(key, p);
    }
    return p;
  }

  async #init(repo: 'git' | 'nogit', flags: readonly string[]): Promise<string> {
    const dir = this.copyExample();
    if (repo === 'git') {
      await git(dir, 'init', '-q', '-b', 'main');
      await git(dir, 'remote', 'add', 'origin', REMOTE);
    }
    const r = await runCli([dir, '--yes', ...flags]);
    expect(r.exitCode, r.stderr).toBe(0);
    if (repo === 'git') await commitAll(dir, 'git', 'stack');
    return dir;
  }

  /**
   * A fresh copy of the example app (no stack yet), without its committed
   * expected output, in a folder named like the GitHub repo: outside git the
   * service is named after the folder, so renders match across environments.
   */
  copyExample(): string {
    const dir = join(this.fresh(), 'shop');
    const src = join(EXAMPLES_DIR, this.example);
    cpSync(src, dir, { recursive: true, filter: (s) => s !== join(src, 'expected') });
    return dir;
  }

  /** A private, writable copy of the stack rendered with `flags`, in the given environment. */
  async workdir(env: Env, flags: readonly string[] = []): Promise<string> {
    const src = await this.render(env === 'nogit' ? 'nogit' : 'git', flags);
    const dir = join(this.fresh(), 'shop');
    if (env === 'shallow') {
      await execa('git', ['clone', '-q', '--depth', '1', `file://${src}`, dir]);
      // As if cloned from GitHub: the remote decides OIDC subjects and runbook links.
      await git(dir, 'remote', 'set-url', 'origin', REMOTE);
    } else cpSync(src, dir, { recursive: true });
    return dir;
  }
}

/** snapshotDir without .git: what a user sees of the target. */
export function treeSnapshot(dir: string): Record<string, string> {
  return Object.fromEntries(Object.entries(snapshotDir(dir)).filter(([p]) => p !== '.git/' && !p.startsWith('.git/')));
}

/** Temp, backup and journal files an apply must never leave behind. */
export const leftovers = (snap: Record<string, string>): string[] => Object.keys(snap).filter((p) => /devops-stack-(new|old)-|journal(\.[a-z]+)?\.json/.test(p));

export interface StackState {
  manifest: Manifest;
  drift: Array<{ path: string; state: 'edited' | 'deleted' }>;
  /** Manifest files holding unresolved conflict markers (check reports them as errors). */
  markers: string[];
  /** The exit code `check` must give, assuming the generated files are otherwise valid. */
  checkExit: 0 | 1 | 2;
}

/**
 * Proves the manifest is consistent with the files (every entry's merge base
 * is in the base store under its path and blob id, nothing else is, no legacy
 * per-file bases, no apply leftovers),
 * and returns the drift `check` would report. Much faster than `check`,
 * which also runs actionlint, HCL and promtool validation.
 */
export function inspectStack(dir: string): StackState {
  const manifest = readManifest(dir);
  if (manifest === null) throw new Error(`${dir}: no manifest`);
  const drift: StackState['drift'] = [];
  const markers: string[] = [];
  const storeFile = join(dir, BASES_PATH);
  const bases = existsSync(storeFile) ? parseBases(readFileSync(storeFile)) : [];
  expect(
    bases.map((r) => `${r.path} ${r.blob}`),
    'merge bases = manifest entries',
  ).toEqual(Object.entries(manifest.files).map(([path, f]) => `${path} ${f.blob}`));
  for (const [path, entry] of Object.entries(manifest.files)) {
    const abs = join(dir, path);
    if (!existsSync(abs)) {
      drift.push({ path, state: 'deleted' });
      continue;
    }
    const content = readFileSync(abs, 'utf8');
    if (blobId(content) !== entry.blob) drift.push({ path, state: 'edited' });
    if (/^<{7} /m.test(content)) markers.push(path);
  }
  expect(existsSync(join(dir, LEGACY_BASE_DIR)), 'no legacy per-file bases').toBe(false);
  expect(leftovers(treeSnapshot(dir))).toEqual([]);
  return { manifest, drift, markers, checkExit: markers.length > 0 ? 1 : drift.length > 0 ? 2 : 0 };
}

/** Lines of `edited` that are not in `original`: what the user wrote. */
export function addedLines(original: string, edited: string): string[] {
  const had = new Set(original.split('\n'));
  return edited.split('\n').filter((l) => l.trim() !== '' && !had.has(l));
}

/** Every line the user added is still somewhere: in the file, or in a copy we kept. */
export function expectNothingLost(original: string, edited: string, places: ReadonlyArray<string | null>): void {
  const lines = new Set(places.flatMap((p) => (p === null ? [] : p.split('\n'))));
  for (const l of addedLines(original, edited)) expect(lines.has(l), `user line lost: ${l}`).toBe(true);
}
