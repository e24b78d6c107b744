// Files under a directory, relative to it and sorted; [] when it is missing.
// Shared by scripts/update-examples.mjs and the golden-examples test.
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

export function listFiles(dir, base = dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name), base) : [relative(base, join(dir, e.name))]))
    .sort();
}
