import type { Node } from 'web-tree-sitter';

/**
 * Converts tree-sitter-hcl's CST to the JSON form hcl2json (tmccombs/hcl2json)
 * produced, which the checks read: blocks as arrays of bodies nested per
 * label, literals as JSON values, other expressions as "${source}" strings,
 * templates with their interpolations kept as "${...}" / "%{if}" / "%{for}".
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

/** A parse or conversion failure at a 1-based line. */
export class HclSyntaxError extends Error {
  constructor(
    readonly line: number,
    description: string,
  ) {
    super(`line ${line}: ${description}`);
  }
}

/** Children without comments (extras can appear anywhere). */
export const kids = (n: Node): Node[] => n.children.filter((c): c is Node => c !== null && c.type !== 'comment');
const isObj = (v: Json | undefined): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
/** The 1-based line a node starts on. */
export const startLine = (n: Node) => n.startPosition.row + 1;

/**
 * A template as hclsyntax tokenizes it: literals (one per heredoc line),
 * interpolations and directive markers, in source order. Strip markers and
 * `<<-` flushing work on this flat list, before directives nest.
 */
type Tok =
  | { kind: 'lit'; text: string }
  | { kind: 'interp'; expr: Node | undefined }
  | { kind: 'if'; cond: Node }
  | { kind: 'for'; key: string | undefined; value: string; coll: Node }
  | { kind: 'else' | 'endif' | 'endfor'; at: Node };

/** Template parts after nesting: what hclsyntax's TemplateExpr holds. */
type Part =
  | { kind: 'lit'; text: string }
  | { kind: 'interp'; expr: Node | undefined }
  | { kind: 'if'; cond: Node; then: Part[]; else: Part[] }
  | { kind: 'for'; key: string | undefined; value: string; coll: Node; body: Part[] };

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

/**
 * A template literal's value: `$${` and `%%{` always, backslash escapes in
 * quoted strings (hclsyntax's ParseStringLiteralToken). `line` places an
 * escape of a character UTF-8 cannot encode.
 */
function unescape(raw: string, quoted: boolean, line: () => number): string {
  const pattern = quoted ? /\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)|([$%])\2\{/g : /()([$%])\2\{/g;
  return raw.replace(pattern, (all, e: string | undefined, intro: string | undefined) => {
    if (intro) return `${intro}{`;
    if (!e || e.length === 1) return (e && ESCAPES[e]) ?? all;
    const code = parseInt(e.slice(1), 16);
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) throw new HclSyntaxError(line(), `\\${e} is no character UTF-8 can encode`);
    return String.fromCodePoint(code);
  });
}

/** hcl2json re-escapes template introducers in literal text, so they do not read as interpolations. */
const escapeLiteral = (s: string) => s.replace(/([$%])\{/g, '$1$1{');

/** `~` right after the opener strips before; `~` right before the closer strips after. */
function strips(n: Node): { stripL: boolean; stripR: boolean } {
  const c = kids(n);
  return { stripL: c[1]?.type === 'strip_marker', stripR: c.length > 2 && c[c.length - 2]?.type === 'strip_marker' };
}

/**
 * `<<-` heredocs drop the smallest indentation of the lines (hclsyntax's
 * flushHeredocTemplateParts), counted on the tokens after stripping: a
 * whitespace-only line does not count, a line that starts with an
 * interpolation or directive counts as 0, and a line whose start a strip
 * marker glued to the previous line is not a line start at all.
 */
function flush(toks: Tok[]): void {
  let min = Infinity;
  let lineStart = true;
  const adjust: Array<Extract<Tok, { kind: 'lit' }>> = [];
  for (const t of toks) {
    if (lineStart) {
      const indent = t.kind === 'lit' ? t.text.length - t.text.trimStart().length : 0;
      if (t.kind !== 'lit') min = 0;
      else if (indent < t.text.length || !t.text.endsWith('\n')) {
        min = Math.min(min, indent);
        adjust.push(t);
      }
    }
    lineStart = t.kind === 'lit' && t.text.endsWith('\n');
  }
  for (const t of adjust) t.text = t.text.slice(min);
}

/** Nests directive tokens into if/for parts; consecutive literals become one (hclsyntax's templateParser). */
function nest(toks: Tok[], template: Node): Part[] {
  let i = 0;
  const isEnd = (t: Tok): t is Extract<Tok, { at: Node }> => t.kind === 'else' || t.kind === 'endif' || t.kind === 'endfor';
  const expect = (kind: 'endif' | 'endfor') => {
    const t = toks[i++];
    if (t?.kind !== kind) throw new HclSyntaxError(startLine(t && isEnd(t) ? t.at : template), `expected %{${kind}} in the template`);
  };
  /** Parts up to the next else/endif/endfor or the end. */
  const parts = (): Part[] => {
    const out: Part[] = [];
    for (let t = toks[i]; t !== undefined && !isEnd(t); t = toks[i]) {
      i++;
      const last = out[out.length - 1];
      if (t.kind === 'lit' && last?.kind === 'lit') last.text += t.text;
      else if (t.kind === 'lit' || t.kind === 'interp') out.push({ ...t });
      else if (t.kind === 'for') {
        const body = parts();
        expect('endfor');
        out.push({ ...t, body });
      } else {
        const then = parts();
        let otherwise: Part[] = [];
        if (toks[i]?.kind === 'else') {
          i++;
          otherwise = parts();
        }
        expect('endif');
        out.push({ kind: 'if', cond: t.cond, then, else: otherwise });
      }
    }
    return out;
  };
  const out = parts();
  const stray = toks[i];
  if (stray && isEnd(stray)) throw new HclSyntaxError(startLine(stray.at), `unexpected %{${stray.kind}} in the template`);
  return out;
}

export function cstToJson(root: Node, source: string): Obj {
  const wrap = (n: Node): string => '${' + source.slice(n.startIndex, n.endIndex) + '}';
  const text = (n: Node) => source.slice(n.startIndex, n.endIndex);

  /** A quoted or heredoc template's tokens, with strip markers applied (hclsyntax's parseTemplateParts). */
  function tokens(t: Node): Tok[] {
    const c = kids(t);
    const heredoc = t.type === 'heredoc_template';
    let at = c[0]!.endIndex;
    let end = c[c.length - 1]!.startIndex;
    if (heredoc) {
      const [open, close] = c.filter((k) => k.type === 'heredoc_identifier');
      at = source.indexOf('\n', open!.endIndex) + 1;
      end = Math.max(at, source.lastIndexOf('\n', close!.startIndex - 1) + 1);
    }
    const out: Tok[] = [];
    let trimNext = false;
    const literal = (upTo: number) => {
      if (upTo <= at) return;
      // A heredoc is scanned a line at a time, so a strip marker reaches one line only.
      for (const raw of heredoc ? source.slice(at, upTo).split(/(?<=\n)/) : [source.slice(at, upTo)]) {
        const value = unescape(raw, !heredoc, () => startLine(t));
        out.push({ kind: 'lit', text: trimNext ? value.trimStart() : value });
        trimNext = false;
      }
    };
    const marker = (n: Node, tok: Tok) => {
      literal(n.startIndex);
      const { stripL, stripR } = strips(n);
      const prev = out[out.length - 1];
      if (stripL && prev?.kind === 'lit') prev.text = prev.text.trimEnd();
      out.push(tok);
      trimNext = stripR;
      at = n.endIndex;
    };
    const visit = (n: Node) => {
      for (const k of kids(n)) {
        const e = kids(k).find((x) => x.type === 'expression');
        switch (k.type) {
          case 'template_directive':
          case 'template_for':
          case 'template_if':
            visit(k);
            break;
          case 'template_interpolation':
            marker(k, { kind: 'interp', expr: e });
            break;
          case 'template_if_intro':
            marker(k, { kind: 'if', cond: e! });
            break;
          case 'template_for_start': {
            const ids = kids(k).filter((x) => x.type === 'identifier').map(text);
            marker(k, { kind: 'for', key: ids.length > 1 ? ids[0] : undefined, value: ids[ids.length - 1]!, coll: e! });
            break;
          }
          case 'template_else_intro':
            marker(k, { kind: 'else', at: k });
            break;
          case 'template_if_end':
            marker(k, { kind: 'endif', at: k });
            break;
          case 'template_for_end':
            marker(k, { kind: 'endfor', at: k });
            break;
        }
      }
    };
    visit(t);
    literal(end);
    if (heredoc && text(c[0]!) === '<<-') flush(out);
    return out;
  }

  /** A template as hcl2json wrote it: a lone interpolation is its expression's value. */
  function templateValue(t: Node, asString: boolean): Json {
    const parts = nest(tokens(t), t);
    const only = parts[0];
    if (parts.length === 1 && only?.kind === 'interp' && only.expr) return asString ? stringPart(only.expr) : expr(only.expr);
    return joinParts(parts);
  }

  const joinParts = (parts: Part[]): string => parts.map(partString).join('');

  function partString(p: Part): string {
    switch (p.kind) {
      case 'lit':
        return escapeLiteral(p.text);
      case 'interp':
        return p.expr ? stringPart(p.expr) : '';
      case 'if': {
        const otherwise = joinParts(p.else);
        return `%{if ${text(p.cond)}}${joinParts(p.then)}${otherwise ? `%{else}${otherwise}` : ''}%{endif}`;
      }
      case 'for':
        return `%{for ${p.key !== undefined ? `${p.key}, ` : ''}${p.value} in ${text(p.coll)}}${joinParts(p.body)}%{endfor}`;
    }
  }

  /** An expression inside a template (hcl2json's convertStringPart). */
  function stringPart(e: Node): string {
    const c = kids(e);
    const only = c.length === 1 ? c[0]! : undefined;
    if (only?.type === 'literal_value') {
      // cty's conversion to string, except that a null reads "null".
      const v = literal(only);
      return v === null ? 'null' : typeof v === 'string' ? v : String(v);
    }
    if (only?.type === 'template_expr') {
      const v = templateValue(kids(only)[0]!, true);
      return typeof v === 'string' ? v : JSON.stringify(v);
    }
    if (only?.type === 'conditional') {
      const [cond, yes, no] = kids(only).filter((k) => k.type === 'expression');
      const otherwise = stringPart(no!);
      return `%{if ${text(cond!)}}${stringPart(yes!)}${otherwise ? `%{else}${otherwise}` : ''}%{endif}`;
    }
    return wrap(e);
  }

  function literal(l: Node): Json {
    const v = kids(l)[0]!;
    if (v.type === 'numeric_lit') return Number(text(v));
    if (v.type === 'bool_lit') return text(v) === 'true';
    if (v.type === 'null_lit') return null;
    return joinParts(nest(tokens(v), v));
  }

  /** An attribute value, tuple element or object value (hcl2json's convertExpression). */
  function expr(e: Node): Json {
    const c = kids(e);
    const only = c.length === 1 ? c[0]! : undefined;
    switch (only?.type) {
      case 'literal_value':
        return literal(only);
      case 'template_expr':
        return templateValue(kids(only)[0]!, false);
      case 'collection_value': {
        const coll = kids(only)[0]!;
        if (coll.type === 'tuple') return kids(coll).filter((k) => k.type === 'expression').map(expr);
        const out: Obj = {};
        for (const el of kids(coll).filter((k) => k.type === 'object_elem')) out[key(el.childForFieldName('key')!)] = expr(el.childForFieldName('val')!);
        return out;
      }
      case 'operation': {
        // A unary operator on a literal is folded (-1, !true); anything else stays an expression.
        const [op, operand] = kids(kids(only)[0]!);
        if (operand?.type === 'literal_value') {
          const v = literal(operand);
          if (text(op!) === '-' && typeof v === 'number') return -v;
          if (text(op!) === '!' && typeof v === 'boolean') return !v;
        }
        return wrap(e);
      }
      default:
        return wrap(e);
    }
  }

  /**
   * Object keys: a traversal (a name, then attributes and indexes by literal
   * keys: `a.b`, `a["b"]`, `a.0`) is written as is, anything else like a template part.
   */
  function key(k: Node): string {
    const c = kids(k);
    const literalStep = (x: Node) =>
      x.type === 'get_attr' || (x.type === 'index' && kids(kids(x)[0]!).every((i) => i.type !== 'expression' || kids(i)[0]?.type === 'literal_value'));
    if (c[0]?.type === 'variable_expr' && c.slice(1).every(literalStep)) return text(k);
    return stringPart(k);
  }

  /** A block label: its decoded value, without hcl2json's re-escaping. */
  function label(l: Node): string {
    return l.type === 'identifier' ? text(l) : tokens(l).map((t) => (t.kind === 'lit' ? t.text : '')).join('');
  }

  function body(b: Node | undefined): Obj {
    const out: Obj = {};
    const items = b ? kids(b) : [];
    // Blocks first, then attributes, like hcl2json (an attribute wins a name clash).
    for (const blk of items.filter((i) => i.type === 'block')) addBlock(blk, out);
    for (const a of items.filter((i) => i.type === 'attribute')) out[text(kids(a)[0]!)] = expr(kids(a).find((x) => x.type === 'expression')!);
    return out;
  }

  function addBlock(blk: Node, out: Obj): void {
    const c = kids(blk);
    const labels = c.slice(1).filter((x) => x.type === 'string_lit' || x.type === 'identifier').map(label);
    let target = out;
    let name = text(c[0]!);
    for (const l of labels) {
      const existing = target[name];
      if (existing === undefined) target = target[name] = {};
      else if (isObj(existing)) target = existing;
      else throw new HclSyntaxError(startLine(blk), `block "${name}" is used both with and without labels`);
      name = l;
    }
    const value = body(c.find((x) => x.type === 'body'));
    const existing = target[name];
    if (existing === undefined) target[name] = [value];
    else if (Array.isArray(existing)) existing.push(value);
    else throw new HclSyntaxError(startLine(blk), `block "${name}" is used both with and without labels`);
  }

  const top = kids(root)[0];
  return sortKeys(top?.type === 'body' ? body(top) : {}) as Obj;
}

/** hcl2json's JSON came from Go maps: keys sorted. Keeps finding order stable. */
function sortKeys(v: Json): Json {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]!);
  return out;
}
