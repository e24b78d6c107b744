/**
 * A YAML scalar for any string: plain when it is unambiguous, else double-quoted
 * (JSON string syntax is valid YAML). Never lets a value start a comment, an
 * anchor, a flow collection or turn into a bool/number/null.
 */
const PLAIN = /^[A-Za-z0-9_./][A-Za-z0-9_./@:+-]*$/;
const RESERVED = /^(true|false|yes|no|on|off|y|n|null|~|-?\d[\d_.eE+-]*|0x[0-9a-fA-F]+|0o[0-7]+|\.inf|\.nan)$/i;

export function yamlScalar(value: string | number | boolean): string {
  if (typeof value !== 'string') return String(value);
  if (PLAIN.test(value) && !RESERVED.test(value) && !value.includes(': ') && !value.endsWith(':')) return value;
  return JSON.stringify(value);
}

/**
 * A YAML value for a possibly multi-line string: a literal block (`|`) whose
 * lines are indented by `indent` spaces, so a script reads as written; a
 * single line is yamlScalar's. A first line starting with a space would need
 * an indentation indicator: such values are quoted instead.
 */
export function yamlBlock(value: string, indent: number): string {
  if (!value.includes('\n') || /^\s/.test(value)) return yamlScalar(value);
  const pad = ' '.repeat(indent);
  const lines = value.replace(/\n+$/, '').split('\n');
  return `|\n${lines.map((l) => (l === '' ? '' : `${pad}${l.replace(/\s+$/, '')}`)).join('\n')}`;
}
