import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import nodePlop from 'node-plop';
import registerGenerators from '../../generators/index.js';
import type { RenderAction } from '../../generators/layer.js';
import { TEMPLATES_DIR } from '../package-root.js';
import { Tree, type LayerName } from '../plan/tree.js';
import type { Stack } from '../stack/types.js';
import { createTemplateEnv, renderTemplate, type TemplateEnv } from './handlebars-env.js';

type TaggedAction = RenderAction & { layer: LayerName };

/**
 * Runs the plop generator `generator` ('stack' or a layer name) and returns
 * what it rendered, in memory. Template failures are collected and thrown
 * together, so a broken template never leaves a partial tree behind.
 */
export async function renderStack(stack: Stack, generator: LayerName, templatesDir = TEMPLATES_DIR): Promise<Tree> {
  const tree = new Tree();
  const env = createTemplateEnv();
  const sources = new Map<string, string>();
  const plop = await nodePlop('', { destBasePath: '/nonexistent', force: false });
  registerGenerators(plop);
  plop.setActionType('render', (data, config) => {
    const action = config as unknown as TaggedAction;
    const source = readTemplate(templatesDir, action.template, sources);
    const stackData = (data as { stack: Stack }).stack;
    const context = action.data === undefined ? stackData : { ...stackData, ...action.data };
    const content = renderTemplate(env, source, context, action.template);
    tree.write(action.path, content, action.layer, action.executable === true);
    return action.path;
  });
  const { failures } = await plop.getGenerator(generator).runActions({ stack });
  if (failures.length > 0) {
    const first = failures[0]!;
    throw new Error(`${failures.length} template(s) failed; first: ${first.error ?? first.message}`);
  }
  return tree;
}

function readTemplate(dir: string, name: string, cache: Map<string, string>): string {
  let source = cache.get(name);
  if (source === undefined) {
    source = readFileSync(join(dir, name), 'utf8');
    cache.set(name, source);
  }
  return source;
}

export type { TemplateEnv };
