import { describe, expect, it } from 'vitest';
import { detectRepo, detectRepoOnDisk } from '../../src/detect/index.js';
import { filesFromMap } from '../../src/detect/repo-files.js';
import type { RepoFacts } from '../../src/detect/types.js';
import { fixture } from './helpers.js';

const detect = (files: Record<string, string>, serviceDir?: string): RepoFacts =>
  detectRepo(filesFromMap(files), serviceDir === undefined ? { dirName: 'repo' } : { dirName: 'repo', serviceDir });
const express = JSON.stringify({ scripts: { start: 'node server.js' }, dependencies: { express: '4' } });

/** Every RepoFacts key, so a detector that forgets one (undefined) fails loudly. */
const KEYS: ReadonlyArray<keyof RepoFacts> = [
  'language', 'otherLanguage', 'framework', 'packageManager', 'lockfile', 'runtimeVersion', 'runtimeVersionSource',
  'buildCommand', 'testCommand', 'lintCommand', 'startCommand', 'port', 'portSource', 'healthPath', 'readinessPath', 'metricsLibrary',
  'appDir', 'services', 'existing', 'git', 'dirName', 'node', 'python', 'go', 'java', 'notes',
];

describe('detectRepo', () => {
  it.each(['django', 'go-cgo', 'maven-and-gradle', 'monorepo-apps', 'next-standalone', 'pnpm-workspace', 'python-requirements', 'rust', 'spring-actuator', 'uv-fastapi'])(
    'sets every field (never undefined) for fixture %s',
    (name) => {
      const facts = detectRepoOnDisk(fixture(name));
      for (const key of KEYS) expect(facts[key], key).not.toBeUndefined();
      expect(Object.keys(facts).sort()).toEqual([...KEYS].sort());
      expect(facts.dirName).toBe(name);
    },
  );

  it('uses the root when it is an app, and lists it as the single service', () => {
    const f = detect({ 'package.json': express, 'package-lock.json': '', 'server.js': "app.get('/health', ok); app.listen(8080)" });
    expect(f.appDir).toBe('.');
    expect(f.language).toBe('node');
    expect(f.services).toEqual([{ name: 'repo', dir: '.', language: 'node' }]);
    expect(f.port).toBe(8080);
    expect(f.healthPath).toBe('/health');
  });

  it('picks the only deployable service of a monorepo and says why', () => {
    const f = detect({
      'package.json': JSON.stringify({ workspaces: ['services/*', 'libs/*'], scripts: { start: 'turbo start' } }),
      'services/api/package.json': express,
      'libs/util/package.json': '{}',
    });
    expect(f.appDir).toBe('services/api');
    expect(f.language).toBe('node');
    expect(f.services).toEqual([{ name: 'api', dir: 'services/api', language: 'node' }]);
    expect(f.notes[0]).toBe('app in services/api: the only deployable service in the repository');
  });

  it('without a root app or monorepo layout, takes the server-side app of the top-level folders (backend/ + frontend/)', () => {
    const layout = {
      'backend/pyproject.toml': '[tool.poetry]\nname = "backend"\npackage-mode = false\n\n[tool.poetry.dependencies]\npython = "^3.12"\nfastapi = "*"\n',
      'backend/poetry.lock': '',
      'backend/app/main.py': 'from fastapi import FastAPI\napp = FastAPI()\n',
      // A Vite SPA, even one with a start script, is no server to deploy.
      'frontend/package.json': JSON.stringify({ scripts: { start: 'vite', build: 'vite build' }, devDependencies: { vite: '5' } }),
      'docs/package.json': express,
    };
    const f = detect(layout);
    expect(f).toMatchObject({ appDir: 'backend', language: 'python', packageManager: 'poetry' });
    expect(f.services).toEqual([{ name: 'backend', dir: 'backend', language: 'python' }]);
    expect(f.notes[0]).toBe('app in backend: the only server-side app (web framework) among the top-level folders, not frontend (node); pass --service-dir frontend to deploy another');
    // --service-dir still picks any folder.
    expect(detect(layout, 'frontend').appDir).toBe('frontend');
    // Two servers: the user chooses.
    const two = detect({ ...layout, 'server/package.json': express });
    expect(two.language).toBeNull();
    expect(two.notes.join('\n')).toMatch(/several deployable services \(backend \(python\), server \(node\)\): pass --service-dir/);
  });

  it('keeps a root app, and a monorepo layout, over top-level folders; a root of tooling only gives way', () => {
    const backend = { 'backend/package.json': express };
    expect(detect({ ...backend, 'package.json': express }).appDir).toBe('.');
    expect(detect({ ...backend, 'services/api/package.json': express }).appDir).toBe('services/api');
    // A Python root without a framework we know is still the app.
    expect(detect({ ...backend, 'requirements.txt': 'aiohttp\n', 'main.py': '' }).appDir).toBe('.');
    expect(detect({ ...backend, 'package.json': JSON.stringify({ devDependencies: { husky: '9' } }) }).appDir).toBe('backend');
  });

  it('respects --service-dir, normalising it', () => {
    const f = detect({ 'services/a/package.json': express, 'services/b/go.mod': 'module b\n', 'services/b/main.go': 'package main\n' }, './services/b/');
    expect(f.appDir).toBe('services/b');
    expect(f.language).toBe('go');
    expect(f.services.map((s) => s.dir)).toEqual(['services/a', 'services/b']);
  });

  it('reports a --service-dir that does not exist or escapes the repository', () => {
    for (const dir of ['services/nope', '../elsewhere']) {
      const f = detect({ 'package.json': express }, dir);
      expect(f.language).toBeNull();
      expect(f.notes.join('\n')).toMatch(/is not a directory inside the repository/);
    }
  });

  it('prefers the manifest with a web framework when node and python share the app dir', () => {
    const django = detect({ 'package.json': JSON.stringify({ scripts: { build: 'webpack' }, devDependencies: { webpack: '5' } }), 'requirements.txt': 'django\n', 'manage.py': '' });
    expect(django.language).toBe('python');
    expect(django.notes.join('\n')).toMatch(/node and python manifests in \.: using python \(it has a web framework\)/);
    const next = detect({ 'package.json': JSON.stringify({ dependencies: { next: '15' } }), 'requirements.txt': 'pandas\n' });
    expect(next.language).toBe('node');
  });

  it.each([
    ['Gemfile', 'ruby'],
    ['composer.json', 'php'],
    ['Api.csproj', 'dotnet'],
    ['mix.exs', 'elixir'],
  ])('%s → otherLanguage %s, even next to a tooling-only package.json', (manifest, lang) => {
    const f = detect({ [manifest]: '', 'package.json': JSON.stringify({ devDependencies: { prettier: '3' } }) });
    expect(f.language).toBeNull();
    expect(f.otherLanguage).toBe(lang);
    expect(f.notes).toContain(`${lang} is not supported yet`);
  });

  it('notes an empty repository', () => {
    const f = detect({ 'README.md': '' });
    expect(f.language).toBeNull();
    expect(f.otherLanguage).toBeNull();
    expect(f.services).toEqual([]);
    expect(f.notes.join('\n')).toMatch(/no supported manifest/);
  });

  it('parses the git remote alongside', () => {
    const f = detect({ 'package.json': express, '.git/config': '[remote "origin"]\n\turl = git@github.com:acme/shop.git\n', '.git/HEAD': 'ref: refs/heads/main\n' });
    expect(f.git).toEqual({ remote: 'git@github.com:acme/shop.git', owner: 'acme', repo: 'shop', defaultBranch: 'main' });
  });
});

describe('detectRepo fixtures', () => {
  it('monorepo with apps/api and apps/web: asks for --service-dir', () => {
    const f = detectRepoOnDisk(fixture('monorepo-apps'));
    expect(f.language).toBeNull();
    expect(f.appDir).toBe('.');
    expect(f.services).toEqual([
      { name: 'api', dir: 'apps/api', language: 'node' },
      { name: 'web', dir: 'apps/web', language: 'node' },
    ]);
    expect(f.notes.join('\n')).toMatch(/several deployable services \(apps\/api \(node\), apps\/web \(node\)\): pass --service-dir/);
  });

  it('monorepo with --service-dir apps/api: the app in the subfolder', () => {
    const f = detectRepoOnDisk(fixture('monorepo-apps'), { serviceDir: 'apps/api' });
    expect(f.appDir).toBe('apps/api');
    expect(f.language).toBe('node');
    expect(f.framework).toBe('express');
    expect(f.packageManager).toBe('npm');
    expect(f.lockfile).toBe('../../package-lock.json');
    expect(f.runtimeVersion).toBe('20.18');
    expect(f.runtimeVersionSource).toBe('.nvmrc');
    expect(f.node?.entrypoint).toBe('src/server.js');
    expect(f.port).toBe(4000);
    expect(f.portSource).toBe('apps/api/src/server.js');
    expect(f.healthPath).toBe('/healthz');
    expect(f.testCommand).toBe('npm test');
    expect(f.lintCommand).toBe('npm run lint');
    expect(f.metricsLibrary).toBe('prom-client');
  });

  it('Next.js standalone build with yarn berry', () => {
    const f = detectRepoOnDisk(fixture('next-standalone'));
    expect(f.framework).toBe('next');
    expect(f.packageManager).toBe('yarn');
    expect(f.node?.yarnBerry).toBe(true);
    expect(f.node?.nextStandalone).toBe(true);
    expect(f.node?.entrypoint).toBe('server.js');
    expect(f.node?.typescript).toBe(true);
    expect(f.startCommand).toBe('node server.js');
    expect(f.buildCommand).toBe('yarn run build');
    expect(f.runtimeVersion).toBe('20');
    expect(f.port).toBe(3000);
    expect(f.healthPath).toBe('/api/healthz');
  });

  it('pnpm workspace: the one deployable member, with the root lockfile and .tool-versions', () => {
    const f = detectRepoOnDisk(fixture('pnpm-workspace'));
    expect(f.appDir).toBe('services/api');
    expect(f.services).toEqual([{ name: 'api', dir: 'services/api', language: 'node' }]);
    expect(f.packageManager).toBe('pnpm');
    expect(f.lockfile).toBe('../../pnpm-lock.yaml');
    expect(f.runtimeVersion).toBe('22.11');
    expect(f.framework).toBe('fastify');
    expect(f.port).toBe(8081);
    expect(f.healthPath).toBe('/livez');
    expect(f.testCommand).toBe('pnpm test');
  });

  it('Rust repository: otherLanguage rust, existing Dockerfile still reported', () => {
    const f = detectRepoOnDisk(fixture('rust'));
    expect(f.language).toBeNull();
    expect(f.otherLanguage).toBe('rust');
    expect(f.node).toBeNull();
    expect(f.existing.dockerfile).toEqual(['Dockerfile']);
  });
});

describe('detectRepo: no health route', () => {
  const NOTE = /^no health route found \(\/healthz, .*\): the health checks ask for \/healthz unless --health-path names another/;
  it.each([
    ['python', { 'requirements.txt': 'fastapi\nuvicorn\n', 'main.py': 'from fastapi import FastAPI\napp = FastAPI()\n' }],
    ['node', { 'package.json': JSON.stringify({ name: 'api', scripts: { start: 'node server.js' }, dependencies: { express: '^4.21.0' } }), 'server.js': "require('express')().listen(3000);\n" }],
    ['go', { 'go.mod': 'module example.com/api\n\ngo 1.26\n', 'main.go': 'package main\n\nimport "net/http"\n\nfunc main() { http.ListenAndServe(":8080", nil) }\n' }],
  ])('%s: says which path the health checks then ask for, once', (_language, files) => {
    const facts = detect(files);
    expect(facts.healthPath).toBeNull();
    expect(facts.notes.filter((n) => NOTE.test(n))).toHaveLength(1);
  });

  it('says nothing of the kind when a health route is found', () => {
    const facts = detect({ 'requirements.txt': 'fastapi\n', 'main.py': 'from fastapi import FastAPI\napp = FastAPI()\n@app.get("/health")\ndef h(): ...\n' });
    expect(facts.healthPath).toBe('/health');
    expect(facts.notes.join('\n')).not.toContain('no health route');
  });
});
