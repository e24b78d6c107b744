import { methodCalls, stringLiteral } from './js-calls.js';
import { joinPath, parentDir } from './paths.js';
import type { FoundRoute } from './scan.js';
import type { RepoFiles } from './types.js';

const ROUTE_DEPTH = 3;
const ROUTE_FILE = /\.(?:c|m)?[jt]s$/;

/**
 * Routes @fastify/autoload registers (fastify-cli's template): each folder
 * under the loaded directory prefixes the routes of the files in it, so
 * routes/health/index.js's get('/') serves /health. `sources` are the files
 * that may register autoload.
 */
export function autoloadRoutes(files: RepoFiles, sources: readonly string[]): FoundRoute[] {
  const out: FoundRoute[] = [];
  for (const source of sources) {
    for (const [, options = ''] of methodCalls(files.read(source) ?? '', 'register')) {
      const dir = /\bdir\s*:[^,}]*?\b(?:join|resolve)\(\s*(?:__dirname|import\.meta\.dirname)\s*,\s*['"`]([^'"`]+)['"`]/.exec(options)?.[1];
      if (dir === undefined) continue;
      // dirNameRoutePrefix: false drops the folder prefixes; a function renames them, which only running it tells.
      const folders = /\bdirNameRoutePrefix\s*:\s*(\w+)/.exec(options)?.[1];
      if (folders !== undefined && folders !== 'true' && folders !== 'false') continue;
      const prefix = stringLiteral(/\bprefix\s*:\s*([^,}]+)/.exec(options)?.[1] ?? "''") ?? '';
      collect(files, joinPath(parentDir(source), dir), { base: prefix.replace(/\/+$/, ''), folders: folders !== 'false' }, '', 0, out);
    }
  }
  return out;
}

interface Prefixes {
  /** The register call's options.prefix. */
  base: string;
  /** dirNameRoutePrefix (on by default): folder names prefix their routes. */
  folders: boolean;
}

function collect(files: RepoFiles, dir: string, prefixes: Prefixes, folderPath: string, depth: number, out: FoundRoute[]): void {
  for (const name of files.list(dir)) {
    const path = joinPath(dir, name);
    if (files.isDirectory(path)) {
      if (depth < ROUTE_DEPTH) collect(files, path, prefixes, `${folderPath}/${name}`, depth + 1, out);
      continue;
    }
    if (!ROUTE_FILE.test(name) || /\.(test|spec)\./.test(name)) continue;
    const text = files.read(path) ?? '';
    // A plugin's exported autoPrefix replaces its folder prefix.
    const autoPrefix = /\bautoPrefix\s*=\s*['"`]([^'"`]*)['"`]/.exec(text)?.[1];
    const prefix = prefixes.base + (autoPrefix ?? (prefixes.folders ? folderPath : ''));
    for (const m of text.matchAll(/\.(?:get|all|head)\(\s*['"`](\/[a-z0-9/]*)['"`]/g)) {
      const route = m[1] === '/' ? prefix : `${prefix}${m[1] ?? ''}`;
      out.push({ path: route === '' ? '/' : route, file: path });
    }
  }
}
