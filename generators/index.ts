import type { NodePlopAPI } from 'node-plop';
import { dockerLayer } from './docker.js';
import { infraLayer } from './infra.js';
import { monitoringLayer } from './monitoring.js';
import { pipelineLayer } from './pipeline.js';
import type { LayerGenerator, RenderAction } from './layer.js';
import type { Stack } from '../src/stack/types.js';

/** The stack's own file: the index of the layers' docs, written by the whole-stack generator only. */
export const STACK_INDEX_PATH = 'DEPLOY.md';

/** Every layer, in the order their files are planned and listed. */
export const LAYERS: readonly LayerGenerator[] = [dockerLayer, pipelineLayer, infraLayer, monitoringLayer];

/**
 * The plopfile: one generator per layer, plus `stack` composing them all.
 * Generators get `{ stack }` as their data and return `render` actions.
 */
/** A layer's actions for this Stack, each tagged with the layer (recorded in the manifest). */
export function layerActions(layer: LayerGenerator, stack: Stack): Array<RenderAction & { layer: LayerGenerator['name'] }> {
  return layer.enabled(stack) ? layer.actions(stack).map((a) => ({ ...a, layer: layer.name })) : [];
}

const stackOf = (data: unknown): Stack => (data as { stack: Stack }).stack;

export default function registerGenerators(plop: NodePlopAPI): void {
  for (const layer of LAYERS) {
    plop.setGenerator(layer.name, {
      description: layer.description,
      prompts: [],
      actions: (data) => layerActions(layer, stackOf(data)),
    });
  }
  plop.setGenerator('stack', {
    description: 'The whole DevOps stack: every layer the answers enable',
    prompts: [],
    actions: (data) => [
      ...LAYERS.flatMap((l) => layerActions(l, stackOf(data))),
      // The index of the layers' docs belongs to the whole stack.
      { type: 'render', template: 'stack/DEPLOY.md.hbs', path: STACK_INDEX_PATH, layer: 'stack' },
    ],
  });
}
