import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { generatedRepo, git } from '../helpers/stack-fixture.js';
import { exampleCopy, snapshotDir } from '../helpers/testdir.js';

describe('upgrade', () => {
  it('keeps user edits while reconfiguring the stack (upgrade --strategy canary)', async () => {
    const dir = await generatedRepo('node-express');
    const deploy = join(dir, '.github/workflows/deploy.yml');
    const dockerfile = join(dir, 'Dockerfile');
    writeFileSync(deploy, `${readFileSync(deploy, 'utf8')}# team note: ask #platform before changing this\n`);
    writeFileSync(dockerfile, readFileSync(dockerfile, 'utf8').replace('# syntax=docker/dockerfile:1\n', '# syntax=docker/dockerfile:1\n# edited by us\n'));
    await git(dir, 'commit', '-qam', 'edits');
    const r = await runCli(['upgrade', dir, '--yes', '--strategy', 'canary']);
    expect(r.exitCode, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/MERGE\s+\.github\/workflows\/deploy\.yml/);
    const after = readFileSync(deploy, 'utf8');
    expect(after).toContain('# team note: ask #platform before changing this');
    expect(after).toMatch(/canary/i);
    expect(readFileSync(dockerfile, 'utf8')).toContain('# edited by us');
    expect(JSON.parse(readFileSync(join(dir, '.devops-stack.json'), 'utf8')).answers.strategy).toBe('canary');
    // The stored answers now say canary: a plain upgrade is a no-op.
    await git(dir, 'add', '-A');
    await git(dir, 'commit', '-qm', 'upgraded');
    const again = await runCli(['upgrade', dir, '--yes']);
    expect(again.exitCode).toBe(0);
    expect(again.stderr).toContain('nothing was written');
  });

  it('marks conflicting edits like git, exits 2, and check reports the markers', async () => {
    const dir = await generatedRepo('node-express');
    const rules = join(dir, 'monitoring/prometheus/rules/shop.rules.yml');
    // The user tightens the objective by hand; upgrade --slo changes the same line.
    writeFileSync(rules, readFileSync(rules, 'utf8').replace('expr: "vector(0.999)"', 'expr: "vector(0.9995)"'));
    writeFileSync(join(dir, 'Dockerfile'), `${readFileSync(join(dir, 'Dockerfile'), 'utf8')}# far from any change\n`);
    await git(dir, 'commit', '-qam', 'edit');
    const r = await runCli(['upgrade', dir, '--yes', '--slo', '99.5']);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toMatch(/CONFLICT\s+monitoring\/prometheus\/rules\/shop\.rules\.yml/);
    expect(r.stderr).toContain('conflict markers');
    const merged = readFileSync(rules, 'utf8');
    expect(merged).toContain('<<<<<<< monitoring/prometheus/rules/shop.rules.yml (yours)');
    expect(merged).toContain('vector(0.9995)');
    expect(merged).toContain('vector(0.995)');
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toContain('# far from any change');
    const check = await runCli(['check', dir]);
    expect(check.exitCode).toBe(1);
    expect(check.stdout).toMatch(/unresolved merge conflict markers/);
  });

  it('removes files no longer generated unless edited, and keeps user deletions', async () => {
    const dir = await generatedRepo('node-express');
    rmSync(join(dir, 'docs/runbooks/Watchdog.md'));
    writeFileSync(join(dir, 'monitoring/alertmanager/alertmanager.yml'), '# mine now\n');
    await git(dir, 'commit', '-qam', 'changes');
    const r = await runCli(['upgrade', dir, '--yes', '--monitoring', 'none']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(existsSync(join(dir, 'monitoring/prometheus/rules/node-express.rules.yml'))).toBe(false);
    expect(readFileSync(join(dir, 'monitoring/alertmanager/alertmanager.yml'), 'utf8')).toBe('# mine now\n');
    expect(r.stdout).toMatch(/ORPHAN\s+monitoring\/alertmanager\/alertmanager\.yml/);
  });

  it('refuses to run over uncommitted changes to generated files unless --allow-dirty', async () => {
    const dir = await generatedRepo('node-express');
    writeFileSync(join(dir, 'Dockerfile'), `${readFileSync(join(dir, 'Dockerfile'), 'utf8')}# wip\n`);
    const before = snapshotDir(dir);
    const r = await runCli(['upgrade', dir, '--yes']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/uncommitted changes \(Dockerfile\).*--allow-dirty/);
    expect(snapshotDir(dir)).toEqual(before);
    expect((await runCli(['upgrade', dir, '--yes', '--allow-dirty'])).exitCode).toBe(0);
  });

  it('works in a shallow clone and outside git (the merge base is in .devops-stack/bases)', async () => {
    const origin = await generatedRepo('node-express');
    const clone = join(origin, '..', 'shallow');
    await execa('git', ['clone', '-q', '--depth', '1', `file://${origin}`, clone]);
    writeFileSync(join(clone, 'Dockerfile'), readFileSync(join(clone, 'Dockerfile'), 'utf8').replace('# syntax=docker/dockerfile:1\n', '# syntax=docker/dockerfile:1\n# edited\n'));
    const r = await runCli(['upgrade', clone, '--yes', '--allow-dirty', '--port', '4000']);
    expect(r.exitCode, r.stderr).toBe(0);
    const dockerfile = readFileSync(join(clone, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('# edited');
    expect(dockerfile).toContain('4000');
    rmSync(join(clone, '.git'), { recursive: true });
    writeFileSync(join(clone, 'Dockerfile'), dockerfile.replace('# edited\n', '# edited twice\n'));
    const outside = await runCli(['upgrade', clone, '--yes', '--port', '4100']);
    expect(outside.exitCode, outside.stderr).toBe(0);
    expect(readFileSync(join(clone, 'Dockerfile'), 'utf8')).toContain('# edited twice');
  });
});

describe('upgrade dropping an environment', () => {
  it('warns that the dropped root is deleted while its resources keep running, and how to destroy them', async () => {
    const dir = await generatedRepo('node-express');
    const dry = await runCli(['upgrade', dir, '--dry-run', '--environments', 'production']);
    expect(dry.stdout).toMatch(/DELETE\s+infra\/envs\/staging\/main\.tf/);
    expect(dry.stderr).toContain('warning: infra/envs/staging is no longer generated and its files are deleted, but its resources keep running: run `terraform destroy` in infra/envs/staging first');
    expect(dry.stderr).not.toContain('infra/envs/production is no longer generated');
    const same = await runCli(['upgrade', dir, '--dry-run']);
    expect(same.stderr).not.toContain('no longer generated and its files are deleted');
  });
});

describe('add', () => {
  it('adds the pipeline to a repo with its own Dockerfile and workflows without touching them', async () => {
    const dir = exampleCopy('node-express');
    mkdirSync(join(dir, '.github/workflows'), { recursive: true });
    writeFileSync(join(dir, 'Dockerfile'), 'FROM node:22.21-bookworm-slim\nUSER 1000\nCMD ["node", "src/server.js"]\n');
    writeFileSync(join(dir, '.github/workflows/ci.yml'), 'name: mine\non: push\njobs: {}\n');
    writeFileSync(join(dir, '.github/workflows/deploy.yml'), 'name: mine too\non: push\njobs: {}\n');
    const before = snapshotDir(dir);
    const r = await runCli(['add', 'pipeline', dir, '--yes']);
    expect(r.exitCode, r.stderr).toBe(0);
    const after = snapshotDir(dir);
    for (const p of ['Dockerfile', '.github/workflows/ci.yml', '.github/workflows/deploy.yml']) expect(after[p]).toBe(before[p]);
    expect(existsSync(join(dir, '.github/workflows/devops-stack-ci.yml'))).toBe(true);
    expect(existsSync(join(dir, '.github/workflows/devops-stack-deploy.yml'))).toBe(true);
    // Only the pipeline layer was written.
    expect(existsSync(join(dir, 'infra'))).toBe(false);
    const manifest = JSON.parse(readFileSync(join(dir, '.devops-stack.json'), 'utf8'));
    expect(new Set(Object.values(manifest.files).map((f) => (f as { layer: string }).layer))).toEqual(new Set(['pipeline']));
  });

  it('upgrade keeps to the layers that were added; a plain run then adds the rest', async () => {
    const dir = exampleCopy('python-fastapi');
    for (const layer of ['monitoring', 'pipeline']) expect((await runCli(['add', layer, dir, '--yes'])).exitCode).toBe(0);
    const layers = () => new Set(Object.values(JSON.parse(readFileSync(join(dir, '.devops-stack.json'), 'utf8')).files).map((f) => (f as { layer: string }).layer));
    const up = await runCli(['upgrade', dir, '--yes', '--allow-dirty', '--strategy', 'canary']);
    expect(up.exitCode, up.stderr).toBe(0);
    expect(up.stderr).toContain('note: upgrading the layers generated so far (pipeline, monitoring)');
    // The new answer reaches the layers there are, and no other layer appears.
    expect(readFileSync(join(dir, '.github/workflows/deploy.yml'), 'utf8')).toMatch(/canary/i);
    expect(existsSync(join(dir, 'infra'))).toBe(false);
    expect(existsSync(join(dir, 'Dockerfile'))).toBe(false);
    expect(layers()).toEqual(new Set(['pipeline', 'monitoring']));
    // Without a command: the whole stack, after which upgrade renders all of it.
    expect((await runCli([dir, '--yes'])).exitCode).toBe(0);
    expect(layers()).toEqual(new Set(['docker', 'pipeline', 'infra', 'monitoring', 'stack']));
    const again = await runCli(['upgrade', dir, '--yes', '--allow-dirty']);
    expect(again.stderr).not.toContain('upgrading the layers generated so far');
    expect(again.stderr).toContain('nothing was written');
  });

  it('a whole stack whose DEPLOY.md the user kept is upgraded whole, their DEPLOY.md still kept', async () => {
    const dir = exampleCopy('node-express');
    writeFileSync(join(dir, 'DEPLOY.md'), '# how we deploy\n');
    expect((await runCli([dir, '--yes', '--on-conflict', 'keep'])).exitCode).toBe(0);
    const up = await runCli(['upgrade', dir, '--yes', '--allow-dirty']);
    expect(up.exitCode, up.stderr).toBe(0);
    expect(up.stderr).not.toContain('upgrading the layers generated so far');
    expect(up.stdout).toMatch(/KEEP\s+DEPLOY\.md\s+\(yours: you kept it/);
    expect(up.stderr).toContain('nothing was written');
    expect(readFileSync(join(dir, 'DEPLOY.md'), 'utf8')).toBe('# how we deploy\n');
  });

  it("upgrade keeps the user's own dependabot.yml, also one an earlier run kept with --on-conflict keep", async () => {
    const dir = exampleCopy('go-http');
    const theirs = 'version: 2\nupdates: [{package-ecosystem: gomod, directory: /, schedule: {interval: weekly}}]\n';
    mkdirSync(join(dir, '.github'), { recursive: true });
    writeFileSync(join(dir, '.github/dependabot.yml'), theirs);
    expect((await runCli([dir, '--yes'])).exitCode).toBe(0);
    // What a run before this was kept as: recorded under `kept`.
    const manifest = JSON.parse(readFileSync(join(dir, '.devops-stack.json'), 'utf8'));
    writeFileSync(join(dir, '.devops-stack.json'), `${JSON.stringify({ ...manifest, kept: ['.github/dependabot.yml'] }, null, 2)}\n`);
    const up = await runCli(['upgrade', dir, '--yes', '--allow-dirty']);
    expect(up.exitCode, up.stderr).toBe(0);
    expect(up.stderr).toContain('note: keeping your .github/dependabot.yml (no generated one is written): it has no update entries for github-actions in /; docker in /;');
    expect(up.stdout).not.toContain('dependabot');
    expect(readFileSync(join(dir, '.github/dependabot.yml'), 'utf8')).toBe(theirs);
  });

  it("stops before writing infra/ among the user's own Terraform there; --on-conflict keep writes beside it, leaving theirs", async () => {
    const dir = exampleCopy('node-express');
    mkdirSync(join(dir, 'infra'));
    const theirs = 'resource "aws_s3_bucket" "assets" {\n  bucket = "acme-assets"\n}\n';
    writeFileSync(join(dir, 'infra/main.tf'), theirs);
    const before = snapshotDir(dir);
    const r = await runCli(['add', 'infra', dir, '--yes']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('infra/ has Terraform that create-devops-stack did not write (infra/main.tf); nothing was written');
    expect(snapshotDir(dir)).toEqual(before);
    const kept = await runCli(['add', 'infra', dir, '--yes', '--on-conflict', 'keep']);
    expect(kept.exitCode, kept.stderr).toBe(0);
    expect(kept.stderr).toContain('note: infra/ has Terraform of yours (infra/main.tf)');
    expect(readFileSync(join(dir, 'infra/main.tf'), 'utf8')).toBe(theirs);
    expect(existsSync(join(dir, 'infra/envs/production/main.tf'))).toBe(true);
    // Generated now: .tf files beside ours extend the stack, no stop and no note.
    const again = await runCli(['add', 'infra', dir, '--yes']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).not.toContain('Terraform of yours');
  });

  it("writes the infra workflow beside the user's own infra.yml instead of stopping on it", async () => {
    const dir = exampleCopy('node-express');
    mkdirSync(join(dir, '.github/workflows'), { recursive: true });
    writeFileSync(join(dir, '.github/workflows/infra.yml'), 'name: infra\non: push\njobs: {}\n');
    const r = await runCli(['add', 'infra', dir, '--yes']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain('note: keeping your .github/workflows/infra.yml: the generated workflow is .github/workflows/devops-stack-infra.yml');
    expect(readFileSync(join(dir, '.github/workflows/infra.yml'), 'utf8')).toBe('name: infra\non: push\njobs: {}\n');
    const ours = readFileSync(join(dir, '.github/workflows/devops-stack-infra.yml'), 'utf8');
    expect(ours).toContain('- ".github/workflows/devops-stack-infra.yml"');
    expect(ours).not.toContain('.github/workflows/infra.yml');
    expect(readFileSync(join(dir, 'docs/deploy/infra.md'), 'utf8')).toContain('(`.github/workflows/devops-stack-infra.yml`)');
  });

  it("says the user's Terraform outside infra/ is kept and not used", async () => {
    const dir = exampleCopy('node-express');
    mkdirSync(join(dir, 'terraform'));
    writeFileSync(join(dir, 'terraform/main.tf'), 'terraform {}\n');
    const r = await runCli(['add', 'infra', dir, '--dry-run']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain('note: keeping your Terraform (terraform/main.tf): the generated infra/ does not use it');
  });

  it('refuses an unknown layer', async () => {
    const r = await runCli(['add', 'kubernetes', exampleCopy('node-express'), '--yes']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/unknown layer 'kubernetes'/);
  });
});

describe('check', () => {
  it('is clean on a fresh stack, reports drift with exit 2 and errors with exit 1', async () => {
    const dir = await generatedRepo('go-http', ['--cloud', 'gcp']);
    const clean = await runCli(['check', dir, '--json']);
    const report = JSON.parse(clean.stdout);
    expect(report.findings.filter((f: { severity: string }) => f.severity === 'error')).toEqual([]);
    expect(clean.exitCode).toBe(0);
    writeFileSync(join(dir, 'docs/deploy/pipeline.md'), 'my notes\n');
    expect((await runCli(['check', dir])).exitCode).toBe(2);
    writeFileSync(join(dir, 'Dockerfile'), 'FROM golang:latest\nCMD go run .\n');
    const bad = await runCli(['check', dir]);
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout).toMatch(/error\s+Dockerfile/);
  });

  it("does not hold a vendoring Go module's ignore file, which keeps vendor/ for the build, to excluding it", async () => {
    const dir = exampleCopy('go-http');
    mkdirSync(join(dir, 'vendor'));
    writeFileSync(join(dir, 'vendor/modules.txt'), '');
    expect((await runCli([dir, '--yes'])).exitCode).toBe(0);
    const r = await runCli(['check', dir, '--json']);
    const findings = (JSON.parse(r.stdout) as { findings: Array<{ rule: string; message: string }> }).findings;
    expect(findings.filter((f) => f.rule === 'dockerignore/must-exclude')).toEqual([]);
  });

  it("reports what the image build would not find in its context: a deleted lockfile, a file the ignore file leaves out", async () => {
    const dir = await generatedRepo('node-express');
    rmSync(join(dir, 'package-lock.json'));
    writeFileSync(join(dir, '.dockerignore'), `${readFileSync(join(dir, '.dockerignore'), 'utf8')}package.json\n`);
    const r = await runCli(['check', dir, '--json']);
    expect(r.exitCode).toBe(1);
    const found = (JSON.parse(r.stdout) as { findings: Array<{ rule: string; message: string }> }).findings.filter((f) => f.rule === 'dockerfile/build-source');
    expect(found.map((f) => f.message)).toEqual([
      'RUN reads package.json from the build context (.), which leaves it out (.dockerignore): the image build fails',
      'RUN reads package-lock.json from the build context (.), which has no such file: the image build fails',
    ]);
  });
});
