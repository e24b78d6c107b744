import { isObject, stringProp, type JsonObject } from './json.js';
import { joinPath } from './paths.js';
import type { PrismaFacts, RepoFiles } from './types.js';

/** Where Prisma looks for the schema without a `prisma.schema` setting: a file, then a folder of .prisma files (multi-file schemas). */
const DEFAULT_SCHEMAS = ['prisma/schema.prisma', 'schema.prisma', 'prisma/schema'];
const GENERATES = /\bprisma\s+generate\b/;

/**
 * Prisma, when the app depends on @prisma/client and has a schema: the client
 * is code `prisma generate` writes from the schema, which no install of the
 * image's (package.json and the lockfile only) can write by itself.
 */
export function detectPrisma(
  files: RepoFiles,
  dir: string,
  pkg: JsonObject | null,
  scripts: Record<string, string>,
  prodDeps: Record<string, string>,
): PrismaFacts | null {
  if (!('@prisma/client' in prodDeps)) return null;
  const configured = isObject(pkg?.prisma) ? stringProp(pkg.prisma, 'schema') : null;
  const schema = configured ?? prismaConfigSchema(files, dir) ?? DEFAULT_SCHEMAS.find((s) => files.exists(joinPath(dir, s))) ?? null;
  if (schema === null) return null;
  const folder = files.isDirectory(joinPath(dir, schema));
  const texts = folder
    ? files.list(joinPath(dir, schema)).filter((f) => f.endsWith('.prisma')).map((f) => files.read(joinPath(dir, schema, f)) ?? '')
    : [files.read(joinPath(dir, schema)) ?? ''];
  return {
    schema: joinPath(schema),
    clientInNodeModules: texts.some(generatesIntoNodeModules),
    buildGenerates: ['prebuild', 'build'].some((s) => GENERATES.test(scripts[s] ?? '')),
  };
}

/** `schema: 'db/schema.prisma'` in prisma.config.ts (Prisma 6.x on), when a literal. */
function prismaConfigSchema(files: RepoFiles, dir: string): string | null {
  for (const name of ['prisma.config.ts', 'prisma.config.mts', 'prisma.config.js', 'prisma.config.mjs']) {
    const m = /\bschema\s*:\s*['"`]([^'"`$]+)['"`]/.exec(files.read(joinPath(dir, name)) ?? '');
    if (m?.[1] !== undefined) return m[1];
  }
  return null;
}

/** A `prisma-client-js` generator without `output` writes the client into node_modules/.prisma/client. */
function generatesIntoNodeModules(schema: string): boolean {
  return [...schema.matchAll(/\bgenerator\s+\w+\s*\{([^}]*)\}/g)].some(([, body = '']) =>
    /\bprovider\s*=\s*"prisma-client-js"/.test(body) && !/^\s*output\s*=/m.test(body),
  );
}
