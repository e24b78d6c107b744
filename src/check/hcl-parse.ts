import { parse } from '@cdktf/hcl2json';

/** hcl2json's JSON form of one file: blocks are arrays of bodies, expressions are "${...}" strings. */
export type HclBody = Record<string, unknown>;
export type HclJson = Record<string, unknown>;

/** Parses one .tf file with the real HCL parser (Go's hclsyntax, compiled to WASM). */
export async function parseHcl(path: string, source: string): Promise<HclJson> {
  return (await parse(path, source)) as HclJson;
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
