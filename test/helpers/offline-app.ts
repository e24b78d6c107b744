import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PACKAGE_ROOT } from '../../src/package-root.js';

type LockEntry = { dependencies?: Record<string, string>; dev?: boolean; devOptional?: boolean; peer?: boolean } & Record<string, unknown>;

/** Where Node would find `name` from the package at lockfile path `from` (its own node_modules, then each parent's). */
function locate(packages: Record<string, LockEntry>, from: string, name: string): string {
  for (let base = from; ; base = base.includes('/node_modules/') ? base.slice(0, base.lastIndexOf('/node_modules/')) : '') {
    const candidate = `${base === '' ? '' : `${base}/`}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (base === '') throw new Error(`package-lock.json has no ${name} for ${from}`);
  }
}

/**
 * An empty project in `app` that depends on the packed `tarball` only, with
 * a lockfile: this package's entry, and the entries of its runtime
 * dependencies copied from our package-lock.json (the versions a user's
 * install resolves today). `npm ci --offline` then installs it from npm's
 * cache alone: `npm ci` caches tarballs, not the registry metadata a lockless
 * install would need to resolve version ranges.
 */
export function writeOfflineApp(app: string, tarball: string): void {
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as Record<string, unknown> & { dependencies: Record<string, string> };
  const lock = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const copied: Record<string, LockEntry> = {};
  const queue = Object.keys(pkg.dependencies).map((name) => `node_modules/${name}`);
  for (let at = queue.pop(); at !== undefined; at = queue.pop()) {
    if (copied[at]) continue;
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...entry } = lock.packages[at]!;
    copied[at] = entry;
    for (const name of Object.keys(entry.dependencies ?? {})) queue.push(locate(lock.packages, at, name));
  }
  const spec = `file:${relative(app, tarball)}`;
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
  const self = { version: pkg['version'], resolved: spec, integrity, license: pkg['license'], dependencies: pkg.dependencies, bin: pkg['bin'], engines: pkg['engines'] };
  writeFileSync(join(app, 'package.json'), `${JSON.stringify({ name: 'app', private: true, dependencies: { [String(pkg['name'])]: spec } }, null, 2)}\n`);
  const packages = { '': { name: 'app', dependencies: { [String(pkg['name'])]: spec } }, [`node_modules/${String(pkg['name'])}`]: self, ...copied };
  writeFileSync(join(app, 'package-lock.json'), `${JSON.stringify({ name: 'app', lockfileVersion: 3, requires: true, packages }, null, 2)}\n`);
}
