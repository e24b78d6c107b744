import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM module shared with scripts/code-cache.mjs and the bench
import { runReportingCodeCache } from '../../scripts/code-cache-status.mjs';
import { PUBLISHED_BIN } from '../helpers/run-cli.js';
import { exampleCopy, testdir } from '../helpers/testdir.js';

// Issue 8: prompts and validators load lazily, and not at all under --yes.
// The bin holds the index of dist/bundle.cjs, where each chunk's source is
// (scripts/bundle-loader.cjs); a run reports the chunks it loaded.

/** Chunk id -> source, read from dist/bundle.cjs the way the bin does. */
function bundleChunks(): Map<string, string> {
  const line = /^const __cdsIndex = (.*);$/m.exec(readFileSync(PUBLISHED_BIN, 'utf8'));
  expect(line, 'the index line of the bin').not.toBeNull();
  const index = JSON.parse(line![1]!) as { chunks: Record<string, [number, number]> };
  const bundle = readFileSync(join(PUBLISHED_BIN, '..', 'bundle.cjs'));
  return new Map(Object.entries(index.chunks).map(([id, [offset, length]]) => [id, bundle.toString('utf8', offset, offset + length)]));
}

// Strings only the bundled prompt library and validators hold.
const PROMPTS = 'force closed the prompt';
const VALIDATORS = ['workflow-parser', 'tree-sitter'];
// The YAML library's: detection and the stack call it only for files a repository may have.
const YAML_PARSER = 'YAMLParseError';

/** The sources of the chunks one CLI run loaded. */
function loadedChunks(args: string[]): string[] {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1' };
  delete env['NODE_OPTIONS'];
  const r = runReportingCodeCache(PUBLISHED_BIN, args, env) as { exitCode: number; stderr: string; status: { chunks: Record<string, string> } | null };
  expect(r.status, r.stderr).not.toBeNull();
  const all = bundleChunks();
  return Object.keys(r.status!.chunks)
    .filter((key) => key.startsWith('chunk '))
    .map((key) => all.get(key.slice('chunk '.length))!);
}

const holds = (sources: string[], marker: string) => sources.some((s) => s.includes(marker));

describe('lazy chunks of the bundle', () => {
  it('a --yes generation loads neither the prompts nor the validators; check loads the validators', () => {
    const all = [...bundleChunks().values()];
    // The markers are there to find: otherwise the assertions below would prove nothing.
    expect(holds(all, PROMPTS)).toBe(true);
    for (const v of VALIDATORS) expect(holds(all, v), v).toBe(true);
    expect(holds(all, YAML_PARSER)).toBe(true);

    const dir = exampleCopy('node-express');
    const generate = loadedChunks([dir, '--yes']);
    expect(generate.length).toBeGreaterThan(1);
    expect(holds(generate, PROMPTS)).toBe(false);
    for (const v of VALIDATORS) expect(holds(generate, v), v).toBe(false);
    // node-express has no YAML that detection reads and no dependabot.yml of its own.
    expect(holds(generate, YAML_PARSER)).toBe(false);

    const check = loadedChunks(['check', dir]);
    for (const v of VALIDATORS) expect(holds(check, v), v).toBe(true);
    expect(holds(check, PROMPTS)).toBe(false);
  }, 60_000);
});

// Node built-ins a run needs only for what it rarely does (scripts/bundle.mjs:
// LAZY_BUILTINS, STUBBED_FILES; src/cli/stdio.ts): each costs milliseconds on
// every start.
const RARELY_NEEDED = ['tty', 'zlib', 'module', 'net', 'child_process', 'fs/promises'];

/** The public built-ins Node loaded for one run of the bin, its descriptors all on /dev/null. */
function builtinsLoaded(args: string[]): string[] {
  const script = `const before = new Set(process.moduleLoadList);
const [bin, out, ...args] = process.argv.slice(2);
const cli = require(bin);
cli.main([process.execPath, bin, ...args]).then((code) => {
  require('node:fs').writeFileSync(out, JSON.stringify({ code, loaded: process.moduleLoadList.filter((m) => !before.has(m)) }));
});`;
  // A file, not -e: evaluating -e itself loads node:module.
  const dir = testdir({ 'loaded.cjs': script });
  const out = join(dir, 'loaded.json');
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1' };
  delete env['NODE_OPTIONS'];
  spawnSync(process.execPath, [join(dir, 'loaded.cjs'), PUBLISHED_BIN, out, ...args], { env, stdio: 'ignore' });
  const { code, loaded } = JSON.parse(readFileSync(out, 'utf8')) as { code: number; loaded: string[] };
  expect(code).toBe(0);
  return loaded.filter((m) => m.startsWith('NativeModule ') && !m.includes('internal/')).map((m) => m.slice('NativeModule '.length));
}

describe('Node built-ins a run loads', () => {
  it('--help, a --yes generation and a --dry-run on its result load none that they do not use', () => {
    const dir = exampleCopy('node-express');
    for (const args of [['--help'], [dir, '--yes'], [dir, '--dry-run']]) {
      const loaded = builtinsLoaded(args);
      // The list is read right: the run's own needs are in it.
      if (args[0] !== '--help') expect(loaded, args.join(' ')).toContain('crypto');
      expect(loaded.filter((m) => RARELY_NEEDED.includes(m)), args.join(' ')).toEqual([]);
    }
  }, 60_000);
});
