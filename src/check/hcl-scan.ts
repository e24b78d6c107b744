/**
 * A small line scanner for HCL source: tells, per line, where code is (as
 * opposed to strings and comments), the net bracket change, and the first
 * `=` attribute assignment. Enough to check `terraform fmt` layout without
 * terraform; the real parse is tree-sitter's (hcl-parse.ts).
 */
export interface ScannedLine {
  text: string;
  /** Net change of `{ [ ( ${` openers minus closers, counted like hclwrite. */
  netBrackets: number;
  /** Column (0-based) of the first attribute `=` (not `==`, `!=`, `<=`, `>=`, `=>`), or -1. */
  assign: number;
  /** Net brackets from the `=` to the end of the line (0: a single-line attribute). */
  assignNet: number;
  /** The line is only a comment. */
  commentOnly: boolean;
  /** Columns of runs of 2+ spaces inside code (not indentation, strings or comments). */
  doubleSpaces: number[];
  /** Columns of `,` followed by code with no space, and of `:` without a space either side (fmt writes `[a, b]`, `{ a : b }`). */
  tightPunctuation: number[];
}

type Mode = 'code' | 'string' | 'interp';

/** Scans `source` line by line. Heredocs are not supported (templates avoid them). */
export function scanHcl(source: string): ScannedLine[] {
  const out: ScannedLine[] = [];
  // Stack of modes: strings can hold `${ ... }` which hold code again.
  const stack: Mode[] = ['code'];
  for (const text of source.split('\n')) {
    let net = 0;
    let assign = -1;
    let netAtAssign = 0;
    const doubleSpaces: number[] = [];
    const tightPunctuation: number[] = [];
    let codeSeen = false;
    let commentOnly = false;
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      const mode = stack[stack.length - 1]!;
      if (mode === 'string') {
        if (c === '\\') i++;
        else if ((c === '$' || c === '%') && text[i + 1] === '$') i++;
        else if ((c === '$' || c === '%') && text[i + 1] === '{') {
          stack.push('interp');
          net++;
          i++;
        } else if (c === '"') stack.pop();
        continue;
      }
      // code or interp
      if (c === '#' || (c === '/' && text[i + 1] === '/')) {
        commentOnly = !codeSeen;
        break;
      }
      if (c === ' ') {
        if (codeSeen && text[i + 1] === ' ' && text[i - 1] !== ' ') {
          let j = i;
          while (text[j] === ' ') j++;
          // Padding before an aligned `=` is fmt's job, and allowed; elsewhere not.
          if (j < text.length && !(text[j] === '=' && assign === -1 && text[j + 1] !== '=' && text[j + 1] !== '>')) doubleSpaces.push(i);
        }
        continue;
      }
      codeSeen = true;
      if (c === ',' && i + 1 < text.length && text[i + 1] !== ' ') tightPunctuation.push(i);
      else if (c === ':' && (text[i - 1] !== ' ' || (i + 1 < text.length && text[i + 1] !== ' '))) tightPunctuation.push(i);
      if (c === '"') stack.push('string');
      else if (c === '{' || c === '[' || c === '(') net++;
      else if (c === '}' || c === ']' || c === ')') {
        net--;
        if (c === '}' && mode === 'interp') stack.pop();
      } else if (c === '=') {
        const prev = text[i - 1];
        const next = text[i + 1];
        const isOp = next === '=' || next === '>' || prev === '=' || prev === '!' || prev === '<' || prev === '>';
        if (!isOp && assign === -1 && stack.length === 1) {
          assign = i;
          netAtAssign = net;
        }
      }
    }
    out.push({ text, netBrackets: net, assign, assignNet: net - netAtAssign, commentOnly, doubleSpaces, tightPunctuation });
  }
  return out;
}
