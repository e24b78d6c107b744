// Fixtures for scripts/bench.mjs, all built outside the timed runs: a fresh
// copy of an example app (without its expected/ folder), committed to git as a
// user's repository would be; the same app with the stack already generated;
// and that generated repo with 20 000 unrelated files added and committed.
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

// No automatic gc or maintenance: after committing 20 000 files git would start
// one in the background, and it would still be running while commands are timed.
const GIT_IDENTITY = ['-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', '-c', 'commit.gpgsign=false', '-c', 'gc.auto=0', '-c', 'maintenance.auto=false'];

/** A new temporary directory; the caller removes it. */
export function tempDir(label) {
  return mkdtempSync(join(tmpdir(), `cds-bench-${label}-`));
}

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  if (r.status !== 0) throw new Error(`fixture step failed: ${cmd} ${args.join(' ')}\n${r.stderr ?? r.error}`);
}

/** Commits everything in `dir` to a new git repository (one commit on main). */
export function gitCommitAll(dir) {
  run('git', ['init', '-q', '-b', 'main'], dir);
  run('git', ['add', '-A'], dir);
  run('git', [...GIT_IDENTITY, 'commit', '-q', '-m', 'fixture'], dir);
}

/** Copies examples/<name> into `dest`, leaving out its committed expected/ output. */
export function copyExample(exampleDir, dest) {
  cpSync(exampleDir, dest, { recursive: true, filter: (p) => !relative(exampleDir, p).startsWith('expected') });
  return dest;
}

/** A fresh example app under `parent`, committed to git, ready for `--yes`. */
export function freshApp(exampleDir, parent, name) {
  const dir = copyExample(exampleDir, join(parent, name));
  gitCommitAll(dir);
  return dir;
}

/** An example app with the full stack generated into it (by the CLI itself), optionally with extra files, committed. */
export function generatedApp(exampleDir, parent, name, cli, { extraFiles = 0 } = {}) {
  const dir = copyExample(exampleDir, join(parent, name));
  run(process.execPath, [cli, dir, '--yes'], dir);
  if (extraFiles > 0) addUnrelatedFiles(dir, extraFiles);
  gitCommitAll(dir);
  return dir;
}

/** `count` small text files as vendor-data/dNNN/fNNNNN.txt, 100 per directory. */
export function addUnrelatedFiles(dir, count) {
  for (let i = 0; i < count; i++) {
    const sub = join(dir, 'vendor-data', `d${String(Math.floor(i / 100)).padStart(3, '0')}`);
    if (i % 100 === 0) mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `f${String(i).padStart(5, '0')}.txt`), `unrelated file ${i}\n`);
  }
}
