import type { Plan } from '../plan/plan-types.js';

/**
 * An environment dropped from the answers: its root's files are deleted,
 * but what it created keeps running, and without the root nothing destroys
 * it. Say so before the files go. `cli`: terraform or tofu.
 */
export function droppedRootNotes(plan: Plan, cli: string): string[] {
  const roots = new Set<string>();
  for (const e of plan.entries) {
    const root = /^(infra\/envs\/[^/]+)\//.exec(e.path)?.[1];
    if (e.kind === 'delete' && root !== undefined) roots.add(root);
  }
  return [...roots].map(
    (root) => `${root} is no longer generated and its files are deleted, but its resources keep running: run \`${cli} destroy\` in ${root} first (or restore it from git to do so later)`,
  );
}
