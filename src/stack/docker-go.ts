import { posix } from 'node:path';
import {
  APP_ROOT,
  USERS,
  assertSafe,
  bindMount,
  missingFacts,
  partitionByContext,
  type DockerContext,
  type LanguageSpec,
} from './docker.js';
import { GO, chooseLine, compareParts, versionParts } from './versions.js';

/** The binary's name: the detected `./name` start command, else 'server'. */
function binaryName(startCommand: string | null): string {
  const m = /^\.\/([A-Za-z0-9._-]+)$/.exec(startCommand ?? '');
  return m?.[1] ?? 'server';
}

/** A go.mod asking for a newer patch than the image has fails: the golang image sets GOTOOLCHAIN=local. */
function patchNote(declared: string | null, image: string): string | null {
  const want = declared === null ? null : versionParts(declared);
  const have = versionParts(image.slice(image.indexOf(':') + 1));
  if (!want || !have || want.length < 3) return null;
  const newer = compareParts(want, have) > 0;
  return newer ? `go.mod asks for Go ${declared} but ${image} is older: bump the FROM line (the image does not download toolchains)` : null;
}

/** Go image spec: a static binary on distroless (or a cgo binary on distroless/base). */
export function buildGoSpec(ctx: DockerContext): LanguageSpec {
  const { facts } = ctx;
  const go = facts.go ?? missingFacts('go', ctx.serviceDir);
  const line = chooseLine(GO, facts.runtimeVersion, 'Go');
  if (line.note) ctx.notes.push(line.note);
  const patch = patchNote(facts.runtimeVersion, line.images.build);
  if (patch) ctx.notes.push(patch);

  const name = binaryName(facts.startCommand);
  const binaryPath = `/app/${name}`;
  // From go.work's folder, the package is named by its path from there: go.work maps it to its module.
  const mainPackage = assertSafe(ctx.appPath === '' ? go.mainPackage : `./${posix.join(ctx.appPath, go.mainPackage)}`, 'main package');
  const workspace = go.workspace !== null;
  if (go.cgo) {
    ctx.notes.push('cgo: the binary links glibc, so it runs on distroless/base; C libraries beyond glibc/libssl must be copied in too');
  }
  if (facts.lockfile === null) ctx.notes.push('no go.sum: module downloads are not verified; run `go mod tidy` and commit go.sum');
  const replaces = partitionByContext(go.localReplaces, ctx.appPath);
  const { outside } = replaces;
  if (outside.length > 0) {
    ctx.notes.push(`go.mod replaces modules with ${outside.join(', ')}, outside the build context (${ctx.contextDir}): the image build cannot read ${outside.length > 1 ? 'them' : 'it'}; build from a context that holds ${outside.length > 1 ? 'them' : 'it'}, or vendor (go mod vendor)`);
  }
  if (ctx.answers.runtime === 'ecs-fargate') {
    ctx.notes.push('distroless has no shell or curl: health is checked by the load balancer on the health path, not by a container HEALTHCHECK');
  }

  return {
    images: { build: line.images.build, runtime: go.cgo ? GO.cgoRuntime : line.images.runtime },
    user: USERS.distroless,
    env: [],
    tiniApt: null,
    // The Go runtime handles SIGTERM itself; no init needed.
    entrypoint: [binaryPath],
    cmd: null,
    healthcheckCmd: null,
    startPeriod: '10s',
    // A static binary cross-compiles for free; cgo would need a cross C toolchain.
    platforms: go.cgo ? ['linux/amd64'] : ['linux/amd64', 'linux/arm64'],
    go: {
      cgo: go.cgo,
      crossCompile: !go.cgo,
      // go mod download reads the go.mod of every module a `replace` points at a folder (a workspace has no download step).
      bindMounts: workspace ? [] : ['go.mod', ...(facts.lockfile === null ? [] : ['go.sum']), ...replaces.inside].map(bindMount),
      // In workspace mode `go mod download` also looks up the workspace's own modules at the versions
      // go.mod requires (a v0.0.0 placeholder that no proxy has): the build downloads, into the cache mount.
      download: go.vendored || workspace ? null : ['go', 'mod', 'download'],
      workspace,
      vendored: go.vendored,
      build: ['go', 'build', '-trimpath', '-ldflags=-s -w', '-o', `/out/${name}`, mainPackage],
      binaryCopy: [`/out/${name}`, binaryPath],
      // Relative paths resolve from the working directory: /app here, the module folder under `go run`.
      runtimeCopies: go.runtimeFiles.map((f): [string, string] => [assertSafe(posix.join(ctx.appPath, f), 'runtime file'), `${APP_ROOT}/${f}`]),
    },
  };
}
