import type { NativePythonDep } from './types.js';

/**
 * Declared dependencies that pip cannot install on a slim Debian image from
 * wheels alone, or that load a C library the slim image lacks:
 *   psycopg2     sdist only: builds against libpq (pg_config, libpq-fe.h)
 *   psycopg-c    psycopg[c] or psycopg-c: the same, for psycopg 3's C speedups
 *   psycopg      psycopg 3 without [binary] or [c]: loads libpq.so.5 at import
 *   mysqlclient  sdist only on Linux: builds against the MariaDB/MySQL client library
 *   uwsgi        sdist only: compiles its server with gcc
 *   python-ldap  sdist only: builds against OpenLDAP and Cyrus SASL
 * `declared` maps each normalized name to the extras of each place it is
 * declared (dev and test files included: a build stage with one compiler too
 * many costs less than a build that fails).
 */
export function nativePythonDeps(declared: ReadonlyMap<string, ReadonlyArray<readonly string[]>>): NativePythonDep[] {
  const found = new Set<NativePythonDep>();
  for (const name of ['psycopg2', 'mysqlclient', 'uwsgi', 'python-ldap'] as const) {
    if (declared.has(name)) found.add(name);
  }
  const psycopg = declared.get('psycopg') ?? [];
  if (declared.has('psycopg-c') || psycopg.some((extras) => extras.includes('c'))) found.add('psycopg-c');
  // [binary] ships its own libpq; [pool] and the like add nothing native.
  else if (psycopg.some((extras) => !extras.includes('binary')) && !declared.has('psycopg-binary')) found.add('psycopg');
  return [...found].sort();
}
