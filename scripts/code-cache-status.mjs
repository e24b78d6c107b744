// Runs the published bundle in a fresh Node the way scripts/code-cache.mjs
// warms it up (required, then main(argv), in-process) and reports, besides the
// command's result, its codeCacheStatus() (scripts/bundle-loader.cjs): which
// cache file that Node looks for, and how each chunk the command loaded was
// compiled. Shared by scripts/code-cache.mjs, the bench and the tests.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// argv: <bin> <status file> <CLI args...>; the status goes to a file, apart from the command's output.
const SCRIPT = `const [bin, statusFile, ...args] = process.argv.slice(1);
const cli = require(bin);
cli.main([process.execPath, bin, ...args]).then((code) => {
  require('node:fs').writeFileSync(statusFile, JSON.stringify(cli.codeCacheStatus()));
  process.exitCode = code;
});`;

/**
 * `env` is the whole environment of the child; leave NODE_OPTIONS out of it,
 * as V8 refuses a cache made under other flags. Returns { exitCode, stdout,
 * stderr, status }, status null when the command never finished.
 */
export function runReportingCodeCache(bin, args, env) {
  const dir = mkdtempSync(join(tmpdir(), 'cds-code-cache-status-'));
  const statusFile = join(dir, 'status.json');
  try {
    const r = spawnSync(process.execPath, ['-e', SCRIPT, bin, statusFile, ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
    let status = null;
    try {
      status = JSON.parse(readFileSync(statusFile, 'utf8'));
    } catch {
      // no status: the command crashed before main resolved
    }
    return { exitCode: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, status };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
