import { fileURLToPath } from 'node:url';

/** Absolute path of an on-disk fixture repository under test/fixtures/repos. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../fixtures/repos/${name}`, import.meta.url));
}
