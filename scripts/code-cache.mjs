// Makes dist/code-cache/<V8 version>-<arch>.bin for the Node running it: V8's
// compiled code for every chunk of the bundle (scripts/bundle-loader.cjs says
// how it is used). `npm run build` runs it after scripts/bundle.mjs.
//
// V8 compiles a function the first time it runs, and a cache holds only what
// was compiled when it was made. So this first runs the bundled CLI, all in
// one process, the way users do, over every example (whose flags cover every
// cloud, IaC tool, strategy and monitoring choice): init --yes, then
// --dry-run and upgrade on the result, then writes the cache.
//
// A cache serves only the V8 version that made it, and only under the same V8
// flags: the warm-up runs in a child Node without NODE_OPTIONS (a CI's
// --max-old-space-size would make a cache that users' Node refuses), and the
// cache is checked the same way before this exits 0. To ship caches for other
// Node versions, run this script with each after `npm run build`, e.g.
// `/opt/node22/bin/node scripts/code-cache.mjs`.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runReportingCodeCache } from './code-cache-status.mjs';
import { EXAMPLE_ANSWERS } from './example-answers.mjs';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const BIN = join(ROOT, 'dist', 'create-devops-stack.cjs');

/** Runs the CLI with `args` (its output goes to this process's stdout and stderr, which the parent shows only on failure). */
async function run(cli, args) {
  const code = await cli.main([process.execPath, BIN, ...args]);
  if (code !== 0) throw new Error(`code-cache: create-devops-stack ${args.join(' ')} exited ${code}`);
}

/** In this process: runs every example, then writes the cache. */
async function warmUp() {
  const cli = createRequire(import.meta.url)(BIN);
  const work = mkdtempSync(join(tmpdir(), 'cds-code-cache-'));
  try {
    for (const [example, flags] of Object.entries(EXAMPLE_ANSWERS)) {
      const src = join(ROOT, 'examples', example);
      const app = join(work, example);
      cpSync(src, app, { recursive: true, filter: (p) => !relative(src, p).startsWith('expected') });
      await run(cli, [app, '--yes', '--no-color', ...flags]);
      await run(cli, [app, '--dry-run', '--no-color']);
      await run(cli, ['upgrade', app, '--yes', '--allow-dirty', '--no-color']);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  cli.writeCodeCache();
}

if (process.argv[2] === '--warm-up') {
  await warmUp();
} else {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  // The CLI writes to the descriptors themselves (src/cli/stdio.ts): its output is kept, and shown only if the warm-up fails.
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--warm-up'], { env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (child.status !== 0) {
    process.stderr.write(`${child.stdout}${child.stderr}${child.error ?? ''}\n`);
    process.exit(child.status ?? 1);
  }
  const { status, stderr } = runReportingCodeCache(BIN, ['--version'], env);
  if (status?.chunks['chunk main'] !== 'cached') {
    console.error(`code-cache: the cache just made is not used: ${status ? JSON.stringify(status) : stderr}`);
    process.exit(1);
  }
  console.log(`code-cache: ${relative(ROOT, status.file)} for Node ${process.version}`);
}
