import { entryDiff } from '../plan/diff.js';
import type { Plan, PlanKind } from '../plan/plan-types.js';
import type { Output } from './output.js';

const LABEL: Record<PlanKind, [string, 'green' | 'yellow' | 'red' | 'cyan' | 'dim']> = {
  create: ['CREATE', 'green'],
  update: ['UPDATE', 'cyan'],
  merge: ['MERGE', 'cyan'],
  conflict: ['CONFLICT', 'red'],
  unmerged: ['UNMERGED', 'red'],
  keep: ['KEEP', 'yellow'],
  delete: ['DELETE', 'yellow'],
  orphan: ['ORPHAN', 'yellow'],
  'deleted-by-user': ['DELETED', 'dim'],
  unchanged: ['UNCHANGED', 'dim'],
};

/** Counts per kind, in a fixed order. */
export function planCounts(plan: Plan): Partial<Record<PlanKind, number>> {
  const counts: Partial<Record<PlanKind, number>> = {};
  for (const e of plan.entries) counts[e.kind] = (counts[e.kind] ?? 0) + 1;
  return counts;
}

/** The plan as a table (one line per file), optionally with unified diffs. */
export function renderPlan(plan: Plan, out: Output, opts: { diffs: boolean }): void {
  for (const e of plan.entries) {
    const [label, style] = LABEL[e.kind];
    const reason = e.reason && e.kind !== 'unchanged' ? out.color('dim', `  (${e.reason})`) : '';
    out.out(`  ${out.color(style, label.padEnd(9))} ${e.path}${reason}`);
  }
  const summary = Object.entries(planCounts(plan)).map(([k, n]) => `${n} ${k}`).join(', ');
  out.out(`  ${summary || 'nothing to do'}`);
  if (!opts.diffs) return;
  for (const e of plan.entries) {
    const d = entryDiff(e);
    if (d) out.out(`\n${d}`);
  }
}

/** The plan as JSON for --json: entries without file contents, plus diffs. */
export function planJson(plan: Plan): object {
  return {
    root: plan.root,
    counts: planCounts(plan),
    entries: plan.entries.map((e) => ({ path: e.path, kind: e.kind, layer: e.layer, reason: e.reason, diff: entryDiff(e) })),
  };
}
