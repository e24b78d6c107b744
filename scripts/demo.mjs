// npm run demo: generate the stack for a built-in example into a fresh temporary
// copy (the example itself is never touched), then print where it went.
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const example = process.argv[2] ?? 'node-express';
const target = join(mkdtempSync(join(tmpdir(), 'devops-stack-demo-')), example);
cpSync(join(root, 'examples', example), target, {
  recursive: true,
  // The committed golden output is not part of the app.
  filter: (src) => !src.includes(`${example}/expected`),
});
console.log(`Demo: generating the stack for examples/${example} into ${target}\n`);
const cli = join(root, 'dist', 'src', 'cli', 'bin.js');
const run = spawnSync(process.execPath, [cli, target, '--yes'], { stdio: 'inherit' });
if (run.status === 0) console.log(`\nDone. Look around: cd ${target} && ls -la`);
process.exit(run.status ?? 1);
