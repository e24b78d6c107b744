import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { filesFromDisk, filesFromMap, MAX_FILE_BYTES } from '../../src/detect/repo-files.js';
import { joinPath, normalizePath, relativePath } from '../../src/detect/paths.js';

describe('filesFromMap', () => {
  const files = filesFromMap({
    'package.json': '{}',
    'apps/api/src/index.ts': 'x',
    'apps/web/package.json': '{}',
    'tests/': '',
  });

  it('implies directories from file paths and lists them sorted', () => {
    expect(files.list('.')).toEqual(['apps', 'package.json', 'tests']);
    expect(files.list('apps')).toEqual(['api', 'web']);
    expect(files.isDirectory('apps/api/src')).toBe(true);
    expect(files.isDirectory('package.json')).toBe(false);
  });

  it('accepts ./ prefixes and trailing slashes, and declares empty dirs with a trailing slash', () => {
    expect(files.read('./apps/api/src/index.ts')).toBe('x');
    expect(files.exists('apps/')).toBe(true);
    expect(files.isDirectory('tests')).toBe(true);
    expect(files.list('tests')).toEqual([]);
  });

  it('reads directories and missing files as undefined', () => {
    expect(files.read('apps')).toBeUndefined();
    expect(files.read('nope.txt')).toBeUndefined();
    expect(files.exists('nope.txt')).toBe(false);
    expect(files.list('nope')).toEqual([]);
  });

  it('rejects paths that climb out of the root', () => {
    expect(files.read('../package.json')).toBeUndefined();
    expect(files.exists('/etc/passwd')).toBe(false);
  });
});

describe('filesFromDisk', () => {
  let root: string;
  let outside: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'detect-root-'));
    outside = mkdtempSync(join(tmpdir(), 'detect-outside-'));
    writeFileSync(join(outside, 'secret.txt'), 'secret');
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'src', 'b.ts'), 'b');
    writeFileSync(join(root, 'src', 'a.ts'), 'a');
    writeFileSync(join(root, 'package.json'), '{"name":"x"}');
    writeFileSync(join(root, 'big.json'), 'x'.repeat(MAX_FILE_BYTES + 1));
    symlinkSync(join(outside, 'secret.txt'), join(root, 'link.txt'));
    symlinkSync(outside, join(root, 'linkdir'));
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('reads regular files and lists directories sorted', () => {
    const files = filesFromDisk(root);
    expect(files.read('package.json')).toBe('{"name":"x"}');
    expect(files.list('src')).toEqual(['a.ts', 'b.ts']);
    expect(files.isDirectory('src')).toBe(true);
    expect(files.read('src')).toBeUndefined();
  });

  it('treats symlinks (to files or directories) as absent', () => {
    const files = filesFromDisk(root);
    expect(files.read('link.txt')).toBeUndefined();
    expect(files.exists('link.txt')).toBe(false);
    expect(files.read('linkdir/secret.txt')).toBeUndefined();
    expect(files.isDirectory('linkdir')).toBe(false);
    expect(files.list('linkdir')).toEqual([]);
    expect(files.list('.')).not.toContain('link.txt');
    expect(files.list('.')).not.toContain('linkdir');
  });

  it('reads files over 1 MiB as undefined but still reports them as existing', () => {
    const files = filesFromDisk(root);
    expect(files.read('big.json')).toBeUndefined();
    expect(files.exists('big.json')).toBe(true);
  });

  it('follows a symlinked root itself (the user chose it)', () => {
    const link = `${root}-link`;
    symlinkSync(root, link);
    try {
      expect(filesFromDisk(link).read('package.json')).toBe('{"name":"x"}');
    } finally {
      rmSync(link);
    }
  });

  it('never reads above the root', () => {
    const files = filesFromDisk(join(root, 'src'));
    expect(files.read('../package.json')).toBeUndefined();
    expect(files.exists('..')).toBe(false);
  });
});

describe('paths', () => {
  it('normalises and joins repository-relative paths', () => {
    expect(normalizePath('./a//b/../c/')).toBe('a/c');
    expect(normalizePath('')).toBe('.');
    expect(normalizePath('../x')).toBeNull();
    expect(joinPath('.', 'a', 'b')).toBe('a/b');
    // Paths that are normal already come back as they are; every other shape is rewritten or refused.
    for (const p of ['a', 'a/b.c', '.github/workflows', '...', 'a/..b', 'a./b', 'c:d']) expect(normalizePath(p)).toBe(p);
    expect(normalizePath('a/./b')).toBe('a/b');
    expect(normalizePath('a/.')).toBe('a');
    expect(normalizePath('a/..')).toBe('.');
    expect(normalizePath('a\\b')).toBe('a/b');
    expect(normalizePath('a/b/')).toBe('a/b');
    expect(normalizePath('/etc')).toBeNull();
    expect(normalizePath('C:/x')).toBeNull();
    expect(normalizePath('C:\\x')).toBeNull();
  });

  it('computes relative paths between directories', () => {
    expect(relativePath('apps/api', 'pnpm-lock.yaml')).toBe('../../pnpm-lock.yaml');
    expect(relativePath('.', 'a/b')).toBe('a/b');
    expect(relativePath('a', 'a')).toBe('.');
  });
});
