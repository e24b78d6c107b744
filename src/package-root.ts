import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The installed package's root (where templates/ lives), found by walking up
 * from this module: works from src/ under vitest, from dist/ and from a bundle.
 */
function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'create-devops-stack') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the create-devops-stack package root');
    dir = parent;
  }
}

export const PACKAGE_ROOT = findPackageRoot();
export const TEMPLATES_DIR = join(PACKAGE_ROOT, 'templates');
export const TOOL_VERSION = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
export const TOOL_NAME = 'create-devops-stack';
/** Re-renders a repository's stack with the newest release (and what detection finds now). */
export const REGENERATE_COMMAND = `npx ${TOOL_NAME}@latest upgrade`;
