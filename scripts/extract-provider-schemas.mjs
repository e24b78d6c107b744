#!/usr/bin/env node
/**
 * Extracts the argument schema of the resources and data sources the infra
 * templates use from the prebuilt CDKTF provider packages, into small JSON
 * files under schema/providers/. There is no terraform binary
 * (and no `terraform providers schema -json`) on the build machines; the
 * packages' `.jsii` assemblies describe every resource's config struct, with
 * each property's HCL name in its registry doc link, whether it is optional,
 * and whether it is a nested block ("X block.").
 *
 * How the checked-in files were made (the packages are 90-130 MB unpacked, so
 * they are not dependencies; fetch them once):
 *   mkdir -p /tmp/prov && cd /tmp/prov
 *   npm pack @cdktf/provider-aws@21.22.1 @cdktf/provider-google@16.12.1 @cdktf/provider-azurerm@14.23.1
 *   for p in aws google azurerm; do mkdir -p $p && tar -xzf cdktf-provider-$p-*.tgz -C $p package/.jsii; done
 *   node scripts/extract-provider-schemas.mjs /tmp/prov
 * Re-run after adding a resource type to templates/infra.
 *
 * @cdktf/provider-google 16.12.1 is the last release (CDKTF has ended) and
 * describes google 6.50, while the templates pin ~> 7.10. The 7.0.0 upgrade
 * guide (terraform-provider-google, website/docs/guides/version_7_upgrade)
 * was checked against every google_* type the templates use: none of its
 * removals or type changes applies (public_repository defaults concern remote
 * Artifact Registry repositories only; retention_period and
 * google_project_service are not used). What this schema cannot catch is an
 * argument added in 7.x: the templates use none.
 */
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const provDir = process.argv[2] ?? '/tmp/prov';
const PROVIDERS = { aws: 'aws', google: 'google', azurerm: 'azurerm' };

/** Every `resource "T"` / `data "T"` in templates/infra, by provider prefix. */
function usedTypes() {
  const used = { resource: new Set(), data: new Set() };
  const walk = (d) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else for (const m of readFileSync(p, 'utf8').matchAll(/^(resource|data) "([a-z0-9_]+)"/gm)) used[m[1]].add(m[2]);
    }
  };
  walk(join(root, 'templates/infra'));
  return used;
}

const snake = (s) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const hclName = (prop) => {
  const text = `${prop.docs?.summary ?? ''} ${prop.docs?.remarks ?? ''}`;
  const m = text.match(/#([a-z0-9_]+) [A-Za-z0-9]+#/);
  return m ? m[1] : snake(prop.name);
};
const structOf = (type) => {
  if (type?.fqn) return type.fqn;
  for (const t of type?.union?.types ?? []) {
    const f = t.collection?.elementtype?.fqn ?? t.fqn;
    if (f && f !== 'cdktf.IResolvable') return f;
  }
  return type?.collection?.elementtype?.fqn ?? null;
};

function block(types, fqn, depth = 0) {
  const out = { attrs: {}, blocks: {} };
  const t = types[fqn];
  for (const p of t?.properties ?? []) {
    const name = hclName(p);
    const isBlock = /\bblock\.$/.test(p.docs?.summary ?? '');
    const sub = structOf(p.type);
    if (isBlock && sub && types[sub] && depth < 8) out.blocks[name] = { required: !p.optional, block: block(types, sub, depth + 1) };
    else out.attrs[name] = { required: !p.optional };
  }
  return out;
}

/**
 * Changes after the provider version the CDKTF package describes
 * (@cdktf/provider-azurerm 14.23.1 is azurerm 4.55; CDKTF has ended, so no
 * later package exists), applied to the extracted schema. Each is read from
 * the provider's source (hashicorp/terraform-provider-azurerm).
 */
const OVERRIDES = {
  azurerm: {
    // v4.65.0 (#31921): parent_id renamed user_assigned_identity_id, and
    // resource_group_name deprecated (derived from the identity); 5.0 removes
    // both. The templates pin >= 4.65, so the checker accepts the new argument
    // and rejects the two that break on 5.x.
    azurerm_federated_identity_credential: (r) => {
      delete r.attrs.parent_id;
      delete r.attrs.resource_group_name;
      r.attrs.user_assigned_identity_id = { required: true };
    },
  },
};

const used = usedTypes();
for (const [pkg, prefix] of Object.entries(PROVIDERS)) {
  let jsii;
  try {
    jsii = JSON.parse(readFileSync(join(provDir, pkg, 'package/.jsii'), 'utf8'));
  } catch {
    console.warn(`skip ${pkg}: no ${join(provDir, pkg, 'package/.jsii')}`);
    continue;
  }
  const types = jsii.types;
  const out = { provider: prefix, package: `${jsii.name}@${jsii.version}`, version: '', provider_config: null, resource: {}, data: {} };
  for (const [fqn, t] of Object.entries(types)) {
    if (t.kind !== 'class') continue;
    const m = (t.docs?.summary ?? '').match(/\{@link https:\/\/registry\.terraform\.io\/providers\/hashicorp\/[a-z]+\/([0-9.]+)\/docs(?:\/(resources|data-sources)\/[a-z0-9_]+)? (data\.)?([a-z0-9_]+)\}/);
    if (!m) continue;
    out.version = m[1];
    const kind = m[2] === 'data-sources' ? 'data' : m[2] === 'resources' ? 'resource' : 'provider';
    const name = m[4];
    if (kind === 'provider') out.provider_config = block(types, `${fqn}Config`);
    else if (used[kind].has(name)) out[kind][name] = block(types, `${fqn}Config`);
  }
  for (const [type, patch] of Object.entries(OVERRIDES[prefix] ?? {})) if (out.resource[type]) patch(out.resource[type]);
  const sortKeys = (o) => (o && typeof o === 'object' && !Array.isArray(o) ? Object.fromEntries(Object.keys(o).sort().map((k) => [k, sortKeys(o[k])])) : o);
  const file = join(root, 'schema/providers', `${prefix}.json`);
  writeFileSync(file, `${JSON.stringify(sortKeys(out))}\n`);
  console.log(`${file}: ${Object.keys(out.resource).length} resources, ${Object.keys(out.data).length} data sources (provider ${out.version})`);
}
