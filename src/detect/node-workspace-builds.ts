import { parseJsonObject, stringMap, type JsonObject } from './json.js';
import { nodeWorkspaces } from './node.js';
import { joinPath, parentDir, relativePath } from './paths.js';
import type { RepoFiles } from './types.js';
import { expandGlob } from './workspaces.js';

/**
 * The workspace packages a member depends on (directly or through each
 * other) that have a build script, dependencies first: the image must build
 * them before the member, whose imports resolve to their build output
 * (`main: dist/index.js`). Paths are relative to the member's folder.
 * `lockfile` is the member's lockfile path (relative to it): its folder is the
 * workspace root. Empty outside a workspace.
 */
export function workspaceBuilds(files: RepoFiles, dir: string, pkg: JsonObject | null, lockfile: string | null): string[] {
  if (lockfile === null || !lockfile.startsWith('../')) return [];
  const root = joinPath(dir, parentDir(lockfile));
  const members = new Map<string, { dir: string; pkg: JsonObject }>();
  for (const pattern of nodeWorkspaces(files, root, parseJsonObject(files.read(joinPath(root, 'package.json'))))) {
    if (pattern.startsWith('!')) continue;
    for (const member of expandGlob(files, joinPath(root, pattern))) {
      const memberPkg = parseJsonObject(files.read(joinPath(member, 'package.json')));
      const name = memberPkg?.name;
      if (typeof name === 'string' && memberPkg !== null) members.set(name, { dir: member, pkg: memberPkg });
    }
  }
  const ordered: string[] = [];
  const seen = new Set<string>();
  // Depth first, each package after what it depends on; a cycle stops at the package already seen.
  const visit = (p: JsonObject | null): void => {
    const deps = { ...stringMap(p, 'devDependencies'), ...stringMap(p, 'dependencies') };
    for (const name of Object.keys(deps).sort()) {
      const member = members.get(name);
      if (member === undefined || seen.has(name) || member.dir === dir) continue;
      seen.add(name);
      visit(member.pkg);
      if ('build' in stringMap(member.pkg, 'scripts')) ordered.push(relativePath(dir, member.dir));
    }
  };
  visit(pkg);
  return ordered;
}
