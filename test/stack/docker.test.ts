import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { renderStack } from '../../src/render/plop-bridge.js';
import { buildStack } from '../../src/stack/build-stack.js';
import { buildDockerStack, type DockerfileSpec } from '../../src/stack/docker.js';
import { bootLayout } from '../../src/stack/docker-java.js';
import { nodeInstallCommands } from '../../src/stack/docker-node.js';
import { pythonCommand } from '../../src/stack/docker-python.js';
import { pythonSystemPackages } from '../../src/stack/python-system-packages.js';
import { GO, JAVA, NODE, PYTHON, chooseLine } from '../../src/stack/versions.js';
import { PYTHON_DEFAULTS, makeAnswers, makeFacts, type FactsOverrides } from '../helpers/facts.js';
import type { Answers } from '../../src/answers/options.js';
import type { NodeFacts, PythonFacts } from '../../src/detect/types.js';

function fileFor(answers: Partial<Answers>, facts: FactsOverrides): DockerfileSpec {
  const file = buildDockerStack(makeAnswers(answers), makeFacts(facts), new Set()).file;
  if (file === null) throw new Error('expected a generated Dockerfile');
  return file;
}

describe('versions', () => {
  it('every pinned tag is an explicit version, never latest or a bare major', () => {
    const images = [
      ...Object.values(NODE.lines).flatMap((l) => [l.build, l.runtime]),
      ...Object.values(PYTHON.lines).flatMap((l) => [l.build, l.runtime]),
      ...Object.values(GO.lines).map((l) => l.build),
      ...Object.values(JAVA.lines).flatMap((l) => [l.build, l.runtime, l.maven, l.gradle]),
    ];
    for (const image of images) {
      const tag = image.slice(image.lastIndexOf(':') + 1);
      expect(tag, image).not.toBe('latest');
      expect(tag, image).not.toMatch(/^\d+(-|$)/);
    }
  });

  it('maps a declared version onto the line it belongs to', () => {
    expect(chooseLine(NODE, '22.11.0', 'Node.js')).toMatchObject({ line: '22', note: null });
    expect(chooseLine(NODE, '22', 'Node.js').images.build).toBe('node:22.23-trixie-slim');
    expect(chooseLine(PYTHON, '3.13', 'Python').images.runtime).toBe('python:3.13.15-slim-trixie');
    expect(chooseLine(GO, '1.26.1', 'Go').line).toBe('1.26');
    expect(chooseLine(JAVA, '17', 'Java').images.runtime).toBe('eclipse-temurin:17.0.20_8-jre-noble');
  });

  it('uses the default line when nothing is declared, and says so', () => {
    const choice = chooseLine(NODE, null, 'Node.js');
    expect(choice.line).toBe('24');
    expect(choice.note).toMatch(/no Node.js version declared/);
  });

  it('moves an unpinned old version up to the next line and a too-new one down to the newest', () => {
    // Node.js 20 reached end of life (April 2026): no image line for it.
    expect(chooseLine(NODE, '20', 'Node.js')).toMatchObject({ line: '22', note: expect.stringMatching(/^Node\.js 20 is not a line we pin: using Node\.js 22/) });
    expect(chooseLine(PYTHON, '3.10', 'Python').note).toMatch(/using Python 3.11/);
    // A go directive is a minimum: go 1.24 builds with the oldest supported release.
    expect(chooseLine(GO, '1.24', 'Go')).toMatchObject({ line: '1.26' });
    expect(chooseLine(GO, '1.28', 'Go')).toMatchObject({ line: '1.27' });
    expect(chooseLine(JAVA, '11', 'Java')).toMatchObject({ line: '17' });
  });
});

describe('buildDockerStack: the user Dockerfile and failures', () => {
  it('keeps a Dockerfile the user wrote at the service dir, and builds it', () => {
    const stack = buildDockerStack(makeAnswers(), makeFacts({ existing: { dockerfile: ['Dockerfile'] } }), new Set());
    expect(stack).toMatchObject({ userDockerfile: true, dockerfilePath: 'Dockerfile', contextDir: '.', file: null });
  });

  it('treats a Dockerfile it generated before as its own', () => {
    const stack = buildDockerStack(makeAnswers(), makeFacts({ existing: { dockerfile: ['Dockerfile'] } }), new Set(['Dockerfile']));
    expect(stack.userDockerfile).toBe(false);
    expect(stack.file?.language).toBe('node');
  });

  it('fails with a clear error when the repository has no app of that language', () => {
    expect(() => buildDockerStack(makeAnswers(), makeFacts({ language: null }), new Set())).toThrow(/no node app was detected in \./);
    expect(() => buildDockerStack(makeAnswers({ language: 'go' }), makeFacts({ language: 'python' }), new Set())).toThrow(/found python/);
  });

  it('writes paths relative to the repository root for a service in a subdirectory', () => {
    const stack = buildDockerStack(makeAnswers({ serviceDir: 'services/api' }), makeFacts({ appDir: 'services/api' }), new Set());
    expect(stack).toMatchObject({ dockerfilePath: 'services/api/Dockerfile', contextDir: 'services/api', dockerignorePath: 'services/api/.dockerignore' });
  });

  it('builds a workspace member from the workspace root that holds the lockfile', () => {
    const stack = buildDockerStack(
      makeAnswers({ serviceDir: 'services/api' }),
      makeFacts({ appDir: 'services/api', packageManager: 'pnpm', lockfile: '../../pnpm-lock.yaml' }),
      new Set(),
    );
    expect(stack).toMatchObject({ contextDir: '.', dockerignorePath: 'services/api/Dockerfile.dockerignore' });
    expect(stack.file).toMatchObject({ appPath: 'services/api', workdir: '/app/services/api' });
    expect(stack.file?.node?.manifestsStage).toBe(true);
  });

  it('adds the source label only when the GitHub repository is known', () => {
    const known = fileFor({}, {});
    expect(known.labels).toContainEqual({ name: 'org.opencontainers.image.source', value: 'https://github.com/acme/api' });
    const unknown = fileFor({}, { git: { owner: null, repo: null } });
    expect(unknown.labels.map((l) => l.name)).not.toContain('org.opencontainers.image.source');
    expect(unknown.labels).toContainEqual({ name: 'org.opencontainers.image.title', value: 'api' });
  });

  it('exposes the answered port and sets PORT to it', () => {
    const file = fileFor({ port: 9090 }, {});
    expect(file.port).toBe(9090);
    expect(file.env).toContainEqual({ name: 'PORT', value: '9090' });
  });
});

describe('buildDockerStack: HEALTHCHECK', () => {
  it('is written for ECS when the image can run it', () => {
    expect(fileFor({ runtime: 'ecs-fargate' }, {}).healthcheck?.cmd[0]).toBe('node');
  });

  it('is left out for Cloud Run and Container Apps, which ignore it', () => {
    expect(fileFor({ cloud: 'gcp', runtime: 'cloud-run' }, {}).healthcheck).toBeNull();
    expect(fileFor({ cloud: 'azure', runtime: 'container-apps' }, {}).healthcheck).toBeNull();
  });

  it('is never added to distroless (Go) or JRE (Java) images', () => {
    expect(fileFor({ language: 'go' }, { language: 'go' }).healthcheck).toBeNull();
    expect(fileFor({ language: 'java' }, { language: 'java' }).healthcheck).toBeNull();
  });

  it('fetches the answered health path on the answered port', () => {
    const cmd = fileFor({ language: 'python', port: 8001, healthPath: '/livez' }, { language: 'python' }).healthcheck?.cmd ?? [];
    expect(cmd.join(' ')).toContain("'http://127.0.0.1:8001/livez'");
  });
});

describe('node', () => {
  it('installs from the lockfile with each package manager', () => {
    expect(nodeInstallCommands('npm', true, false)).toEqual({ all: ['npm', 'ci'], prod: ['npm', 'ci', '--omit=dev'] });
    expect(nodeInstallCommands('pnpm', true, false).prod).toEqual(['pnpm', 'install', '--frozen-lockfile', '--prod']);
    expect(nodeInstallCommands('yarn', true, false).all).toEqual(['yarn', 'install', '--frozen-lockfile']);
    expect(nodeInstallCommands('yarn', true, true).all).toEqual(['yarn', 'install', '--immutable']);
    expect(nodeInstallCommands('yarn', true, true).prod).toEqual(['yarn', 'workspaces', 'focus', '--all', '--production']);
    expect(nodeInstallCommands('bun', true, false).all).toEqual(['bun', 'install', '--frozen-lockfile']);
  });

  it('falls back to npm install without a lockfile', () => {
    const stack = buildDockerStack(makeAnswers(), makeFacts({ lockfile: null }), new Set());
    expect(stack.file?.node?.installProd).toEqual(['npm', 'install', '--omit=dev']);
    expect(stack.file?.node?.bindMounts).toEqual(['--mount=type=bind,source=package.json,target=package.json']);
  });

  it('bind-mounts package.json and the lockfile, and caches the package manager store', () => {
    const node = fileFor({}, { packageManager: 'pnpm', lockfile: 'pnpm-lock.yaml' }).node;
    expect(node?.bindMounts).toEqual([
      '--mount=type=bind,source=package.json,target=package.json',
      '--mount=type=bind,source=pnpm-lock.yaml,target=pnpm-lock.yaml',
    ]);
    expect(node?.cacheMount).toBe('--mount=type=cache,target=/root/.local/share/pnpm/store');
    expect(node?.corepack).toBe(true);
  });

  it('picks the node image from the declared version', () => {
    expect(fileFor({}, { runtimeVersion: '22.11.1' }).images.runtime).toBe('node:22.23-trixie-slim');
    expect(fileFor({}, { runtimeVersion: '26' }).images.build).toBe('node:26.7-trixie-slim');
    expect(fileFor({}, { runtimeVersion: null }).images.build).toBe('node:24.19-trixie-slim');
  });

  it('builds TypeScript in a build stage and ships only package.json, the output dir and production modules', () => {
    const node = fileFor({}, {
      node: { typescript: true, hasBuildScript: true, buildOutputDir: 'dist', entrypoint: 'dist/server.js' },
    }).node;
    expect(node?.buildStage).toBe(true);
    expect(node?.buildCmd).toEqual(['npm', 'run', 'build']);
    expect(node?.copies).toEqual([
      { from: 'deps', paths: ['/app/node_modules', '/app/node_modules'] },
      { from: null, paths: ['package.json', '/app/package.json'] },
      { from: 'build', paths: ['/app/dist', '/app/dist'] },
    ]);
    expect(fileFor({}, { node: { typescript: true, hasBuildScript: true, buildOutputDir: 'dist', entrypoint: 'dist/server.js' } }).cmd)
      .toEqual(['node', 'dist/server.js']);
    // The start script's preload runs in the image too (module aliases would not resolve without it).
    expect(fileFor({}, { node: { entrypoint: 'dist/server.js', nodeOptions: ['-r', 'module-alias/register'] } }).cmd)
      .toEqual(['node', '-r', 'module-alias/register', 'dist/server.js']);
  });

  it('ships the Next.js standalone server, static assets and public/, without a deps stage', () => {
    const file = fileFor({}, {
      framework: 'next',
      node: { typescript: true, hasBuildScript: true, buildOutputDir: '.next', nextStandalone: true, entrypoint: 'server.js' },
    });
    expect(file.node?.depsStage).toBe(false);
    expect(file.node?.copies.map((c) => c.paths[0])).toEqual(['/app/.next/standalone', '/app/.next/static', '/app/public']);
    expect(file.cmd).toEqual(['node', 'server.js']);
    expect(file.env).toContainEqual({ name: 'HOSTNAME', value: '0.0.0.0' });
  });

  it('runs fastify-cli with the launcher arguments detection chose, after the start script\'s node options', () => {
    const launcher = { script: 'node_modules/fastify-cli/cli.js', args: ['start', '-l', 'info', '--address', '0.0.0.0', 'app.js'] };
    expect(fileFor({}, { framework: 'fastify', node: { entrypoint: 'app.js', launcher } }).cmd)
      .toEqual(['node', 'node_modules/fastify-cli/cli.js', 'start', '-l', 'info', '--address', '0.0.0.0', 'app.js']);
    expect(fileFor({}, { framework: 'fastify', node: { entrypoint: 'app.js', launcher, nodeOptions: ['--enable-source-maps'] } }).cmd?.slice(0, 3))
      .toEqual(['node', '--enable-source-maps', 'node_modules/fastify-cli/cli.js']);
  });

  it('runs a .ts entrypoint with the image\'s node, and says when that Node.js line cannot strip types', () => {
    const notes = (runtimeVersion: string | null, node: Partial<NodeFacts>) =>
      buildDockerStack(makeAnswers(), makeFacts({ runtimeVersion, node }), new Set()).notes.join('\n');
    const ts = { typescript: true, entrypoint: 'src/server.ts' };
    expect(fileFor({}, { node: ts }).cmd).toEqual(['node', 'src/server.ts']);
    // Every line we pin strips types (22.23 and up); an older declared line runs on 22.
    for (const version of [null, '20', '22', '24', '26']) expect(notes(version, ts), String(version)).not.toContain('cannot run');
    expect(notes('20', ts)).toContain('using Node.js 22');
    // tsx's loader runs it on any line; so does bun.
    expect(notes('20', { ...ts, nodeOptions: ['--import', 'tsx'] })).not.toContain('cannot run');
    expect(fileFor({}, { runtimeVersion: '20', node: { ...ts, nodeOptions: ['--import', 'tsx'] } }).cmd).toEqual(['node', '--import', 'tsx', 'src/server.ts']);
  });

  it('keeps typescript from the build stage when next start compiles next.config.ts', () => {
    const next = (runtimeTypescript: boolean, pm: 'npm' | 'bun' = 'npm') => fileFor({}, {
      framework: 'next',
      packageManager: pm,
      lockfile: pm === 'bun' ? 'bun.lock' : 'package-lock.json',
      node: { typescript: true, hasBuildScript: true, buildOutputDir: '.next', entrypoint: 'node_modules/next/dist/bin/next', runtimeTypescript },
    }).node;
    const kept = next(true);
    expect(kept?.keepTypescript).toBe(`cp -rL "$(node -p "require('path').dirname(require.resolve('typescript/package.json'))")" /tmp/typescript`);
    expect(kept?.copies.at(-1)).toEqual({ from: 'build', paths: ['/tmp/typescript', '/app/node_modules/typescript'] });
    expect(next(true, 'bun')?.keepTypescript).toMatch(/^cp -rL "\$\(bun -p /);
    expect(next(false)?.keepTypescript).toBeNull();
    expect(next(false)?.copies.map((c) => c.paths[0])).not.toContain('/tmp/typescript');
  });

  it('mounts what requirements.txt includes with it, and says what lies outside the build context', () => {
    const file = fileFor({ language: 'python' }, { language: 'python', packageManager: 'pip', lockfile: null, python: { dependencyFile: 'requirements.txt', requirementIncludes: ['requirements/base.txt', '../shared.txt'] } });
    expect(file.python?.bindMounts).toEqual(['--mount=type=bind,source=requirements.txt,target=requirements.txt', '--mount=type=bind,source=requirements/base.txt,target=requirements/base.txt']);
    const docker = buildDockerStack(makeAnswers({ language: 'python' }), makeFacts({ language: 'python', packageManager: 'pip', lockfile: null, python: { dependencyFile: 'requirements.txt', requirementIncludes: ['../shared.txt'] } }), new Set());
    expect(docker.notes.join('\n')).toContain('requirements.txt includes ../shared.txt, outside the build context');
  });

  it('installs a requirements/ folder\'s production set with what it includes, never the tool-only pyproject.toml', () => {
    const file = fileFor({ language: 'python' }, { language: 'python', packageManager: 'pip', lockfile: null, python: { dependencyFile: 'requirements/production.txt', requirementIncludes: ['requirements/base.txt'] } });
    expect(file.python?.bindMounts).toEqual(['--mount=type=bind,source=requirements/production.txt,target=requirements/production.txt', '--mount=type=bind,source=requirements/base.txt,target=requirements/base.txt']);
    expect(file.python?.installDeps).toEqual(['pip', 'install', '-r', 'requirements/production.txt']);
    expect(file.python?.installProject).toBeNull();
  });

  it('requirements that install local code (-e .): the rest first, from a filtered copy; the local code after the source', () => {
    const pip = (python: Partial<PythonFacts>) => fileFor({ language: 'python' }, { language: 'python', packageManager: 'pip', lockfile: null, python: { dependencyFile: 'requirements.txt', ...python } }).python;
    const local = pip({ localRequirements: ['.', './libs/shared', '../outside'], installable: true });
    expect(local?.localFilter).toEqual({ command: ['sed', '-E', '/^ *((-e|--editable)[ =]+)?\\./d', 'requirements.txt'], output: 'requirements.deps.txt' });
    expect(local?.installDeps).toEqual(['pip', 'install', '-r', 'requirements.deps.txt']);
    expect(local?.installProject).toEqual(['pip', 'install', '.', './libs/shared']);
    // Hashes pin every dependency: the local code adds none.
    expect(pip({ localRequirements: ['.'], hashPinned: true })?.installProject).toEqual(['pip', 'install', '--no-deps', '.']);
    expect(pip({ localRequirements: [] })?.localFilter).toBeNull();
    const docker = buildDockerStack(makeAnswers({ language: 'python' }), makeFacts({ language: 'python', packageManager: 'pip', lockfile: null, python: { dependencyFile: 'requirements.txt', localRequirements: ['../outside'] } }), new Set());
    expect(docker.notes.join('\n')).toContain('requirements.txt installs ../outside, outside the build context');
  });

  it('builds a uv project from the folder holding its path dependencies, skipping local packages until their source is copied', () => {
    const facts = makeFacts({ language: 'python', appDir: 'services/api', packageManager: 'uv', lockfile: 'uv.lock', python: { dependencyFile: 'uv.lock', localSources: ['../../libs/common', './vendor/x'] } });
    const docker = buildDockerStack(makeAnswers({ language: 'python', serviceDir: 'services/api' }), facts, new Set());
    expect(docker).toMatchObject({ contextDir: '.', dockerignorePath: 'services/api/Dockerfile.dockerignore' });
    expect(docker.file).toMatchObject({ appPath: 'services/api', workdir: '/app/services/api' });
    expect(docker.file?.python?.installDeps).toEqual(['uv', 'sync', '--locked', '--no-dev', '--no-install-local']);
    expect(docker.notes.join('\n')).not.toContain('uv workspace');
    // Another installer is still built from its own folder, and says what it cannot install.
    const poetry = buildDockerStack(makeAnswers({ language: 'python', serviceDir: 'services/api' }), { ...facts, packageManager: 'poetry', lockfile: 'poetry.lock' }, new Set());
    expect(poetry.contextDir).toBe('services/api');
    expect(poetry.notes.join('\n')).toContain('pyproject.toml installs ../../libs/common from outside the build context');
  });

  it('installs the pnpm release detection chose when package.json pins none, in every stage that runs pnpm', async () => {
    const facts = makeFacts({ packageManager: 'pnpm', lockfile: 'pnpm-lock.yaml', node: { corepackSpec: 'pnpm@8', hasBuildScript: true, buildOutputDir: 'dist', entrypoint: 'dist/server.js' } });
    const stack = buildStack(makeAnswers({}), facts);
    const dockerfile = (await renderStack(stack, 'docker')).read('Dockerfile')!.content;
    expect(dockerfile.match(/^RUN corepack enable && corepack install -g pnpm@8$/gm)).toHaveLength(2);
    const ci = parseYaml((await renderStack(stack, 'pipeline')).read('.github/workflows/ci.yml')!.content) as { jobs: Record<string, { steps: Array<{ name?: string; run?: string }> }> };
    const corepack = Object.values(ci.jobs).flatMap((j) => j.steps ?? []).filter((st) => st.name?.startsWith('Enable corepack'));
    expect(corepack.length).toBeGreaterThan(0);
    for (const st of corepack) expect(st.run).toBe('corepack enable && corepack install -g pnpm@8');
  });

  it("builds a workspace module from go.work's folder: the main package by its path from there, a replace there is inside", () => {
    const docker = buildDockerStack(
      makeAnswers({ language: 'go', serviceDir: 'services/api' }),
      makeFacts({ language: 'go', appDir: 'services/api', go: { mainPackage: '.', workspace: { root: '../..', uses: ['libs/a', 'services/api'], hasSum: false }, localReplaces: ['../../libs/a', '../../../x'] } }),
      new Set(),
    );
    expect(docker.contextDir).toBe('.');
    expect(docker.file?.go).toMatchObject({ download: null, workspace: true });
    expect(docker.file?.go?.build.at(-1)).toBe('./services/api');
    expect(docker.notes.join('\n')).toMatch(/replaces modules with \.\.\/\.\.\/\.\.\/x, outside the build context \(\.\)/);
  });

  it('mounts the folders go.mod replaces modules with for go mod download, and says when one is outside the build context', () => {
    const file = fileFor({ language: 'go' }, { language: 'go', go: { localReplaces: ['third_party/shared', '../../libs/a'] } });
    expect(file.go?.bindMounts).toContain('--mount=type=bind,source=third_party/shared,target=third_party/shared');
    expect(file.go?.bindMounts.join(' ')).not.toContain('libs/a');
    const docker = buildDockerStack(makeAnswers({ language: 'go' }), makeFacts({ language: 'go', go: { localReplaces: ['../../libs/a'] } }), new Set());
    expect(docker.notes.join('\n')).toContain('go.mod replaces modules with ../../libs/a, outside the build context');
  });

  it('puts a src/ layout on PYTHONPATH, relative to where the server starts', () => {
    expect(fileFor({ language: 'python' }, { language: 'python', python: { importRoot: 'src' } }).env).toContainEqual({ name: 'PYTHONPATH', value: 'src' });
    expect(fileFor({ language: 'python' }, { language: 'python' }).env.map((e) => e.name)).not.toContain('PYTHONPATH');
  });

  it('runs under tini as the numeric node user, in production mode', () => {
    const file = fileFor({}, {});
    expect(file.entrypoint).toEqual(['/usr/bin/tini', '-s', '--']);
    expect(file.tiniApt).toMatch(/^tini=\d/);
    expect(file.user.chown).toBe('1000:1000');
    expect(file.env).toContainEqual({ name: 'NODE_ENV', value: 'production' });
  });

  it('uses the pinned bun image and bun commands for bun projects', () => {
    const file = fileFor({}, { packageManager: 'bun', lockfile: 'bun.lock' });
    expect(file.images.build).toMatch(/^oven\/bun:\d+\.\d+\.\d+-slim$/);
    expect(file.cmd?.[0]).toBe('bun');
    expect(file.node?.installProd).toEqual(['bun', 'install', '--frozen-lockfile', '--production']);
  });
});

describe('python system packages', () => {
  it('installs what the native dependencies need: compilers and headers in the build stage, libraries in the runtime one', () => {
    const { build, runtime } = pythonSystemPackages(['psycopg2', 'uwsgi']);
    expect(build).toEqual({ packages: ['gcc', 'libc6-dev', 'libpq-dev'], why: 'psycopg2 and uwsgi build from source' });
    expect(runtime).toEqual({ packages: ['libpq5'], why: 'psycopg2 loads its C library at run time' });
    expect(pythonSystemPackages(['psycopg'])).toEqual({ build: null, runtime: { packages: ['libpq5'], why: 'psycopg (without [binary]) loads its C library at run time' } });
    expect(pythonSystemPackages(['uwsgi']).runtime).toBeNull();
    expect(pythonSystemPackages([])).toEqual({ build: null, runtime: null });
  });

  it('names the runtime library by the soname trixie ships (libldap2: libldap.so.2, not bookworm\'s libldap-2.5-0)', () => {
    expect(pythonSystemPackages(['python-ldap'])).toEqual({
      build: { packages: ['gcc', 'libc6-dev', 'libldap-dev', 'libsasl2-dev'], why: 'python-ldap builds from source' },
      runtime: { packages: ['libldap2'], why: 'python-ldap loads its C library at run time' },
    });
  });

  it('renders them into the Dockerfile stages that need them, and says so', () => {
    const facts = makeFacts({ language: 'python', packageManager: 'pip', lockfile: null, python: { dependencyFile: 'requirements.txt', nativeDeps: ['mysqlclient'] } });
    const docker = buildDockerStack(makeAnswers({ language: 'python' }), facts, new Set());
    expect(docker.file?.python?.buildPackages?.packages).toEqual(['default-libmysqlclient-dev', 'gcc', 'libc6-dev', 'pkgconf']);
    expect(docker.file?.python?.runtimePackages?.packages).toEqual(['libmariadb3']);
    expect(docker.notes.join('\n')).toMatch(/mysqlclient builds from source: the image's build stage installs default-libmysqlclient-dev, gcc, libc6-dev, pkgconf/);
    expect(fileFor({ language: 'python' }, { language: 'python' }).python).toMatchObject({ buildPackages: null, runtimePackages: null });
  });
});

describe('python', () => {
  it('installs from the lockfile with each installer', () => {
    expect(fileFor({ language: 'python' }, { language: 'python' }).python?.installDeps)
      .toEqual(['uv', 'sync', '--locked', '--no-dev', '--no-install-project']);
    expect(fileFor({ language: 'python' }, { language: 'python', packageManager: 'poetry', lockfile: 'poetry.lock' }).python?.installDeps)
      .toEqual(['poetry', 'install', '--only', 'main', '--no-root', '--compile']);
    expect(fileFor({ language: 'python' }, { language: 'python', packageManager: 'pipenv', lockfile: 'Pipfile.lock' }).python?.installDeps)
      .toEqual(['pipenv', 'sync']);
  });

  it('pdm: pinned in the build stage, into the image\'s own virtualenv, the default group from a checked lockfile', () => {
    const pdm = (lockfile: string | null, installable: boolean) =>
      fileFor({ language: 'python' }, { language: 'python', packageManager: 'pdm', lockfile, python: { dependencyFile: lockfile ?? 'pyproject.toml', installable } }).python;
    const locked = pdm('pdm.lock', true);
    expect(locked?.toolInstall).toEqual(['pip', 'install', expect.stringMatching(/^pdm==\d+\.\d+\.\d+$/)]);
    expect(locked?.createVenv).toBe(true);
    expect(locked?.bindMounts).toEqual(['--mount=type=bind,source=pyproject.toml,target=pyproject.toml', '--mount=type=bind,source=pdm.lock,target=pdm.lock']);
    expect(locked?.installDeps).toEqual(['pdm', 'install', '--check', '--prod', '--no-self']);
    expect(locked?.installProject).toEqual(['pdm', 'install', '--check', '--prod', '--no-editable']);
    expect(locked?.unlocked).toBe(false);
    const unlocked = pdm(null, false);
    expect(unlocked?.installDeps).toEqual(['pdm', 'install', '--prod', '--no-self']);
    expect(unlocked?.installProject).toBeNull();
    expect(unlocked?.unlocked).toBe(true);
  });

  it('verifies hashes only when requirements.txt has them', () => {
    const pinned = buildDockerStack(makeAnswers({ language: 'python' }), makeFacts({
      language: 'python', packageManager: 'pip', lockfile: 'requirements.txt',
      python: { dependencyFile: 'requirements.txt', hashPinned: true },
    }), new Set());
    expect(pinned.file?.python?.installDeps).toEqual(['pip', 'install', '--require-hashes', '-r', 'requirements.txt']);
    const loose = buildDockerStack(makeAnswers({ language: 'python' }), makeFacts({
      language: 'python', packageManager: 'pip', lockfile: null,
      python: { dependencyFile: 'requirements.txt', hashPinned: false },
    }), new Set());
    expect(loose.file?.python?.installDeps).toEqual(['pip', 'install', '-r', 'requirements.txt']);
    expect(loose.file?.python?.unlocked).toBe(true);
  });

  it('installs the project itself only when it is installable', () => {
    expect(fileFor({ language: 'python' }, { language: 'python' }).python?.installProject).toBeNull();
    expect(fileFor({ language: 'python' }, { language: 'python', python: { installable: true } }).python?.installProject)
      .toEqual(['uv', 'sync', '--locked', '--no-dev', '--no-editable']);
  });

  it('runs uvicorn for ASGI apps, gunicorn threads for WSGI, and uvicorn workers only for ASGI under gunicorn', () => {
    // uvicorn reads no $PORT itself: a shell passes it (the image's port as the default), then becomes uvicorn.
    expect(pythonCommand(PYTHON_DEFAULTS, null, 8000, 25)).toEqual(['sh', '-c', `exec uvicorn app.main:app --host 0.0.0.0 --port "\${PORT:-8000}" --proxy-headers --forwarded-allow-ips '*' --timeout-graceful-shutdown 25`]);
    // Draining is bounded below the platform's stop timeout, as gunicorn's --graceful-timeout is.
    expect(pythonCommand(PYTHON_DEFAULTS, null, 8000, 8)[2]).toMatch(/--timeout-graceful-shutdown 8$/);
    const flask = pythonCommand({ ...PYTHON_DEFAULTS, server: 'gunicorn', appModule: 'app:app' }, null, 5000, 25);
    expect(flask[0]).toBe('gunicorn');
    // No --bind: gunicorn binds 0.0.0.0:$PORT when PORT is set (the image sets it).
    expect(flask).not.toContain('--bind');
    expect(flask).toContain('--threads');
    expect(flask).not.toContain('uvicorn.workers.UvicornWorker');
    const asgi = pythonCommand({ ...PYTHON_DEFAULTS, server: 'gunicorn', appModule: 'mysite.asgi:application' }, null, 8000, 25);
    expect(asgi).toContain('uvicorn.workers.UvicornWorker');
    // aiohttp is no ASGI app: its own gunicorn worker serves it.
    const aiohttp = pythonCommand({ ...PYTHON_DEFAULTS, server: 'gunicorn', appModule: 'svc.main:init_app()' }, null, 8080, 25, 'aiohttp');
    expect(aiohttp.slice(-3)).toEqual(['--worker-class', 'aiohttp.GunicornWebWorker', 'svc.main:init_app()']);
    expect(aiohttp).not.toContain('--threads');
    expect(pythonCommand(PYTHON_DEFAULTS, 'uvicorn app:create_app --factory', 8000, 25)[2]).toContain(' app.main:app --factory ');
  });

  it('gunicorn runs one worker when the app is scraped: each worker process would keep its own counters', () => {
    const django = { language: 'python' as const, framework: 'django', python: { server: 'gunicorn' as const, appModule: 'mysite.wsgi:application' } };
    const workers = (monitoring: 'prometheus' | 'none') => fileFor({ language: 'python', monitoring }, django).env.find((e) => e.name === 'WEB_CONCURRENCY')?.value;
    expect(workers('prometheus')).toBe('1');
    expect(workers('none')).toBe('2');
  });

  it("puts gunicorn's control socket in memory: the app user has no home and the root filesystem may be read-only", () => {
    const django = { language: 'python' as const, framework: 'django', python: { server: 'gunicorn' as const, appModule: 'mysite.wsgi:application' } };
    const runtimeDir = (facts: object) => fileFor({ language: 'python' }, facts).env.find((e) => e.name === 'XDG_RUNTIME_DIR')?.value;
    expect(runtimeDir(django)).toBe('/dev/shm');
    expect(runtimeDir({ language: 'python', python: { server: 'uvicorn', appModule: 'app.main:app' } })).toBeUndefined();
  });

  it('stops gunicorn before the platform kills it', () => {
    const django = { language: 'python' as const, framework: 'django', python: { server: 'gunicorn' as const, appModule: 'mysite.wsgi:application' } };
    const cloudRun = fileFor({ language: 'python', cloud: 'gcp', runtime: 'cloud-run' }, django).cmd ?? [];
    expect(cloudRun[cloudRun.indexOf('--graceful-timeout') + 1]).toBe('8');
    const ecs = fileFor({ language: 'python' }, django).cmd ?? [];
    expect(ecs[ecs.indexOf('--graceful-timeout') + 1]).toBe('25');
  });

  it('sets the Python runtime environment and a created numeric user', () => {
    const file = fileFor({ language: 'python' }, { language: 'python' });
    expect(file.env).toEqual(expect.arrayContaining([
      { name: 'PYTHONUNBUFFERED', value: '1' },
      { name: 'PYTHONDONTWRITEBYTECODE', value: '1' },
    ]));
    expect(file.user).toEqual({ uid: 10001, gid: 10001, chown: '10001:10001', create: true });
    expect(file.python?.buildEnv).toContainEqual({ name: 'UV_LINK_MODE', value: 'copy' });
    expect(file.python?.uvImage).toMatch(/^ghcr\.io\/astral-sh\/uv:\d+\.\d+\.\d+$/);
  });
});

describe('go', () => {
  it('builds a static, trimmed binary cross-compiled onto distroless/static', () => {
    const file = fileFor({ language: 'go' }, { language: 'go' });
    expect(file.go?.build).toEqual(['go', 'build', '-trimpath', '-ldflags=-s -w', '-o', '/out/server', './cmd/server']);
    expect(file.go?.crossCompile).toBe(true);
    expect(file.images.runtime).toBe('gcr.io/distroless/static-debian12:nonroot');
    expect(file.user.chown).toBe('65532:65532');
    expect(file.entrypoint).toEqual(['/app/server']);
  });

  it('uses distroless/base and a native build for cgo', () => {
    const stack = buildDockerStack(makeAnswers({ language: 'go' }), makeFacts({ language: 'go', go: { cgo: true } }), new Set());
    expect(stack.file?.images.runtime).toBe(GO.cgoRuntime);
    expect(stack.file?.go?.crossCompile).toBe(false);
    expect(stack.platforms).toEqual(['linux/amd64']);
  });

  it('keeps each language on one Debian release, so a cgo binary finds the glibc it was built against', () => {
    const release = (image: string): string => /-(trixie|bookworm)\b/.exec(image)?.[1] ?? { '12': 'bookworm', '13': 'trixie' }[/-debian(\d+):/.exec(image)?.[1] ?? ''] ?? image;
    const releases = (images: string[]) => [...new Set(images.map(release))];
    const all = (p: typeof NODE) => Object.values(p.lines).flatMap((l) => [l.build, l.runtime]);
    // Node and Python on the current Debian; Go on the distroless Debian the quality bar names.
    expect(releases(all(NODE))).toEqual(['trixie']);
    expect(releases(all(PYTHON))).toEqual(['trixie']);
    expect(releases([...all(GO), GO.cgoRuntime])).toEqual(['bookworm']);
  });

  it('picks the toolchain from go.mod and warns when it asks for a newer patch than the image', () => {
    expect(fileFor({ language: 'go' }, { language: 'go', runtimeVersion: '1.27' }).images.build).toBe('golang:1.27.0-bookworm');
    const stack = buildDockerStack(makeAnswers({ language: 'go' }), makeFacts({ language: 'go', runtimeVersion: '1.26.99' }), new Set());
    expect(stack.notes.join('\n')).toMatch(/asks for Go 1\.26\.99/);
  });
});

describe('java', () => {
  it('uses the wrapper when present, else the pinned Maven or Gradle image', () => {
    const wrapped = fileFor({ language: 'java' }, { language: 'java' });
    expect(wrapped.images.build).toBe('eclipse-temurin:21.0.12_8-jdk-noble');
    expect(wrapped.java?.package[0]).toBe('./mvnw');
    const maven = fileFor({ language: 'java' }, { language: 'java', java: { wrapperPath: null } });
    expect(maven.images.build).toBe('maven:3.9.16-eclipse-temurin-21-noble');
    expect(maven.java?.package[0]).toBe('mvn');
    const gradle = fileFor({ language: 'java' }, { language: 'java', runtimeVersion: '17', java: { buildTool: 'gradle', wrapperPath: null, artifactGlob: 'build/libs/*.jar' } });
    expect(gradle.images.build).toBe('gradle:8.14.5-jdk17');
    expect(gradle.java?.artifactDir).toBe('build/libs');
  });

  it('builds a module of a multi-module build from its root, with the wrapper there; a module without that root is refused', () => {
    const project = { root: '../..', selector: ':api', buildFiles: ['pom.xml', 'services/api/pom.xml'] };
    const stack = buildDockerStack(
      makeAnswers({ language: 'java', serviceDir: 'services/api' }),
      makeFacts({ language: 'java', appDir: 'services/api', java: { wrapperPath: '../../mvnw', project } }),
      new Set(),
    );
    expect(stack).toMatchObject({ contextDir: '.', dockerignorePath: 'services/api/Dockerfile.dockerignore' });
    expect(stack.file?.java).toMatchObject({ wrapper: true, resolve: null, copyContext: true, artifactDir: 'services/api/target', moduleOutputs: ['services/api/target/'] });
    expect(stack.notes.join('\n')).toContain('the build context is . (the root of the multi-module Maven build)');
    expect(() => fileFor({ language: 'java', serviceDir: 'api' }, { language: 'java', appDir: 'api', java: { project: { ...project, root: '../..' } } })).toThrow(
      /the root of the multi-module Maven build \(\.\.\/\.\. from api\) is outside the repository/,
    );
    expect(() => fileFor({ language: 'java' }, { language: 'java', java: { project: { ...project, root: '.', selector: ':a b' } } })).toThrow(/module ":a b" has characters/);
  });

  it("turns on Micrometer's request histogram with the latency objective's bucket, when there is monitoring", () => {
    const env = (answers: Partial<Answers>) => Object.fromEntries(fileFor({ language: 'java', ...answers }, { language: 'java', metricsLibrary: 'micrometer-prometheus' }).env.map((e) => [e.name, e.value]));
    expect(env({ monitoring: 'prometheus' })).toMatchObject({
      MANAGEMENT_METRICS_DISTRIBUTION_PERCENTILESHISTOGRAM_HTTP_SERVER_REQUESTS: 'true',
      MANAGEMENT_METRICS_DISTRIBUTION_SLO_HTTP_SERVER_REQUESTS: '500ms',
    });
    expect(Object.keys(env({ monitoring: 'none' })).filter((k) => k.startsWith('MANAGEMENT_METRICS'))).toEqual([]);
  });

  it("exposes Actuator's prometheus endpoint where the config leaves the exposure at its default (health only), never over a configured list", () => {
    const env = (webExposure: string | null, monitoring: Answers['monitoring'] = 'prometheus') =>
      fileFor({ language: 'java', monitoring }, { language: 'java', metricsLibrary: 'micrometer-prometheus', java: { webExposure } }).env.find((e) => e.name === 'MANAGEMENT_ENDPOINTS_WEB_EXPOSURE_INCLUDE')?.value;
    expect(env(null)).toBe('health,prometheus');
    expect(env('health,info')).toBeUndefined();
    expect(env(null, 'none')).toBeUndefined();
  });

  it("Micronaut: turns on its server histogram with the objective's bucket, and lets a scraper read /prometheus", () => {
    const micronaut = { language: 'java' as const, framework: 'micronaut', metricsLibrary: 'micrometer-prometheus', java: { springBoot: false, actuator: false, metricsPath: '/prometheus' } };
    const env = (answers: Partial<Answers>) => Object.fromEntries(fileFor({ language: 'java', ...answers }, micronaut).env.map((e) => [e.name, e.value]));
    expect(env({ monitoring: 'prometheus' })).toMatchObject({
      MICRONAUT_METRICS_BINDERS_WEB_SERVER_HISTOGRAM: 'true',
      MICRONAUT_METRICS_BINDERS_WEB_SERVER_SLOS: '0.5',
      ENDPOINTS_PROMETHEUS_SENSITIVE: 'false',
    });
    expect(Object.keys(env({ monitoring: 'prometheus' })).filter((k) => k.startsWith('MANAGEMENT_'))).toEqual([]);
    expect(Object.keys(env({ monitoring: 'none' })).filter((k) => k.startsWith('MICRONAUT_') || k.startsWith('ENDPOINTS_'))).toEqual([]);
    const stack = buildStack(makeAnswers({ language: 'java' }), makeFacts(micronaut));
    expect([stack.monitoring.metricsPath, stack.monitoring.micrometerFramework]).toEqual(['/prometheus', 'micronaut']);
  });

  it('runs Spring Boot from its extracted layers and plain jars with java -jar, on a JRE', () => {
    const boot = fileFor({ language: 'java' }, { language: 'java' });
    expect(boot.entrypoint).toEqual(['java', 'org.springframework.boot.loader.launch.JarLauncher']);
    expect(boot.images.runtime).toMatch(/-jre-/);
    const plain = fileFor({ language: 'java' }, { language: 'java', java: { springBoot: false } });
    expect(plain.entrypoint).toEqual(['java', '-jar', '/app/app.jar']);
  });

  it('runs an executable Spring Boot war with java -jar, unextracted, built by bootWar under Gradle', () => {
    const maven = fileFor({ language: 'java' }, { language: 'java', java: { artifactGlob: 'target/*.war' } });
    expect(maven.java).toMatchObject({ archive: 'war', extractLayers: null, artifactDir: 'target' });
    expect(maven.entrypoint).toEqual(['java', '-jar', '/app/app.jar']);
    const gradle = fileFor({ language: 'java' }, { language: 'java', java: { buildTool: 'gradle', artifactGlob: 'build/libs/*.war' } });
    expect(gradle.java?.package.at(-1)).toBe('bootWar');
    expect(fileFor({ language: 'java' }, { language: 'java', java: { buildTool: 'gradle', artifactGlob: 'build/libs/*.jar' } }).java?.package.at(-1)).toBe('bootJar');
  });

  it('sizes the heap from the container limit', () => {
    const env = fileFor({ language: 'java' }, { language: 'java' }).env;
    expect(env.find((e) => e.name === 'JAVA_TOOL_OPTIONS')?.value).toContain('-XX:MaxRAMPercentage=75');
    expect(env.map((e) => e.value).join(' ')).not.toMatch(/-Xmx/);
  });
});

describe('Spring Boot layers per Boot version', () => {
  it('uses -Djarmode=tools from 3.3, layertools before, the launch.JarLauncher from 3.2, plain java -jar before 2.3', () => {
    expect(bootLayout('3.5.0').extract).toContain('-Djarmode=tools');
    expect(bootLayout(null).extract).toContain('-Djarmode=tools');
    expect(bootLayout('3.2.5').extract).toContain('-Djarmode=layertools');
    expect(bootLayout('3.2.5').extract).not.toContain('--launcher');
    expect(bootLayout('3.2.5').entrypoint).toEqual(['java', 'org.springframework.boot.loader.launch.JarLauncher']);
    expect(bootLayout('2.7.18').entrypoint).toEqual(['java', 'org.springframework.boot.loader.JarLauncher']);
    expect(bootLayout('2.2.13.RELEASE')).toEqual({ extract: null, entrypoint: ['java', '-jar', '/app/app.jar'] });
  });
});
