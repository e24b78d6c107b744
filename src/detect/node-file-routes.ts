import { joinPath } from './paths.js';
import type { FoundRoute } from './scan.js';
import type { RepoFiles } from './types.js';

const ROUTE_FILE = /^(.+?)(?:\/route)?\.(?:tsx?|jsx?)$/;

/**
 * React Router 7 and Remix routes: `route("healthz", ...)` in app/routes.ts,
 * and file routes (app/routes/healthcheck.tsx, api.health.ts for /api/health,
 * healthz/route.tsx), whose paths are never quoted in the source.
 */
export function remixRoutes(files: RepoFiles, dir: string): FoundRoute[] {
  const out: FoundRoute[] = [];
  for (const name of ['app/routes.ts', 'app/routes.js']) {
    const file = joinPath(dir, name);
    for (const m of (files.read(file) ?? '').matchAll(/\broute\(\s*['"`]\/?([a-z0-9/]+)['"`]/g)) out.push({ path: `/${m[1] ?? ''}`, file });
  }
  const routesDir = joinPath(dir, 'app/routes');
  for (const entry of files.list(routesDir)) {
    const path = joinPath(routesDir, entry);
    const file = files.isDirectory(path) ? files.list(path).map((f) => `${entry}/${f}`).find((f) => /\/route\.[jt]sx?$/.test(f)) : entry;
    const name = file === undefined ? undefined : ROUTE_FILE.exec(file)?.[1];
    if (name !== undefined && file !== undefined) out.push({ path: `/${name.replace(/\./g, '/')}`, file: joinPath(routesDir, file) });
  }
  return out;
}

/** SvelteKit endpoints: src/routes/healthz/+server.ts serves /healthz; a (group) folder adds nothing to the path. */
export function svelteKitRoutes(files: RepoFiles, dir: string): FoundRoute[] {
  const out: FoundRoute[] = [];
  const visit = (folder: string, path: string, depth: number): void => {
    for (const name of files.list(folder)) {
      const child = joinPath(folder, name);
      if (files.isDirectory(child)) {
        if (depth < 3) visit(child, /^\(.*\)$/.test(name) ? path : `${path}/${name}`, depth + 1);
      } else if (/^\+server\.[jt]s$/.test(name) && path !== '') out.push({ path, file: child });
    }
  };
  visit(joinPath(dir, 'src/routes'), '', 0);
  return out;
}
