/**
 * Loads the commands on first use, so `--help` and argument errors load
 * neither. In the published bundle each of these import()s is a lazy chunk
 * (scripts/bundle.mjs), compiled only when its command runs: `check`'s
 * validators never load for init, add or upgrade.
 */
export const loadCommands = (): Promise<typeof import('./commands.js')> => import('./commands.js');
export const loadCheck = (): Promise<typeof import('./commands/check.js')> => import('./commands/check.js');
