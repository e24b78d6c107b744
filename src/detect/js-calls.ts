/** Reading call expressions out of JavaScript/TypeScript source text, without a parser. */

/** JavaScript/TypeScript source extensions, in the order an import resolves them (TypeScript first). */
export const JS_SOURCE_EXTS = ['.ts', '.mts', '.cts', '.tsx', '.js', '.mjs', '.cjs', '.jsx'] as const;

/** The top-level arguments of a call, from the index of its '(' (nested brackets kept whole). */
export function callArguments(text: string, open: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '{' || c === '[') depth++;
    else if (c === ')' || c === '}' || c === ']') depth--;
    if ((depth === 1 && c === ',') || depth === 0) {
      args.push(text.slice(start, i).trim());
      start = i + 1;
      if (depth === 0) break;
    }
  }
  return args.filter((a) => a !== '');
}

/** The arguments of every `.method(...)` call in the text, in order. */
export function methodCalls(text: string, method: string): string[][] {
  const out: string[][] = [];
  const needle = `.${method}(`;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) {
    out.push(callArguments(text, at + needle.length - 1));
  }
  return out;
}

/** The value of a plain string literal ('api', "api", `api` without ${}), or null for any other expression. */
export function stringLiteral(expr: string): string | null {
  const m = /^(['"`])([^'"`$\\]*)\1$/.exec(expr.trim());
  return m ? (m[2] ?? '') : null;
}
