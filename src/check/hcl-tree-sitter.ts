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
const line = (n: Node) => n.startPosition.row + 1;

type Part =
  | { kind: 'lit'; text: string }
  | { kind: 'interp'; expr: Node | undefined; stripL: boolean; stripR: boolean }
  | { kind: 'if'; cond: Node; then: Part[]; else: Part[]; stripL: boolean; stripR: boolean }
  | { kind: 'for'; key: string | undefined; value: string; coll: Node; body: Part[]; stripL: boolean; stripR: boolean };

/** Backslash escapes of quoted strings; `$${` and `%%{` stay as written, as hcl2json left them. */
function unescape(raw: string): string {
  return raw.replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/g, (_, e: string) => {
    if (e.length > 1) return String.fromCodePoint(parseInt(e.slice(1), 16));
    return ({ n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' } as Record<string, string>)[e] ?? `\\${e}`;
  });
}

/** `~` right after the opener strips before; `~` right before the closer strips after. */
function strips(n: Node): { stripL: boolean; stripR: boolean } {
  const c = kids(n);
  return { stripL: c[1]?.type === 'strip_marker', stripR: c.length > 2 && c[c.length - 2]?.type === 'strip_marker' };
}

export function cstToJson(root: Node, source: string): Obj {
  const wrap = (n: Node): string => '${' + source.slice(n.startIndex, n.endIndex) + '}';
  const text = (n: Node) => source.slice(n.startIndex, n.endIndex);

  /** Template parts between two offsets of a template node's children. */
  function partsIn(nodes: Node[], from: number, to: number, quoted: boolean): Part[] {
    const out: Part[] = [];
    let at = from;
    const lit = (end: number) => {
      if (end > at) out.push({ kind: 'lit', text: quoted ? unescape(source.slice(at, end)) : source.slice(at, end) });
    };
    for (const n of nodes) {
      if (n.startIndex < from || n.endIndex > to) continue;
      if (n.type === 'template_interpolation') {
        lit(n.startIndex);
        out.push({ kind: 'interp', expr: kids(n).find((c) => c.type === 'expression'), ...strips(n) });
        at = n.endIndex;
      } else if (n.type === 'template_directive') {
        lit(n.startIndex);
        out.push(directive(kids(n)[0]!, quoted));
        at = n.endIndex;
      }
    }
    lit(to);
    return applyStrips(out);
  }

  function directive(d: Node, quoted: boolean): Part {
    const c = kids(d);
    const first = c[0]!;
    const last = c[c.length - 1]!;
    const outer = { stripL: strips(first).stripL, stripR: strips(last).stripR };
    if (d.type === 'template_for') {
      const ids = kids(first).filter((k) => k.type === 'identifier').map(text);
      const body = partsIn(c, first.endIndex, last.startIndex, quoted);
      trimEdges(body, strips(first).stripR, strips(last).stripL);
      const coll = kids(first).find((k) => k.type === 'expression')!;
      return { kind: 'for', key: ids.length > 1 ? ids[0] : undefined, value: ids[ids.length - 1]!, coll, body, ...outer };
    }
    const elseIntro = c.find((k) => k.type === 'template_else_intro');
    const then = partsIn(c, first.endIndex, elseIntro?.startIndex ?? last.startIndex, quoted);
    const otherwise = elseIntro ? partsIn(c, elseIntro.endIndex, last.startIndex, quoted) : [];
    trimEdges(then, strips(first).stripR, elseIntro ? strips(elseIntro).stripL : strips(last).stripL);
    if (elseIntro) trimEdges(otherwise, strips(elseIntro).stripR, strips(last).stripL);
    return { kind: 'if', cond: kids(first).find((k) => k.type === 'expression')!, then, else: otherwise, ...outer };
  }

  function template(t: Node): Part[] {
    const c = kids(t);
    if (t.type !== 'heredoc_template') return partsIn(c, c[0]!.endIndex, c[c.length - 1]!.startIndex, true);
    const [open, close] = c.filter((k) => k.type === 'heredoc_identifier');
    const from = source.indexOf('\n', open!.endIndex) + 1;
    const to = source.lastIndexOf('\n', close!.startIndex - 1) + 1;
    const parts = partsIn(c, from, Math.max(from, to), false);
    return text(c[0]!) === '<<-' ? flush(parts) : parts;
  }

  /** A template as hcl2json wrote it: a lone interpolation is its expression's value. */
  function templateValue(t: Node, asString: boolean): Json {
    const parts = template(t);
    const only = parts[0];
    if (parts.length === 1 && only?.kind === 'interp' && only.expr) return asString ? stringPart(only.expr) : expr(only.expr);
    return joinParts(parts);
  }

  const joinParts = (parts: Part[]): string => parts.map(partString).join('');

  function partString(p: Part): string {
    switch (p.kind) {
      case 'lit':
        return p.text;
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
      const v = literal(only);
      return v === null ? '' : String(v);
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
    return joinParts(template(v));
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

  /** Object keys: a bare traversal is written as is, anything else like a template part. */
  function key(k: Node): string {
    const c = kids(k);
    if (c[0]?.type === 'variable_expr' && c.slice(1).every((x) => x.type === 'get_attr')) return text(k);
    return stringPart(k);
  }

  function label(l: Node): string {
    return l.type === 'identifier' ? text(l) : joinParts(template(l));
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
      else throw new HclSyntaxError(line(blk), `block "${name}" is used both with and without labels`);
      name = l;
    }
    const value = body(c.find((x) => x.type === 'body'));
    const existing = target[name];
    if (existing === undefined) target[name] = [value];
    else if (Array.isArray(existing)) existing.push(value);
    else throw new HclSyntaxError(line(blk), `block "${name}" is used both with and without labels`);
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

/** Strip markers (`${~ x ~}`) trim the whitespace of the neighbouring literals. */
function applyStrips(parts: Part[]): Part[] {
  parts.forEach((p, i) => {
    if (p.kind === 'lit') return;
    const before = parts[i - 1];
    const after = parts[i + 1];
    if (p.stripL && before?.kind === 'lit') before.text = before.text.trimEnd();
    if (p.stripR && after?.kind === 'lit') after.text = after.text.trimStart();
  });
  return parts;
}

function trimEdges(parts: Part[], start: boolean, end: boolean): void {
  const first = parts[0];
  const last = parts[parts.length - 1];
  if (start && first?.kind === 'lit') first.text = first.text.trimStart();
  if (end && last?.kind === 'lit') last.text = last.text.trimEnd();
}

/**
 * `<<-` heredocs drop the smallest indentation of their lines (hclsyntax's
 * flushHeredocTemplateParts): whitespace-only lines do not count, a line that
 * starts with an interpolation counts as 0.
 */
function flush(parts: Part[]): Part[] {
  // Visits each line start of the literals: (part, line index, text, counts?).
  const lineStarts = (visit: (p: Extract<Part, { kind: 'lit' }>, lines: string[], i: number) => void, onExpr: (atLineStart: boolean) => void) => {
    let lineStart = true;
    for (const p of parts) {
      if (p.kind !== 'lit') {
        onExpr(lineStart);
        lineStart = false;
        continue;
      }
      const lines = p.text.split('\n');
      lines.forEach((l, i) => {
        const ended = i < lines.length - 1;
        if ((i > 0 || lineStart) && (ended ? l.trim() !== '' : l !== '')) visit(p, lines, i);
      });
      lineStart = p.text.endsWith('\n');
    }
  };
  let min = Infinity;
  const indent = (l: string) => l.length - l.trimStart().length;
  lineStarts(
    (_p, lines, i) => (min = Math.min(min, indent(lines[i]!))),
    (atStart) => {
      if (atStart) min = 0;
    },
  );
  if (!Number.isFinite(min) || min === 0) return parts;
  const edits = new Map<Extract<Part, { kind: 'lit' }>, string[]>();
  lineStarts(
    (p, lines, i) => {
      const l = edits.get(p) ?? lines;
      l[i] = l[i]!.slice(min);
      edits.set(p, l);
    },
    () => undefined,
  );
  for (const [p, lines] of edits) p.text = lines.join('\n');
  return parts;
}
