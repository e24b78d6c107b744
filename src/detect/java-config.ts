import { parseAllDocuments } from 'yaml';
import { joinPath } from './paths.js';
import type { RepoFiles } from './types.js';

const RESOURCES = 'src/main/resources';
const CONFIG_FILES = ['application.properties', 'application.yml', 'application.yaml'];

/** A Spring/Quarkus/Micronaut config value and the file it came from. */
export interface ConfigValue {
  value: string;
  file: string;
}

/**
 * Reads a dotted key (e.g. 'server.port') from the default profile of
 * src/main/resources/application.{properties,yml,yaml}. YAML may nest the key
 * or write it flat; profile-specific YAML documents are skipped.
 */
export function readAppConfig(files: RepoFiles, dir: string, key: string): ConfigValue | null {
  for (const name of CONFIG_FILES) {
    const file = joinPath(dir, RESOURCES, name);
    const text = files.read(file);
    if (text === undefined) continue;
    const value = name.endsWith('.properties') ? fromProperties(text, key) : fromYaml(text, key);
    if (value !== null) return { value, file };
  }
  return null;
}

function fromProperties(text: string, key: string): string | null {
  for (const line of text.split('\n')) {
    const m = /^\s*([^#!=:\s]+)\s*[=:]\s*(.*?)\s*$/.exec(line);
    if (m?.[1] === key && m[2] !== undefined) return m[2];
  }
  return null;
}

function fromYaml(text: string, key: string): string | null {
  let docs;
  try {
    docs = parseAllDocuments(text);
  } catch {
    return null;
  }
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    const root: unknown = doc.toJS();
    if (lookup(root, 'spring.config.activate.on-profile') !== undefined || lookup(root, 'spring.profiles') !== undefined) continue;
    const v = lookup(root, key);
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
    // A YAML list (management.endpoints.web.exposure.include: [health, prometheus]) reads as Spring's comma-separated form.
    if (Array.isArray(v)) return v.map(String).join(',');
  }
  return null;
}

/** Finds `a.b.c` as nested maps, flat keys, or any mix ('server': {'port': 1} or 'server.port': 1). */
function lookup(node: unknown, key: string): unknown {
  if (typeof node !== 'object' || node === null) return undefined;
  const obj = node as Record<string, unknown>;
  if (key in obj) return obj[key];
  const parts = key.split('.');
  for (let i = 1; i < parts.length; i++) {
    const head = parts.slice(0, i).join('.');
    if (head in obj) {
      const found = lookup(obj[head], parts.slice(i).join('.'));
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** A port from a config value: '9090' or a placeholder default like '${PORT:9090}'. */
export function configPort(value: string): number | null {
  const m = /^\s*(\d{2,5})\s*$/.exec(value) ?? /\$\{[^:}]+:(\d{2,5})\}/.exec(value);
  const port = Number(m?.[1]);
  return m && port > 0 && port < 65536 ? port : null;
}
