import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readManifest } from '../../src/apply/manifest.js';
import { runCli } from '../helpers/run-cli.js';
import { commitAll, git, inspectStack, scratchRoot, StackFixtures, treeSnapshot } from '../helpers/stack-fixture.js';

// The ways an upgrade, add or re-run could lose or mangle what the user wrote
// when the usual three-way merge cannot run: no merge base, no git, bytes
// that are not text, markers still unresolved, line endings changed, a file
// the user kept, answers given to one layer only. Every case must leave the
// user's bytes somewhere, say so, and keep the manifest able to merge later.

const fx = new StackFixtures(scratchRoot());
const PORT_CHANGE = ['--port', '4000'];

const read = (dir: string, p: string): string => readFileSync(join(dir, p), 'utf8');
const write = (dir: string, p: string, s: string | Buffer): void => {
  mkdirSync(dirname(join(dir, p)), { recursive: true });
  writeFileSync(join(dir, p), s);
};
const upgrade = async (dir: string, flags: string[] = [], env: Record<string, string> = {}) => {
  await commitAll(dir, 'git', 'user edits');
  return runCli(['upgrade', dir, '--yes', ...flags], { env });
};

describe('upgrade when the merge cannot run as usual', () => {
  it('an edited file whose merge base is gone gets markers around each difference, never the bare new render', async () => {
    const dir = await fx.workdir('git');
    write(dir, 'Dockerfile', `${read(dir, 'Dockerfile')}# MY EDIT\n`);
    rmSync(join(dir, '.devops-stack'), { recursive: true });
    await git(dir, 'rm', '-rq', '--cached', '.devops-stack');
    await git(dir, 'commit', '-qm', 'drop the bases');
    const r = await upgrade(dir, PORT_CHANGE);
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stdout).toMatch(/CONFLICT\s+Dockerfile\s+\(you edited it and the previous version is missing/);
    const after = read(dir, 'Dockerfile');
    expect(after).toContain('# MY EDIT');
    expect(after).toContain('EXPOSE 4000');
    expect(after).toMatch(/^<{7} Dockerfile\s+\(yours\)$/m);
  });

  it('without git on PATH an edited file is left exactly as it is, reported, and merged by a later upgrade', async () => {
    const dir = await fx.workdir('git');
    const edited = `${read(dir, 'Dockerfile')}# MY EDIT\n`;
    write(dir, 'Dockerfile', edited);
    await commitAll(dir, 'git', 'user edits');
    const blobBefore = readManifest(dir)!.files['Dockerfile']!.blob;
    const r = await runCli(['upgrade', dir, '--yes', ...PORT_CHANGE], { env: { PATH: '/nonexistent' } });
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stdout).toMatch(/UNMERGED\s+Dockerfile\s+\(you edited it, and git is not installed/);
    expect(r.stderr).toContain('not merged, left as it was: Dockerfile');
    expect(read(dir, 'Dockerfile')).toBe(edited);
    // The earlier base stays recorded: with git back, the port change merges into the edit.
    expect(readManifest(dir)!.files['Dockerfile']!.blob).toBe(blobBefore);
    inspectStack(dir);
    // Still no git: nothing else to write, and the edit is still not merged.
    const stillNoGit = await runCli(['upgrade', dir, '--yes'], { env: { PATH: '/nonexistent' } });
    expect(stillNoGit.exitCode, stillNoGit.stderr).toBe(2);
    expect(stillNoGit.stderr).toContain('not merged, left as it was: Dockerfile (you edited it, and git is not installed');
    expect(stillNoGit.stderr).not.toContain('Everything is up to date');
    const again = await upgrade(dir, PORT_CHANGE);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(read(dir, 'Dockerfile')).toContain('EXPOSE 4000');
    expect(read(dir, 'Dockerfile')).toContain('# MY EDIT');
  });

  it('a TMPDIR that does not exist stops a merge with one line, before anything is written', async () => {
    const dir = await fx.workdir('git');
    write(dir, 'Dockerfile', `${read(dir, 'Dockerfile')}# MY EDIT\n`);
    await commitAll(dir, 'git', 'user edits');
    const before = treeSnapshot(dir);
    const r = await runCli(['upgrade', dir, '--yes', ...PORT_CHANGE], { env: { TMPDIR: '/nonexistent' } });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim().split('\n').pop()).toBe('create-devops-stack: cannot merge without a temporary folder: /nonexistent (TMPDIR): it does not exist; set TMPDIR to a writable folder');
    expect(treeSnapshot(dir)).toEqual(before);
  });

  it('a file that is not UTF-8 text keeps its bytes', async () => {
    const dir = await fx.workdir('git');
    const bytes = Buffer.concat([Buffer.from('# caf\xe9 ', 'latin1'), Buffer.from([0xe9, 0x0a]), readFileSync(join(dir, 'Dockerfile'))]);
    write(dir, 'Dockerfile', bytes);
    const r = await upgrade(dir, PORT_CHANGE);
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stdout).toMatch(/UNMERGED\s+Dockerfile\s+\(not UTF-8 text/);
    expect(readFileSync(join(dir, 'Dockerfile')).equals(bytes)).toBe(true);
  });

  it('unresolved conflict markers are not merged over again (no markers inside markers)', async () => {
    const dir = await fx.workdir('git');
    write(dir, 'Dockerfile', read(dir, 'Dockerfile').replace('EXPOSE 3000', 'EXPOSE 3000 9229'));
    const first = await upgrade(dir, PORT_CHANGE);
    expect(first.exitCode, first.stderr).toBe(2);
    const marked = read(dir, 'Dockerfile');
    expect(marked.match(/^<{7} /gm)).toHaveLength(1);
    const second = await upgrade(dir, ['--port', '7070']);
    expect(second.exitCode, second.stderr).toBe(2);
    expect(second.stdout).toMatch(/UNMERGED\s+Dockerfile\s+\(it still has conflict markers/);
    expect(read(dir, 'Dockerfile')).toBe(marked);
  });

  it('an upgrade with nothing else to write still says what is not merged, and exits 2', async () => {
    const dir = await fx.workdir('git');
    write(dir, 'Dockerfile', read(dir, 'Dockerfile').replace('EXPOSE 3000', 'EXPOSE 3000 9229'));
    expect((await upgrade(dir, PORT_CHANGE)).exitCode).toBe(2);
    const marked = read(dir, 'Dockerfile');
    // Markers left in: the same answers again, so the Dockerfile is all there is.
    const r = await upgrade(dir);
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr).toContain('Everything else is up to date; nothing was written.');
    expect(r.stderr).toContain('not merged, left as it was: Dockerfile (it still has conflict markers from an earlier upgrade');
    expect(read(dir, 'Dockerfile')).toBe(marked);
  });

  it('a generated file turned to CRLF merges a template change line by line and stays CRLF', async () => {
    const dir = await fx.workdir('git');
    const crlf = read(dir, 'Dockerfile').replace(/\n/g, '\r\n');
    write(dir, 'Dockerfile', crlf.replace('# syntax=docker/dockerfile:1\r\n', '# syntax=docker/dockerfile:1\r\n# team note\r\n'));
    const r = await upgrade(dir, PORT_CHANGE);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/MERGE\s+Dockerfile/);
    const after = read(dir, 'Dockerfile');
    expect(after).toContain('EXPOSE 4000\r\n');
    expect(after).toContain('# team note\r\n');
    expect(after.replace(/\r\n/g, '')).not.toContain('\n');
  });
});

describe('choices and answers that later runs must respect', () => {
  it('a file kept over ours at init stays the user\'s on every upgrade, uncommitted edits included', async () => {
    const dir = fx.copyExample();
    await git(dir, 'init', '-q', '-b', 'main');
    write(dir, 'docs/runbooks/ServiceDown.md', '# mine\n');
    const init = await runCli([dir, '--yes', '--on-conflict', 'keep']);
    expect(init.exitCode, init.stderr).toBe(0);
    expect(readManifest(dir)!.kept).toEqual(['docs/runbooks/ServiceDown.md']);
    await commitAll(dir, 'git', 'stack');
    write(dir, 'docs/runbooks/ServiceDown.md', '# mine\nuncommitted\n');
    const r = await runCli(['upgrade', dir, '--yes', ...PORT_CHANGE]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/KEEP\s+docs\/runbooks\/ServiceDown\.md\s+\(yours: you kept it/);
    expect(read(dir, 'docs/runbooks/ServiceDown.md')).toBe('# mine\nuncommitted\n');
    expect(readManifest(dir)!.files['docs/runbooks/ServiceDown.md']).toBeUndefined();
  });

  it('upgrade --on-conflict keep leaves a conflicting generated file ours: no second CI workflow appears later', async () => {
    const dir = await fx.workdir('git');
    write(dir, '.github/workflows/ci.yml', `${read(dir, '.github/workflows/ci.yml')}# MY EDIT\n`);
    await commitAll(dir, 'git', 'user edits');
    // No git: the edit cannot be merged, so --on-conflict keep decides.
    const r = await runCli(['upgrade', dir, '--yes', '--on-conflict', 'keep', ...PORT_CHANGE], { env: { PATH: '/nonexistent' } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/KEEP\s+\.github\/workflows\/ci\.yml/);
    expect(readManifest(dir)!.files['.github/workflows/ci.yml']).toBeDefined();
    const again = await upgrade(dir);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(existsSync(join(dir, '.github/workflows/devops-stack-ci.yml'))).toBe(false);
    expect(read(dir, '.github/workflows/ci.yml')).toContain('# MY EDIT');
  });

  it('upgrade never writes into a file it did not generate: fail writes nothing, keep writes the rest and remembers it, overwrite replaces it', async () => {
    const dir = await fx.workdir('git');
    const mine = 'resource "null_resource" "mine" {}\n';
    write(dir, 'infra/envs/qa/main.tf', mine);
    await commitAll(dir, 'git', 'a qa environment of my own');
    const before = treeSnapshot(dir);
    const qa = ['--environments', 'staging,qa,production'];
    const fail = await upgrade(dir, qa);
    expect(fail.exitCode).toBe(2);
    expect(fail.stderr).toContain('1 file(s) are in the way:\n  infra/envs/qa/main.tf: a file that create-devops-stack did not generate is in the way\nnothing was written; rerun with --on-conflict keep (keep yours, write the rest) or --on-conflict overwrite');
    expect(treeSnapshot(dir)).toEqual(before);

    const keep = await upgrade(dir, [...qa, '--on-conflict', 'keep']);
    expect(keep.exitCode, keep.stderr).toBe(0);
    expect(read(dir, 'infra/envs/qa/main.tf')).toBe(mine);
    expect(read(dir, 'infra/envs/qa/versions.tf')).toContain('required_version');
    expect(readManifest(dir)!.kept).toEqual(['infra/envs/qa/main.tf']);
    expect(readManifest(dir)!.files['infra/envs/qa/main.tf']).toBeUndefined();

    const overwrite = await upgrade(dir, ['--on-conflict', 'overwrite']);
    expect(overwrite.exitCode, overwrite.stderr).toBe(0);
    expect(read(dir, 'infra/envs/qa/main.tf')).toBe(read(await fx.render('git', qa), 'infra/envs/qa/main.tf'));
    expect(readManifest(dir)!.kept).toEqual([]);
  });

  it('upgrade --answers with some answers keeps the stored others', async () => {
    const dir = await fx.workdir('git', ['--cloud', 'gcp', '--iac', 'opentofu']);
    const answers = join(dir, '..', 'partial.json');
    writeFileSync(answers, '\uFEFF{"port": 4000}');
    const r = await runCli(['upgrade', dir, '--dry-run', '--json', '--answers', answers]);
    expect(r.exitCode, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout) as { answers: Record<string, unknown>; counts: Record<string, number> };
    expect(plan.answers).toMatchObject({ cloud: 'gcp', iac: 'opentofu', port: 4000 });
    expect(plan.counts.delete ?? 0).toBe(0);
  });

  it('upgrade to another cloud derives its runtime and region anew, and refuses a region of the old one in one line', async () => {
    const dir = await fx.workdir('git');
    const r = await runCli(['upgrade', dir, '--dry-run', '--cloud', 'gcp']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^cloud: gcp \(flag\)\nruntime: cloud-run \(default\)\nregion: us-central1 \(default\)$/m);
    const wrong = await runCli(['upgrade', dir, '--dry-run', '--cloud', 'gcp', '--region', 'us-east-1']);
    expect(wrong.exitCode).toBe(1);
    expect(wrong.stderr.trim()).toBe("create-devops-stack: --region: 'us-east-1' is not valid (a GCP region id such as us-central1 or europe-west4)");
  });

  it('add <layer> refuses an answer that differs from the stored one, and writes nothing', async () => {
    const dir = await fx.workdir('git');
    const r = await runCli(['add', 'docker', dir, '--yes', '--port', '9090']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/--port: the stack was generated with 3000; `add` uses the stored answers/);
    expect(read(dir, 'Dockerfile')).toContain('EXPOSE 3000');
    const same = await runCli(['add', 'docker', dir, '--yes', '--port', '3000']);
    expect(same.exitCode, same.stderr).toBe(0);
  });

  it('add pipeline without a Dockerfile says the pipeline builds one that does not exist', async () => {
    const dir = fx.copyExample();
    const r = await runCli(['add', 'pipeline', dir, '--yes', '--dry-run']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain('note: the pipeline builds Dockerfile, which does not exist yet: run `create-devops-stack add docker`');
  });

  it('upgrade refuses generated files that were never committed', async () => {
    const dir = fx.copyExample();
    await git(dir, 'init', '-q', '-b', 'main');
    expect((await runCli([dir, '--yes'])).exitCode).toBe(0);
    const r = await runCli(['upgrade', dir, '--yes', ...PORT_CHANGE]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/generated files have uncommitted changes \(.*Dockerfile/);
  });

  it('a folder inside a git repository is refused: its workflows would never run; --service-dir from the top is the way', async () => {
    const dir = fx.copyExample();
    await git(dir, 'init', '-q', '-b', 'main');
    const r = await runCli([join(dir, 'src'), '--yes']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim().split('\n').pop()).toBe(`create-devops-stack: ${join(dir, 'src')} is inside the git repository ${dir}: GitHub runs workflows from its root only; run there with --service-dir src`);
    expect(existsSync(join(dir, 'src', '.github'))).toBe(false);
  });

  it('init for a second service directory refuses to replace the first stack; a trailing slash is the same directory', async () => {
    const dir = await fx.workdir('git');
    const other = await runCli([dir, '--yes', '--service-dir', 'src']);
    expect(other.exitCode).toBe(1);
    expect(other.stderr).toContain("this repository's stack is for .; create-devops-stack writes one stack per repository");
    expect(other.stderr).toContain('run `create-devops-stack upgrade --service-dir src`');
    const same = await runCli([dir, '--yes', '--service-dir', './']);
    expect(same.stderr).not.toContain('one stack per repository');
  });

  it('a service directory that is not there is named as such, not as "no app found"', async () => {
    const dir = fx.copyExample();
    const r = await runCli([dir, '--yes', '--service-dir', 'nonexist']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim()).toBe(`create-devops-stack: --service-dir nonexist: no such folder in ${dir}`);
    expect(existsSync(join(dir, '.devops-stack.json'))).toBe(false);
    // Stored by an earlier run, and moved since.
    const stack = await fx.workdir('nogit');
    const manifest = JSON.parse(read(stack, '.devops-stack.json')) as { answers: Record<string, unknown> };
    manifest.answers['serviceDir'] = 'services/api';
    write(stack, '.devops-stack.json', JSON.stringify(manifest));
    const up = await runCli(['upgrade', stack, '--dry-run']);
    expect(up.exitCode).toBe(1);
    expect(up.stderr.trim()).toBe(`create-devops-stack: .devops-stack.json: serviceDir services/api: no such folder in ${stack}; pass --service-dir with the folder of the service`);
  });

  it('a symlink to nowhere where a folder is written gives a one-line error, not an internal one', async () => {
    const dir = fx.copyExample();
    symlinkSync(join(dir, 'missing-target'), join(dir, '.github'));
    const r = await runCli([dir, '--yes']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim().split('\n').pop()).toMatch(/^create-devops-stack: \.github\/[^ ]+: \.github is a symlink that leads nowhere \(ENOENT\)$/);
  });
});
