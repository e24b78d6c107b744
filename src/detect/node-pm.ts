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
  /**
   * `pnpm@<major>` for corepack when package.json pins no pnpm release: the
   * newest pnpm (corepack's default) refuses older lockfiles, so the major
   * comes from the lockfile's version. Null otherwise.
   */
  corepackSpec: string | null;
  notes: string[];
}

/** pnpm-lock.yaml lockfileVersion -> the pnpm major that writes it (9.0: pnpm 9, which 10 also reads). */
const PNPM_BY_LOCKFILE: ReadonlyArray<readonly [RegExp, string]> = [
  [/^9\./, '9'],
  [/^6\./, '8'],
  [/^5\.4/, '7'],
  [/^5\.3/, '6'],
];

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
  let corepackSpec: string | null = null;
  if (pm === 'pnpm' && declaredPm !== 'pnpm' && chosen !== null) {
    const version = /^lockfileVersion:\s*['"]?([\d.]+)/m.exec(files.read(chosen.path) ?? '')?.[1] ?? '';
    const major = PNPM_BY_LOCKFILE.find(([re]) => re.test(version))?.[1];
    if (major) {
      corepackSpec = `pnpm@${major}`;
      notes.push(`no packageManager field: the image and CI use pnpm ${major}, which wrote lockfile v${version}; pin the release with \`corepack use pnpm@${major}\``);
    }
  }
  return { pm, lockfile: chosen ? relativePath(dir, chosen.path) : null, yarnBerry, corepackSpec, notes };
}

/** `npm run build`, `pnpm run lint`... for a package.json script. */
export function runScript(pm: NodePm, script: string): string {
  return `${pm} run ${script}`;
}

/** `npm test` style; bun needs `bun run test` because `bun test` is its own test runner. */
export function testScript(pm: NodePm): string {
  return pm === 'bun' ? 'bun run test' : `${pm} test`;
}

/** The words that run a package's binary from the project's own node_modules: `npx`, `pnpm exec`, `yarn exec`, `bunx` (bun has no exec). */
export function binRunner(pm: NodePm): string[] {
  return pm === 'npm' ? ['npx'] : pm === 'bun' ? ['bunx'] : [pm, 'exec'];
}
