import { posix } from 'node:path';
import type { Answers, Language } from '../answers/options.js';
import type { RepoFacts } from '../detect/types.js';
import { UserError } from '../errors.js';
import { buildGoSpec } from './docker-go.js';
import { buildJavaSpec } from './docker-java.js';
import { buildNodeSpec } from './docker-node.js';
import { buildPythonSpec } from './docker-python.js';
import type { AptPackages } from './python-system-packages.js';
import { buildRepo } from './repo.js';

/** A NAME=value pair for ENV or LABEL; values go through `dockerQuoted`. */
export interface KeyValue {
  name: string;
  value: string;
}

/** One `COPY` into the runtime stage: `from` a stage, or from the build context when null. */
export interface CopySpec {
  from: string | null;
  /** [source, destination], rendered as a JSON array with `dockerExec`. */
  paths: [string, string];
  /** Files left out of a whole-folder copy (COPY --exclude, Dockerfile syntax 1.19+). */
  exclude?: string[];
}

export interface HealthcheckSpec {
  /** Exec-form command; also what an ECS task definition's healthCheck can reuse. */
  cmd: string[];
  interval: string;
  timeout: string;
  startPeriod: string;
  retries: number;
}

export interface UserSpec {
  uid: number;
  gid: number;
  /** 'uid:gid', for `USER` and `COPY --chown`. */
  chown: string;
  /** The runtime stage must create the user (the base image has no unprivileged user of that id). */
  create: boolean;
}

/** Node.js (npm, pnpm, yarn, bun) specifics. */
export interface NodeSpec {
  pm: 'npm' | 'pnpm' | 'yarn' | 'bun';
  bun: boolean;
  /** pnpm and yarn come from corepack (honouring package.json's packageManager). */
  corepack: boolean;
  /** `corepack enable`, and the release to install when package.json pins none. */
  corepackCommand: string;
  /** Yarn 2+: installs get YARN_NODE_LINKER=node-modules. */
  yarnBerry: boolean;
  next: boolean;
  nextStandalone: boolean;
  /** Dependency installs read files copied through a `manifests` stage (workspaces, yarn berry)... */
  manifestsStage: boolean;
  /** ...which keeps files with these names... */
  manifestNames: string[];
  /** ...and everything under these directories (find -path patterns). */
  manifestDirs: string[];
  /** ...otherwise these `--mount=type=bind,...` flags feed the install. */
  bindMounts: string[];
  /** `--mount=type=cache,...` for the package manager's cache. */
  cacheMount: string;
  installProd: string[];
  installAll: string[];
  /** The `deps` stage (production node_modules) exists; Next standalone bundles its own. */
  depsStage: boolean;
  /** The `build` stage exists (a build script runs). */
  buildStage: boolean;
  buildCmd: string[];
  /** The member's own build script runs (false when only its workspace dependencies need building). */
  ownBuild: boolean;
  /** Absolute folders of workspace packages to build first, dependencies first (each its own `build` script). */
  workspaceBuilds: string[];
  /** The build stage drops its node_modules after building, so production ones can be laid over its tree. */
  dropBuildModules: boolean;
  /** Shell command keeping typescript for the runtime stage (`next start` compiles next.config.ts with it), or null. */
  keepTypescript: string | null;
  /** Runtime COPY lines, in order. */
  copies: CopySpec[];
  /** Build output folders the ignore file leaves out (the image builds its own); not the one a build-less app runs from. */
  ignoredOutputs: string[];
  /** Prisma's generated client, or null without Prisma. */
  prisma: PrismaSpec | null;
}

/**
 * How the image gets Prisma's client, which `prisma generate` writes from the
 * schema: the installs see the schema (a `postinstall: prisma generate` needs
 * it), the build generates before building, and the production node_modules
 * get a client of their own. Prisma's engines load OpenSSL, which the slim
 * images lack, in every stage.
 */
export interface PrismaSpec {
  /** `--mount=type=bind` of the schema, for the installs and the deps stage's generate. */
  mount: string;
  /** The deps stage's command (a shell line) generating the client into production node_modules, and its mounts; null without a deps stage or for a client outside node_modules. */
  prodGenerate: { mounts: string[]; command: string } | null;
  /** The build stage's `prisma generate`, or null when the build script runs it (or there is no build stage). */
  buildGenerate: string[] | null;
}

/** A command that writes a requirements file without some of its lines, and where it writes it. */
export interface RequirementsFilter {
  command: string[];
  output: string;
}

/** Python (uv, poetry, pdm, pipenv, pip) specifics. */
export interface PythonSpec {
  pm: 'uv' | 'poetry' | 'pdm' | 'pipenv' | 'pip';
  uv: boolean;
  /** ghcr.io/astral-sh/uv image stage, when uv is used. */
  uvImage: string | null;
  /** Installs a pinned installer (poetry, pdm, pipenv) in the build stage, or null... */
  toolInstall: string[] | null;
  /** ...with pip's cache mounted. */
  toolCacheMount: string;
  /** `python -m venv /app/.venv` first (pip, pdm and pipenv; uv and poetry create it themselves). */
  createVenv: boolean;
  buildEnv: KeyValue[];
  cacheMounts: string[];
  manifestsStage: boolean;
  manifestNames: string[];
  bindMounts: string[];
  /**
   * Writes the requirements file without its local-code lines to `output` (their
   * code is not copied yet): installDeps installs that file. Null: installDeps reads the file itself.
   */
  localFilter: RequirementsFilter | null;
  /** Installs locked dependencies only (before the source is copied), or null. */
  installDeps: string[] | null;
  /** Runs after the source is copied (installs the project itself), or null. */
  installProject: string[] | null;
  /** Then compiles the app's own modules to bytecode (the runtime writes none). */
  compileSource: string[];
  /** A hash-less or lockfile-less install: the comment says so. */
  unlocked: boolean;
  django: boolean;
  /** Debian packages the install needs in the build stage (a compiler, library headers), or null. */
  buildPackages: AptPackages | null;
  /** Debian libraries the app loads at run time, installed in the runtime stage, or null. */
  runtimePackages: AptPackages | null;
}

export interface GoSpec {
  cgo: boolean;
  /** Build on the builder's platform and cross-compile (static binaries only). */
  crossCompile: boolean;
  bindMounts: string[];
  /** `go mod download`, or null when vendor/ holds the modules (go build then uses it by itself) or in a workspace. */
  download: string[] | null;
  /** Built in workspace mode from go.work's folder (the context): no separate download layer. */
  workspace: boolean;
  /** vendor/ is part of the build context (not ignored). */
  vendored: boolean;
  build: string[];
  /** [path in the build stage, path in the image] of the binary. */
  binaryCopy: [string, string];
  /** [path in the build context, path in the image] of each file or folder the app reads at run time, beside the binary. */
  runtimeCopies: Array<[string, string]>;
}

export interface JavaSpec {
  maven: boolean;
  gradle: boolean;
  wrapper: boolean;
  gradleKotlinDsl: boolean;
  springBoot: boolean;
  /** Command extracting Spring Boot's layers to /app/extracted (its syntax depends on the Boot version), or null: the jar runs as is. */
  extractLayers: string[] | null;
  /** Quarkus's fast-jar folder in the build stage ('target/quarkus-app'): shipped as four layers instead of one jar; else null. */
  quarkusApp: string | null;
  cacheTarget: string;
  /** [file, destination folder] of every module's build file, copied before resolving (a multi-project build); else [] (the template copies the root's). */
  buildFiles: Array<[string, string]>;
  /** Resolves dependencies into their own layer, or null (a Maven module: its package step resolves). */
  resolve: string[] | null;
  package: string[];
  /** Copy the whole context (a module of a multi-module build) rather than `src`. */
  copyContext: boolean;
  /** Build output folders of the modules, for the ignore file (its patterns match from the context root only). */
  moduleOutputs: string[];
  /** Directory the build writes the jar to ('target', 'build/libs'). */
  artifactDir: string;
  /** What the build packages: 'jar', or 'war' (an executable Spring Boot war runs with `java -jar` too). */
  archive: 'jar' | 'war';
}

/** Every value the docker templates read. Null parts do not apply to this language. */
export interface DockerfileSpec {
  language: Language;
  images: { build: string; runtime: string };
  /** Header lines saying how to pin the base images' digests too (checklist 1.1 SHOULD). */
  digestPinHelp: string[];
  user: UserSpec;
  port: number;
  /** The runtime stage's WORKDIR: '/app', or '/app/<path>' for a workspace member. */
  workdir: string;
  /** The service's path inside the build context ('' when the context is the service dir). */
  appPath: string;
  env: KeyValue[];
  labels: KeyValue[];
  /** `apt-get install` argument for tini in the runtime stage, or null. */
  tiniApt: string | null;
  entrypoint: string[] | null;
  cmd: string[] | null;
  /** Written only where the platform uses it (ECS) and the image can run it. */
  healthcheck: HealthcheckSpec | null;
  /** The runtime image could run a health check command (it has node/bun/python). */
  healthcheckRunnable: boolean;
  node: NodeSpec | null;
  python: PythonSpec | null;
  go: GoSpec | null;
  java: JavaSpec | null;
}

/** The image side of the stack: what the docker layer writes and what the pipeline builds. */
export interface DockerStack {
  /** The repository brings its own Dockerfile at our target path: keep it, build it. */
  userDockerfile: boolean;
  /** Repository-relative path of the Dockerfile the pipeline builds (ours or the user's). */
  dockerfilePath: string;
  /** Repository-relative build context ('.' for the root). */
  contextDir: string;
  /** Repository-relative path of the ignore file we write (`Dockerfile.dockerignore` when the context is elsewhere). */
  dockerignorePath: string;
  /** Port the image listens on (EXPOSE and ENV PORT). */
  port: number;
  /** Platforms the image builds for without emulating the whole build. */
  platforms: string[];
  /** Exec-form health check command the image can run, for ECS task definitions; null otherwise. */
  healthcheckCommand: string[] | null;
  /** What the generated Dockerfile assumes or could not verify (shown to the user). */
  notes: string[];
  /** The Dockerfile we write; null when the user's is kept. */
  file: DockerfileSpec | null;
}

/** What language builders get: the common context, already resolved. */
export interface DockerContext {
  answers: Answers;
  facts: RepoFacts;
  /** Service dir relative to the repository root ('.' for the root). */
  serviceDir: string;
  contextDir: string;
  /** Service dir relative to the context ('' when they are the same). */
  appPath: string;
  notes: string[];
}

/** What a language builder returns; docker.ts adds labels, user, env common parts. */
export interface LanguageSpec {
  images: { build: string; runtime: string };
  user: UserSpec;
  env: KeyValue[];
  tiniApt: string | null;
  entrypoint: string[] | null;
  cmd: string[] | null;
  /** Command the runtime image can run for a health check, or null (distroless, JRE without curl). */
  healthcheckCmd: string[] | null;
  startPeriod: string;
  platforms: string[];
  node?: NodeSpec;
  python?: PythonSpec;
  go?: GoSpec;
  java?: JavaSpec;
}

/**
 * How to add digest pins. The tool does not resolve digests itself: that
 * needs the registry, and the same answers must always give the same files.
 */
function digestPinHelp(runtimeImage: string): string[] {
  return [
    'Base images are pinned to a version tag, which Dependabot updates. To pin',
    'their digests as well (a tag can be re-pointed, a digest cannot), append',
    `each to its FROM (\`docker buildx imagetools inspect ${runtimeImage}\``,
    'prints it): FROM image:tag@sha256:... Dependabot then bumps both together.',
  ];
}

export const APP_ROOT = '/app';
// Paths and file names we put into RUN/--mount text: no spaces, quotes, commas or `$`.
const SAFE = /^[A-Za-z0-9._/@+-]+$/;

/** Throws when `value` would need quoting inside a `--mount` flag or a RUN word list. */
export function assertSafe(value: string, what: string): string {
  if (!SAFE.test(value) || value.split('/').includes('..')) {
    throw new UserError(`${what} ${JSON.stringify(value)} has characters the generated Dockerfile cannot use safely`);
  }
  return value;
}

/** Seconds the app may drain after SIGTERM: under the platform's stop timeout (Cloud Run 10 s; ECS and Container Apps 30 s). */
export function drainSeconds(runtime: string): number {
  return runtime === 'cloud-run' ? 8 : 25;
}

/**
 * The URL a health check command fetches from inside the container. The path
 * is checked here too (not only by the answers schema) because it is written
 * into a quoted string of JavaScript or Python code.
 */
export function healthUrl(port: number, path: string): string {
  if (!/^\/[A-Za-z0-9._~/-]*$/.test(path)) throw new UserError(`health path ${JSON.stringify(path)} must be a plain URL path such as /healthz`);
  return `http://127.0.0.1:${port}${path}`;
}

/** `--mount=type=bind,source=X,target=X` for a file read only by one RUN. */
export function bindMount(file: string): string {
  assertSafe(file, 'file');
  return `--mount=type=bind,source=${file},target=${file}`;
}

/** `--mount=type=cache,target=X` for a package manager cache. */
export function cacheMount(target: string): string {
  assertSafe(target, 'cache directory');
  return `--mount=type=cache,target=${target}`;
}

/** The repo-relative Dockerfile path we would write: `<service dir>/Dockerfile`. */
function ourDockerfile(serviceDir: string): string {
  return serviceDir === '.' ? 'Dockerfile' : `${serviceDir}/Dockerfile`;
}

function joinRepo(...parts: string[]): string {
  const p = posix.normalize(posix.join(...parts));
  return p === '' ? '.' : p.replace(/\/$/, '');
}

/**
 * Paths relative to the app dir, split by whether the build context (the app
 * dir, or `appPath` below the context's root) holds them: the others cannot
 * be mounted or copied, only noted.
 */
export function partitionByContext(paths: readonly string[], appPath = ''): { inside: string[]; outside: string[] } {
  const isOutside = (p: string): boolean => {
    const inContext = posix.normalize(posix.join(appPath, p));
    return inContext === '..' || inContext.startsWith('../');
  };
  return { inside: paths.filter((p) => !isOutside(p)), outside: paths.filter(isOutside) };
}

/** Where the service's build starts when that is above the service dir: the folder relative to it, and why. */
export interface BuildRoot {
  dir: string;
  why: string;
}

/**
 * The folder the service must be built from: a Go workspace's or a
 * multi-module Java build's root (sibling modules, the parent pom), else the workspace root holding
 * the lockfile (an install needs it and every member's manifest); null for the service dir.
 */
export function buildRootOf(facts: Pick<RepoFacts, 'lockfile' | 'java' | 'go' | 'python' | 'packageManager'>): BuildRoot | null {
  const workspace = facts.go?.workspace;
  if (workspace && workspace.root !== '.') return { dir: workspace.root, why: 'the Go workspace holding go.work' };
  const project = facts.java?.project;
  if (project) return { dir: project.root, why: `the root of the ${facts.java?.buildTool === 'gradle' ? 'multi-project Gradle' : 'multi-module Maven'} build` };
  if (facts.lockfile?.startsWith('../')) return { dir: posix.dirname(facts.lockfile), why: 'the workspace root holding the lockfile' };
  const sources = facts.packageManager === 'uv' ? (facts.python?.localSources ?? []) : [];
  const up = Math.max(0, ...sources.map(levelsUp));
  if (up > 0) return { dir: Array(up).fill('..').join('/'), why: `the folder holding the path dependencies ${sources.filter((p) => levelsUp(p) > 0).join(', ')}` };
  return null;
}

/** How many folders above the app dir a relative path reaches ('../../libs/common' → 2). */
function levelsUp(path: string): number {
  const segments = posix.normalize(path).split('/');
  const i = segments.findIndex((s) => s !== '..');
  return i === -1 ? segments.length : i;
}

/** The build context (the service dir, or its build root) and the service's path inside it. */
export function resolveContext(serviceDir: string, root: BuildRoot | null): { contextDir: string; appPath: string } {
  if (root === null) return { contextDir: serviceDir, appPath: '' };
  const contextDir = joinRepo(serviceDir, root.dir);
  if (contextDir.startsWith('..')) throw new UserError(`${root.why} (${root.dir} from ${serviceDir}) is outside the repository`);
  const appPath = posix.relative(contextDir === '.' ? '' : contextDir, serviceDir === '.' ? '' : serviceDir);
  return { contextDir, appPath };
}

const LANGUAGE_LABEL: Readonly<Record<Language, string>> = { node: 'Node.js', python: 'Python', go: 'Go', java: 'Java' };

function ociLabels(answers: Answers, facts: RepoFacts): KeyValue[] {
  const repo = buildRepo(facts.git);
  const kind = facts.framework ? `${facts.framework} (${LANGUAGE_LABEL[answers.language]})` : LANGUAGE_LABEL[answers.language];
  const labels: KeyValue[] = [
    { name: 'org.opencontainers.image.title', value: answers.serviceName },
    { name: 'org.opencontainers.image.description', value: `${answers.serviceName}: ${kind} service` },
  ];
  // GHCR links the package to the repository through `source`; a placeholder URL would mislead.
  if (repo.known) labels.push({ name: 'org.opencontainers.image.source', value: repo.url });
  return labels;
}

function healthcheckFor(spec: LanguageSpec, answers: Answers): HealthcheckSpec | null {
  // Cloud Run and Container Apps ignore HEALTHCHECK and use their own probes; ECS runs it.
  if (spec.healthcheckCmd === null || answers.runtime !== 'ecs-fargate') return null;
  return { cmd: spec.healthcheckCmd, interval: '30s', timeout: '5s', startPeriod: spec.startPeriod, retries: 3 };
}

function userDockerfileStack(answers: Answers, facts: RepoFacts, dockerfile: string, notes: string[]): DockerStack {
  const contextDir = joinRepo(posix.dirname(dockerfile));
  return {
    userDockerfile: true,
    dockerfilePath: dockerfile,
    contextDir,
    dockerignorePath: contextDir === '.' ? '.dockerignore' : `${contextDir}/.dockerignore`,
    port: answers.port,
    platforms: ['linux/amd64'],
    healthcheckCommand: null,
    notes: [...notes, `keeping your ${dockerfile}: the pipeline builds it with context ${contextDir}`],
    file: null,
  };
}

/**
 * Answers + RepoFacts → everything the Dockerfile and .dockerignore templates
 * need, plus the image-facing values the pipeline uses. Pure.
 * `generated`: paths the manifest says we wrote (our own Dockerfile is not the user's).
 */
export function buildDockerStack(answers: Answers, facts: RepoFacts, generated: ReadonlySet<string>): DockerStack {
  const serviceDir = answers.serviceDir === '.' ? '.' : joinRepo(answers.serviceDir);
  const target = ourDockerfile(serviceDir);
  if (facts.existing.dockerfile.includes(target) && !generated.has(target)) {
    return userDockerfileStack(answers, facts, target, []);
  }
  if (facts.language !== answers.language) {
    const found = facts.language ?? facts.otherLanguage;
    throw new UserError(
      `cannot write a ${answers.language} Dockerfile: no ${answers.language} app was detected in ${serviceDir}` +
        (found ? ` (found ${found}; pass --language ${found} if supported, or add your own Dockerfile)` : ' (add your own Dockerfile, or pass --service-dir)'),
    );
  }

  const root = buildRootOf(facts);
  const { contextDir, appPath } = resolveContext(serviceDir, root);
  const ctx: DockerContext = { answers, facts, serviceDir, contextDir, appPath, notes: [] };
  const spec = buildLanguageSpec(ctx);
  const healthcheck = healthcheckFor(spec, answers);
  const dockerignorePath =
    contextDir === serviceDir ? joinRepo(serviceDir, '.dockerignore') : joinRepo(serviceDir, 'Dockerfile.dockerignore');
  if (contextDir !== serviceDir) {
    ctx.notes.push(
      `the build context is ${contextDir} (${root?.why ?? 'the build root'}); ${dockerignorePath} applies to it (BuildKit reads <Dockerfile>.dockerignore)`,
    );
  }

  return {
    userDockerfile: false,
    dockerfilePath: target,
    contextDir,
    dockerignorePath,
    port: answers.port,
    platforms: spec.platforms,
    healthcheckCommand: spec.healthcheckCmd,
    notes: ctx.notes,
    file: {
      language: answers.language,
      images: spec.images,
      digestPinHelp: digestPinHelp(spec.images.runtime),
      user: spec.user,
      port: answers.port,
      workdir: appPath === '' ? APP_ROOT : `${APP_ROOT}/${assertSafe(appPath, 'service path')}`,
      appPath,
      env: [...spec.env, { name: 'PORT', value: String(answers.port) }],
      labels: ociLabels(answers, facts),
      tiniApt: spec.tiniApt,
      entrypoint: spec.entrypoint,
      cmd: spec.cmd,
      healthcheck,
      healthcheckRunnable: spec.healthcheckCmd !== null,
      node: spec.node ?? null,
      python: spec.python ?? null,
      go: spec.go ?? null,
      java: spec.java ?? null,
    },
  };
}

function buildLanguageSpec(ctx: DockerContext): LanguageSpec {
  switch (ctx.answers.language) {
    case 'node':
      return buildNodeSpec(ctx);
    case 'python':
      return buildPythonSpec(ctx);
    case 'go':
      return buildGoSpec(ctx);
    case 'java':
      return buildJavaSpec(ctx);
  }
}

/** Non-root users, by base image. */
export const USERS = {
  /** The `node` user of node:*-slim, and `bun` of oven/bun. */
  image1000: { uid: 1000, gid: 1000, chown: '1000:1000', create: false },
  /** A user we create (Debian/Ubuntu images whose only unprivileged user is not ours). */
  created: { uid: 10001, gid: 10001, chown: '10001:10001', create: true },
  /** distroless `nonroot`. */
  distroless: { uid: 65532, gid: 65532, chown: '65532:65532', create: false },
} as const satisfies Record<string, UserSpec>;

/** Missing language block: the facts contradict `language`, a detector bug. */
export function missingFacts(language: Language, dir: string): never {
  throw new UserError(`cannot write a ${language} Dockerfile: the ${language} details of ${dir} could not be detected`);
}
