import { join } from 'node:path';
import { execa } from 'execa';

/** The built CLI (npm test builds first). */
export const CLI = join(import.meta.dirname, '..', '..', 'dist', 'src', 'cli', 'bin.js');
/** The published bin (package.json bin), built by the same step: it runs the code of dist/bundle.cjs, the whole CLI in one file. */
export const PUBLISHED_BIN = join(import.meta.dirname, '..', '..', 'dist', 'create-devops-stack.cjs');

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (or `opts.cli`, e.g. an installed bundle) without a TTY, as CI and scripts do. */
export async function runCli(args: string[], opts: { cwd?: string; env?: Record<string, string>; cli?: string } = {}): Promise<CliResult> {
  const r = await execa(process.execPath, [opts.cli ?? CLI, ...args], {
    reject: false,
    ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
    env: { NO_COLOR: '1', ...opts.env },
    stdin: 'ignore',
  });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}
