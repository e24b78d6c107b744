import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectGoldenStack } from '../helpers/golden.js';
import { PUBLISHED_BIN, runCli } from '../helpers/run-cli.js';

// dist/bundle.cjs is the whole CLI in one file, with its dependencies and
// templates (the bin only reads its code from it, a chunk at a time:
// scripts/bundle-loader.cjs). It also runs by itself, and does the same.

const WHOLE_BUNDLE = join(PUBLISHED_BIN, '..', 'bundle.cjs');

describe('dist/bundle.cjs run by itself', () => {
  it('prints the same --help as the bin', async () => {
    const [alone, bin] = await Promise.all([runCli(['--help'], { cli: WHOLE_BUNDLE }), runCli(['--help'], { cli: PUBLISHED_BIN })]);
    expect(alone.exitCode, alone.stderr).toBe(0);
    expect(alone.stdout).toMatch(/^Usage: create-devops-stack/);
    expect(alone.stdout).toBe(bin.stdout);
  });

  it('generates with --yes exactly the committed golden stack', async () => {
    await expectGoldenStack('python-fastapi', (args) => runCli(args, { cli: WHOLE_BUNDLE }));
  });
});
