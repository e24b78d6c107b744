import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listFiles } from '../helpers/golden.js';
import { EXAMPLES_DIR } from '../helpers/testdir.js';

// Every relative link in the generated Markdown (DEPLOY.md, docs/, runbooks)
// points at a file of the stack, and every #anchor at one of its headings, as
// GitHub renders them: the docs send people from one step to the next.

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to dashes. */
const slug = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .replace(/\s/g, '-');

function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    const m = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = slug(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** [text](target) links outside code, with their targets. */
function linksOf(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
}

describe.each(['node-express', 'python-fastapi', 'go-http', 'java-spring'])('doc links of examples/%s', (example) => {
  it('lead to files of the stack and to headings that exist', () => {
    const root = join(EXAMPLES_DIR, example, 'expected');
    const docs = listFiles(root).filter((p) => p.endsWith('.md'));
    expect(docs.length).toBeGreaterThan(0);
    const broken: string[] = [];
    for (const doc of docs) {
      for (const target of linksOf(readFileSync(join(root, doc), 'utf8'))) {
        if (/^[a-z][a-z+.-]*:/i.test(target)) continue; // https:, mailto:
        const [path = '', anchor] = target.split('#');
        const file = path === '' ? join(root, doc) : join(root, dirname(doc), path);
        if (!existsSync(file)) {
          // Links into the application's own files (a README beside the stack) are not the stack's to check.
          if (!relative(root, file).startsWith('..')) broken.push(`${doc}: ${target} (no such file)`);
          continue;
        }
        if (anchor && file.endsWith('.md') && !anchorsOf(readFileSync(file, 'utf8')).has(anchor)) broken.push(`${doc}: ${target} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });
});
