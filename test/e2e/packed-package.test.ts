import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/package-root.js';
import { EXAMPLE_ANSWERS, expectGoldenStack } from '../helpers/golden.js';
import { writeOfflineApp } from '../helpers/offline-app.js';
import { runCli } from '../helpers/run-cli.js';

// What `npx create-devops-stack` gets: the tarball `npm pack` makes (from the
// bundle `npm test` has just built), installed into an empty project without
// network. The one runtime dependency and its own come from npm's cache, which
// `npm ci` filled (see writeOfflineApp).

const MAX_TARBALL_BYTES = 1.5 * 1024 * 1024;

interface PackInfo {
  filename: string;
  size: number;
  files: Array<{ path: string }>;
}

let work: string;
let pack: PackInfo;
let installedCli: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'cds-pack-'));
  // --ignore-scripts: no prepack rebuild; the bundle is the one under test.
  const packed = await execa('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: PACKAGE_ROOT });
  pack = (JSON.parse(packed.stdout) as PackInfo[])[0]!;
  const app = join(work, 'app');
  mkdirSync(app);
  writeOfflineApp(app, join(work, pack.filename));
  await execa('npm', ['ci', '--offline', '--no-audit', '--no-fund'], { cwd: app });
  installedCli = join(app, 'node_modules', '.bin', 'create-devops-stack');
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

const runInstalled = (args: string[]) => runCli(args, { cli: installedCli });

describe('the published package', () => {
  it(`packs into at most ${MAX_TARBALL_BYTES} bytes: the bundle, its data and templates, no compiled sources`, () => {
    expect(pack.size).toBeLessThanOrEqual(MAX_TARBALL_BYTES);
    const files = pack.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(['dist/create-devops-stack.cjs', 'dist/bundle.cjs', `dist/code-cache/${process.versions.v8}-${process.arch}.bin`, 'dist/wasm/tree-sitter.wasm', 'dist/wasm/tree-sitter-hcl.wasm', 'package.json', 'README.md']));
    expect(files.filter((f) => f.startsWith('dist/src/') || f.startsWith('src/') || f.startsWith('test/'))).toEqual([]);
  });

  it('has at most one runtime dependency, and its bin is the bundled CLI', () => {
    const manifest = JSON.parse(readFileSync(join(work, 'app', 'node_modules', 'create-devops-stack', 'package.json'), 'utf8')) as { dependencies?: object; bin: Record<string, string> };
    expect(Object.keys(manifest.dependencies ?? {}).length).toBeLessThanOrEqual(1);
    expect(manifest.bin).toEqual({ 'create-devops-stack': 'dist/create-devops-stack.cjs' });
    expect(existsSync(installedCli)).toBe(true);
  });

  it('runs --help from the installed tarball', async () => {
    const r = await runInstalled(['--help']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Usage: create-devops-stack/);
    for (const command of ['add', 'upgrade', 'check']) expect(r.stdout).toContain(command);
  });

  it('reports bad input in one line with a non-zero exit', async () => {
    const r = await runInstalled([join(work, 'no-such-dir'), '--yes']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  describe.each(Object.keys(EXAMPLE_ANSWERS))('examples/%s', (example) => {
    it('generates with --yes exactly the committed golden stack', async () => {
      await expectGoldenStack(example, runInstalled);
    });
  });

  it('check runs the bundled validators (HCL through tree-sitter WASM, workflows, promtool) and finds a broken file', async () => {
    const dir = await expectGoldenStack('node-express', runInstalled);
    const clean = await runInstalled(['check', dir]);
    expect(clean.exitCode, clean.stdout + clean.stderr).toBe(0);
    appendFileSync(join(dir, 'infra/envs/staging/main.tf'), 'resource "aws_s3_bucket" "x" {\n');
    const broken = await runInstalled(['check', dir, '--json']);
    expect(broken.exitCode).toBe(1);
    const findings = (JSON.parse(broken.stdout) as { findings: Array<{ path: string; rule: string }> }).findings;
    expect(findings).toContainEqual(expect.objectContaining({ path: 'infra/envs/staging/main.tf', rule: 'hcl/parse' }));
  });
});
