import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Answers } from '../../src/answers/options.js';
import { applyPlan, nextManifest } from '../../src/apply/apply-plan.js';
import { BASES_PATH, BaseStore, LEGACY_BASE_DIR, parseBases, serializeBases, type BaseRecord } from '../../src/apply/base-store.js';
import { blobId } from '../../src/apply/blob-id.js';
import { readManifest } from '../../src/apply/manifest.js';
import { TargetPaths } from '../../src/apply/safe-path.js';
import { buildPlan, type PlanOptions } from '../../src/plan/build-plan.js';
import type { LayerName } from '../../src/plan/tree.js';
import { Tree } from '../../src/plan/tree.js';
import { testdir } from '../helpers/testdir.js';

const record = (path: string, content: string): BaseRecord => ({ path, blob: blobId(content), content });
const answers = { language: 'node', cloud: 'aws', runtime: 'ecs-fargate', iac: 'terraform', environments: ['staging', 'production'], strategy: 'rolling', monitoring: 'prometheus', ci: 'github-actions', serviceName: 'shop', region: 'us-east-1', port: 3000, healthPath: '/healthz', readinessPath: '/healthz', serviceDir: '.', slo: 99.9, team: 'platform' } satisfies Answers;
const tool = { name: 'create-devops-stack', version: '0.0.0-test' };

/** Renders `files` as `layer` only (as `add <layer>` and upgrade do), plans and applies. */
async function generate(root: string, layer: LayerName, files: Record<string, string>, mode: PlanOptions['mode'] = 'init') {
  const tree = new Tree();
  for (const [p, c] of Object.entries(files)) tree.write(p, c, layer);
  const previous = readManifest(root);
  const plan = await buildPlan(root, tree, previous, { onConflict: 'fail', layers: [layer], mode });
  await applyPlan(plan, nextManifest(plan, previous, answers, tool));
  return plan;
}

describe('the merge-base store', () => {
  it('reads back exactly what it wrote, whatever the content looks like', () => {
    const tricky = [
      record('a/no-newline.txt', 'no trailing newline'),
      record('b.md', `${'0'.repeat(40)} 12 looks/like/a/header\nnext line\n`),
      record('c.txt', 'ünïcödé → bytes ≠ characters\n'),
      record('d empty.txt', ''),
    ];
    const text = serializeBases([...tricky].reverse());
    expect(parseBases(Buffer.from(text))).toEqual(tricky);
    // Sorted by path, one readable record per file: a diff of it reads like the files'.
    expect(text.split('\n').slice(0, 3)).toEqual([expect.stringMatching(/^# create-devops-stack merge bases/), `${tricky[0]!.blob} 19 a/no-newline.txt`, 'no trailing newline']);
  });

  it('a damaged store loses bases, never returns a wrong one', () => {
    const good = record('good.txt', 'kept\n');
    const edited = record('edited.txt', 'original\n');
    const text = serializeBases([edited, good]).replace('original\n', 'ORIGINAL\n');
    expect(parseBases(Buffer.from(text))).toEqual([good]);
    // Cut short in the middle of a record: the records before it are still read.
    const whole = serializeBases([record('a', 'A\n'), record('b', 'B\n')]);
    expect(parseBases(Buffer.from(whole.slice(0, -2))).map((r) => r.path)).toEqual(['a']);
    expect(parseBases(Buffer.from('# title only\n'))).toEqual([]);
    expect(parseBases(Buffer.from('garbage\nnot a header\n'))).toEqual([]);
  });

  it('a missing base makes an edited file a conflict that names the store', async () => {
    const root = testdir();
    await generate(root, 'docker', { Dockerfile: 'FROM a\n' });
    writeFileSync(join(root, 'Dockerfile'), 'FROM a\n# mine\n');
    writeFileSync(join(root, BASES_PATH), '# emptied by hand\n');
    const plan = await buildPlan(root, (() => { const t = new Tree(); t.write('Dockerfile', 'FROM b\n', 'docker'); return t; })(), readManifest(root), { onConflict: 'fail', layers: ['docker'], mode: 'upgrade' });
    expect(plan.entries[0]).toMatchObject({ kind: 'conflict', reason: `you edited it and the previous version is missing from ${BASES_PATH}` });
  });

  it('adding a layer keeps the bases of the layers it did not render', async () => {
    const root = testdir();
    await generate(root, 'docker', { Dockerfile: 'FROM a\n' });
    await generate(root, 'pipeline', { '.github/workflows/ci.yml': 'on: push\n' });
    const records = parseBases(readFileSync(join(root, BASES_PATH)));
    expect(records.map((r) => [r.path, r.content])).toEqual([
      ['.github/workflows/ci.yml', 'on: push\n'],
      ['Dockerfile', 'FROM a\n'],
    ]);
  });

  it('upgrades from per-file bases (earlier versions): merges with them, then moves them into the store', async () => {
    const root = testdir();
    await generate(root, 'docker', { Dockerfile: 'FROM a\nRUN one\n' });
    // What an earlier version left: one file per base, no store file.
    const base = 'FROM a\nRUN one\n';
    mkdirSync(join(root, LEGACY_BASE_DIR), { recursive: true });
    writeFileSync(join(root, LEGACY_BASE_DIR, blobId(base)), base);
    writeFileSync(join(root, LEGACY_BASE_DIR, blobId('stale\n')), 'stale\n');
    const { rmSync } = await import('node:fs');
    rmSync(join(root, BASES_PATH));
    expect(new BaseStore(new TargetPaths(root)).get(blobId(base))).toBe(base);
    writeFileSync(join(root, 'Dockerfile'), 'FROM a\nRUN one\n# mine\n');
    const plan = await generate(root, 'docker', { Dockerfile: 'FROM b\nRUN one\n' }, 'upgrade');
    expect(plan.entries[0]!.kind).toBe('merge');
    expect(readFileSync(join(root, 'Dockerfile'), 'utf8')).toBe('FROM b\nRUN one\n# mine\n');
    expect(existsSync(join(root, LEGACY_BASE_DIR))).toBe(false);
    expect(parseBases(readFileSync(join(root, BASES_PATH))).map((r) => r.content)).toEqual(['FROM b\nRUN one\n']);
  });
});
