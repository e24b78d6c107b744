import { posix } from 'node:path';
import { NODE_INSTALL_CONFIG } from '../detect/node.js';
import { nodeRunsTypeScript } from '../detect/node-entry.js';
import { binRunner } from '../detect/node-pm.js';
import type { NodeFacts } from '../detect/types.js';
import {
  APP_ROOT,
  USERS,
  assertSafe,
  bindMount,
  cacheMount,
  healthUrl,
  missingFacts,
  type CopySpec,
  type DockerContext,
  type KeyValue,
  type LanguageSpec,
  type NodeSpec,
  type PrismaSpec,
} from './docker.js';
import { BUN, NODE, TOOLS, chooseLine } from './versions.js';

type NodePm = NodeSpec['pm'];

/** Where each package manager keeps its download cache when it runs as root in the image. */
const CACHE_DIRS: Readonly<Record<NodePm | 'berry', string>> = {
  npm: '/root/.npm',
  pnpm: '/root/.local/share/pnpm/store',
  yarn: '/usr/local/share/.cache/yarn',
  berry: '/root/.yarn/berry/cache',
  bun: '/root/.bun/install/cache',
};

/** Files an install may read besides package.json and the lockfile (kept by the manifests stage). */
/** Directories an install may read: yarn's pinned release and plugins, patch-package/pnpm patches. */
const INSTALL_DIRS = ['./.yarn/releases/*', './.yarn/plugins/*', './.yarn/patches/*', './patches/*'];

/** Install commands: all dependencies (build stage) and production only (deps stage). */
export function nodeInstallCommands(pm: NodePm, locked: boolean, yarnBerry: boolean): { all: string[]; prod: string[] } {
  switch (pm) {
    case 'npm':
      return locked
        ? { all: ['npm', 'ci'], prod: ['npm', 'ci', '--omit=dev'] }
        : { all: ['npm', 'install'], prod: ['npm', 'install', '--omit=dev'] };
    case 'pnpm':
      return locked
        ? { all: ['pnpm', 'install', '--frozen-lockfile'], prod: ['pnpm', 'install', '--frozen-lockfile', '--prod'] }
        : { all: ['pnpm', 'install'], prod: ['pnpm', 'install', '--prod'] };
    case 'yarn':
      if (yarnBerry) {
        // Yarn 2+ has no --production install; `workspaces focus` is its production install (built into Yarn 4).
        return {
          all: locked ? ['yarn', 'install', '--immutable'] : ['yarn', 'install'],
          prod: ['yarn', 'workspaces', 'focus', '--all', '--production'],
        };
      }
      return locked
        ? { all: ['yarn', 'install', '--frozen-lockfile'], prod: ['yarn', 'install', '--frozen-lockfile', '--production'] }
        : { all: ['yarn', 'install'], prod: ['yarn', 'install', '--production'] };
    case 'bun':
      return locked
        ? { all: ['bun', 'install', '--frozen-lockfile'], prod: ['bun', 'install', '--frozen-lockfile', '--production'] }
        : { all: ['bun', 'install'], prod: ['bun', 'install', '--production'] };
  }
}

function asNodePm(pm: string | null): NodePm {
  return pm === 'pnpm' || pm === 'yarn' || pm === 'bun' ? pm : 'npm';
}

/** Where the build stage keeps typescript for the runtime stage: outside /app, whose node_modules it drops. */
const KEPT_TYPESCRIPT = '/tmp/typescript';

/** Copies typescript, wherever the install put it (hoisted, or a pnpm symlink), to KEPT_TYPESCRIPT. */
function keepTypescriptCommand(bin: string): string {
  return `cp -rL "$(${bin} -p "require('path').dirname(require.resolve('typescript/package.json'))")" ${KEPT_TYPESCRIPT}`;
}

/** node strips TypeScript types without a flag from 22.18 and 23.6 on. */
function stripsTypes(nodeImage: string): boolean {
  const m = /^node:(\d+)\.(\d+)/.exec(nodeImage);
  const major = Number(m?.[1]);
  const minor = Number(m?.[2]);
  return major > 23 || (major === 23 && minor >= 6) || (major === 22 && minor >= 18);
}

/** `<appPath>/<rel>` inside /app, for runtime COPY paths. */
function inApp(appPath: string, rel: string): string {
  return posix.join('/app', appPath, rel);
}

/** The runtime stage's COPY lines, and whether the build stage drops its node_modules first. */
interface RuntimeCopies {
  copies: CopySpec[];
  dropBuildModules: boolean;
}

/**
 * What the runtime stage copies, by app shape:
 * - Next.js standalone: the traced server, static assets and public/ only;
 * - TypeScript with an output dir (single app): package.json + the output + production node_modules;
 * - otherwise the source tree (the build stage's, when something was built) + production node_modules.
 */
function runtimeCopies(node: NodeFacts, appPath: string, buildStage: boolean): RuntimeCopies {
  if (node.nextStandalone) {
    return {
      dropBuildModules: false,
      copies: [
        // The standalone folder mirrors the tracing root, so a workspace member's server.js sits under its path.
        { from: 'build', paths: [inApp(appPath, '.next/standalone'), '/app/'] },
        { from: 'build', paths: [inApp(appPath, '.next/static'), inApp(appPath, '.next/static')] },
        { from: 'build', paths: [inApp(appPath, 'public'), inApp(appPath, 'public')] },
      ],
    };
  }
  const workspace = appPath !== '';
  const deps: CopySpec = workspace
    ? { from: 'deps', paths: ['/app/', '/app/'] }
    : { from: 'deps', paths: ['/app/node_modules', '/app/node_modules'] };
  const out = node.buildOutputDir;
  if (buildStage && !workspace && node.typescript && out !== null && !out.startsWith('.')) {
    return {
      dropBuildModules: false,
      copies: [
        deps,
        { from: null, paths: ['package.json', '/app/package.json'] },
        { from: 'build', paths: [inApp('', out), inApp('', out)] },
        // The folders the code reads beside its output (public/, views/).
        ...node.runtimeDirs.map((d): CopySpec => ({ from: null, paths: [assertSafe(d, 'runtime folder'), inApp('', d)] })),
      ],
    };
  }
  if (buildStage) {
    // `next start` finds typescript in the app's node_modules, where production dependencies lack it.
    const typescript: CopySpec[] = node.runtimeTypescript ? [{ from: 'build', paths: [KEPT_TYPESCRIPT, inApp(appPath, 'node_modules/typescript')] }] : [];
    return { dropBuildModules: true, copies: [deps, { from: 'build', paths: ['/app/', '/app/'] }, ...typescript] };
  }
  return { dropBuildModules: false, copies: [deps, { from: null, paths: ['.', '/app/'] }] };
}

/** Whole-folder copies leave the install settings out: an .npmrc may hold a registry token, and the app never reads them. */
function withoutInstallConfig(r: RuntimeCopies, installConfig: string[]): RuntimeCopies {
  if (installConfig.length === 0) return r;
  const whole = (c: CopySpec) => c.paths[0] === '.' || c.paths[0] === '/app/';
  return { ...r, copies: r.copies.map((c) => (whole(c) ? { ...c, exclude: installConfig } : c)) };
}

function nodeNotes(ctx: DockerContext, node: NodeFacts, pm: NodePm, locked: boolean, copies: CopySpec[]): string[] {
  // A missing lockfile is detection's note (src/detect/node-pm.ts), printed with these.
  const notes: string[] = [];
  if (node.yarnBerry) {
    notes.push('Yarn 2+: installs use the node-modules linker; production dependencies come from `yarn workspaces focus` (built into Yarn 4, a plugin in Yarn 3)');
  }
  if (copies.some((c) => c.from === null && c.paths[0] === 'package.json')) {
    const dirs = node.runtimeDirs.map((d) => `${d}/`).join(', ');
    notes.push(`the image ships ${node.buildOutputDir ?? 'dist'}/, ${dirs === '' ? '' : `${dirs} (which the code names), `}package.json and production node_modules: add COPY lines for other files the app reads at runtime`);
  }
  if (ctx.appPath !== '') {
    notes.push('the image carries the workspace (every member\'s source and production dependencies); `pnpm deploy` or `turbo prune` can slim it');
    if (node.workspaceBuilds.length > 0) notes.push(`the build stage first builds the workspace packages this service imports: ${node.workspaceBuilds.join(', ')}`);
    if (node.nextStandalone) notes.push("Next.js in a workspace: set outputFileTracingRoot to the workspace root so .next/standalone has the member's path");
  }
  // Not a Dockerfile matter, but the one place notes reach the user: the alerts depend on it.
  if (ctx.answers.monitoring !== 'none' && ctx.facts.metricsLibrary === 'express-prom-bundle') {
    notes.push("express-prom-bundle's defaults write no path label and no 0.5s bucket, which the alerts need: set includePath and buckets as docs/deploy/monitoring.md shows");
  }
  if (node.nextStandalone) {
    notes.push('Next.js writes .next/cache at runtime (ISR, images): give it a writable volume before making the root filesystem read-only');
  }
  return notes;
}

/** Node.js (npm, pnpm, yarn classic and berry, bun) image spec. */
export function buildNodeSpec(ctx: DockerContext): LanguageSpec {
  const { facts, answers, appPath } = ctx;
  const node = facts.node ?? missingFacts('node', ctx.serviceDir);
  const pm = asNodePm(facts.packageManager);
  const bun = pm === 'bun';
  const locked = facts.lockfile !== null;
  const lockName = facts.lockfile === null ? null : posix.basename(facts.lockfile);
  const { all, prod } = nodeInstallCommands(pm, locked, node.yarnBerry);
  const manifestsStage = appPath !== '' || node.yarnBerry;

  let images = BUN;
  if (!bun) {
    const line = chooseLine(NODE, facts.runtimeVersion, 'Node.js');
    images = line.images;
    if (line.note) ctx.notes.push(line.note);
    if (nodeRunsTypeScript(node) && !stripsTypes(images.runtime)) {
      ctx.notes.push(`Node.js ${line.line} cannot run ${node.entrypoint}: node runs TypeScript by itself from Node 22.18 on; declare Node 22 or newer (.nvmrc or engines.node), or compile it in a build script`);
    }
  }

  // A workspace member imports its sibling packages' build output (main: dist/index.js): those build first.
  const workspaceBuilds = appPath === '' ? [] : node.workspaceBuilds.map((rel) => posix.join(APP_ROOT, appPath, rel));
  const buildStage = node.hasBuildScript || workspaceBuilds.length > 0;
  const { copies, dropBuildModules } = withoutInstallConfig(runtimeCopies(node, appPath, buildStage), node.installConfig);
  const next = facts.framework === 'next';
  const entry = node.entrypoint;
  const bin = bun ? 'bun' : 'node';
  // The start script's node options (a -r preload, an --import hook) run in the image too.
  const options = bun ? [] : node.nodeOptions;
  const cmd = next && !node.nextStandalone
    ? [bin, entry, 'start']
    : node.launcher !== null
      ? [bin, ...options, node.launcher.script, ...node.launcher.args]
      : [bin, ...options, entry];

  const env: KeyValue[] = [{ name: 'NODE_ENV', value: 'production' }];
  if (next) env.push({ name: 'NEXT_TELEMETRY_DISABLED', value: '1' });
  // Next's standalone server binds to $HOSTNAME, which Docker sets to the container id.
  if (node.nextStandalone) env.push({ name: 'HOSTNAME', value: '0.0.0.0' });

  const url = healthUrl(answers.port, answers.healthPath);
  const spec: NodeSpec = {
    pm,
    bun,
    corepack: pm === 'pnpm' || pm === 'yarn',
    corepackCommand: corepackCommand(node.corepackSpec),
    yarnBerry: node.yarnBerry,
    next,
    nextStandalone: node.nextStandalone,
    manifestsStage,
    manifestNames: ['package.json', ...(lockName ? [assertSafe(lockName, 'lockfile')] : []), ...NODE_INSTALL_CONFIG],
    manifestDirs: INSTALL_DIRS,
    // The install reads the package manager's settings (registry, auth) too.
    bindMounts: manifestsStage ? [] : ['package.json', ...(lockName ? [lockName] : []), ...node.installConfig.map((f) => assertSafe(f, 'install config'))].map(bindMount),
    cacheMount: cacheMount(node.yarnBerry ? CACHE_DIRS.berry : CACHE_DIRS[pm]),
    installProd: prod,
    installAll: all,
    depsStage: !node.nextStandalone,
    buildStage,
    buildCmd: [pm, 'run', 'build'],
    ownBuild: node.hasBuildScript,
    workspaceBuilds: workspaceBuilds.map((d) => assertSafe(d, 'workspace package')),
    dropBuildModules,
    keepTypescript: buildStage && node.runtimeTypescript ? keepTypescriptCommand(bin) : null,
    copies,
    // Without a build script the app runs committed files: keep the folder its entrypoint is in.
    ignoredOutputs: ['dist', 'build'].filter((d) => buildStage || !entry.startsWith(`${d}/`)),
    prisma: prismaSpec(node, pm, appPath, buildStage, ctx.notes),
  };
  ctx.notes.push(...nodeNotes(ctx, node, pm, locked, copies));

  return {
    images,
    user: USERS.image1000,
    env,
    tiniApt: `tini=${TOOLS.tiniApt}`,
    // tini as PID 1 forwards SIGTERM and reaps zombies even when the app installs no handler.
    // -s: where the platform runs its own init as PID 1 (ECS initProcessEnabled), tini
    // reaps as a subreaper instead of printing a non-JSON warning at every start.
    entrypoint: ['/usr/bin/tini', '-s', '--'],
    cmd,
    healthcheckCmd: [bin, '-e', `fetch('${url}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`],
    startPeriod: '20s',
    // Native addons are per-architecture, so a second platform would rebuild them under emulation.
    platforms: ['linux/amd64'],
    node: spec,
  };
}

/**
 * Prisma's client in the image. The production install has no prisma CLI (a
 * dev dependency), so the deps stage runs the CLI release of the installed
 * @prisma/client; a client generated outside node_modules comes with the build.
 */
function prismaSpec(node: NodeFacts, pm: NodePm, appPath: string, buildStage: boolean, notes: string[]): PrismaSpec | null {
  const prisma = node.prisma;
  if (prisma === null) return null;
  const schema = assertSafe(posix.join(appPath, prisma.schema), 'Prisma schema');
  const cd = appPath === '' ? '' : `cd ${assertSafe(appPath, 'service directory')} && `;
  let prodGenerate: PrismaSpec['prodGenerate'] = null;
  if (prisma.clientInNodeModules && !node.nextStandalone) {
    if (pm === 'bun') {
      notes.push('Prisma: the production node_modules hold no generated client (the bun image has no npx to run the prisma CLI there): generate it in the deps stage, or the app fails at its first query');
    } else {
      // npx keeps the CLI it fetches in npm's cache, whatever installed the dependencies.
      prodGenerate = { mounts: [bindMount(schema), cacheMount(CACHE_DIRS.npm)], command: `${cd}npx --yes prisma@"$(node -p "require('@prisma/client/package.json').version")" generate --schema ${prisma.schema}` };
    }
  } else if (!prisma.clientInNodeModules && !buildStage) {
    notes.push(`Prisma: the schema ${prisma.schema} generates its client outside node_modules and nothing builds the app: the image has only the files committed; add a build script that runs \`prisma generate\``);
  }
  const buildGenerate = buildStage && !prisma.buildGenerates ? [...binRunner(pm), 'prisma', 'generate', '--schema', prisma.schema] : null;
  return { mount: bindMount(schema), prodGenerate, buildGenerate };
}

/** Enables corepack; installs (and makes the default) the release detection chose when package.json pins none. */
export function corepackCommand(spec: string | null): string {
  return spec === null ? 'corepack enable' : `corepack enable && corepack install -g ${spec}`;
}
