import { describe, expect, it } from 'vitest';
import { filesFromMap } from '../../src/detect/repo-files.js';
import { expandGlob, findServices, findTopLevelApps } from '../../src/detect/workspaces.js';

const express = JSON.stringify({ scripts: { start: 'node server.js' }, dependencies: { express: '4' } });
const lib = JSON.stringify({ name: 'lib', main: 'index.js' });

describe('expandGlob', () => {
  const files = filesFromMap({
    'packages/a/package.json': '',
    'packages/b/package.json': '',
    'packages/node_modules/x/package.json': '',
    'apps/web-admin/x': '',
    'apps/web-shop/x': '',
    'apps/api/x': '',
    'deep/one/two/x': '',
  });

  it('expands *, prefixes and literals to existing directories only', () => {
    expect(expandGlob(files, 'packages/*').sort()).toEqual(['packages/a', 'packages/b']);
    expect(expandGlob(files, './apps/web-*/').sort()).toEqual(['apps/web-admin', 'apps/web-shop']);
    expect(expandGlob(files, 'apps/api')).toEqual(['apps/api']);
    expect(expandGlob(files, 'apps/missing')).toEqual([]);
  });

  it('expands ** to any depth', () => {
    expect(expandGlob(files, 'deep/**')).toEqual(expect.arrayContaining(['deep', 'deep/one', 'deep/one/two']));
  });

  it('refuses patterns outside the repository', () => {
    expect(expandGlob(files, '../*')).toEqual([]);
  });
});

describe('findServices', () => {
  it('lists deployable npm workspace members and leaves libraries and negated globs out', () => {
    const services = findServices(
      filesFromMap({
        'package.json': JSON.stringify({ workspaces: ['packages/*', '!packages/legacy'] }),
        'packages/api/package.json': express,
        'packages/legacy/package.json': express,
        'packages/utils/package.json': lib,
      }),
    );
    expect(services).toEqual([{ name: 'api', dir: 'packages/api', language: 'node' }]);
  });

  it('reads uv workspace members', () => {
    const services = findServices(
      filesFromMap({
        'pyproject.toml': '[tool.uv.workspace]\nmembers = ["svc/*"]\nexclude = ["svc/old"]\n',
        'svc/orders/pyproject.toml': '[project]\nname = "orders"\ndependencies = ["fastapi"]\n',
        'svc/old/pyproject.toml': '[project]\nname = "old"\ndependencies = ["flask"]\n',
        'svc/common/pyproject.toml': '[project]\nname = "common"\ndependencies = ["pydantic"]\n',
      }),
    );
    expect(services).toEqual([{ name: 'orders', dir: 'svc/orders', language: 'python' }]);
  });

  it('reads go.work modules that have a main package', () => {
    const services = findServices(
      filesFromMap({
        'go.work': 'go 1.23\nuse (\n\t./gateway\n\t./pkg/shared\n)\n',
        'gateway/go.mod': 'module gw\n',
        'gateway/cmd/gateway/main.go': 'package main\nfunc main() {}\n',
        'pkg/shared/go.mod': 'module shared\n',
        'pkg/shared/shared.go': 'package shared\n',
      }),
    );
    expect(services).toEqual([{ name: 'gateway', dir: 'gateway', language: 'go' }]);
  });

  it('reads Maven modules and Gradle includes', () => {
    const boot = '<project><parent><artifactId>spring-boot-starter-parent</artifactId></parent></project>';
    const maven = findServices(
      filesFromMap({
        'pom.xml': '<project><packaging>pom</packaging><modules><module>orders</module><module>common</module></modules></project>',
        'orders/pom.xml': boot,
        'common/pom.xml': '<project><artifactId>common</artifactId></project>',
      }),
    );
    expect(maven).toEqual([{ name: 'orders', dir: 'orders', language: 'java' }]);
    const gradle = findServices(
      filesFromMap({
        'settings.gradle': "rootProject.name = 'x'\ninclude 'services:billing', ':lib'\n",
        'services/billing/build.gradle': "plugins { id 'org.springframework.boot' version '3.3.4' }",
        'lib/build.gradle': "plugins { id 'java-library' }",
      }),
    );
    expect(gradle).toEqual([{ name: 'billing', dir: 'services/billing', language: 'java' }]);
  });

  it('scans services/* and apps/* without any workspace file, across languages', () => {
    const services = findServices(
      filesFromMap({
        'services/users/requirements.txt': 'django\n',
        'services/users/manage.py': '',
        'apps/site/package.json': JSON.stringify({ dependencies: { next: '15' } }),
        'apps/docs/README.md': '',
      }),
    );
    expect(services).toEqual([
      { name: 'site', dir: 'apps/site', language: 'node' },
      { name: 'users', dir: 'services/users', language: 'python' },
    ]);
  });

  it('is empty for a single-app repository', () => {
    expect(findServices(filesFromMap({ 'package.json': express }))).toEqual([]);
  });
});

describe('findTopLevelApps', () => {
  it('sorts the root folders into servers, runnable apps and the rest, leaving docs, tests and examples out', () => {
    const top = findTopLevelApps(
      filesFromMap({
        'api/go.mod': 'module api\n',
        'api/main.go': 'package main\nfunc main() {}\n',
        'worker/package.json': JSON.stringify({ scripts: { start: 'node worker.js' } }),
        'web/package.json': JSON.stringify({ scripts: { build: 'vite build' }, devDependencies: { vite: '5' } }),
        'examples/demo/package.json': express,
        'examples/package.json': express,
        'docs/requirements.txt': 'mkdocs\n',
        'notes/README.md': '',
      }),
    );
    expect(top).toEqual({
      servers: [{ name: 'api', dir: 'api', language: 'go' }],
      runnable: [{ name: 'worker', dir: 'worker', language: 'node' }],
      others: [{ name: 'web', dir: 'web', language: 'node' }],
    });
  });
});
