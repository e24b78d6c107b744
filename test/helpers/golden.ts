import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
// @ts-expect-error plain ESM module shared with scripts/update-examples.mjs
import { EXAMPLE_ANSWERS as ANSWERS } from '../../scripts/example-answers.mjs';
// @ts-expect-error plain ESM module shared with scripts/update-examples.mjs
import { listFiles as listAny } from '../../scripts/list-files.mjs';
import type { CliResult } from './run-cli.js';
import { EXAMPLES_DIR, exampleCopy } from './testdir.js';

export const listFiles = listAny as (dir: string) => string[];
/** Each golden example and the flags it is generated with. */
export const EXAMPLE_ANSWERS = ANSWERS as Record<string, string[]>;

/**
 * Generates the stack for a fresh copy of examples/<example> with `run`
 * (the CLI under test) and expects exactly the committed expected/ files.
 */
export async function expectGoldenStack(example: string, run: (args: string[]) => Promise<CliResult>): Promise<string> {
  const dir = exampleCopy(example);
  const before = new Set(listFiles(dir));
  const r = await run([dir, '--yes', ...EXAMPLE_ANSWERS[example]!]);
  expect(r.exitCode, r.stderr).toBe(0);
  const generated = listFiles(dir).filter((f) => !before.has(f) && !f.startsWith('.devops-stack/'));
  const expectedDir = join(EXAMPLES_DIR, example, 'expected');
  expect(generated, 'file list differs: run npm run examples').toEqual(listFiles(expectedDir));
  for (const f of generated) {
    expect(readFileSync(join(dir, f), 'utf8'), `${f} differs: run npm run examples`).toBe(readFileSync(join(expectedDir, f), 'utf8'));
  }
  return dir;
}
