import { describe, it } from 'vitest';
import { EXAMPLE_ANSWERS, expectGoldenStack } from '../helpers/golden.js';
import { runCli } from '../helpers/run-cli.js';

describe.each(Object.keys(EXAMPLE_ANSWERS))('golden stack for examples/%s', (example) => {
  it('matches what the templates generate today (npm run examples regenerates it)', async () => {
    await expectGoldenStack(example, (args) => runCli(args));
  });
});
