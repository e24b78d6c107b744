import { join } from 'node:path';
import { PACKAGE_ROOT } from '../package-root.js';
import { checkHclFormat } from './hcl-format.js';
import { parseHcl, type HclJson } from './hcl-parse.js';
import { HclSyntaxError } from './hcl-tree-sitter.js';
import { checkReferences, collectDecls, type ModuleDecls } from './hcl-refs.js';
import { checkSchema, loadProviderSchemas, type ProviderSchema } from './hcl-schema.js';
import { checkTflintRules } from './hcl-tflint.js';
import type { Finding } from './types.js';
import { byCodeUnit } from '../compare.js';

export { checkHclFormat } from './hcl-format.js';
export { checkSchema, loadProviderSchemas, type ProviderSchema } from './hcl-schema.js';

/** Where the provider schema subsets are checked in. */
export const PROVIDER_SCHEMAS_DIR = join(PACKAGE_ROOT, 'schema', 'providers');

let cached: Map<string, ProviderSchema> | undefined;
const defaultSchemas = () => (cached ??= loadProviderSchemas(PROVIDER_SCHEMAS_DIR));

const dirOf = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '.');

/**
 * Validates a set of .tf files (path relative to the target root -> content), and
 * .tflint.hcl configs (parse and format only):
 * each parses (tree-sitter-hcl, with hclsyntax's layout rules), is in `terraform fmt` form, every
 * reference resolves within its module directory (and module calls match the
 * called module's variables and outputs), the tflint rules the infra CI runs
 * hold (hcl-tflint.ts: nothing unused, typed variables, required_providers), and every resource/data source/
 * provider block fits the provider schema. Other paths are ignored.
 */
export async function checkHcl(files: ReadonlyMap<string, string>, schemas: ReadonlyMap<string, ProviderSchema> = defaultSchemas()): Promise<Finding[]> {
  const findings: Finding[] = [];
  const parsed = new Map<string, Array<{ path: string; json: HclJson }>>();
  const unparsed = new Set<string>();
  for (const [path, source] of [...files].sort(([a], [b]) => byCodeUnit(a, b))) {
    // tflint's config is HCL too: it must parse and be in fmt form; it declares nothing Terraform resolves.
    const config = path.endsWith('.tflint.hcl');
    if (!path.endsWith('.tf') && !config) continue;
    let json: HclJson;
    try {
      json = await parseHcl(path, source);
    } catch (e) {
      findings.push({ path, line: e instanceof HclSyntaxError ? e.line : null, rule: 'hcl/parse', message: String((e as Error).message ?? e).split('\n')[0] ?? 'parse error', severity: 'error' });
      unparsed.add(dirOf(path));
      continue;
    }
    findings.push(...checkHclFormat(path, source));
    if (config) continue;
    findings.push(...checkSchema(path, json, schemas));
    const dir = dirOf(path);
    parsed.set(dir, [...(parsed.get(dir) ?? []), { path, json }]);
  }
  const byDir = new Map<string, ModuleDecls>();
  for (const [dir, list] of parsed) byDir.set(dir, collectDecls(dir, list));
  for (const dir of unparsed) if (!byDir.has(dir)) byDir.set(dir, collectDecls(dir, []));
  for (const decls of byDir.values()) findings.push(...checkReferences(decls, byDir, unparsed), ...checkTflintRules(decls, unparsed));
  return findings;
}
