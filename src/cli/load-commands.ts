/**
 * Loads the commands on first use, so `--help` and argument errors load
 * neither. The published bundle replaces this module (scripts/bundle.mjs):
 * there each loader's code is kept as a string inside the one bundle file
 * and compiled only when its command runs; `check`'s validators never load
 * for init, add or upgrade.
 */
export const loadCommands = (): Promise<typeof import('./commands.js')> => import('./commands.js');
export const loadCheck = (): Promise<typeof import('./commands/check.js')> => import('./commands/check.js');
