/**
 * Dockerfile values. Exec-form arrays are JSON; LABEL/ENV values are
 * double-quoted with `\` `"` and `$` escaped so nothing is expanded.
 */
export function dockerfileExec(args: readonly string[]): string {
  return `[${args.map((a) => JSON.stringify(a)).join(', ')}]`;
}

export function dockerfileQuoted(value: string | number): string {
  return `"${String(value).replace(/[\\"$]/g, (c) => `\\${c}`).replace(/\n/g, ' ')}"`;
}
