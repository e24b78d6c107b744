import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDockerfile } from '../../src/check/dockerfile.js';
import { checkDockerignore } from '../../src/check/dockerignore.js';
import { runCli } from '../helpers/run-cli.js';
import { exampleCopy, snapshotDir, testdir } from '../helpers/testdir.js';

const EXAMPLES = [
  ['node-express', 'node'],
  ['python-fastapi', 'python'],
  ['go-http', 'go'],
  ['java-spring', 'java'],
] as const;

describe.each(EXAMPLES)('init on examples/%s', (example, language) => {
  it('--yes writes a Dockerfile that passes every checklist rule, and a second run is a no-op', async () => {
    const dir = exampleCopy(example);
    const first = await runCli([dir, '--yes']);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stderr).toContain(`language: ${language} (detected)`);
    const dockerfile = readFileSync(join(dir, 'Dockerfile'), 'utf8');
    expect(checkDockerfile('Dockerfile', dockerfile, { language }).filter((f) => f.severity === 'error')).toEqual([]);
    expect(checkDockerignore('.dockerignore', readFileSync(join(dir, '.dockerignore'), 'utf8'), language).filter((f) => f.severity === 'error')).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(dir, '.devops-stack.json'), 'utf8'));
    expect(manifest.answers.language).toBe(language);
    expect(Object.keys(manifest.files)).toContain('Dockerfile');

    const before = snapshotDir(dir);
    const second = await runCli([dir, '--yes']);
    expect(second.exitCode).toBe(0);
    expect(second.stderr).toContain('nothing was written');
    expect(snapshotDir(dir)).toEqual(before);
  });
});

describe('init safety', () => {
  it('--dry-run prints the plan with diffs and writes nothing', async () => {
    const dir = exampleCopy('node-express');
    const before = snapshotDir(dir);
    const r = await runCli([dir, '--dry-run']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/CREATE\s+Dockerfile/);
    expect(r.stdout).toContain('+++ b/Dockerfile');
    expect(snapshotDir(dir)).toEqual(before);
  });

  it('--json prints the plan as JSON', async () => {
    const dir = exampleCopy('node-express');
    const r = await runCli([dir, '--json', '--dry-run']);
    const plan = JSON.parse(r.stdout);
    expect(plan.entries.find((e: { path: string }) => e.path === 'Dockerfile')).toMatchObject({ kind: 'create', layer: 'docker' });
  });

  it('says what the generated Dockerfile assumes, each note once, and lists the notes in --json', async () => {
    const dir = exampleCopy('python-fastapi');
    const r = await runCli([dir, '--dry-run']);
    const notes = r.stderr.split('\n').filter((l) => l.startsWith('note: '));
    // From detection (requirements.txt without hashes) and from the Dockerfile (the server it runs).
    expect(notes.some((n) => n.includes('--hash pins'))).toBe(true);
    expect(notes.some((n) => n.includes('the image runs uvicorn'))).toBe(true);
    expect(notes.filter((n) => n.includes('--hash pins'))).toHaveLength(1);
    expect(new Set(notes).size).toBe(notes.length);
    const json = JSON.parse((await runCli([dir, '--json', '--dry-run'])).stdout) as { notes: string[] };
    expect(json.notes).toEqual(notes.map((n) => n.slice('note: '.length)));
  });

  it('tells the user their own Dockerfile is kept and built by the pipeline', async () => {
    const dir = exampleCopy('go-http');
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\n');
    const r = await runCli([dir, '--dry-run']);
    expect(r.stderr).toContain('note: keeping your Dockerfile: the pipeline builds it with context .');
    expect(r.stdout).not.toMatch(/CREATE\s+Dockerfile/);
  });

  it("add pipeline says the user's own ci.yml is kept and which workflow is written beside it", async () => {
    const dir = exampleCopy('node-express');
    mkdirSync(join(dir, '.github/workflows'), { recursive: true });
    writeFileSync(join(dir, '.github/workflows/ci.yml'), 'name: CI\non: [push]\njobs: {}\n');
    const r = await runCli(['add', 'pipeline', dir, '--dry-run']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain('note: keeping your .github/workflows/ci.yml: the generated workflow is .github/workflows/devops-stack-ci.yml');
    expect(r.stdout).toMatch(/CREATE\s+\.github\/workflows\/devops-stack-ci\.yml/);
  });

  it('without a TTY and without --yes it shows the plan, writes nothing and exits 2', async () => {
    const dir = exampleCopy('node-express');
    const before = snapshotDir(dir);
    const r = await runCli([dir]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--yes');
    expect(snapshotDir(dir)).toEqual(before);
  });

  it('a user file in the way is a conflict: nothing written, exit 2; --on-conflict keep writes the rest', async () => {
    const dir = exampleCopy('node-express');
    writeFileSync(join(dir, '.dockerignore'), 'node_modules\n');
    const before = snapshotDir(dir);
    const r = await runCli([dir, '--yes']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('.dockerignore');
    expect(snapshotDir(dir)).toEqual(before);
    const keep = await runCli([dir, '--yes', '--on-conflict', 'keep']);
    expect(keep.exitCode).toBe(0);
    expect(readFileSync(join(dir, '.dockerignore'), 'utf8')).toBe('node_modules\n');
    expect(existsSync(join(dir, 'Dockerfile'))).toBe(true);
  });

  it('keeps a repository\'s own Dockerfile and does not generate one', async () => {
    const dir = exampleCopy('node-express');
    writeFileSync(join(dir, 'Dockerfile'), 'FROM node:22.21-bookworm-slim\n');
    const r = await runCli([dir, '--yes']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe('FROM node:22.21-bookworm-slim\n');
  });

  it("keeps a repository's own dependabot.yml untouched and says which update entries the stack needs that it lacks", async () => {
    const dir = exampleCopy('node-express');
    const theirs = 'version: 2\nupdates:\n  - package-ecosystem: "npm"\n    directory: "/"\n    schedule:\n      interval: "daily"\n';
    mkdirSync(join(dir, '.github'), { recursive: true });
    writeFileSync(join(dir, '.github/dependabot.yml'), theirs);
    const r = await runCli([dir, '--yes']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(join(dir, '.github/dependabot.yml'), 'utf8')).toBe(theirs);
    expect(r.stderr).toContain('note: keeping your .github/dependabot.yml (no generated one is written): it has no update entries for github-actions in /; docker in /; terraform in');
    expect(r.stderr).toContain('  - package-ecosystem: github-actions\n    directory: /\n    schedule:\n      interval: weekly\n  - package-ecosystem: docker\n    directory: /\n');
    expect(r.stderr).not.toContain('package-ecosystem: npm');
    expect(readFileSync(join(dir, 'DEPLOY.md'), 'utf8')).toContain('`.github/dependabot.yml` (yours, kept as you wrote it, not generated)');
    const manifest = JSON.parse(readFileSync(join(dir, '.devops-stack.json'), 'utf8'));
    expect(Object.keys(manifest.files)).not.toContain('.github/dependabot.yml');
  });

  const badInputs: Array<[string, (dir: string) => string[], RegExp]> = [
    ['an unknown flag', (d) => [d, '--yes', '--clowd', 'aws'], /unknown option '--clowd'/],
    ['an unknown choice', (d) => [d, '--yes', '--cloud', 'ibm'], /--cloud: 'ibm' is not one of aws, gcp, azure/],
    ['a bad port', (d) => [d, '--yes', '--port', '99999'], /--port/],
    ['a runtime of another cloud', (d) => [d, '--yes', '--cloud', 'gcp', '--runtime', 'ecs-fargate'], /--runtime/],
    ['a missing answers file', (d) => [d, '--yes', '--answers', join(d, 'nope.json')], /cannot read it/],
    ['a malformed answers file', (d) => (writeFileSync(join(d, '..', 'bad.json'), '{ nope'), [d, '--yes', '--answers', join(d, '..', 'bad.json')]), /not valid JSON/],
    ['a schema-invalid answers file', (d) => (writeFileSync(join(d, '..', 'inv.json'), '{"strategy":"yolo"}'), [d, '--yes', '--answers', join(d, '..', 'inv.json')]), /strategy must be equal to one of the allowed values/],
    ['a target that is a file', (d) => [join(d, 'package.json'), '--yes'], /is not a directory/],
    ['a missing target', (d) => [join(d, 'missing'), '--yes'], /no such directory/],
    ['a symlink pointing outside', (d) => (symlinkSync(testdir(), join(d, '.dockerignore')), [d, '--yes']), /symlink/],
  ];
  it.each(badInputs)('%s: one-line error, non-zero exit, directory unchanged', async (_name, args, message) => {
    const dir = exampleCopy('node-express');
    const argv = args(dir);
    const before = snapshotDir(dir);
    const r = await runCli(argv);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n').filter((l) => l.startsWith('create-devops-stack:'))).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(snapshotDir(dir)).toEqual(before);
  });
});

describe('a repository that declares no runtime version', () => {
  const repo = () =>
    testdir({
      'package.json': JSON.stringify({ name: 'api', scripts: { start: 'node server.js' }, dependencies: { express: '^4.21.0' } }),
      'package-lock.json': JSON.stringify({ name: 'api', lockfileVersion: 3, packages: {} }),
      'server.js': "require('express')().listen(process.env.PORT || 3000);\n",
    });

  it('init says once which line it uses instead', async () => {
    const r = await runCli([repo(), '--dry-run', '--yes']);
    const versionNotes = r.stderr.split('\n').filter((l) => l.startsWith('note: ') && /version/i.test(l));
    expect(versionNotes).toEqual([expect.stringMatching(/^note: no Node\.js version declared: using Node\.js \d+$/)]);
  });

  it('detect says so on its runtime line', async () => {
    const r = await runCli(['detect', repo()]);
    expect(r.stdout).toMatch(/^runtime:\s+none declared: the generated files use our default$/m);
    expect(r.stdout).not.toMatch(/note: .*version declared/);
  });
});

describe('detect --json', () => {
  it('reports the documented keys for a repository it has never seen', async () => {
    const dir = testdir({
      'services/billing/pyproject.toml': '[project]\nname = "billing"\nrequires-python = ">=3.12"\ndependencies = ["fastapi", "uvicorn"]\n',
      'services/billing/uv.lock': 'version = 1\n',
      'services/billing/app/main.py': 'from fastapi import FastAPI\napp = FastAPI()\n@app.get("/health")\ndef h():\n    return {}\n',
      '.git/config': '[remote "origin"]\n\turl = git@github.com:acme/platform.git\n',
      '.git/HEAD': 'ref: refs/heads/trunk\n',
    });
    const r = await runCli(['detect', dir, '--json']);
    expect(r.exitCode).toBe(0);
    const facts = JSON.parse(r.stdout);
    for (const key of ['language', 'framework', 'packageManager', 'runtimeVersion', 'buildCommand', 'testCommand', 'startCommand', 'port', 'healthPath', 'appDir', 'services', 'existing']) {
      expect(facts).toHaveProperty(key);
    }
    expect(facts).toMatchObject({ language: 'python', framework: 'fastapi', packageManager: 'uv', runtimeVersion: '3.12', appDir: 'services/billing', healthPath: '/health' });
    expect(facts.git).toMatchObject({ owner: 'acme', repo: 'platform', defaultBranch: 'trunk' });
  });
});
