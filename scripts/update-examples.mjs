// npm run examples: regenerate examples/<app>/expected/ — the stack generated
// for each sample app, committed so reviewers can read the output and a test
// can fail when templates change it without this being rerun.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { EXAMPLE_ANSWERS } from './example-answers.mjs';
import { listFiles } from './list-files.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const cli = join(root, 'dist', 'src', 'cli', 'bin.js');
for (const [example, flags] of Object.entries(EXAMPLE_ANSWERS)) {
  const src = join(root, 'examples', example);
  const work = join(mkdtempSync(join(tmpdir(), 'cds-examples-')), example);
  cpSync(src, work, { recursive: true, filter: (p) => !relative(src, p).startsWith('expected') });
  const before = new Set(listFiles(work));
  const run = spawnSync(process.execPath, [cli, work, '--yes', ...flags], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  if (run.status !== 0) {
    console.error(run.stderr);
    process.exit(1);
  }
  const expected = join(src, 'expected');
  rmSync(expected, { recursive: true, force: true });
  // The base store (.devops-stack/bases) repeats the generated files byte for byte: left out.
  for (const file of listFiles(work).filter((f) => !before.has(f) && !f.startsWith('.devops-stack/'))) {
    cpSync(join(work, file), join(expected, file));
  }
  rmSync(dirname(work), { recursive: true, force: true });
  console.log(`examples/${example}/expected: ${listFiles(expected).length} files`);
}

