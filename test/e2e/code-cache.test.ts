import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM module shared with scripts/code-cache.mjs and the bench
import { runReportingCodeCache } from '../../scripts/code-cache-status.mjs';
import { expectGoldenStack } from '../helpers/golden.js';
import { PUBLISHED_BIN, type CliResult } from '../helpers/run-cli.js';
import { testdir } from '../helpers/testdir.js';

// The bundle's V8 code cache (scripts/bundle-loader.cjs, scripts/code-cache.mjs):
// used when it matches, ignored when it does not, and never changes what is generated.

type Status = { file: string; chunks: Record<string, 'cached' | 'rejected' | 'compiled'> };

const CACHE_NAME = `${process.versions.v8}-${process.arch}.bin`;

/** Runs `bin` in a fresh Node (no NODE_OPTIONS: V8 refuses a cache made under other flags) and reports its cache status too. */
async function runReporting(bin: string, args: string[]): Promise<CliResult & { status: Status }> {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1' };
  delete env['NODE_OPTIONS'];
  const r = runReportingCodeCache(bin, args, env) as CliResult & { status: Status | null };
  if (r.status === null) throw new Error(`no code-cache status (exit ${r.exitCode}):\n${r.stderr}`);
  return { ...r, status: r.status };
}

/** Generates examples/node-express with `bin`, expects the golden stack, and returns the cache status of that run. */
async function goldenRunStatus(bin: string): Promise<Status> {
  let status: Status | undefined;
  await expectGoldenStack('node-express', async (args) => {
    const r = await runReporting(bin, args);
    status = r.status;
    return r;
  });
  return status!;
}

/** A copy of the package's bin, bundle and package.json alone in <tmp>/, with `cache` (bytes) as its code cache for this Node, if given. */
function bundleCopy(cache?: Buffer): string {
  const root = testdir();
  const dist = join(root, 'dist');
  mkdirSync(join(dist, 'code-cache'), { recursive: true });
  copyFileSync(join(PUBLISHED_BIN, '..', '..', 'package.json'), join(root, 'package.json'));
  copyFileSync(PUBLISHED_BIN, join(dist, 'create-devops-stack.cjs'));
  copyFileSync(join(PUBLISHED_BIN, '..', 'bundle.cjs'), join(dist, 'bundle.cjs'));
  if (cache) writeFileSync(join(dist, 'code-cache', CACHE_NAME), cache);
  return join(dist, 'create-devops-stack.cjs');
}

const builtCache = (): Buffer => readFileSync(join(PUBLISHED_BIN, '..', 'code-cache', CACHE_NAME));
const header = (cache: Buffer) => JSON.parse(cache.subarray(0, cache.indexOf(10)).toString()) as { build: string; entries: Record<string, [number, number]> };

describe('the bundle code cache', () => {
  it('is built for this Node, and a generation uses it for main, the command chunk and every template it renders', async () => {
    expect(existsSync(join(PUBLISHED_BIN, '..', 'code-cache', CACHE_NAME))).toBe(true);
    const status = await goldenRunStatus(PUBLISHED_BIN);
    expect(status.file).toBe(join(PUBLISHED_BIN, '..', 'code-cache', CACHE_NAME));
    const ids = Object.keys(status.chunks);
    expect(ids).toContain('chunk main');
    expect(ids.filter((id) => id.startsWith('template ')).length).toBeGreaterThan(30);
    expect(Object.entries(status.chunks).filter(([, s]) => s !== 'cached')).toEqual([]);
  });

  it('has an entry for every chunk and template the examples load, so other stacks start as fast', () => {
    const entries = Object.keys(header(builtCache()).entries);
    for (const template of ['docker/go/Dockerfile.hbs', 'docker/java/Dockerfile.hbs', 'docker/python/Dockerfile.hbs', 'infra/gcp/env/main.tf.hbs', 'infra/azure/env/main.tf.hbs']) {
      expect(entries).toContain(`template ${template}`);
    }
  });

  it('without a cache, the same stack is generated, every chunk compiled', async () => {
    const status = await goldenRunStatus(bundleCopy());
    expect(new Set(Object.values(status.chunks))).toEqual(new Set(['compiled']));
  });

  it.each([
    ['made from another build', (cache: Buffer) => Buffer.concat([Buffer.from(`${JSON.stringify({ ...header(cache), build: 'another-build' })}\n`), cache.subarray(cache.indexOf(10) + 1)])],
    ['cut off before its header ends', (cache: Buffer) => cache.subarray(0, 40)],
    ['that is empty', () => Buffer.alloc(0)],
  ])('ignores a cache %s', async (_, make) => {
    const status = await goldenRunStatus(bundleCopy(make(builtCache())));
    expect(new Set(Object.values(status.chunks))).toEqual(new Set(['compiled']));
  });

  it('falls back to compiling when V8 refuses the cached code, and still generates the same stack', async () => {
    const cache = builtCache();
    const body = Buffer.alloc(cache.length - cache.indexOf(10) - 1, 0x5a);
    const status = await goldenRunStatus(bundleCopy(Buffer.concat([cache.subarray(0, cache.indexOf(10) + 1), body])));
    expect(status.chunks['chunk main']).toBe('rejected');
    expect(Object.values(status.chunks).every((s) => s === 'rejected')).toBe(true);
  });

  it('is never needed for --help and errors, and is not written by a run', async () => {
    const bin = bundleCopy();
    const help = await runReporting(bin, ['--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toMatch(/^Usage: create-devops-stack/);
    const bad = await runReporting(bin, [join(testdir(), 'missing'), '--yes']);
    expect(bad.exitCode).toBe(1);
    expect(existsSync(join(bin, '..', 'code-cache', CACHE_NAME))).toBe(false);
  });
});
