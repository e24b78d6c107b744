import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Answers } from '../../src/answers/options.js';
import { applyPlan, nextManifest } from '../../src/apply/apply-plan.js';
import { BASES_ATTRIBUTES_PATH, BASES_PATH, BaseStore, parseBases } from '../../src/apply/base-store.js';
import { blobId } from '../../src/apply/blob-id.js';
import { MANIFEST_PATH, readManifest } from '../../src/apply/manifest.js';
import { TargetPaths } from '../../src/apply/safe-path.js';
import { buildPlan, type PlanOptions } from '../../src/plan/build-plan.js';
import { Tree } from '../../src/plan/tree.js';
import { snapshotDir, testdir } from '../helpers/testdir.js';

const answers: Answers = {
  language: 'node', cloud: 'aws', runtime: 'ecs-fargate', iac: 'terraform', environments: ['staging', 'production'],
  strategy: 'rolling', monitoring: 'prometheus', ci: 'github-actions', serviceName: 'shop', region: 'us-east-1',
  port: 3000, healthPath: '/healthz', readinessPath: '/readyz', serviceDir: '.', slo: 99.9, team: 'platform',
};
const tool = { name: 'create-devops-stack', version: '0.0.0-test' };
const INIT: PlanOptions = { onConflict: 'fail', layers: ['docker', 'pipeline', 'infra', 'monitoring'], mode: 'init' };
const UPGRADE: PlanOptions = { ...INIT, mode: 'upgrade' };

function tree(files: Record<string, string>): Tree {
  const t = new Tree();
  for (const [p, c] of Object.entries(files)) t.write(p, c, p.includes('workflows') ? 'pipeline' : 'docker');
  return t;
}

/** Plan + apply, as init/upgrade do. */
async function generate(root: string, files: Record<string, string>, opts = INIT) {
  const previous = readManifest(root);
  const plan = await buildPlan(root, tree(files), previous, opts);
  await applyPlan(plan, nextManifest(plan, previous, answers, tool));
  return plan;
}

const kinds = (plan: Awaited<ReturnType<typeof generate>>) => Object.fromEntries(plan.entries.map((e) => [e.path, e.kind]));

describe('plan and apply', () => {
  it('creates files, the manifest and the merge bases; a second run changes nothing', async () => {
    const root = testdir();
    const plan = await generate(root, { Dockerfile: 'FROM x\n', '.github/workflows/ci.yml': 'on: push\n' });
    expect(kinds(plan)).toEqual({ Dockerfile: 'create', '.github/workflows/ci.yml': 'create' });
    expect(readFileSync(join(root, 'Dockerfile'), 'utf8')).toBe('FROM x\n');
    const manifest = readManifest(root)!;
    expect(manifest.files['Dockerfile']).toEqual({ layer: 'docker', blob: blobId('FROM x\n') });
    expect(new BaseStore(new TargetPaths(root)).get(blobId('FROM x\n'))).toBe('FROM x\n');
    const before = snapshotDir(root);
    const again = await generate(root, { Dockerfile: 'FROM x\n', '.github/workflows/ci.yml': 'on: push\n' });
    expect(new Set(again.entries.map((e) => e.kind))).toEqual(new Set(['unchanged']));
    expect(snapshotDir(root)).toEqual(before);
  });

  it('marks the merge bases generated for GitHub once, then leaves that file to the user', async () => {
    const root = testdir();
    await generate(root, { Dockerfile: 'FROM x\n' });
    expect(readFileSync(join(root, BASES_ATTRIBUTES_PATH), 'utf8')).toMatch(/^bases linguist-generated=true$/m);
    writeFileSync(join(root, BASES_ATTRIBUTES_PATH), 'bases -diff\n');
    await generate(root, { Dockerfile: 'FROM y\n' }, UPGRADE);
    expect(readFileSync(join(root, BASES_ATTRIBUTES_PATH), 'utf8')).toBe('bases -diff\n');
    // Deleted by the user: stays deleted.
    unlinkSync(join(root, BASES_ATTRIBUTES_PATH));
    await generate(root, { Dockerfile: 'FROM z\n' }, UPGRADE);
    expect(existsSync(join(root, BASES_ATTRIBUTES_PATH))).toBe(false);
  });

  it('writes nothing when a file changed between the plan and the write (the confirmation prompt)', async () => {
    const root = testdir();
    await generate(root, { Dockerfile: 'FROM x\n', 'a.txt': 'a\n' });
    const previous = readManifest(root);
    const plan = await buildPlan(root, tree({ Dockerfile: 'FROM y\n', 'a.txt': 'b\n' }), previous, UPGRADE);
    writeFileSync(join(root, 'Dockerfile'), 'FROM x\n# typed while the prompt was open\n');
    const before = snapshotDir(root);
    const err = await applyPlan(plan, nextManifest(plan, previous, answers, tool)).then(() => null, (e: unknown) => e);
    expect((err as Error).message).toBe('Dockerfile changed after the plan was made; nothing was written: run the command again');
    expect(snapshotDir(root)).toEqual(before);
  });

  it('leaves no temp or backup files behind', async () => {
    const root = testdir({ 'keep.txt': 'mine' });
    await generate(root, { 'a/b/c.txt': '1' });
    await generate(root, { 'a/b/c.txt': '2' });
    const all = Object.keys(snapshotDir(root));
    expect(all.filter((p) => p.includes('devops-stack-'))).toEqual([]);
  });

  it('matches git hash-object for blob ids', () => {
    expect(blobId('hello\n')).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
  });

  it('a file the user owns is a conflict; keep and overwrite policies do what they say', async () => {
    const root = testdir({ Dockerfile: 'FROM mine\n' });
    const plan = await buildPlan(root, tree({ Dockerfile: 'FROM ours\n' }), null, INIT);
    expect(plan.entries[0]).toMatchObject({ kind: 'conflict', before: 'FROM mine\n' });
    const keep = await buildPlan(root, tree({ Dockerfile: 'FROM ours\n', 'x.txt': 'x' }), null, { ...INIT, onConflict: 'keep' });
    await applyPlan(keep, nextManifest(keep, null, answers, tool));
    expect(readFileSync(join(root, 'Dockerfile'), 'utf8')).toBe('FROM mine\n');
    expect(readManifest(root)!.files['Dockerfile']).toBeUndefined();
    const over = await buildPlan(root, tree({ Dockerfile: 'FROM ours\n' }), readManifest(root), { ...INIT, onConflict: 'overwrite' });
    await applyPlan(over, nextManifest(over, readManifest(root), answers, tool));
    expect(readFileSync(join(root, 'Dockerfile'), 'utf8')).toBe('FROM ours\n');
  });

  it('updates untouched files and merges edited ones with the new render', async () => {
    const root = testdir();
    const v1 = 'line1\nline2\nline3\nline4\nline5\nline6\nline7\n';
    await generate(root, { 'a.txt': v1, 'b.txt': v1 });
    writeFileSync(join(root, 'b.txt'), v1.replace('line1', 'USER EDIT'));
    const v2 = v1.replace('line7', 'line7 new');
    const plan = await generate(root, { 'a.txt': v2, 'b.txt': v2 }, UPGRADE);
    expect(kinds(plan)).toEqual({ 'a.txt': 'update', 'b.txt': 'merge' });
    expect(readFileSync(join(root, 'b.txt'), 'utf8')).toBe(v2.replace('line1', 'USER EDIT'));
    // The next merge base is what we generated, not the merged file.
    expect(readManifest(root)!.files['b.txt']!.blob).toBe(blobId(v2));
  });

  it('upgrade writes conflict markers when the user edited the same lines', async () => {
    const root = testdir();
    await generate(root, { 'a.txt': 'x = 1\n' });
    writeFileSync(join(root, 'a.txt'), 'x = 2\n');
    const plan = await generate(root, { 'a.txt': 'x = 3\n' }, UPGRADE);
    expect(kinds(plan)).toEqual({ 'a.txt': 'conflict' });
    const text = readFileSync(join(root, 'a.txt'), 'utf8');
    expect(text).toContain('<<<<<<< a.txt (yours)');
    expect(text).toContain('x = 2');
    expect(text).toContain('x = 3');
  });

  it('removes stale untouched files, keeps edited ones, and keeps user deletions', async () => {
    const root = testdir();
    await generate(root, { 'old.txt': 'o\n', 'edited.txt': 'e\n', 'gone.txt': 'g\n', 'sub/x.txt': 'x\n' });
    writeFileSync(join(root, 'edited.txt'), 'e + mine\n');
    const { rmSync } = await import('node:fs');
    rmSync(join(root, 'gone.txt'));
    const plan = await generate(root, { 'gone.txt': 'g2\n' }, UPGRADE);
    expect(kinds(plan)).toEqual({ 'old.txt': 'delete', 'edited.txt': 'orphan', 'gone.txt': 'deleted-by-user', 'sub/x.txt': 'delete' });
    expect(existsSync(join(root, 'old.txt'))).toBe(false);
    expect(existsSync(join(root, 'sub'))).toBe(false);
    expect(readFileSync(join(root, 'edited.txt'), 'utf8')).toBe('e + mine\n');
    expect(existsSync(join(root, 'gone.txt'))).toBe(false);
    // Bases no longer referenced are dropped from the store.
    expect(parseBases(readFileSync(join(root, BASES_PATH))).map((r) => [r.path, r.blob])).toEqual([['gone.txt', blobId('g2\n')]]);
  });

  it('refuses to write through a symlink that leaves the target, and writes nothing', async () => {
    const outside = testdir();
    const root = testdir({ 'app.js': '1' });
    symlinkSync(outside, join(root, '.github'));
    const before = snapshotDir(root);
    await expect(buildPlan(root, tree({ Dockerfile: 'x', '.github/workflows/ci.yml': 'y' }), null, INIT)).rejects.toThrow(/symlink that leads outside/);
    expect(snapshotDir(root)).toEqual(before);
    expect(readdirSync(outside)).toEqual([]);
  });

  it('refuses to replace a symlinked file', async () => {
    const root = testdir({ 'real.txt': 'r' });
    symlinkSync('real.txt', join(root, 'Dockerfile'));
    await expect(buildPlan(root, tree({ Dockerfile: 'x' }), null, INIT)).rejects.toThrow(/is a symlink/);
  });

  it('leaves the target as it was when a write fails during apply', async () => {
    const root = testdir({ 'a.txt': 'old a', 'z/keep': '' });
    await generate(root, { 'a.txt': 'old a' }, { ...INIT, onConflict: 'overwrite' });
    const before = snapshotDir(root);
    const plan = await buildPlan(root, tree({ 'a.txt': 'new a', 'b/c.txt': 'c' }), readManifest(root), INIT);
    // Make the last rename fail: a directory where the manifest must go.
    const { rmSync } = await import('node:fs');
    rmSync(join(root, MANIFEST_PATH));
    mkdirSync(join(root, MANIFEST_PATH));
    writeFileSync(join(root, MANIFEST_PATH, 'blocker'), '');
    const snapshotBlocked = snapshotDir(root);
    await expect(applyPlan(plan, nextManifest(plan, null, answers, tool))).rejects.toThrow();
    expect(snapshotDir(root)).toEqual(snapshotBlocked);
    expect(before['a.txt']).toBe(snapshotBlocked['a.txt']);
  });
});
