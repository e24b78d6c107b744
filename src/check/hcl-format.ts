import type { Finding } from './types.js';
import { scanHcl } from './hcl-scan.js';

/**
 * Checks that a .tf file is in the layout `terraform fmt` / `tofu fmt` writes:
 * 2-space indentation by bracket nesting (hclwrite's indent stack), `=` of
 * consecutive single-line attributes aligned one column after the longest
 * name, one space after `=`, a space after `,` and around `:`, no tabs, no trailing whitespace, one final newline.
 */
export function checkHclFormat(path: string, source: string): Finding[] {
  const findings: Finding[] = [];
  const add = (line: number, message: string) =>
    findings.push({ path, line, rule: 'hcl/fmt', message: `${message} (run \`terraform fmt\`)`, severity: 'error' });
  // Missing newline: report the last line; extra blank lines: the first of them.
  if (!source.endsWith('\n')) add(source.split('\n').length, 'file must end with exactly one newline');
  else if (source.endsWith('\n\n')) add(source.trimEnd().split('\n').length + 1, 'file must end with exactly one newline');
  const lines = scanHcl(source.endsWith('\n') ? source.slice(0, -1) : source);
  const indents: number[] = [];
  let chain: Array<{ line: number; lead: number; assign: number }> = [];
  const closeChain = () => {
    const width = Math.max(...chain.map((c) => c.lead));
    for (const c of chain) if (c.assign !== width + 1) add(c.line, `"=" must be at column ${width + 2} to align with its neighbours`);
    chain = [];
  };
  lines.forEach((l, i) => {
    const n = i + 1;
    if (/[ \t]+$/.test(l.text)) add(n, 'trailing whitespace');
    if (l.text.includes('\t')) add(n, 'tab character');
    const trimmed = l.text.trimStart();
    if (trimmed === '') {
      if (chain.length > 0) closeChain();
      return;
    }
    // hclwrite: a line with net openers is indented at the current level and
    // pushes one level; a line with net closers pops first.
    let expected: number;
    if (l.netBrackets > 0) {
      expected = 2 * indents.length;
      indents.push(l.netBrackets);
    } else {
      let closed = -l.netBrackets;
      while (closed > 0 && indents.length > 0) {
        const top = indents[indents.length - 1]!;
        if (closed >= top) {
          closed -= top;
          indents.pop();
        } else {
          indents[indents.length - 1] = top - closed;
          closed = 0;
        }
      }
      expected = 2 * indents.length;
    }
    const actual = l.text.length - trimmed.length;
    if (actual !== expected) add(n, `indent is ${actual} spaces, expected ${expected}`);
    for (const col of l.doubleSpaces) add(n, `extra spaces at column ${col + 1}`);
    for (const col of l.tightPunctuation) add(n, `"${l.text[col]}" at column ${col + 1} needs a space ${l.text[col] === ',' ? 'after it' : 'either side'}`);
    const single = l.assign > 0 && l.assignNet === 0 && !l.commentOnly;
    if (single) {
      const lead = l.text.slice(0, l.assign).trimEnd().length;
      if (l.text[l.assign + 1] !== undefined && l.text[l.assign + 1] !== ' ') add(n, 'one space after "="');
      if (l.text[l.assign + 2] === ' ') add(n, 'one space after "="');
      chain.push({ line: n, lead, assign: l.assign });
    } else {
      if (chain.length > 0) closeChain();
      if (l.assign > 0 && l.text[l.assign - 2] === ' ') add(n, 'one space before "=" of a multi-line value');
    }
  });
  if (chain.length > 0) closeChain();
  return findings;
}
