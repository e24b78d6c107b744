import { readFileSync } from 'node:fs';
import { brotliDecompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM module shared with scripts/code-cache.mjs and the bench
import { runReportingCodeCache } from '../../scripts/code-cache-status.mjs';
import { BUNDLE } from '../helpers/run-cli.js';
import { exampleCopy } from '../helpers/testdir.js';

// Issue 8: prompts and validators load lazily, and not at all under --yes.
// Each lazy chunk of the published bundle is a `//@chunk <id> <base64>` line
// (scripts/bundle-loader.cjs); a run reports the chunks it loaded.

/** Chunk id -> source, read from the bundle the way its loader does. */
function bundleChunks(): Map<string, string> {
  const chunks = new Map<string, string>();
  for (const line of readFileSync(BUNDLE, 'latin1').split('\n')) {
    const m = /^\/\/@chunk (\S+) (\S+)$/.exec(line);
    if (!m) continue;
    const bytes = Buffer.from(m[2]!, 'base64');
    chunks.set(m[1]!, (m[1] === 'main' ? bytes : brotliDecompressSync(bytes)).toString('utf8'));
  }
  return chunks;
}

// Strings only the bundled prompt library and validators hold.
const PROMPTS = 'force closed the prompt';
const VALIDATORS = ['workflow-parser', 'tree-sitter'];

/** The sources of the chunks one CLI run loaded. */
function loadedChunks(args: string[]): string[] {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1' };
  delete env['NODE_OPTIONS'];
  const r = runReportingCodeCache(BUNDLE, args, env) as { exitCode: number; stderr: string; status: { chunks: Record<string, string> } | null };
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

    const dir = exampleCopy('node-express');
    const generate = loadedChunks([dir, '--yes']);
    expect(generate.length).toBeGreaterThan(1);
    expect(holds(generate, PROMPTS)).toBe(false);
    for (const v of VALIDATORS) expect(holds(generate, v), v).toBe(false);

    const check = loadedChunks(['check', dir]);
    for (const v of VALIDATORS) expect(holds(check, v), v).toBe(true);
    expect(holds(check, PROMPTS)).toBe(false);
  }, 60_000);
});
