import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import nodePlop from 'node-plop';
import registerGenerators from '../../generators/index.js';
import type { RenderAction } from '../../generators/layer.js';
import { TEMPLATES_DIR } from '../package-root.js';
import { Tree, type LayerName } from '../plan/tree.js';
import type { Stack } from '../stack/types.js';
import { compileTemplate, createTemplateEnv, templateFromSpec, type TemplateEnv } from './handlebars-env.js';
import { precompiledSpec } from './precompiled-templates.js';

type TaggedAction = RenderAction & { layer: LayerName };

/**
 * Runs the plop generator `generator` ('stack' or a layer name) and returns
 * what it rendered, in memory. Template failures are collected and thrown
 * together, so a broken template never leaves a partial tree behind.
 */
export async function renderStack(stack: Stack, generator: LayerName, templatesDir = TEMPLATES_DIR): Promise<Tree> {
  const tree = new Tree();
  const plop = await nodePlop('', { destBasePath: '/nonexistent', force: false });
  registerGenerators(plop);
  plop.setActionType('render', (data, config) => {
    const action = config as unknown as TaggedAction;
    const stackData = (data as { stack: Stack }).stack;
    const context = action.data === undefined ? stackData : { ...stackData, ...action.data };
    const content = compiledTemplate(templatesDir, action.template)(context);
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

let env: TemplateEnv | undefined;
/** Templates are files of the installed package: compile each once per process. */
const compiled = new Map<string, (context: object) => string>();

function compiledTemplate(dir: string, name: string): (context: object) => string {
  const key = `${dir}\0${name}`;
  let fn = compiled.get(key);
  if (fn === undefined) {
    const templateEnv = (env ??= createTemplateEnv());
    const spec = dir === TEMPLATES_DIR ? precompiledSpec(name) : undefined;
    fn = spec !== undefined ? templateFromSpec(templateEnv, spec, name) : compileTemplate(templateEnv, readFileSync(join(dir, name), 'utf8'), name);
    compiled.set(key, fn);
  }
  return fn;
}

export type { TemplateEnv };
