import { describe, expect, it } from 'vitest';
import { filesFromMap, type RepoFiles } from '../../src/detect/index.js';
import { MAX_WALK_ENTRIES, walkFiles } from '../../src/detect/scan.js';

/** `files` with a count of the directory entries walks were handed. */
function counting(files: RepoFiles): { files: RepoFiles; seen: () => number } {
  let seen = 0;
  return {
    files: {
      ...files,
      list: (dir) => {
        const names = files.list(dir);
        seen += names.length;
        return names;
      },
    },
    seen: () => seen,
  };
}

describe('walkFiles', () => {
  it('lists breadth-first, shallow files first and by name, skipping dependency and hidden folders', () => {
    const files = filesFromMap({
      'b.ts': '',
      'a.js': '',
      'src/deep/x.ts': '',
      'src/y.ts': '',
      'README.md': '',
      'node_modules/lib/index.js': '',
      '.cache/z.ts': '',
    });
    expect(walkFiles(files, '.', { exts: ['.ts', '.js'], maxDepth: 5, maxFiles: 100 })).toEqual(['a.js', 'b.ts', 'src/y.ts', 'src/deep/x.ts']);
  });

  it('stops at maxDepth and at maxFiles', () => {
    const files = filesFromMap({ 'a.ts': '', 'b.ts': '', 'c/d.ts': '' });
    expect(walkFiles(files, '.', { exts: ['.ts'], maxDepth: 0, maxFiles: 100 })).toEqual(['a.ts', 'b.ts']);
    expect(walkFiles(files, '.', { exts: ['.ts'], maxDepth: 5, maxFiles: 1 })).toEqual(['a.ts']);
  });

  it('gives up after MAX_WALK_ENTRIES entries, so a repo full of data files costs no more than a small one', () => {
    const data: Record<string, string> = { 'src/app.ts': '' };
    for (let i = 0; i < 3 * MAX_WALK_ENTRIES; i++) data[`data/d${Math.floor(i / 100)}/f${i}.txt`] = '';
    const { files, seen } = counting(filesFromMap(data));
    const found = walkFiles(files, '.', { exts: ['.ts'], maxDepth: 5, maxFiles: 100 });
    // Shallow sources come before the cap; the data folders use up the rest of it.
    expect(found).toContain('src/app.ts');
    expect(seen()).toBeLessThanOrEqual(MAX_WALK_ENTRIES + 100);
  });
});
