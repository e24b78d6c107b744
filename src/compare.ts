/**
 * Orders strings by UTF-16 code units: the same on every machine, unlike
 * localeCompare (which follows the user's locale and is slow on first use).
 * Generated output must not depend on where it was generated.
 */
export const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
