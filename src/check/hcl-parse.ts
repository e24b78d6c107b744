import { readFileSync } from 'node:fs';
import { Language, Parser, type Node } from 'web-tree-sitter';
import { cstToJson, HclSyntaxError, kids, startLine } from './hcl-tree-sitter.js';
import { wasmFile } from './wasm-assets.js';

/** hcl2json's JSON form of one file: blocks are arrays of bodies, expressions are "${...}" strings. */
export type HclBody = Record<string, unknown>;
export type HclJson = Record<string, unknown>;

let parser: Promise<Parser> | undefined;
/** One tree-sitter parser per process, loaded on first use. */
const hclParser = () =>
  (parser ??= (async () => {
    await Parser.init({ locateFile: () => wasmFile('tree-sitter.wasm') });
    const p = new Parser();
    // Bytes, not a path: web-tree-sitter would read a path with import(), which the bundle's lazily compiled code lacks.
    p.setLanguage(await Language.load(readFileSync(wasmFile('tree-sitter-hcl.wasm'))));
    return p;
  })());

/**
 * Parses one .tf file with tree-sitter-hcl into hcl2json's JSON form. Throws
 * an HclSyntaxError ("line N: ...") for syntax errors, including the layout
 * rules hclsyntax enforces and the grammar does not.
 */
export async function parseHcl(_path: string, source: string): Promise<HclJson> {
  const tree = (await hclParser()).parse(withPlainExponents(source));
  if (!tree) throw new HclSyntaxError(1, 'the parser returned no tree');
  try {
    const error = syntaxError(tree.rootNode, source);
    if (error) throw error;
    return cstToJson(tree.rootNode, source);
  } finally {
    tree.delete();
  }
}

/**
 * The grammar reads an exponent only after a fraction (1.5e3, not 1e3), which
 * hclsyntax accepts. The parser gets `1e3` as the digits `103`: same length,
 * so every offset holds, and values and "${...}" texts come from the real
 * source. Inside strings and comments the swap changes nothing we read.
 */
const withPlainExponents = (source: string) =>
  source.replace(/(?<![\w.])(\d+)([eE][-+]?)(?=\d)/g, (_, digits: string, exp: string) => digits + '0'.repeat(exp.length));

const endRow = (n: Node) => n.endPosition.row + 1;
const show = (s: string) => JSON.stringify(s.length > 20 ? `${s.slice(0, 20)}...` : s);

/** The first syntax error in source order, or null. */
function syntaxError(root: Node, source: string): HclSyntaxError | null {
  const found: Array<{ at: number; error: HclSyntaxError }> = [];
  const add: Add = (n, message, line = startLine(n)) => found.push({ at: n.startIndex, error: new HclSyntaxError(line, message) });
  const text = (n: Node) => source.slice(n.startIndex, n.endIndex);
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    stack.push(...kids(n).reverse());
    if (n.isMissing) missing(n, source, add);
    else if (n.isError) {
      const last = kids(n).filter((c) => c.endIndex > c.startIndex).pop() ?? n;
      // An opener left unclosed: hclsyntax runs on to the next token it cannot use (or the end of the file).
      const open = unclosed(n, source);
      if (open) add(n, `unclosed ${show(text(open))}`, lineAfter(n, source));
      else if (last.type === '=') add(last, 'expected a value after "="');
      else {
        // The parser gave up at the text the ERROR skipped after its last token, or else at that token.
        const skipped = /\S+/.exec(source.slice(last.endIndex, n.endIndex));
        const at = skipped ? last.endIndex + skipped.index : last.startIndex;
        add(last, `unexpected ${show(skipped?.[0] ?? text(last))}`, lineAt(source, at));
      }
    } else if (n.type === 'config_file' && kids(n)[0]?.type === 'object') add(n, 'an argument or block definition is required here');
    else if (n.type === 'body') bodyLayout(n, source, add);
    else if (n.type === 'block') blockLayout(n, add);
    else if (n.type === 'attribute' && startLine(n) !== endRow(n)) lineBreaks(n, source, add);
    else if (n.type === 'template_interpolation' && !kids(n).some((c) => c.type === 'expression')) add(n, 'an interpolation needs an expression');
    else if (n.type === 'heredoc_template' && !/^\r?\n/.test(source.slice(kids(n)[1]?.endIndex ?? 0))) add(n, 'a heredoc marker must end its line');
    else if (n.type === 'quoted_template' || n.type === 'string_lit') {
      const newline = literalNewline(n, source);
      if (newline !== null) add(n, 'a quoted string cannot span lines (write \\n, or use a heredoc)', lineAt(source, newline));
      else if (n.parent?.type === 'block' && /(^|[^$%])[$%]\{/.test(text(n))) add(n, 'template sequences are not allowed in a block label');
    } else if (n.type === 'object') {
      const c = kids(n);
      c.forEach((el, i) => {
        const prev = c[i - 1];
        if (el.type === 'object_elem' && prev?.type === 'object_elem' && endRow(prev) === startLine(el)) add(el, 'expected a comma or newline between object attributes');
      });
    } else if (n.type === 'identifier' && n.parent?.type !== 'function_call' && text(n).includes('::')) add(n, `"::" belongs only in a function name: ${show(text(n))}`);
    else if (n.type === 'legacy_index' && /^\.\d/.test(source.slice(n.endIndex))) add(n, 'legacy indexes cannot be chained (write [0][1])');
    else if (n.type === 'numeric_lit' && /^0x/i.test(text(n))) add(n, 'hexadecimal numbers are not HCL');
  }
  if (found.length === 0) return root.hasError ? new HclSyntaxError(1, 'syntax error') : null;
  return found.sort((a, b) => a.at - b.at)[0]!.error;
}

/** Reports an error found at node n (which orders it), on the given line (n's by default). */
type Add = (n: Node, message: string, line?: number) => void;

const OPENERS: Record<string, string> = { object_start: 'object_end', tuple_start: 'tuple_end', block_start: 'block_end', '(': ')' };
/** The first opener of an expression in an ERROR node that lacks its closer (in the text too), or null. */
function unclosed(error: Node, source: string): Node | null {
  const text = source.slice(error.startIndex, error.endIndex).replace(/"(\\.|[^"\\\n])*"|#.*|\/\/.*|\/\*[\s\S]*?\*\//g, '');
  if ((text.match(/[[({]/g)?.length ?? 0) <= (text.match(/[\])}]/g)?.length ?? 0)) return null;
  const open: Node[] = [];
  for (const c of kids(error)) {
    if (c.type in OPENERS) open.push(c);
    else if (open.length > 0 && c.type === OPENERS[open[open.length - 1]!.type]) open.pop();
  }
  return open.find((o) => o.type !== 'block_start') ?? null;
}

const TEMPLATE_SEQUENCES = ['template_interpolation', 'template_if_intro', 'template_else_intro', 'template_if_end', 'template_for_start', 'template_for_end'];
/** The offset of the first newline in a quoted string's literal text (sequences may span lines), or null. */
function literalNewline(quoted: Node, source: string): number | null {
  let at = quoted.startIndex;
  for (const seq of [...quoted.descendantsOfType(TEMPLATE_SEQUENCES), null]) {
    if (seq && seq.startIndex < at) continue;
    const newline = source.slice(at, seq?.startIndex ?? quoted.endIndex).indexOf('\n');
    if (newline >= 0) return at + newline;
    if (seq) at = seq.endIndex;
  }
  return null;
}

/** The 1-based line of an offset. */
const lineAt = (source: string, offset: number) => source.slice(0, offset).split('\n').length;

/** The line of the first token after n, or of the end of the file. */
function lineAfter(n: Node, source: string): number {
  const rest = /\S/.exec(source.slice(n.endIndex));
  return lineAt(source, rest ? n.endIndex + rest.index : source.length);
}

function missing(n: Node, source: string, add: Add): void {
  const owner = n.parent?.type === 'block_end' || n.parent?.type === 'object_end' ? n.parent.parent : n.parent;
  if (n.type === '}' && owner) {
    const open = kids(owner).find((c) => c.type === 'block_start' || c.type === 'object_start') ?? owner;
    add(owner, 'unclosed "{": no closing brace before the end of the block or file', startLine(open));
  } else if (n.type === 'quoted_template_end' && owner) add(owner, 'unterminated string');
  else {
    // Where hclsyntax notices: at the newline after the last token, unless newlines are insignificant there.
    const prev = leafBefore(n);
    add(n, `missing ${n.type}`, prev && breakNotAllowed(prev, n, source) && !complete(prev) ? endRow(prev) : startLine(n));
  }
}

/** The last non-empty leaf (comments aside) that ends at or before n starts. */
function leafBefore(n: Node): Node | null {
  for (let at: Node | null = n; at; at = at.parent) {
    for (let s = at.previousSibling; s; s = s.previousSibling) {
      let leaf: Node | null = s;
      while (leaf && leaf.childCount > 0) leaf = leaf.lastChild;
      if (leaf && leaf.type !== 'comment' && leaf.endIndex > leaf.startIndex) return leaf;
    }
  }
  return null;
}

/** Tokens after which an expression must go on: a line break after them cuts it short. */
const CONTINUES = new Set(['+', '-', '*', '/', '%', '==', '!=', '<', '>', '<=', '>=', '&&', '||', '!', '?', ':', '=', '=>', '.', ',', 'for', 'in', 'if']);
const complete = (leaf: Node) => !CONTINUES.has(leaf.type);

/** Places where hclsyntax ignores newlines: inside brackets, parentheses, templates and for expressions. */
const NEWLINES_IGNORED = new Set([
  'tuple', 'for_tuple_expr', 'for_object_expr', 'new_index', 'function_arguments', 'heredoc_template', 'template_interpolation',
  'template_if_intro', 'template_else_intro', 'template_if_end', 'template_for_start', 'template_for_end',
]);

/**
 * Whether hclsyntax rejects a line break between the leaves prev and next:
 * outside brackets a newline ends an argument, and inside an object
 * constructor it may only separate the items.
 */
function breakNotAllowed(prev: Node, next: Node, source: string): boolean {
  // A newline inside a /* */ comment is no newline token.
  if (!source.slice(prev.endIndex, next.startIndex).replace(/\/\*[\s\S]*?\*\//g, '').includes('\n')) return false;
  // Each ancestor of prev, with its child on the way to prev.
  const prevSide = new Map<number, Node>();
  for (let a: Node | null = prev, child = prev; a; child = a, a = a.parent) prevSide.set(a.id, child);
  let nextSide: Node = next;
  let at: Node | null = next.parent;
  while (at && !prevSide.has(at.id)) {
    nextSide = at;
    at = at.parent;
  }
  if (at?.type === 'object') {
    // Between the items of an object (after "{", "," or an item, before an item or "}") a newline separates them.
    const before = prevSide.get(at.id)!.type;
    return !(['object_start', ',', 'object_elem'].includes(before) && ['object_elem', 'object_end'].includes(nextSide.type));
  }
  for (; at; at = at.parent) {
    if (NEWLINES_IGNORED.has(at.type)) return false;
    if (insideParentheses(kids(at), prev, next)) return false;
    if (['object', 'object_elem', 'attribute', 'block', 'body'].includes(at.type)) return true;
  }
  return false;
}

/**
 * Whether prev and next sit between a "(" and its ")" among these siblings:
 * a call's, a grouping's, or one the grammar hangs on an operation (`x || (`).
 * Nested pairs are deeper in the tree, so each "(" closes at the next ")".
 */
function insideParentheses(siblings: Node[], prev: Node, next: Node): boolean {
  return siblings.some((open, i) => {
    if (open.type !== '(' || prev.endIndex < open.endIndex) return false;
    const close = siblings.slice(i + 1).find((x) => x.type === ')');
    return !close || (next.startIndex <= close.startIndex && prev.endIndex <= close.startIndex);
  });
}

/** A line break inside an argument, where hclsyntax ends the argument. */
function lineBreaks(attribute: Node, source: string, add: Add): void {
  const leaves: Node[] = [];
  const walk = (n: Node) => {
    if (n.childCount === 0) {
      if (n.type !== 'comment' && n.endIndex > n.startIndex) leaves.push(n);
    } else for (const c of n.children) if (c) walk(c);
  };
  walk(attribute);
  for (let i = 1; i < leaves.length; i++) {
    const prev = leaves[i - 1]!;
    const next = leaves[i]!;
    if (startLine(next) === endRow(prev) || !breakNotAllowed(prev, next, source)) continue;
    const text = show(source.slice(next.startIndex, next.endIndex));
    // After an argument's name the newline leaves a name alone, an error on its line.
    if (complete(prev) && !inObjectKey(prev) && prev.id !== kids(attribute)[0]?.id) add(next, `a newline ends the argument before ${text}; break lines only inside brackets`, startLine(next));
    else add(prev, `the expression goes on after a newline (${text}); break lines only inside brackets`, endRow(prev));
    return;
  }
}

/** Whether a leaf is inside the key of an object item (where a newline reads as a missing value). */
function inObjectKey(leaf: Node): boolean {
  for (let a: Node | null = leaf; a?.parent; a = a.parent) if (a.parent.type === 'object_elem') return a.parent.childForFieldName('key')?.id === a.id;
  return false;
}

/** One argument or block per line; an argument name set once. */
function bodyLayout(body: Node, source: string, add: Add): void {
  const items = kids(body).filter((c) => c.type === 'attribute' || c.type === 'block');
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const prev = items[i - 1];
    if (prev && startLine(item) === endRow(prev)) add(item, `expected a newline before ${show(source.slice(item.startIndex, item.startIndex + 20).split(/\s/)[0] ?? '')}`);
    if (item.type !== 'attribute') return;
    const name = source.slice(kids(item)[0]!.startIndex, kids(item)[0]!.endIndex);
    const first = seen.get(name);
    if (first !== undefined) add(item, `argument "${name}" was already set at line ${first}`);
    else seen.set(name, startLine(item));
  });
}

/** The header and "{" on one line; content on its own lines, or a single-line block of one argument. */
function blockLayout(block: Node, add: Add): void {
  const c = kids(block);
  const open = c.find((x) => x.type === 'block_start');
  const close = c.find((x) => x.type === 'block_end');
  if (!open || !close) return;
  if (c.some((x) => x.endIndex <= open.startIndex && endRow(x) !== startLine(open))) add(block, 'a block\'s type, labels and "{" must be on one line');
  const items = kids(c.find((x) => x.type === 'body') ?? block).filter((x) => x.type === 'attribute' || x.type === 'block');
  const first = items[0];
  const last = items[items.length - 1];
  if (!first || !last) return;
  if (startLine(first) === startLine(open)) {
    if (items.length > 1 || first.type !== 'attribute' || endRow(first) !== startLine(close)) add(first, 'a single-line block can hold only one argument');
  } else if (endRow(last) === startLine(close) && !close.isMissing && close.endIndex > close.startIndex) add(close, 'expected a newline before "}"');
}

/** `{type: {name: [body]}}` (resource, data) -> [type, name, body][]. */
export function labelled2(section: unknown): Array<[string, string, HclBody]> {
  const out: Array<[string, string, HclBody]> = [];
  for (const [type, byName] of Object.entries(asObject(section))) {
    for (const [name, bodies] of Object.entries(asObject(byName))) for (const b of asArray(bodies)) out.push([type, name, asObject(b)]);
  }
  return out;
}

/** `{name: [body]}` (variable, output, module, provider) -> [name, body][]. */
export function labelled1(section: unknown): Array<[string, HclBody]> {
  const out: Array<[string, HclBody]> = [];
  for (const [name, bodies] of Object.entries(asObject(section))) for (const b of asArray(bodies)) out.push([name, asObject(b)]);
  return out;
}

/** The value as a body (object), or {} for anything else. */
export const asObject = (v: unknown): HclBody => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as HclBody) : {});
/** The value as an array, or [] for anything else. */
export const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Every string in a value, recursively (expressions appear as "${...}" strings). */
export function stringsIn(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) stringsIn(x, out);
  else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      // Object keys can be expressions too: `"${local.x}" = ...`.
      out.push(k);
      stringsIn(x, out);
    }
  }
  return out;
}
