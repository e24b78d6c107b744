import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../package-root.js';

/** The package each shipped wasm file comes from (when not bundled). */
const PACKAGES: Record<string, string> = {
  'tree-sitter.wasm': 'web-tree-sitter',
  'tree-sitter-hcl.wasm': '@tree-sitter-grammars/tree-sitter-hcl',
};

/**
 * Absolute path of a wasm file: the bundle build copies them to dist/wasm;
 * from source (tests, tsc output) they come from node_modules. Both packages
 * let `<pkg>/<file>` resolve (web-tree-sitter exports it, the grammar has no
 * exports map).
 */
export function wasmFile(name: string): string {
  const bundled = join(PACKAGE_ROOT, 'dist', 'wasm', name);
  if (existsSync(bundled)) return bundled;
  const pkg = PACKAGES[name];
  if (pkg === undefined) throw new Error(`unknown wasm asset ${name}`);
  return createRequire(import.meta.url).resolve(`${pkg}/${name}`);
}
