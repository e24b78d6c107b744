import { posix } from 'node:path';

// Relative links and #anchors in generated Markdown, followed as GitHub
// renders them: to a file of the stack, and to one of its headings.

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to dashes. */
export function headingSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a Markdown file's headings (outside code), repeats numbered as GitHub does. */
export function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    const m = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = headingSlug(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** [text](target) link targets outside code. */
function linksOf(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
}

// Where the stack writes: a link there must find a file; any other is into the app's own files.
const STACK_PATH = /^(docs|monitoring|infra|\.github)\/|^DEPLOY\.md$/;

/**
 * `files`: every file of the stack (path relative to the repository root → content).
 * Returns each broken link as `<file>: <target> (why)`.
 */
export function brokenDocLinks(files: ReadonlyMap<string, string>): string[] {
  const exists = (path: string) => files.has(path) || [...files.keys()].some((p) => p.startsWith(`${path.replace(/\/$/, '')}/`));
  const broken: string[] = [];
  for (const [doc, content] of files) {
    if (!doc.endsWith('.md')) continue;
    for (const target of linksOf(content)) {
      if (/^[a-z][a-z+.-]*:/i.test(target)) continue; // https:, mailto:
      const [path = '', anchor] = target.split('#');
      const file = path === '' ? doc : posix.normalize(posix.join(posix.dirname(doc), path));
      if (!exists(file)) {
        if (STACK_PATH.test(file)) broken.push(`${doc}: ${target} (no such file)`);
        continue;
      }
      const text = files.get(file);
      if (anchor && text !== undefined && file.endsWith('.md') && !anchorsOf(text).has(anchor)) broken.push(`${doc}: ${target} (no such heading)`);
    }
  }
  return broken;
}
