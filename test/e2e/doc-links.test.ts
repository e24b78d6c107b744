import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { brokenDocLinks } from '../helpers/doc-links.js';
import { listFiles } from '../helpers/golden.js';
import { EXAMPLES_DIR } from '../helpers/testdir.js';

// Every relative link in the examples' generated Markdown (DEPLOY.md, docs/,
// runbooks) points at a file of the stack, and every #anchor at one of its
// headings, as GitHub renders them: the docs send people from one step to the
// next. (The matrix test applies the same check to every combination.)

describe.each(['node-express', 'python-fastapi', 'go-http', 'java-spring'])('doc links of examples/%s', (example) => {
  it('lead to files of the stack and to headings that exist', () => {
    const root = join(EXAMPLES_DIR, example, 'expected');
    const files = new Map(listFiles(root).map((p) => [p, readFileSync(join(root, p), 'utf8')]));
    expect([...files.keys()].filter((p) => p.endsWith('.md')).length).toBeGreaterThan(0);
    expect(brokenDocLinks(files)).toEqual([]);
  });
});
