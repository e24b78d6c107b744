import type { OptionName } from '../src/answers/options.js';
import type { LayerName } from '../src/plan/tree.js';
import type { Stack } from '../src/stack/types.js';

/**
 * Our one plop action type. It renders `templates/<template>` with the Stack
 * into the in-memory Tree at `path` (relative to the target root). plop's own
 * add/addMany write straight to disk, so they are never used.
 */
export interface RenderAction {
  type: 'render';
  /** Relative to templates/, e.g. 'docker/node/Dockerfile.hbs'. */
  template: string;
  /** Destination relative to the target root, e.g. 'services/api/Dockerfile'. */
  path: string;
  executable?: boolean;
  /**
   * Extra template context for this action only, merged over the Stack (e.g.
   * the runbook of one alert when one template renders a file per alert).
   */
  data?: Readonly<Record<string, unknown>>;
}

/** A layer of the stack, registered with plop as a generator of the same name. */
export interface LayerGenerator {
  name: Exclude<LayerName, 'stack'>;
  description: string;
  /** The options this layer's output depends on (what `add <layer>` asks). */
  options: readonly OptionName[];
  /** Whether the layer writes anything for these answers (e.g. infra with --iac none). */
  enabled(stack: Stack): boolean;
  /** Which templates to render where, for this Stack. Pure. */
  actions(stack: Stack): RenderAction[];
}
