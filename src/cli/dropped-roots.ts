import type { Plan } from '../plan/plan-types.js';

/**
 * A Terraform root no longer generated (an environment dropped from the
 * answers, or the bootstrap root when IaC is turned off): its files are
 * deleted, but what it created keeps running, and without the root nothing
 * destroys it. Say so before the files go. `cli`: terraform or tofu.
 */
export function droppedRootNotes(plan: Plan, cli: string): string[] {
  const roots = new Set<string>();
  for (const e of plan.entries) {
    const root = /^(infra\/(?:envs\/[^/]+|bootstrap))\//.exec(e.path)?.[1];
    if (e.kind === 'delete' && root !== undefined) roots.add(root);
  }
  return [...roots].sort(bootstrapLast).map((root) =>
    root === 'infra/bootstrap'
      ? `${root} is no longer generated and its files are deleted, but the state storage, CI identities and image registry it created keep running: destroy the environments first, then run \`${cli} destroy\` in ${root} (lifting the prevent_destroy on its state storage), or restore it from git to do so later`
      : `${root} is no longer generated and its files are deleted, but its resources keep running: run \`${cli} destroy\` in ${root} first (or restore it from git to do so later)`,
  );
}

/** The environments' roots before bootstrap's: their state lives in the bucket it made. */
function bootstrapLast(a: string, b: string): number {
  return Number(a === 'infra/bootstrap') - Number(b === 'infra/bootstrap') || a.localeCompare(b);
}
