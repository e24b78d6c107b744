/**
 * What main.ts runs after parsing arguments, except `check` (see
 * load-commands.ts): detection, answers, templates, plan and apply.
 */
export { runGenerate } from './generate.js';
export { runDetect } from './commands/detect.js';
