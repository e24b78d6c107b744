import type { EnvironmentStack } from './types.js';

/** Environments in promotion order; the last one is treated as production. */
export function buildEnvironments(names: readonly string[]): EnvironmentStack[] {
  return names.map((name, index) => ({
    name,
    index,
    isFirst: index === 0,
    isProduction: index === names.length - 1,
    previous: index === 0 ? null : (names[index - 1] ?? null),
  }));
}
