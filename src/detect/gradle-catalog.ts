import { joinPath } from './paths.js';
import { isTable, parseToml, tomlTable, type TomlTable, type TomlValue } from './toml.js';
import type { RepoFiles } from './types.js';

/** Gradle's default version catalog, at the root of the build. */
export const CATALOG_FILE = 'gradle/libs.versions.toml';

/**
 * A version as a catalog writes it: "3.4.1", { ref = "boot" } (or the dotted
 * version.ref, which parses the same), or a rich version { strictly, require, prefer }.
 */
function versionOf(value: TomlValue | undefined, versions: TomlTable | null): string | null {
  if (typeof value === 'string') return value;
  if (!isTable(value)) return null;
  const ref = value['ref'];
  if (typeof ref === 'string') return versionOf(versions?.[ref], versions);
  for (const key of ['strictly', 'require', 'prefer']) {
    const v = value[key];
    if (typeof v === 'string') return v;
  }
  return null;
}

/**
 * The version the catalog at the build root `buildRoot` gives a plugin id
 * (`[plugins]`) or a library's group:name (`[libraries]`), in any of the
 * catalog's notations; null when neither is there or the catalog is absent.
 */
export function catalogVersion(files: RepoFiles, buildRoot: string, wanted: { plugin: string; modules: readonly string[] }): string | null {
  const doc = parseToml(files.read(joinPath(buildRoot, CATALOG_FILE)));
  const versions = tomlTable(doc, 'versions');
  for (const entry of Object.values(tomlTable(doc, 'plugins') ?? {})) {
    if (typeof entry === 'string') {
      const [id, version] = entry.split(':');
      if (id === wanted.plugin && version) return version;
    } else if (isTable(entry) && entry['id'] === wanted.plugin) {
      return versionOf(entry['version'], versions);
    }
  }
  for (const entry of Object.values(tomlTable(doc, 'libraries') ?? {})) {
    if (typeof entry === 'string') {
      const [group, name, version] = entry.split(':');
      if (wanted.modules.includes(`${group}:${name}`) && version) return version;
    } else if (isTable(entry)) {
      const module = typeof entry['module'] === 'string' ? entry['module'] : `${String(entry['group'])}:${String(entry['name'])}`;
      if (wanted.modules.includes(module)) return versionOf(entry['version'], versions);
    }
  }
  return null;
}
