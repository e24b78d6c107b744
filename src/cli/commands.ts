/**
 * Everything main.ts runs after parsing arguments: the commands and, through
 * them, detection, templates, plan, apply and the validators. Loaded through
 * load-commands.ts, so `--help` and argument errors never load it.
 */
export { runGenerate } from './generate.js';
export { runDetect } from './commands/detect.js';
export { runCheck } from './commands/check.js';
