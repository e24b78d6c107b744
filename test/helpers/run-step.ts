import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Runs `script` the way a GitHub Actions `run:` step does with its default
 * shell on Linux (`bash --noprofile --norc -eo pipefail {0}`), in `cwd`, with
 * exactly `env`.
 */
export function runStepScript(script: string, opts: { cwd: string; env: NodeJS.ProcessEnv }): SpawnSyncReturns<string> {
  return spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd: opts.cwd, env: opts.env, encoding: 'utf8' });
}

/**
 * Writes stand-in commands into `bin` (name -> the whole script, shebang
 * included), executable, and returns a PATH that finds them first.
 */
export function stubCommands(bin: string, commands: Record<string, string>): string {
  mkdirSync(bin, { recursive: true });
  for (const [name, script] of Object.entries(commands)) {
    writeFileSync(join(bin, name), script);
    chmodSync(join(bin, name), 0o755);
  }
  return `${bin}:${process.env['PATH'] ?? ''}`;
}

/**
 * Runs a re-run guard step's script (src/stack/rerun-guard.ts) as run
 * `runNumber` of commit aaa…a, with a `gh` stand-in (its binaries under `dir`)
 * that answers `gh api … --jq` with `newest`, the newest run's number and
 * commit, or fails when `newest` is null.
 */
export function runRerunGuard(script: string, dir: string, runNumber: number, newest: string | null): SpawnSyncReturns<string> {
  const path = stubCommands(join(dir, `bin-${newest ?? 'fail'}`.replace(/\s/g, '-')), { gh: newest === null ? '#!/bin/sh\nexit 1\n' : `#!/bin/sh\necho '${newest}'\n` });
  const env = { PATH: path, GITHUB_REPOSITORY: 'acme/shop', BRANCH: 'main', GITHUB_RUN_NUMBER: String(runNumber), GITHUB_SHA: 'a'.repeat(40), GH_TOKEN: 't' };
  return runStepScript(script, { cwd: dir, env });
}
