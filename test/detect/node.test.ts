import { describe, expect, it } from 'vitest';
import { detectNode } from '../../src/detect/node.js';
import { nodeScriptFile } from '../../src/detect/node-entry.js';
import { filesFromMap } from '../../src/detect/repo-files.js';

const pkg = (obj: Record<string, unknown>): string => JSON.stringify(obj);
const detect = (files: Record<string, string>, dir = '.') => {
  const facts = detectNode(filesFromMap(files), dir);
  if (facts === null) throw new Error('expected a node app');
  return facts;
};

describe('detectNode package manager', () => {
  it.each([
    ['package-lock.json', 'npm'],
    ['pnpm-lock.yaml', 'pnpm'],
    ['yarn.lock', 'yarn'],
    ['bun.lock', 'bun'],
    ['bun.lockb', 'bun'],
  ])('%s means %s', (lockfile, pm) => {
    const f = detect({ 'package.json': '{}', [lockfile]: '' });
    expect(f.packageManager).toBe(pm);
    expect(f.lockfile).toBe(lockfile);
  });

  it('returns null without a package.json', () => {
    expect(detectNode(filesFromMap({ 'index.js': '' }), '.')).toBeNull();
  });

  it('lets the packageManager field choose between several lockfiles, and says so', () => {
    const f = detect({ 'package.json': pkg({ packageManager: 'pnpm@9.1.0' }), 'package-lock.json': '', 'pnpm-lock.yaml': '' });
    expect(f.packageManager).toBe('pnpm');
    expect(f.lockfile).toBe('pnpm-lock.yaml');
    expect(f.notes.join('\n')).toMatch(/several lockfiles/);
  });

  it('uses the packageManager field when there is no lockfile, and warns installs are not reproducible', () => {
    const f = detect({ 'package.json': pkg({ packageManager: 'yarn@1.22.22' }) });
    expect(f.packageManager).toBe('yarn');
    expect(f.lockfile).toBeNull();
    expect(f.node?.yarnBerry).toBe(false);
    expect(f.notes.join('\n')).toMatch(/no lockfile: installs are not reproducible/);
  });

  it('without a pinned pnpm, picks the major that wrote the lockfile (the newest pnpm refuses old ones)', () => {
    const pnpm = (lockfileVersion: string, field?: string) =>
      detect({ 'package.json': pkg(field ? { packageManager: field } : {}), 'pnpm-lock.yaml': `lockfileVersion: ${lockfileVersion}\n\nsettings:\n` });
    expect(pnpm("'6.0'").node?.corepackSpec).toBe('pnpm@8');
    expect(pnpm("'9.0'").node?.corepackSpec).toBe('pnpm@9');
    expect(pnpm('5.4').node?.corepackSpec).toBe('pnpm@7');
    expect(pnpm("'6.0'").notes.join('\n')).toContain('no packageManager field: the image and CI use pnpm 8, which wrote lockfile v6.0');
    // The field decides; a version we do not know leaves corepack's default.
    expect(pnpm("'6.0'", 'pnpm@8.15.9').node?.corepackSpec).toBeNull();
    expect(pnpm("'10.0'").node?.corepackSpec).toBeNull();
  });

  it('defaults to npm with no lockfile and no field', () => {
    const f = detect({ 'package.json': '{}' });
    expect(f.packageManager).toBe('npm');
    expect(f.lockfile).toBeNull();
  });

  it('detects yarn berry from .yarnrc.yml or packageManager yarn@4', () => {
    expect(detect({ 'package.json': '{}', 'yarn.lock': '', '.yarnrc.yml': '' }).node?.yarnBerry).toBe(true);
    expect(detect({ 'package.json': pkg({ packageManager: 'yarn@4.5.0' }), 'yarn.lock': '' }).node?.yarnBerry).toBe(true);
    expect(detect({ 'package.json': '{}', 'yarn.lock': '' }).node?.yarnBerry).toBe(false);
  });

  it('finds a workspace root lockfile for an app in a subfolder, relative to the app', () => {
    const f = detect({ 'pnpm-lock.yaml': '', 'package.json': '{}', 'apps/api/package.json': '{}' }, 'apps/api');
    expect(f.packageManager).toBe('pnpm');
    expect(f.lockfile).toBe('../../pnpm-lock.yaml');
  });
});

describe('detectNode runtime version', () => {
  it.each([
    [{ '.nvmrc': 'v22.11.0\n' }, '22.11', '.nvmrc'],
    [{ '.nvmrc': '20' }, '20', '.nvmrc'],
    [{ '.nvmrc': 'lts/iron' }, '20', '.nvmrc'],
    [{ '.node-version': '18.20.4' }, '18.20', '.node-version'],
    [{ '.tool-versions': 'python 3.12.1\nnodejs 22.11.0\n' }, '22.11', '.tool-versions'],
  ])('reads %j', (extra, version, source) => {
    const f = detect({ 'package.json': '{}', ...extra });
    expect(f.runtimeVersion).toBe(version);
    expect(f.runtimeVersionSource).toBe(source);
  });

  it.each([
    ['>=20.19', '20'],
    ['^22', '22'],
    ['22.x', '22'],
    ['^20.19.0 || >=22.12.0', '22'],
  ])('takes a usable major from engines.node %s', (range, version) => {
    const f = detect({ 'package.json': pkg({ engines: { node: range } }) });
    expect(f.runtimeVersion).toBe(version);
    expect(f.runtimeVersionSource).toBe('package.json engines.node');
  });

  it('gives null for lts/* and prefers version files over engines', () => {
    expect(detect({ 'package.json': '{}', '.nvmrc': 'lts/*' }).runtimeVersion).toBeNull();
    expect(detect({ 'package.json': pkg({ engines: { node: '>=18' } }), '.nvmrc': '22' }).runtimeVersion).toBe('22');
  });
});

describe('detectNode framework, scripts and commands', () => {
  it('prefers Nest over the Express it runs on', () => {
    const f = detect({ 'package.json': pkg({ dependencies: { express: '4', '@nestjs/core': '10' } }) });
    expect(f.framework).toBe('nest');
  });

  it.each(['fastify', 'express', 'koa', 'hono'])('detects %s', (dep) => {
    expect(detect({ 'package.json': pkg({ dependencies: { [dep]: '1' } }) }).framework).toBe(dep);
  });

  it('builds commands for the detected package manager, only for scripts that exist', () => {
    const f = detect({
      'package.json': pkg({ scripts: { build: 'tsc', test: 'vitest run', lint: 'eslint .' } }),
      'pnpm-lock.yaml': '',
    });
    expect(f.buildCommand).toBe('pnpm run build');
    expect(f.testCommand).toBe('pnpm test');
    expect(f.lintCommand).toBe('pnpm run lint');
    expect(f.node?.hasLintScript).toBe(true);

    const none = detect({ 'package.json': pkg({ scripts: { test: 'echo "Error: no test specified" && exit 1' } }) });
    expect(none.buildCommand).toBeNull();
    expect(none.testCommand).toBeNull();
    expect(none.lintCommand).toBeNull();
  });

  it("lints with the project's type check script when it has no lint script: a bare tsc misses the types it generates first", () => {
    const rr = detect({ 'package.json': pkg({ scripts: { build: 'react-router build', typecheck: 'react-router typegen && tsc' }, devDependencies: { typescript: '5' } }) });
    expect(rr.lintCommand).toBe('npm run typecheck');
    expect(detect({ 'package.json': pkg({ scripts: { lint: 'eslint .', 'type-check': 'tsc' } }) }).lintCommand).toBe('npm run lint');
    // SvelteKit's check script syncs its generated tsconfig first; a check script that type checks nothing is left alone.
    expect(detect({ 'package.json': pkg({ scripts: { check: 'svelte-kit sync && svelte-check --tsconfig ./tsconfig.json' } }) }).lintCommand).toBe('npm run check');
    expect(detect({ 'package.json': pkg({ scripts: { check: 'node scripts/check-env.js' } }) }).lintCommand).toBeNull();
  });

  it("says CI runs no tests without a test script, npm init's failing placeholder included", () => {
    const placeholder = detect({ 'package.json': pkg({ scripts: { test: 'echo "Error: no test specified" && exit 1' } }) });
    expect(placeholder.node?.testRunner).toBeNull();
    expect(placeholder.notes).toContain("no test script in package.json (npm init's placeholder, which exits 1, is none): CI runs no tests until it has one");
    const missing = detect({ 'package.json': pkg({ scripts: { start: 'node ./bin/www' } }) });
    expect(missing.testCommand).toBeNull();
    expect(missing.notes).toContain('no test script in package.json: CI runs no tests until it has one');
    expect(detect({ 'package.json': pkg({ scripts: { test: 'vitest run' } }) }).notes.join('\n')).not.toMatch(/no test script/);
  });

  it('runs bun tests through the script, not bun’s own runner', () => {
    expect(detect({ 'package.json': pkg({ scripts: { test: 'jest' } }), 'bun.lockb': '' }).testCommand).toBe('bun run test');
  });

  it('names the test runner only when the script calls it with flags alone (CI appends report flags)', () => {
    const runner = (test: string) => detect({ 'package.json': pkg({ scripts: { test } }) }).node?.testRunner;
    expect(runner('node --test')).toBe('node-test');
    expect(runner('node --experimental-strip-types --test --test-concurrency=1')).toBe('node-test');
    expect(runner('vitest run')).toBe('vitest');
    expect(runner('vitest --run --passWithNoTests')).toBe('vitest');
    expect(runner('jest --ci')).toBe('jest');
    // Paths, env prefixes and chains: appended flags would land in the wrong place.
    for (const test of ['node --test test/', 'vitest run src', 'NODE_ENV=test jest', 'jest && eslint .', 'mocha', 'tsx --test']) expect(runner(test), test).toBeNull();
    const plugins = detect({ 'package.json': pkg({ scripts: { test: 'vitest run' }, devDependencies: { vitest: '3', '@vitest/coverage-v8': '3', 'jest-junit': '16' } }) });
    expect(plugins.node?.testPlugins).toEqual(['@vitest/coverage-v8', 'jest-junit']);
  });

  it('detects typescript from the dependency or a tsconfig.json', () => {
    expect(detect({ 'package.json': pkg({ devDependencies: { typescript: '5' } }) }).node?.typescript).toBe(true);
    expect(detect({ 'package.json': '{}', 'tsconfig.json': '{}' }).node?.typescript).toBe(true);
    expect(detect({ 'package.json': '{}' }).node?.typescript).toBe(false);
  });

  it('reports metrics libraries', () => {
    expect(detect({ 'package.json': pkg({ dependencies: { 'prom-client': '15' } }) }).metricsLibrary).toBe('prom-client');
    expect(detect({ 'package.json': pkg({ dependencies: { 'prom-client': '15', 'express-prom-bundle': '8' } }) }).metricsLibrary).toBe('express-prom-bundle');
    // The install's own settings, which the image build mounts but never ships.
    expect(detect({ 'package.json': pkg({}), '.npmrc': 'registry=https://npm.example.com/\n' }).node?.installConfig).toEqual(['.npmrc']);
    expect(detect({ 'package.json': pkg({ dependencies: { '@opentelemetry/sdk-node': '0.5' } }) }).metricsLibrary).toBe('opentelemetry');
    expect(detect({ 'package.json': '{}' }).metricsLibrary).toBeNull();
  });

  it('reads workspaces as an array, an object, or pnpm-workspace.yaml', () => {
    expect(detect({ 'package.json': pkg({ workspaces: ['apps/*'] }) }).node?.workspaces).toEqual(['apps/*']);
    expect(detect({ 'package.json': pkg({ workspaces: { packages: ['packages/*'] } }) }).node?.workspaces).toEqual(['packages/*']);
    expect(detect({ 'package.json': '{}', 'pnpm-workspace.yaml': "packages:\n  - 'libs/*'\n" }).node?.workspaces).toEqual(['libs/*']);
  });

  it('notes an invalid package.json instead of throwing', () => {
    const f = detect({ 'package.json': '{ nope' });
    expect(f.language).toBe('node');
    expect(f.notes.join('\n')).toMatch(/not valid JSON/);
  });
});

describe('detectNode entrypoint', () => {
  it('uses the file a `node` start script runs, and keeps its options but the development-only ones', () => {
    const f = detect({ 'package.json': pkg({ scripts: { start: 'node --enable-source-maps -r module-alias/register --env-file=.env --watch dist/server.js' } }) });
    expect(f.node?.entrypoint).toBe('dist/server.js');
    expect(f.node?.nodeOptions).toEqual(['--enable-source-maps', '-r', 'module-alias/register']);
    expect(f.startCommand).toBe('node --enable-source-maps -r module-alias/register dist/server.js');
    // ts-node's options are not node's: the image runs the compiled file.
    const ts = detect({ 'package.json': pkg({ scripts: { start: 'ts-node -T src/server.ts', build: 'tsc' } }), 'tsconfig.json': '{ "compilerOptions": { "outDir": "dist" } }' });
    expect(ts.node?.nodeOptions).toEqual([]);
  });

  it('says when a lifecycle script the production install runs needs a dev dependency (husky)', () => {
    const husky = detect({ 'package.json': pkg({ scripts: { prepare: 'husky' }, devDependencies: { husky: '9' } }), 'index.js': '' });
    expect(husky.notes.join('\n')).toContain('the prepare script runs husky, a dev dependency: the image\'s production install runs it too and fails without it');
    for (const ok of [{ prepare: 'husky || true' }, { prepare: 'tsc' }, { postinstall: 'patch-package' }]) {
      const f = detect({ 'package.json': pkg({ scripts: ok, dependencies: { 'patch-package': '8' }, devDependencies: { husky: '9' } }), 'index.js': '' });
      expect(f.notes.join('\n'), JSON.stringify(ok)).not.toContain('a dev dependency');
    }
  });

  it('says when the file the image would run exists nowhere and nothing builds it', () => {
    const noBuild = detect({ 'package.json': pkg({ scripts: { start: 'ts-node src/index.ts' } }), 'src/index.ts': '' });
    expect(noBuild.notes.join('\n')).toContain('index.js does not exist and no build script makes it: the image would not start');
    const wrongMain = detect({ 'package.json': pkg({ main: 'index.js' }), 'server.js': '' });
    expect(wrongMain.notes.join('\n')).toContain('index.js does not exist and no build script makes it');
    expect(detect({ 'package.json': pkg({ main: 'server.js' }), 'server.js': '' }).notes.join('\n')).not.toContain('does not exist');
  });

  it('adds .js to an extensionless start script target (Nest start:prod)', () => {
    const f = detect({
      'package.json': pkg({ scripts: { start: 'nest start', 'start:prod': 'node dist/main', build: 'nest build' }, dependencies: { '@nestjs/core': '10' } }),
      'tsconfig.json': '{ "compilerOptions": { "outDir": "./dist" } }',
    });
    expect(f.node?.entrypoint).toBe('dist/main.js');
    expect(f.node?.buildOutputDir).toBe('dist');
  });

  it('uses package.json main', () => {
    expect(detect({ 'package.json': pkg({ main: 'lib/app.js' }) }).node?.entrypoint).toBe('lib/app.js');
  });

  it('maps src/index.ts to the tsconfig outDir (JSONC with comments and trailing commas)', () => {
    const f = detect({
      'package.json': pkg({ scripts: { build: 'tsc', dev: 'tsx watch src/index.ts' }, devDependencies: { typescript: '5' } }),
      'tsconfig.json': '{\n  // build\n  "compilerOptions": { "outDir": "build", "rootDir": "src", },\n}',
      'src/index.ts': 'app.listen(process.env.PORT ?? 8080)',
    });
    expect(f.node?.entrypoint).toBe('build/index.js');
    expect(f.node?.buildOutputDir).toBe('build');
    expect(f.port).toBe(8080);
    expect(f.portSource).toBe('src/index.ts');
  });

  it('maps a ts-node start script through outDir', () => {
    const f = detect({
      'package.json': pkg({ scripts: { start: 'ts-node src/server.ts' } }),
      'tsconfig.json': '{ "compilerOptions": { "outDir": "dist" } }',
    });
    expect(f.node?.entrypoint).toBe('dist/server.js');
  });

  it('falls back to an existing server.js, then index.js with a note', () => {
    expect(detect({ 'package.json': '{}', 'server.js': '', 'index.js': '' }).node?.entrypoint).toBe('server.js');
    const f = detect({ 'package.json': '{}' });
    expect(f.node?.entrypoint).toBe('index.js');
    expect(f.notes.join('\n')).toMatch(/no entrypoint found/);
  });

  it('runs the TypeScript file a bun start script names, from source', () => {
    const files = {
      'package.json': pkg({ scripts: { start: 'bun run src/index.ts', dev: 'bun --hot src/index.ts', build: 'tsc' } }),
      'bun.lock': '',
      'tsconfig.json': '{"compilerOptions":{"outDir":"dist"}}',
      'src/index.ts': 'Bun.serve({ port: 3000, fetch() { return new Response("ok"); } });\n',
    };
    const f = detect(files);
    expect(f.node?.entrypoint).toBe('src/index.ts');
    // The build output alone would not hold the file bun runs.
    expect(f.node?.buildOutputDir).toBeNull();
    expect(f.notes.join('\n')).not.toMatch(/does not exist|no entrypoint found/);
    expect(nodeScriptFile('bun --hot src/index.ts')).toBe('src/index.ts');
    expect(nodeScriptFile('bun run build')).toBeNull();
    expect(nodeScriptFile('bun x prisma migrate deploy && bun server.js')).toBe('server.js');
  });

  it('runs fastify-cli for `fastify start`: the file only exports a plugin, and node would exit at once', () => {
    // The `fastify generate` template.
    const f = detect({
      'package.json': pkg({
        main: 'app.js',
        scripts: { start: 'fastify start -l info app.js', dev: 'fastify start -w -l info -P app.js' },
        dependencies: { fastify: '5', 'fastify-cli': '7', '@fastify/autoload': '6' },
      }),
      'app.js': 'module.exports = async function (fastify, opts) {}',
    });
    expect(f.node?.entrypoint).toBe('app.js');
    expect(f.node?.launcher).toEqual({ script: 'node_modules/fastify-cli/cli.js', args: ['start', '-l', 'info', '--address', '0.0.0.0', 'app.js'] });
    expect(f.startCommand).toBe('node node_modules/fastify-cli/cli.js start -l info --address 0.0.0.0 app.js');
    expect(f.port).toBe(3000);
    const notes = f.notes.join('\n');
    expect(notes).toContain('fastify start has no --address: fastify-cli listens on localhost unless it sees Docker or Kubernetes');
    expect(notes).not.toMatch(/fastify-cli, which dependencies do not list|calls listen\(\) without a host/);
  });

  it('keeps the fastify start options that matter in production, and listens where the load balancer reaches', () => {
    const launcher = (start: string, deps: Record<string, string> = { 'fastify-cli': '7' }) =>
      detect({ 'package.json': pkg({ scripts: { start }, dependencies: { fastify: '5', ...deps } }), 'app.js': '' });
    // Watching, pretty logs and the port go (PORT sets it); plugin options after the file stay.
    const dev = launcher('fastify start -w -P -p 8080 -r dotenv/config --options app.js -- --feature on');
    expect(dev.node?.launcher?.args).toEqual(['start', '-r', 'dotenv/config', '--options', '--address', '0.0.0.0', 'app.js', '--', '--feature', 'on']);
    expect(dev.port).toBe(8080);
    const loopback = launcher('fastify start -a 127.0.0.1 app.js');
    expect(loopback.node?.launcher?.args).toEqual(['start', '--address', '0.0.0.0', 'app.js']);
    expect(loopback.notes.join('\n')).toContain('fastify start listens on 127.0.0.1 only');
    expect(launcher('fastify start --address=:: app.js').node?.launcher?.args).toEqual(['start', '--address', '::', 'app.js']);
    // The TypeScript template builds first, then loads the compiled plugin.
    expect(launcher('npm run build:ts && fastify start -l info dist/app.js').node?.launcher?.args.at(-1)).toBe('dist/app.js');
    const devOnly = detect({ 'package.json': pkg({ scripts: { start: 'fastify start app.js' }, dependencies: { fastify: '5' }, devDependencies: { 'fastify-cli': '7' } }), 'app.js': '' });
    expect(devOnly.notes.join('\n')).toContain("fastify start runs fastify-cli, which dependencies do not list: the image's production install leaves it out");
    expect(nodeScriptFile('fastify generate my-app')).toBeNull();
  });

  it("runs an output folder's index.js for `node build` before any build made the folder (SvelteKit's adapter-node)", () => {
    const f = detect({
      'package.json': pkg({ type: 'module', scripts: { build: 'vite build', start: 'node build' }, devDependencies: { '@sveltejs/adapter-node': '5', '@sveltejs/kit': '2' } }),
      'svelte.config.js': "import adapter from '@sveltejs/adapter-node';",
    });
    expect(f.node?.entrypoint).toBe('build/index.js');
    expect(f.node?.buildOutputDir).toBe('build');
    expect(f.startCommand).toBe('node build/index.js');
    // A file name still runs as a .js file.
    expect(detect({ 'package.json': pkg({ scripts: { build: 'nest build', start: 'node dist/main' } }) }).node?.entrypoint).toBe('dist/main.js');
  });

  it('runs the React Router or Remix server for `react-router-serve <build>`: the server build only exports, and node would exit at once', () => {
    // The `create-react-router` template.
    const f = detect({
      'package.json': pkg({
        type: 'module',
        scripts: { build: 'react-router build', dev: 'react-router dev', start: 'react-router-serve ./build/server/index.js', typecheck: 'react-router typegen && tsc' },
        dependencies: { '@react-router/node': '7', '@react-router/serve': '7', react: '19', 'react-router': '7' },
        devDependencies: { '@react-router/dev': '7', typescript: '5', vite: '5' },
      }),
      'tsconfig.json': '{"compilerOptions":{"noEmit":true}}',
      'app/root.tsx': '',
    });
    expect(f.node?.entrypoint).toBe('build/server/index.js');
    expect(f.node?.launcher).toEqual({ script: 'node_modules/@react-router/serve/bin.js', args: ['build/server/index.js'] });
    expect(f.startCommand).toBe('node node_modules/@react-router/serve/bin.js build/server/index.js');
    expect(f.node?.buildOutputDir).toBe('build');
    expect(f.port).toBe(3000);
    expect(f.notes).toContain('port 3000: the @react-router/serve default');
    expect(f.notes.join('\n')).not.toMatch(/no entrypoint found|dependencies do not list/);

    const remix = detect({
      'package.json': pkg({ scripts: { build: 'remix vite:build', start: 'remix-serve ./build/server/index.js' }, dependencies: { '@remix-run/node': '2' }, devDependencies: { '@remix-run/serve': '2' } }),
    });
    expect(remix.startCommand).toBe('node node_modules/@remix-run/serve/dist/cli.js build/server/index.js');
    expect(remix.notes.join('\n')).toContain("remix-serve comes from @remix-run/serve, which dependencies do not list: the image's production install leaves it out");
  });

  it('runs the file nodemon or pm2 watches with node: a dev watcher and a process manager have no place in the image', () => {
    const nodemon = detect({ 'package.json': pkg({ main: 'index.js', scripts: { start: 'nodemon server.js' }, devDependencies: { nodemon: '3' } }), 'server.js': '' });
    expect(nodemon.node?.entrypoint).toBe('server.js');
    expect(nodemon.startCommand).toBe('node server.js');
    expect(nodemon.notes.join('\n')).toContain('the start script runs server.js under nodemon, a development watcher: the image runs it with node');
    expect(nodemon.notes.join('\n')).not.toContain('does not exist');
    expect(nodeScriptFile('nodemon --watch src/ -e js,json --exec node src/index.js')).toBe('src/index.js');
    const pm2 = detect({ 'package.json': pkg({ scripts: { start: 'pm2-runtime start dist/server.js -i max --name api' }, dependencies: { pm2: '6' } }), 'dist/server.js': '' });
    expect(pm2.startCommand).toBe('node dist/server.js');
    expect(pm2.notes.join('\n')).toContain('under pm2-runtime: the image runs it with node directly');
    // A process file lists the apps: the entrypoint comes from main instead, and the user is told.
    const ecosystem = detect({ 'package.json': pkg({ main: 'app.js', scripts: { start: 'pm2-runtime start ecosystem.config.js --env production' } }), 'app.js': '' });
    expect(ecosystem.node?.entrypoint).toBe('app.js');
    expect(ecosystem.notes.join('\n')).toContain('the start script starts the apps a pm2 process file lists');
  });

  it('runs a tsx start script from source with tsx loaded into node when nothing compiles it', () => {
    const files = (deps: Record<string, unknown>) => ({
      'package.json': pkg({ type: 'module', scripts: { start: 'tsx src/server.ts' }, ...deps }),
      'tsconfig.json': '{ "compilerOptions": { "noEmit": true } }',
      'src/server.ts': '',
    });
    const f = detect(files({ dependencies: { tsx: '4', hono: '4' } }));
    expect(f.node?.entrypoint).toBe('src/server.ts');
    expect(f.node?.nodeOptions).toEqual(['--import', 'tsx']);
    expect(f.startCommand).toBe('node --import tsx src/server.ts');
    expect(f.notes.join('\n')).not.toMatch(/does not exist|build script|tsx, which/);
    const devOnly = detect(files({ dependencies: { hono: '4' }, devDependencies: { tsx: '4' } }));
    expect(devOnly.notes.join('\n')).toContain("runs src/server.ts with tsx, which dependencies do not list: the image's production install leaves it out; move tsx to dependencies, or add a build script");
    // With a build script the image runs the compiled file, as before.
    const built = detect({ 'package.json': pkg({ scripts: { start: 'tsx watch src/server.ts', build: 'tsc' } }), 'tsconfig.json': '{ "compilerOptions": { "outDir": "dist" } }' });
    expect(built.node?.entrypoint).toBe('dist/server.js');
    expect(built.node?.nodeOptions).toEqual([]);
  });

  it('runs a .ts file node names with node itself (type stripping), build script or not', () => {
    for (const scripts of [{ start: 'node src/server.ts' }, { start: 'node --env-file=.env src/server.ts', build: 'tsc --noEmit' }]) {
      const f = detect({ 'package.json': pkg({ scripts }), 'tsconfig.json': '{ "compilerOptions": { "noEmit": true, "outDir": "dist" } }', 'src/server.ts': '' });
      expect(f.node?.entrypoint).toBe('src/server.ts');
      expect(f.startCommand).toBe('node src/server.ts');
      // The image keeps the source the file imports, not a build output.
      expect(f.node?.buildOutputDir).toBeNull();
      expect(f.notes.join('\n')).not.toContain('does not exist');
    }
  });

  it('parses node commands in scripts', () => {
    expect(nodeScriptFile('NODE_ENV=production node --import ./otel.js dist/a.js')).toBe('dist/a.js');
    expect(nodeScriptFile('npm run build && node ./out/index.mjs')).toBe('out/index.mjs');
    expect(nodeScriptFile('next start')).toBeNull();
  });
});

describe('detectNode Next.js', () => {
  const next = (config: string) => ({
    'package.json': pkg({ scripts: { build: 'next build', start: 'next start' }, dependencies: { next: '15' } }),
    'next.config.ts': config,
  });

  it('detects output standalone and runs the standalone server', () => {
    const f = detect(next("const config = { output: 'standalone' };\nexport default config;"));
    expect(f.node?.nextStandalone).toBe(true);
    expect(f.node?.entrypoint).toBe('server.js');
    expect(f.node?.buildOutputDir).toBe('.next');
    expect(f.port).toBe(3000);
  });

  it('without standalone, keeps typescript in the image for a TypeScript next.config that next start compiles', () => {
    const f = detect(next('export default {}'));
    expect(f.node?.runtimeTypescript).toBe(true);
    expect(f.notes.join('\n')).toContain('next start compiles next.config.ts with typescript, a dev dependency: the image keeps a copy of it from the build stage');
    // The standalone server carries the compiled config; typescript in dependencies is installed anyway; a JS config needs none.
    const standalone = detect(next("export default { output: 'standalone' }"));
    const inDeps = detect({ 'package.json': pkg({ scripts: { build: 'next build' }, dependencies: { next: '15', typescript: '5' } }), 'next.config.ts': '' });
    const js = detect({ 'package.json': pkg({ scripts: { build: 'next build' }, dependencies: { next: '15' } }), 'next.config.mjs': '' });
    for (const f of [standalone, inDeps, js]) {
      expect(f.node?.runtimeTypescript).toBe(false);
      expect(f.notes.join('\n')).not.toContain('with typescript');
    }
  });

  it('runs the next binary without standalone, and says how to shrink the image', () => {
    const f = detect(next('export default {};'));
    expect(f.node?.nextStandalone).toBe(false);
    expect(f.startCommand).toBe('node node_modules/next/dist/bin/next start');
    expect(f.notes.join('\n')).toMatch(/standalone/);
  });

  it('takes the port from next start -p', () => {
    const f = detect({ 'package.json': pkg({ scripts: { start: 'next start -p 4000' }, dependencies: { next: '15' } }) });
    expect(f.port).toBe(4000);
  });
});

describe('detectNode port and health path', () => {
  const app = (src: Record<string, string>) =>
    detect({ 'package.json': pkg({ main: 'src/server.js', dependencies: { express: '4' } }), ...src });

  it.each([
    ['const port = process.env.PORT || 3001;', 3001],
    ["const port = Number(process.env.PORT ?? '3002');", 3002],
    ['app.listen(3003, () => {});', 3003],
    ["await app.listen({ host: '0.0.0.0', port: 3004 });", 3004],
  ])('reads the port from %s', (code, port) => {
    const f = app({ 'src/server.js': code });
    expect(f.port).toBe(port);
    expect(f.portSource).toBe('src/server.js');
    expect(f.notes.some((n) => n.startsWith(`port ${port} from src/server.js`))).toBe(true);
  });

  it('says when Fastify listens on localhost only, which the load balancer cannot reach', () => {
    const fastify = (code: string, deps: Record<string, string> = { fastify: '5' }) =>
      detect({ 'package.json': pkg({ main: 'src/server.js', dependencies: deps }), 'src/server.js': code }).notes.join('\n');
    for (const code of ['await app.listen({ port: 3000 })', 'fastify.listen({ port: Number(process.env.PORT) || 3000 }, (err) => {})', 'app.listen(3000, (err) => {})']) {
      expect(fastify(code), code).toContain("src/server.js calls listen() without a host: Fastify then listens on localhost only, which the load balancer and the platform's probes cannot reach");
      expect(fastify(code), code).toContain("add host: '0.0.0.0' to its options");
    }
    for (const code of ["app.listen({ port: 3000, host: '0.0.0.0' })", 'app.listen({ port, host })', 'app.listen({ ...config.server })', 'app.listen(listenOptions)', "app.listen(3000, '0.0.0.0')"]) {
      expect(fastify(code), code).not.toContain('without a host');
    }
    // Nest's Fastify adapter has the same default; Express listens on every interface.
    expect(fastify('await app.listen(process.env.PORT ?? 3000);', { '@nestjs/core': '10', '@nestjs/platform-fastify': '10' })).toContain("pass '0.0.0.0' as listen()'s second argument");
    expect(fastify('await app.listen(3000);', { '@nestjs/core': '10', '@nestjs/platform-express': '10' })).not.toContain('without a host');
    expect(fastify('app.listen(3000)', { express: '5' })).not.toContain('without a host');
  });

  it('says when any server names a loopback host in listen(): nothing outside the container reaches it', () => {
    const notes = (code: string, deps: Record<string, string> = { express: '5' }) =>
      detect({ 'package.json': pkg({ main: 'src/server.js', dependencies: deps }), 'src/server.js': code }).notes.join('\n');
    expect(notes("app.listen(3000, 'localhost', () => {})")).toContain("src/server.js listens on localhost only: the load balancer and the platform's probes cannot reach it");
    expect(notes('server.listen(port, "127.0.0.1")')).toContain('listens on 127.0.0.1 only');
    expect(notes("await app.listen({ port: 3000, host: '::1' })", { fastify: '5' })).toContain('listens on ::1 only');
    for (const code of ["app.listen(3000, '0.0.0.0')", 'app.listen(3000)', 'app.listen(port, HOST)', "app.listen({ port: 3000, host: '0.0.0.0' })"]) {
      expect(notes(code), code).not.toMatch(/listens on .* only/);
    }
  });

  it('has no port when nothing declares one', () => {
    const f = app({ 'src/server.js': 'app.listen(port)' });
    expect(f.port).toBeNull();
    expect(f.portSource).toBeNull();
  });

  it('ignores ports in test files', () => {
    expect(app({ 'src/server.js': '', 'src/server.test.js': 'app.listen(9999)' }).port).toBeNull();
  });

  it('prefers /healthz over /health over /livez, wherever they are defined', () => {
    const f = app({
      'src/server.js': "app.get('/livez', ok); app.get('/health', ok);",
      'src/routes/probes.js': 'router.get("/healthz", ok)',
    });
    expect(f.healthPath).toBe('/healthz');
    expect(f.notes).toContain('health path /healthz from src/routes/probes.js');
    // No readiness route: the stack falls back to the health check.
    expect(f.readinessPath).toBeNull();
  });

  it('finds a readiness route besides the health check (/readyz before /ready)', () => {
    const f = app({ 'src/server.js': "app.get('/healthz', ok); app.get('/api/ready', ok); app.get('/readyz', ok);" });
    expect([f.healthPath, f.readinessPath]).toEqual(['/healthz', '/readyz']);
  });

  it('finds a Nest health controller', () => {
    const f = detect({
      'package.json': pkg({ dependencies: { '@nestjs/core': '10' } }),
      'src/health.controller.ts': "@Controller('health')\nexport class HealthController { @Get() check() {} }",
    });
    expect(f.healthPath).toBe('/health');
  });

  it('finds Next.js route handlers', () => {
    const f = detect({ 'package.json': pkg({ dependencies: { next: '15' } }), 'src/app/api/health/route.ts': '' });
    expect(f.healthPath).toBe('/api/health');
  });
});

describe('detectNode health path prefixes', () => {
  const nest = (main: string) => detect({
    'package.json': pkg({ dependencies: { '@nestjs/core': '10', '@nestjs/terminus': '10' } }),
    'src/main.ts': main,
    'src/health/health.controller.ts': "@Controller('health')\nexport class HealthController { @Get() @HealthCheck() check() {} }",
  });

  it("puts Nest's global prefix in front of the health controller, unless its exclude option names it", () => {
    const f = nest("const app = await NestFactory.create(AppModule);\napp.setGlobalPrefix('api');\nawait app.listen(process.env.PORT ?? 3000);");
    expect(f.healthPath).toBe('/api/health');
    expect(f.notes).toContain("health path /api/health from src/health/health.controller.ts, under the global prefix 'api' of src/main.ts");
    expect(nest("app.setGlobalPrefix('api/v1');").healthPath).toBe('/api/v1/health');
    expect(nest("app.setGlobalPrefix('api', { exclude: ['health'] });").healthPath).toBe('/health');
    expect(nest("app.setGlobalPrefix('api', { exclude: [{ path: 'health', method: RequestMethod.GET }] });").healthPath).toBe('/health');
  });

  it("puts Nest's URI version after the global prefix: the controller's own, else the default version, none for VERSION_NEUTRAL", () => {
    const versioned = (main: string, controller = "@Controller('health')\nexport class HealthController {}") => detect({
      'package.json': pkg({ dependencies: { '@nestjs/core': '10' } }),
      'src/main.ts': `app.setGlobalPrefix('api');\n${main}`,
      'src/health.controller.ts': controller,
    }).healthPath;
    expect(versioned("app.enableVersioning({ type: VersioningType.URI, defaultVersion: '1' });")).toBe('/api/v1/health');
    expect(versioned("app.enableVersioning({ type: VersioningType.URI, defaultVersion: '1', prefix: 'version-' });")).toBe('/api/version-1/health');
    expect(versioned('app.enableVersioning({ type: VersioningType.URI });')).toBe('/api/health');
    expect(versioned('app.enableVersioning();', "@Controller({ path: 'health', version: '2' })\nexport class HealthController { check() { return { version: '9.9.9' }; } }")).toBe('/api/v2/health');
    expect(versioned("app.enableVersioning({ defaultVersion: '1' });", "@Controller({ path: 'health', version: VERSION_NEUTRAL })\nexport class HealthController {}")).toBe('/api/health');
    expect(versioned("app.enableVersioning({ type: VersioningType.HEADER, header: 'X-Version', defaultVersion: '1' });")).toBe('/api/health');
  });

  it("says when Nest's global prefix moves the metrics controller away from the /metrics Prometheus scrapes", () => {
    const app = (main: string) => detect({ 'package.json': pkg({ dependencies: { '@nestjs/core': '10', '@willsoto/nestjs-prometheus': '6', 'prom-client': '15' } }), 'src/main.ts': main }).notes.join('\n');
    expect(app("app.setGlobalPrefix('api');")).toContain("Nest's global prefix puts a metrics controller at /api/metrics, and Prometheus scrapes /metrics");
    expect(app("app.setGlobalPrefix('api', { exclude: ['metrics', 'health'] });")).not.toContain('metrics controller');
  });

  it('says when a prefix is not a literal, instead of guessing', () => {
    const f = nest('app.setGlobalPrefix(config.get("PREFIX"));');
    expect(f.healthPath).toBe('/health');
    expect(f.notes).toContain('src/main.ts sets a global prefix the tool cannot read (setGlobalPrefix(config.get("PREFIX"))): if the health route /health is under it, pass its full path with --health-path');
  });

  it("puts Next.js's basePath in front of route handlers", () => {
    const f = detect({
      'package.json': pkg({ dependencies: { next: '15' } }),
      'next.config.ts': "const nextConfig: NextConfig = {\n  basePath: '/docs',\n};\nexport default nextConfig;",
      'app/api/health/route.ts': 'export async function GET() { return Response.json({ ok: true }); }',
    });
    expect(f.healthPath).toBe('/docs/api/health');
  });

  it('follows a router file to where the app mounts it: Fastify register prefixes, Express use paths', () => {
    const fastify = detect({
      'package.json': pkg({ type: 'module', dependencies: { fastify: '4' } }),
      'src/server.ts': "import { healthRoutes } from './routes/health.js';\nawait fastify.register(healthRoutes, { prefix: '/v1' });\nawait fastify.listen({ port, host: '0.0.0.0' });",
      'src/routes/health.ts': "export const healthRoutes = async (app) => { app.get('/healthz', async () => ({})); };",
    });
    expect(fastify.healthPath).toBe('/v1/healthz');
    expect(fastify.notes).toContain("health path /v1/healthz from src/routes/health.ts, under the mount at '/v1' in src/server.ts");

    const express = (index: string) => detect({
      'package.json': pkg({ main: 'index.js', dependencies: { express: '4' } }),
      'index.js': index,
      'routes/status.js': "const router = require('express').Router();\nrouter.get('/health', (req, res) => res.send('ok'));\nmodule.exports = router;",
    });
    expect(express("app.use(express.json());\napp.use('/api/v2', auth, require('./routes/status'));").healthPath).toBe('/api/v2/health');
    expect(express("const status = require('./routes/status');\napp.use('/internal', status);").healthPath).toBe('/internal/health');
    // Mounted elsewhere than the health route's file: no prefix.
    expect(express("const users = require('./routes/users');\napp.use('/api', users);").healthPath).toBe('/health');
  });

  it('prefixes a route declared on a router the same file mounts, not one declared on the app', () => {
    const express = (body: string) => detect({ 'package.json': pkg({ main: 'index.js', dependencies: { express: '4' } }), 'index.js': `const api = express.Router();\n${body}\napp.use('/api', api);` }).healthPath;
    expect(express("api.get('/health', h);")).toBe('/api/health');
    expect(express("app.get('/health', h);")).toBe('/health');
  });

  it("puts Hono's basePath and a Koa router's prefix in front of their routes", () => {
    const hono = detect({
      'package.json': pkg({ dependencies: { hono: '4', '@hono/node-server': '1' } }),
      'src/index.js': "const app = new Hono().basePath('/api');\napp.get('/health', (c) => c.json({ ok: true }));\nserve({ fetch: app.fetch, port: 4000 });",
    });
    expect(hono.healthPath).toBe('/api/health');
    const koa = detect({
      'package.json': pkg({ main: 'src/index.js', dependencies: { koa: '2', '@koa/router': '12' } }),
      'src/index.js': "const router = require('./routes');\napp.use(router.routes());\napp.listen(PORT);",
      'src/routes/index.js': "const router = new Router({ prefix: '/api' });\nrouter.get('/health', (ctx) => { ctx.body = 'ok'; });\nmodule.exports = router;",
    });
    expect(koa.healthPath).toBe('/api/health');
  });
});

describe('detectNode Prisma', () => {
  const SCHEMA = 'generator client {\n  provider = "prisma-client-js"\n}\n\ndatasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n';
  const app = (files: Record<string, string>, extra: Record<string, unknown> = {}) =>
    detect({ 'package.json': pkg({ dependencies: { '@prisma/client': '5' }, devDependencies: { prisma: '5' }, ...extra }), ...files });

  it('finds the schema and whether the client lands in node_modules', () => {
    expect(app({ 'prisma/schema.prisma': SCHEMA }).node?.prisma).toEqual({ schema: 'prisma/schema.prisma', clientInNodeModules: true, buildGenerates: false });
    // Prisma 7's generator, and an output folder, put the client in the source tree.
    const out = app({ 'prisma/schema.prisma': 'generator client {\n  provider = "prisma-client"\n  output   = "../src/generated/prisma"\n}\n' });
    expect(out.node?.prisma?.clientInNodeModules).toBe(false);
    const js = app({ 'prisma/schema.prisma': 'generator client {\n  provider = "prisma-client-js"\n  output = "../generated"\n}\n' });
    expect(js.node?.prisma?.clientInNodeModules).toBe(false);
  });

  it('reads the schema location from package.json, prisma.config.ts or a multi-file folder', () => {
    expect(app({ 'db/schema.prisma': SCHEMA }, { prisma: { schema: './db/schema.prisma' } }).node?.prisma?.schema).toBe('db/schema.prisma');
    expect(app({ 'prisma.config.ts': "export default defineConfig({ schema: 'database/main.prisma' });", 'database/main.prisma': SCHEMA }).node?.prisma?.schema).toBe('database/main.prisma');
    const folder = app({ 'prisma/schema/base.prisma': SCHEMA, 'prisma/schema/user.prisma': 'model User { id Int @id }' });
    expect(folder.node?.prisma).toEqual({ schema: 'prisma/schema', clientInNodeModules: true, buildGenerates: false });
  });

  it('knows when the build script generates, and ignores Prisma without @prisma/client or a schema', () => {
    expect(app({ 'prisma/schema.prisma': SCHEMA }, { scripts: { build: 'prisma generate && nest build' } }).node?.prisma?.buildGenerates).toBe(true);
    expect(app({}).node?.prisma).toBeNull();
    expect(detect({ 'package.json': pkg({ devDependencies: { prisma: '5' } }), 'prisma/schema.prisma': SCHEMA }).node?.prisma).toBeNull();
  });
});

describe('detectNode file routes (React Router, Remix, SvelteKit)', () => {
  const deps = { dependencies: { '@react-router/node': '7', '@react-router/serve': '7', 'react-router': '7' } };

  it("reads the health route from app/routes.ts, whose paths carry no slash, and from file routes (the Remix stacks' healthcheck.tsx)", () => {
    const config = detect({
      'package.json': pkg(deps),
      'app/routes.ts': 'export default [index("routes/home.tsx"), route("healthz", "routes/healthz.ts")] satisfies RouteConfig;',
    });
    expect(config.healthPath).toBe('/healthz');
    expect(detect({ 'package.json': pkg({ dependencies: { '@remix-run/node': '2' } }), 'app/routes/healthcheck.tsx': '', 'app/routes/_index.tsx': '' }).healthPath).toBe('/healthcheck');
    expect(detect({ 'package.json': pkg(deps), 'app/routes/api.health.ts': '' }).healthPath).toBe('/api/health');
    expect(detect({ 'package.json': pkg(deps), 'app/routes/livez/route.tsx': '' }).healthPath).toBe('/livez');
    const kit = { devDependencies: { '@sveltejs/kit': '2', '@sveltejs/adapter-node': '5' } };
    expect(detect({ 'package.json': pkg(kit), 'src/routes/(internal)/healthz/+server.ts': 'export function GET() {}', 'src/routes/+page.svelte': '' }).healthPath).toBe('/healthz');
    expect(detect({ 'package.json': pkg(kit), 'src/routes/api/health/+server.js': '' }).healthPath).toBe('/api/health');
    // Without React Router or Remix, app/routes is just a folder.
    expect(detect({ 'package.json': pkg({ dependencies: { express: '4' } }), 'app/routes/healthz.js': 'module.exports = {}' }).healthPath).toBeNull();
  });
});

describe('detectNode @fastify/autoload routes', () => {
  it("takes the folder a route file sits in as its prefix, as autoload does (fastify-cli's template)", () => {
    const app = (register: string) => detect({
      'package.json': pkg({ main: 'app.js', scripts: { start: 'fastify start -l info app.js' }, dependencies: { fastify: '4', 'fastify-cli': '6', '@fastify/autoload': '5' } }),
      'app.js': `module.exports = async function (fastify, opts) {\n  fastify.register(AutoLoad, ${register})\n}`,
      'routes/root.js': "module.exports = async function (fastify) { fastify.get('/', async () => ({ root: true })) }",
      'routes/health/index.js': "module.exports = async function (fastify) { fastify.get('/', async () => ({ status: 'ok' })) }",
    });
    expect(app("{ dir: path.join(__dirname, 'routes'), options: Object.assign({}, opts) }").healthPath).toBe('/health');
    expect(app("{ dir: join(__dirname, 'routes'), options: { prefix: '/api' } }").healthPath).toBe('/api/health');
    expect(app("{ dir: join(__dirname, 'routes'), dirNameRoutePrefix: false }").healthPath).toBeNull();
  });
});

describe('detectNode runtime folders', () => {
  it('lists the top-level folders the code names (static files, views), not sources, output or unnamed ones', () => {
    const f = detect({
      'package.json': pkg({ scripts: { build: 'tsc', start: 'node dist/server.js' }, devDependencies: { typescript: '5' } }),
      'tsconfig.json': '{"compilerOptions":{"outDir":"dist","rootDir":"src"}}',
      'src/server.ts': "app.set('views', path.join(__dirname, '..', 'views'));\napp.use(express.static(path.join(__dirname, '../public')));\nconst mail = '../templates/mail/welcome.html';",
      'views/index.ejs': '',
      'public/site.css': '',
      'templates/mail/welcome.html': '',
      'fixtures/users.json': '',
      'dist/server.js': '',
    });
    expect(f.node?.runtimeDirs).toEqual(['public', 'templates', 'views']);
  });
});
