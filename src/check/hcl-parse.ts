import { readFileSync } from 'node:fs';
import { Language, Parser, type Node } from 'web-tree-sitter';
import { cstToJson, HclSyntaxError, kids } from './hcl-tree-sitter.js';
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
  const tree = (await hclParser()).parse(source);
  if (!tree) throw new HclSyntaxError(1, 'the parser returned no tree');
  try {
    const error = syntaxError(tree.rootNode, source);
    if (error) throw error;
    return cstToJson(tree.rootNode, source);
  } finally {
    tree.delete();
  }
}

const row = (n: Node) => n.startPosition.row + 1;
const endRow = (n: Node) => n.endPosition.row + 1;
const show = (s: string) => JSON.stringify(s.length > 20 ? `${s.slice(0, 20)}...` : s);

/** The first syntax error in source order, or null. */
function syntaxError(root: Node, source: string): HclSyntaxError | null {
  const found: Array<{ at: number; error: HclSyntaxError }> = [];
  const add = (n: Node, message: string, at = n) => found.push({ at: n.startIndex, error: new HclSyntaxError(row(at), message) });
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    stack.push(...kids(n).reverse());
    if (n.isMissing) missing(n, add);
    else if (n.isError) {
      // The ERROR's last token is where the parser gave up.
      const last = kids(n).filter((c) => c.endIndex > c.startIndex).pop() ?? n;
      if (last.type === '=') add(last, 'expected a value after "="');
      else add(last, `unexpected ${show(source.slice(last.startIndex, last.endIndex))}`);
    } else if (n.type === 'config_file' && kids(n)[0]?.type === 'object') add(n, 'an argument or block definition is required here');
    else if (n.type === 'body') bodyLayout(n, source, add);
    else if (n.type === 'block') blockLayout(n, add);
    else if (n.type === 'object') {
      const c = kids(n);
      c.forEach((el, i) => {
        const prev = c[i - 1];
        if (el.type === 'object_elem' && prev?.type === 'object_elem' && endRow(prev) === row(el)) add(el, 'expected a comma or newline between object attributes');
      });
    } else if (n.type === 'numeric_lit' && /^0x/i.test(source.slice(n.startIndex, n.endIndex))) add(n, 'hexadecimal numbers are not HCL');
    else if (n.type === 'string_lit' && n.parent?.type === 'block' && /(^|[^$%])[$%]\{/.test(source.slice(n.startIndex, n.endIndex)))
      add(n, 'template sequences are not allowed in a block label');
  }
  if (found.length === 0) return root.hasError ? new HclSyntaxError(1, 'syntax error') : null;
  return found.sort((a, b) => a.at - b.at)[0]!.error;
}

type Add = (n: Node, message: string, at?: Node) => void;

function missing(n: Node, add: Add): void {
  const owner = n.parent?.type === 'block_end' || n.parent?.type === 'object_end' ? n.parent.parent : n.parent;
  if (n.type === '}' && owner) add(owner, 'unclosed "{": no closing brace before the end of the block or file', kids(owner).find((c) => c.type === 'block_start' || c.type === 'object_start') ?? owner);
  else if (n.type === 'quoted_template_end' && owner) add(owner, 'unterminated string');
  else add(n, `missing ${n.type}`);
}

/** One argument or block per line; an argument name set once. */
function bodyLayout(body: Node, source: string, add: Add): void {
  const items = kids(body).filter((c) => c.type === 'attribute' || c.type === 'block');
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const prev = items[i - 1];
    if (prev && row(item) === endRow(prev)) add(item, `expected a newline before ${show(source.slice(item.startIndex, item.startIndex + 20).split(/\s/)[0] ?? '')}`);
    if (item.type !== 'attribute') return;
    const name = source.slice(kids(item)[0]!.startIndex, kids(item)[0]!.endIndex);
    const first = seen.get(name);
    if (first !== undefined) add(item, `argument "${name}" was already set at line ${first}`);
    else seen.set(name, row(item));
  });
}

/** The header and "{" on one line; content on its own lines, or a single-line block of one argument. */
function blockLayout(block: Node, add: Add): void {
  const c = kids(block);
  const open = c.find((x) => x.type === 'block_start');
  const close = c.find((x) => x.type === 'block_end');
  if (!open || !close) return;
  if (c.some((x) => x.endIndex <= open.startIndex && endRow(x) !== row(open))) add(block, 'a block\'s type, labels and "{" must be on one line');
  const items = kids(c.find((x) => x.type === 'body') ?? block).filter((x) => x.type === 'attribute' || x.type === 'block');
  const first = items[0];
  const last = items[items.length - 1];
  if (!first || !last) return;
  if (row(first) === row(open)) {
    if (items.length > 1 || first.type !== 'attribute' || endRow(first) !== row(close)) add(first, 'a single-line block can hold only one argument');
  } else if (endRow(last) === row(close) && !close.isMissing && close.endIndex > close.startIndex) add(close, 'expected a newline before "}"');
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
