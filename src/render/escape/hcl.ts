/**
 * An HCL quoted string. Besides JSON-style escapes, `${` and `%{` start
 * interpolation/directives in HCL templates and must be doubled to stay literal.
 */
export function hclString(value: string | number | boolean): string {
  if (typeof value !== 'string') return String(value);
  const json = JSON.stringify(value);
  return json.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}

/**
 * A list or map of scalars as HCL, in the layout `terraform fmt` writes:
 * `["a", "b"]` on one line; a map as one item per line, `=` aligned, its
 * items indented `indent` spaces more than the attribute it is the value of.
 */
export function hclValue(value: unknown, indent = 0): string {
  if (Array.isArray(value)) return `[${value.map((v) => hclString(scalarOf(v))).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    const keys = entries.map(([k]) => hclString(k));
    const width = Math.max(...keys.map((k) => k.length));
    const pad = ' '.repeat(indent + 2);
    const items = entries.map(([, v], i) => `${pad}${keys[i]!.padEnd(width)} = ${hclString(scalarOf(v))}`);
    return `{\n${items.join('\n')}\n${' '.repeat(indent)}}`;
  }
  throw new Error(`hclValue needs a list or a map, got ${typeof value}`);
}

function scalarOf(v: unknown): string | number | boolean {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  throw new Error(`hclValue: only lists and maps of strings, numbers and booleans, got ${typeof v}`);
}
