import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { checkDockerfile } from '../../src/check/dockerfile.js';
import { checkWorkflow } from '../../src/check/workflow.js';
import { detectRepo, detectRepoOnDisk, filesFromMap } from '../../src/detect/index.js';
import { renderStack } from '../../src/render/plop-bridge.js';
import { buildStack } from '../../src/stack/build-stack.js';
import { makeAnswers } from '../helpers/facts.js';
import { GO_WORKSPACE, mavenMultiModule } from '../helpers/multi-module.js';
import { runStepScript } from '../helpers/run-step.js';
import { testdir } from '../helpers/testdir.js';

// A service below the repository root, detected from real layouts: every
// path a workflow hands an action or a step must name the file from where
// GitHub resolves it (actions' globs refuse '..'; run steps start in the
// service directory), and a wrapper at a multi-project root is CI's to run.

type Step = { name?: string; uses?: string; run?: string; with?: Record<string, string> };
type Workflow = { jobs: Record<string, { steps?: Step[] }> };

/** An npm workspace: apps/api imports @repo/shared, whose `main` is the output of its build script. */
const NPM_WORKSPACE: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'mono', private: true, workspaces: ['apps/*', 'packages/*'] }),
  'package-lock.json': JSON.stringify({
    name: 'mono',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'mono', workspaces: ['apps/*', 'packages/*'] },
      'apps/api': { name: '@repo/api', version: '1.0.0', dependencies: { '@repo/shared': '*' } },
      'node_modules/@repo/api': { resolved: 'apps/api', link: true },
      'node_modules/@repo/shared': { resolved: 'packages/shared', link: true },
      'packages/shared': { name: '@repo/shared', version: '1.0.0' },
    },
  }),
  'apps/api/package.json': JSON.stringify({ name: '@repo/api', version: '1.0.0', scripts: { start: 'node server.js', test: 'node --test' }, dependencies: { '@repo/shared': '*' } }),
  'apps/api/server.js': "const { greet } = require('@repo/shared');\nrequire('node:http').createServer((q, r) => r.end(greet())).listen(process.env.PORT || 8080);\n",
  'apps/api/greet.test.js': "const test = require('node:test');\nconst assert = require('node:assert');\nconst { greet } = require('@repo/shared');\ntest('greets', () => assert.equal(greet(), 'hi'));\n",
  'packages/shared/package.json': JSON.stringify({ name: '@repo/shared', version: '1.0.0', main: 'dist/index.js', scripts: { build: 'node build.js' } }),
  'packages/shared/build.js': "const fs = require('node:fs');\nfs.mkdirSync('dist', { recursive: true });\nfs.writeFileSync('dist/index.js', \"exports.greet = () => 'hi';\\n\");\n",
};

async function ci(files: Record<string, string>, serviceDir: string, language: 'node' | 'python' | 'go' | 'java') {
  const facts = detectRepo(filesFromMap(files), { dirName: 'mono', serviceDir });
  const stack = buildStack(makeAnswers({ language, serviceDir, port: 8080 }), facts);
  const tree = await renderStack(stack, 'stack');
  const workflow = parseYaml(tree.read('.github/workflows/ci.yml')!.content) as Workflow;
  const steps = Object.values(workflow.jobs).flatMap((j) => j.steps ?? []);
  return { stack, tree, steps };
}

describe('a service in a monorepo', () => {
  it('pnpm workspace member: the cache key and the dependency scan use the root lockfile, by a path without ..', async () => {
    const { steps } = await ci({
      'package.json': JSON.stringify({ name: 'mono', private: true }),
      'pnpm-workspace.yaml': 'packages:\n  - apps/*\n',
      'pnpm-lock.yaml': "lockfileVersion: '9.0'\n",
      'apps/api/package.json': JSON.stringify({ name: '@mono/api', scripts: { start: 'node server.js' }, dependencies: { express: '4' } }),
      'apps/api/server.js': 'app.listen(process.env.PORT || 8080)',
    }, 'apps/api', 'node');
    const cachePaths = steps.map((s) => s.with?.['cache-dependency-path']).filter((p) => p !== undefined);
    expect(cachePaths.length).toBeGreaterThan(0);
    for (const p of cachePaths) expect(p).toBe('pnpm-lock.yaml');
    expect(steps.find((s) => s.name === 'Trivy filesystem scan')?.with?.['scan-ref']).toBe('.');
  });

  it('workspace member: the image builds the workspace packages it imports first, dependencies before dependents', async () => {
    const files = {
      'package.json': JSON.stringify({ name: 'mono', private: true, workspaces: ['apps/*', 'packages/*'] }),
      'package-lock.json': '{"lockfileVersion":3}',
      'apps/api/package.json': JSON.stringify({ name: '@mono/api', scripts: { start: 'node server.js' }, dependencies: { express: '4', '@mono/shared': '*', '@mono/plain': '*' } }),
      'apps/api/server.js': 'app.listen(process.env.PORT || 8080)',
      'packages/shared/package.json': JSON.stringify({ name: '@mono/shared', main: 'dist/index.js', scripts: { build: 'tsc' }, dependencies: { '@mono/core': '*' } }),
      'packages/core/package.json': JSON.stringify({ name: '@mono/core', main: 'dist/index.js', scripts: { build: 'tsc' }, dependencies: { '@mono/shared': '*' } }),
      'packages/plain/package.json': JSON.stringify({ name: '@mono/plain', main: 'index.js' }),
      'packages/unused/package.json': JSON.stringify({ name: '@mono/unused', scripts: { build: 'tsc' } }),
    };
    const facts = detectRepo(filesFromMap(files), { dirName: 'mono', serviceDir: 'apps/api' });
    // core before shared (shared depends on it; the cycle back to shared stops); plain has nothing to build; unused is not imported.
    expect(facts.node?.workspaceBuilds).toEqual(['../../packages/core', '../../packages/shared']);
    const dockerfile = (await renderStack(buildStack(makeAnswers({ language: 'node', serviceDir: 'apps/api', port: 8080 }), facts), 'docker')).read('apps/api/Dockerfile')!.content;
    const build = dockerfile.slice(dockerfile.indexOf('AS build'), dockerfile.indexOf('AS runtime'));
    expect(build).toMatch(/^WORKDIR \/app\/packages\/core\nRUN npm run build\nWORKDIR \/app\/packages\/shared\nRUN npm run build\nWORKDIR \/app\/apps\/api\n/m);
    // The member has no build script of its own.
    expect(build.match(/^RUN npm run build$/gm)).toHaveLength(2);
  });

  it('workspace member: CI builds the workspace packages it imports after the install, before lint and test; its tests then pass', async () => {
    const root = testdir(NPM_WORKSPACE);
    const facts = detectRepoOnDisk(root, { serviceDir: 'apps/api' });
    const tree = await renderStack(buildStack(makeAnswers({ language: 'node', serviceDir: 'apps/api', port: 8080 }), facts), 'pipeline');
    const { jobs } = parseYaml(tree.read('.github/workflows/ci.yml')!.content) as Workflow;
    const names = (job: string) => (jobs[job]?.steps ?? []).map((s) => s.name ?? '');
    const build = 'Build the workspace packages this service imports';
    expect(names('lint').slice(names('lint').indexOf('Install dependencies'))).toEqual(['Install dependencies', build, expect.stringMatching(/^Check syntax/)]);
    expect(names('test').slice(names('test').indexOf('Install dependencies'), -1)).toEqual(['Install dependencies', build, 'Test']);
    // CodeQL analyses JavaScript without building it.
    expect(names('codeql')).not.toContain(build);

    // The test job's shell steps, run in order from the service directory, as GitHub runs them.
    const runs = (jobs['test']?.steps ?? []).filter((s) => s.run !== undefined);
    const env = { ...process.env, RUNNER_TEMP: mkdtempSync(join(root, 'runner-')), npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' };
    const runAll = (steps: Step[]) => steps.map((s) => ({ name: s.name, ...runStepScript(s.run!, { cwd: join(root, 'apps/api'), env }) }));
    // Without the build, @repo/shared's main (dist/index.js) does not exist.
    const unbuilt = runAll(runs.filter((s) => s.name !== build));
    expect(unbuilt.map((r) => r.status)).toEqual([0, 1]);
    expect(unbuilt[1]!.stdout + unbuilt[1]!.stderr).toMatch(/Cannot find module .*@repo\/shared\/dist\/index\.js/);
    const built = runAll(runs);
    expect(built.map((r) => [r.name, r.status]), built.map((r) => r.stdout + r.stderr).join('\n')).toEqual([['Install dependencies', 0], [build, 0], ['Test', 0]]);
  });

  it('uv workspace member: the cache key hashes the workspace lockfile', async () => {
    const { tree } = await ci({
      'pyproject.toml': '[tool.uv.workspace]\nmembers = ["apps/*"]\n',
      'uv.lock': 'version = 1\n',
      'apps/api/pyproject.toml': '[project]\nname = "api"\ndependencies = ["fastapi", "uvicorn"]\n',
      'apps/api/main.py': 'from fastapi import FastAPI\napp = FastAPI()\n',
    }, 'apps/api', 'python');
    expect(tree.read('.github/workflows/ci.yml')!.content).toContain("hashFiles('uv.lock')");
  });

  it('Gradle multi-project: CI runs the root wrapper from the project dir; the image builds from the root with it', async () => {
    const { stack, steps } = await ci({
      'settings.gradle.kts': 'include("services:api")\n',
      gradlew: '#!/bin/sh\n',
      'gradle/wrapper/gradle-wrapper.properties': '',
      'services/api/build.gradle.kts': 'plugins { id("org.springframework.boot") version "3.5.0" }\n',
      'services/api/src/main/java/App.java': 'public class App { public static void main(String[] a) {} }',
    }, 'services/api', 'java');
    const runs = steps.map((s) => s.run ?? '').filter((r) => /gradle/.test(r));
    expect(runs.length).toBeGreaterThan(0);
    for (const r of runs) expect(r).toMatch(/^\.\.\/\.\.\/gradlew /);
    expect(stack.docker.contextDir).toBe('.');
    expect(stack.docker.file?.java).toMatchObject({ wrapper: true, package: ['./gradlew', '--no-daemon', ':services:api:bootJar'], artifactDir: 'services/api/build/libs' });
  });

  it('Maven multi-module: CI and the image build the module through the root reactor, with its sibling modules', async () => {
    const { stack, tree, steps } = await ci(mavenMultiModule(), 'api', 'java');
    const runs = steps.map((s) => s.run ?? '').filter((r) => /mvnw/.test(r));
    expect(runs.length).toBeGreaterThan(0);
    // go-offline cannot resolve the unbuilt sibling module: no such step.
    for (const r of runs) expect(r).toMatch(/^\.\.\/mvnw -f \.\.\/pom\.xml -pl :acme-api -am (?!.*go-offline)/);
    expect(stack.docker.contextDir).toBe('.');
    const dockerfile = tree.read('api/Dockerfile')!.content;
    expect(dockerfile).toContain('docker build -f api/Dockerfile .');
    expect(dockerfile).toMatch(/^COPY \. \.\nRUN --mount=type=cache,target=\/root\/\.m2 \\\n {4}\.\/mvnw -B -ntp -pl :acme-api -am -DskipTests package$/m);
    expect(dockerfile).toContain("find api/target -maxdepth 1 -name '*.jar'");
    expect(dockerfile).not.toMatch(/mvnw[^\n]*go-offline/);
    // Every module's output stays out of the context: a stale jar there would be a second match.
    expect(tree.read('api/Dockerfile.dockerignore')!.content).toMatch(/^core\/target\/\napi\/target\/$/m);
    expect(tree.read('DEPLOY.md')!.content).toContain('non-root; built from `.`, the root of the build the service is part of');
    // Dependabot resolves the modules from the root pom; the Dockerfile stays in api/.
    const dependabot = parseYaml(tree.read('.github/dependabot.yml')!.content) as { updates: Array<{ 'package-ecosystem': string; directory: string }> };
    expect(dependabot.updates.filter((u) => ['maven', 'docker'].includes(u['package-ecosystem'])).map((u) => [u['package-ecosystem'], u.directory])).toEqual([['docker', '/api'], ['maven', '/']]);
  });

  it('Maven multi-module with a Boot 2 parent: layertools (Boot 2 has no -Djarmode=tools)', async () => {
    const { tree } = await ci(mavenMultiModule('2.7.18'), 'api', 'java');
    expect(tree.read('api/Dockerfile')!.content).toContain('RUN java -Djarmode=layertools -jar /app/app.jar extract --destination /app/extracted');
  });

  it("Go workspace: the image builds from go.work's folder with no download layer; CI's steps download nothing first", async () => {
    const { stack, tree, steps } = await ci(GO_WORKSPACE, 'services/api', 'go');
    expect(stack.docker.contextDir).toBe('.');
    const dockerfile = tree.read('services/api/Dockerfile')!.content;
    expect(dockerfile).toContain("go build -trimpath '-ldflags=-s -w' -o /out/server ./services/api/cmd/server");
    expect(dockerfile).not.toMatch(/^\s+go mod download/m);
    expect(checkDockerfile('Dockerfile', dockerfile, { language: 'go' }).filter((f) => f.severity === 'error')).toEqual([]);
    expect(steps.map((s) => s.run)).not.toContain('go mod download');
  });

  it("Go workspace: setup-go's module cache is keyed on the module's sums and, when there is one, the workspace's go.work.sum", async () => {
    const cachePaths = (steps: Step[]) => steps.map((s) => s.with?.['cache-dependency-path']).filter((p) => p !== undefined);
    const withoutSum = await ci(GO_WORKSPACE, 'services/api', 'go');
    expect(new Set(cachePaths(withoutSum.steps))).toEqual(new Set(['services/api/go.mod']));
    const withSum = await ci({ ...GO_WORKSPACE, 'services/api/go.sum': '', 'go.work.sum': '' }, 'services/api', 'go');
    const paths = cachePaths(withSum.steps);
    expect(paths.length).toBeGreaterThan(0);
    // One file a line (setup-go's multi-line form), each from the repository root: its globs refuse '..'.
    for (const p of paths) expect(p.trim().split('\n')).toEqual(['services/api/go.sum', 'go.work.sum']);
    const findings = await checkWorkflow('.github/workflows/ci.yml', withSum.tree.read('.github/workflows/ci.yml')!.content);
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it.skipIf(spawnSync('go', ['version']).status !== 0)("Go workspace: the image's build command works from go.work's folder with no module proxy; the service folder alone does not", () => {
    const root = testdir(GO_WORKSPACE);
    const env = { ...process.env, GOPROXY: 'off', GOFLAGS: '', GOWORK: '', CGO_ENABLED: '0' };
    const facts = detectRepoOnDisk(root, { serviceDir: 'services/api' });
    const words = buildStack(makeAnswers({ language: 'go', serviceDir: 'services/api' }), facts).docker.file!.go!.build;
    const binary = join(root, 'server');
    const build = spawnSync(words[0]!, words.slice(1).map((w) => (w === '/out/server' ? binary : w)), { cwd: root, env, encoding: 'utf8' });
    expect(build.status, build.stderr).toBe(0);
    expect(spawnSync(binary, { encoding: 'utf8' }).stdout).toBe('platform\n');
    // What the image did before: the service folder as the context, outside the workspace.
    const alone = spawnSync('go', ['build', './cmd/server'], { cwd: join(root, 'services/api'), env: { ...env, GOWORK: 'off' }, encoding: 'utf8' });
    expect(alone.status).not.toBe(0);
    // CI's steps run in the service folder, where the go command finds go.work by itself.
    const vet = runStepScript('go vet ./...', { cwd: join(root, 'services/api'), env });
    expect(vet.status, vet.stderr).toBe(0);
  });

  it('a push deploys only when the service folder or its pipeline changed; a workspace member on any push', async () => {
    const pushPaths = (tree: Awaited<ReturnType<typeof ci>>['tree']) =>
      (parseYaml(tree.read('.github/workflows/deploy.yml')!.content) as { on: { push: { paths?: string[] } } }).on.push.paths;
    const own = await ci({
      'services/api/requirements.txt': 'fastapi\nuvicorn\n',
      'services/api/main.py': 'from fastapi import FastAPI\napp = FastAPI()\n',
    }, 'services/api', 'python');
    expect(pushPaths(own.tree)).toEqual([
      'services/api/**',
      '.github/workflows/deploy.yml',
      '.github/workflows/ci.yml',
      '.github/workflows/_build.yml',
      '.github/scripts/**',
    ]);
    // The image's build context is the workspace root: a sibling package's change changes it.
    const member = await ci({
      'pyproject.toml': '[tool.uv.workspace]\nmembers = ["apps/*"]\n',
      'uv.lock': 'version = 1\n',
      'apps/api/pyproject.toml': '[project]\nname = "api"\ndependencies = ["fastapi", "uvicorn"]\n',
      'apps/api/main.py': 'from fastapi import FastAPI\napp = FastAPI()\n',
    }, 'apps/api', 'python');
    expect(pushPaths(member.tree)).toBeUndefined();
  });
});
