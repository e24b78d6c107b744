import { describe, expect, it } from 'vitest';
import { normalizeTreePath, Tree } from '../../src/plan/tree.js';

describe('Tree', () => {
  it('normalizes paths and keeps a sorted order', () => {
    const t = new Tree();
    t.write('./b/x.yml', 'b', 'pipeline');
    t.write('a//Dockerfile', 'a', 'docker');
    expect(t.paths()).toEqual(['a/Dockerfile', 'b/x.yml']);
  });

  it.each(['/etc/passwd', '../x', 'a/../../x', 'C:/x', 'a\\b', 'dir/', '.'])('rejects %s', (p) => {
    expect(() => normalizeTreePath(p)).toThrow();
  });

  it('rejects two templates writing the same file', () => {
    const t = new Tree();
    t.write('Dockerfile', 'a', 'docker');
    expect(() => t.write('./Dockerfile', 'b', 'docker')).toThrow(/two templates/);
  });
});
