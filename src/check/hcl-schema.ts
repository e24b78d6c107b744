import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from './types.js';
import { asArray, asObject, labelled1, labelled2, type HclBody, type HclJson } from './hcl-parse.js';

/** Arguments and nested blocks of one resource, data source or block. */
export interface BlockSchema {
  attrs: Record<string, { required: boolean }>;
  blocks: Record<string, { required: boolean; block: BlockSchema }>;
}

/** The subset of a provider's schema the templates use (schema/providers/<provider>.json). */
export interface ProviderSchema {
  provider: string;
  version: string;
  provider_config: BlockSchema | null;
  resource: Record<string, BlockSchema>;
  data: Record<string, BlockSchema>;
}

/** Meta-arguments Terraform accepts on every resource and data source. */
const META = new Set(['count', 'for_each', 'depends_on', 'provider', 'lifecycle', 'provisioner', 'connection']);
/** Provider meta-arguments. */
const PROVIDER_META = new Set(['alias', 'version']);

/** Loads the checked-in schemas (see scripts/extract-provider-schemas.mjs). */
export function loadProviderSchemas(dir: string): Map<string, ProviderSchema> {
  const out = new Map<string, ProviderSchema>();
  for (const name of ['aws', 'google', 'azurerm']) {
    const s = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as ProviderSchema;
    out.set(name, s);
  }
  return out;
}

const providerOf = (type: string): string => type.split('_')[0] ?? type;

/** One body against its schema: unknown arguments/blocks, missing required ones, recursively. */
function checkBody(body: HclBody, schema: BlockSchema, where: string, meta: ReadonlySet<string>, report: (m: string) => void): void {
  for (const [key, value] of Object.entries(body)) {
    if (meta.has(key)) continue;
    if (key === 'dynamic') {
      // dynamic "name" { for_each = ..., content { ... } } generates `name` blocks.
      for (const [name, bodies] of Object.entries(asObject(value))) {
        const block = schema.blocks[name];
        if (!block) report(`${where}: dynamic "${name}" is not a block of this schema`);
        else for (const d of asArray(bodies)) for (const c of asArray(asObject(d).content)) checkBody(asObject(c), block.block, `${where}.${name}`, new Set(), report);
      }
      continue;
    }
    const block = schema.blocks[key];
    if (block) {
      for (const b of Array.isArray(value) ? value : [value]) checkBody(asObject(b), block.block, `${where}.${key}`, new Set(), report);
    } else if (!(key in schema.attrs)) report(`${where}: unknown argument or block "${key}"`);
  }
  for (const [name, a] of Object.entries(schema.attrs)) if (a.required && !(name in body)) report(`${where}: required argument "${name}" is missing`);
  const dynamic = asObject(body.dynamic);
  for (const [name, b] of Object.entries(schema.blocks)) if (b.required && !(name in body) && !(name in dynamic)) report(`${where}: required block "${name}" is missing`);
}

/**
 * Every resource, data source and provider block of a file uses only
 * arguments and blocks its provider's schema has, and sets the required ones.
 * Types of providers we have no schema for are reported too: the templates
 * must only use checked providers.
 */
export function checkSchema(path: string, json: HclJson, schemas: ReadonlyMap<string, ProviderSchema>): Finding[] {
  const findings: Finding[] = [];
  const report = (message: string) => findings.push({ path, line: null, rule: 'hcl/schema', message, severity: 'error' });
  for (const kind of ['resource', 'data'] as const) {
    for (const [type, name, body] of labelled2(json[kind])) {
      const provider = schemas.get(providerOf(type));
      const schema = provider?.[kind][type];
      if (!schema) {
        report(`${kind === 'data' ? 'data.' : ''}${type}: no schema for this ${kind === 'data' ? 'data source' : 'resource'} (add it with scripts/extract-provider-schemas.mjs)`);
        continue;
      }
      checkBody(body, schema, `${kind === 'data' ? 'data.' : ''}${type}.${name}`, META, report);
    }
  }
  for (const [name, body] of labelled1(json.provider)) {
    const config = schemas.get(name)?.provider_config;
    if (!config) report(`provider "${name}": no schema`);
    else checkBody(body, config, `provider.${name}`, PROVIDER_META, report);
  }
  // lifecycle blocks only take known meta-arguments.
  for (const [type, name, body] of labelled2(json.resource)) {
    for (const lc of asArray(body.lifecycle)) {
      for (const k of Object.keys(asObject(lc))) {
        if (!['create_before_destroy', 'prevent_destroy', 'ignore_changes', 'replace_triggered_by', 'precondition', 'postcondition'].includes(k)) report(`${type}.${name}.lifecycle: unknown argument "${k}"`);
      }
    }
  }
  return findings;
}
