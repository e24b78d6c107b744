import { createTwoFilesPatch } from 'diff';
import type { PlanEntry } from './plan-types.js';

/** Unified diff of one plan entry (git-style a/ b/ names), or '' when nothing changes. */
export function entryDiff(e: PlanEntry): string {
  if (e.after === e.before) return '';
  const patch = createTwoFilesPatch(
    e.before === null ? '/dev/null' : `a/${e.path}`,
    e.after === null ? '/dev/null' : `b/${e.path}`,
    e.before ?? '',
    e.after ?? '',
    undefined,
    undefined,
    { context: 3 },
  );
  // Drop the "Index:"/"====" preamble jsdiff adds; keep ---/+++ and hunks.
  return patch.split('\n').filter((l, i) => i > 1 || (!l.startsWith('Index:') && !l.startsWith('==='))).join('\n');
}
