/**
 * Loads commands.ts on first use. The published bundle replaces this module
 * (scripts/bundle.mjs): there the commands' code is kept as a string inside
 * the one bundle file and compiled only when a command runs.
 */
export const loadCommands = (): Promise<typeof import('./commands.js')> => import('./commands.js');
