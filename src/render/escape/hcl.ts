/**
 * An HCL quoted string. Besides JSON-style escapes, `${` and `%{` start
 * interpolation/directives in HCL templates and must be doubled to stay literal.
 */
export function hclString(value: string | number | boolean): string {
  if (typeof value !== 'string') return String(value);
  const json = JSON.stringify(value);
  return json.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}
