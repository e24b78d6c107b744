import { describe, expect, it } from 'vitest';
import { droppedRootNotes } from '../../src/cli/dropped-roots.js';
import type { Plan, PlanEntry } from '../../src/plan/plan-types.js';

const entry = (path: string, kind: PlanEntry['kind']): PlanEntry => ({ path, kind, layer: 'infra', before: 'x', after: null, generated: null, executable: false, reason: null });
const plan = (entries: PlanEntry[]): Plan => ({ root: '/repo', entries, layers: ['infra'] });

describe('droppedRootNotes', () => {
  it('warns once per deleted root, environments before bootstrap, whose bucket holds their state', () => {
    const notes = droppedRootNotes(
      plan([
        entry('infra/bootstrap/main.tf', 'delete'),
        entry('infra/bootstrap/variables.tf', 'delete'),
        entry('infra/envs/staging/main.tf', 'delete'),
        entry('infra/modules/service/main.tf', 'delete'),
      ]),
      'tofu',
    );
    expect(notes).toHaveLength(2);
    expect(notes[0]).toMatch(/^infra\/envs\/staging is no longer generated .* run `tofu destroy` in infra\/envs\/staging first/);
    expect(notes[1]).toMatch(/^infra\/bootstrap is no longer generated .* destroy the environments first, then run `tofu destroy` in infra\/bootstrap \(lifting the prevent_destroy/);
  });

  it('says nothing when the roots stay or only modules go', () => {
    expect(droppedRootNotes(plan([entry('infra/envs/prod/main.tf', 'update'), entry('infra/modules/network/main.tf', 'delete')]), 'terraform')).toEqual([]);
  });
});
