import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM module shared with scripts/update-examples.mjs
import { EXAMPLE_ANSWERS } from '../../scripts/example-answers.mjs';
// @ts-expect-error plain ESM module shared with scripts/update-examples.mjs
import { listFiles as listAny } from '../../scripts/list-files.mjs';
import { runCli } from '../helpers/run-cli.js';
import { EXAMPLES_DIR, exampleCopy } from '../helpers/testdir.js';

const listFiles = listAny as (dir: string) => string[];

describe.each(Object.entries(EXAMPLE_ANSWERS as Record<string, string[]>))('golden stack for examples/%s', (example, flags) => {
  it('matches what the templates generate today (npm run examples regenerates it)', async () => {
    const dir = exampleCopy(example);
    const before = new Set(listFiles(dir));
    const r = await runCli([dir, '--yes', ...flags]);
    expect(r.exitCode, r.stderr).toBe(0);
    const generated = listFiles(dir).filter((f) => !before.has(f) && !f.startsWith('.devops-stack/'));
    const expectedDir = join(EXAMPLES_DIR, example, 'expected');
    expect(generated, 'file list differs: run npm run examples').toEqual(listFiles(expectedDir));
    for (const f of generated) {
      expect(readFileSync(join(dir, f), 'utf8'), `${f} differs: run npm run examples`).toBe(readFileSync(join(expectedDir, f), 'utf8'));
    }
  });
});
