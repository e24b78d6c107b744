import { ancestors, joinPath, relativePath } from './paths.js';
import type { RepoFiles } from './types.js';

/** The Node package managers (a subset of PackageManager). */
export type NodePm = 'npm' | 'pnpm' | 'yarn' | 'bun';

/** Lockfiles by manager; the order breaks ties when several are present. */
const LOCKFILES: ReadonlyArray<readonly [string, NodePm]> = [
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
  ['bun.lock', 'bun'],
  ['bun.lockb', 'bun'],
  ['package-lock.json', 'npm'],
  ['npm-shrinkwrap.json', 'npm'],
];

/** The package manager and lockfile of a Node app. */
export interface NodePmFacts {
  pm: NodePm;
  /** Relative to the app dir ('../../pnpm-lock.yaml' in a workspace member). */
  lockfile: string | null;
  /** Yarn 2+ (install with --immutable, not --frozen-lockfile). */
  yarnBerry: boolean;
  notes: string[];
}

/**
 * Package manager from the `packageManager` field (corepack pins it, so it
 * wins) or the lockfiles in the app dir or the nearest ancestor that has one
 * (workspace members share the root lockfile).
 */
export function detectNodePm(files: RepoFiles, dir: string, packageManagerField: string | null): NodePmFacts {
  const notes: string[] = [];
  const declared = /^(npm|pnpm|yarn|bun)@(\d+)?/.exec(packageManagerField ?? '');
  const declaredPm = (declared?.[1] as NodePm | undefined) ?? null;

  let found: Array<{ path: string; pm: NodePm }> = [];
  let lockDir = dir;
  for (const d of ancestors(dir)) {
    found = LOCKFILES.filter(([name]) => files.exists(joinPath(d, name))).map(([name, pm]) => ({
      path: joinPath(d, name),
      pm,
    }));
    if (found.length > 0) {
      lockDir = d;
      break;
    }
  }

  const chosen = (declaredPm ? found.find((f) => f.pm === declaredPm) : found[0]) ?? null;
  const pm: NodePm = declaredPm ?? chosen?.pm ?? 'npm';
  if (found.length > 1) {
    notes.push(
      `several lockfiles (${found.map((f) => f.path).join(', ')}): using ${chosen?.path ?? pm}; delete the others`,
    );
  }
  if (declaredPm && found.length > 0 && !chosen) {
    notes.push(`packageManager says ${declaredPm} but the lockfile is ${found.map((f) => f.path).join(', ')}`);
  }
  if (!chosen) {
    notes.push(`no lockfile: installs are not reproducible (run \`${pm} install\` and commit the lockfile)`);
  } else if (lockDir !== dir) {
    notes.push(`lockfile ${chosen.path} is shared with the workspace at ${lockDir}`);
  }

  const berryVersion = declaredPm === 'yarn' && Number(declared?.[2] ?? 0) >= 2;
  const yarnBerry = pm === 'yarn' && (berryVersion || files.exists(joinPath(lockDir, '.yarnrc.yml')));
  return { pm, lockfile: chosen ? relativePath(dir, chosen.path) : null, yarnBerry, notes };
}

/** `npm run build`, `pnpm run lint`... for a package.json script. */
export function runScript(pm: NodePm, script: string): string {
  return `${pm} run ${script}`;
}

/** `npm test` style; bun needs `bun run test` because `bun test` is its own test runner. */
export function testScript(pm: NodePm): string {
  return pm === 'bun' ? 'bun run test' : `${pm} test`;
}
