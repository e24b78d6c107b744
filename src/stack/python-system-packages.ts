import type { NativePythonDep } from '../detect/types.js';

/** Debian packages one image stage installs, and the comment above them. */
export interface AptPackages {
  packages: string[];
  /** Why, for the generated comment: 'psycopg2 and uwsgi build from source'. */
  why: string;
}

/** A C compiler and libc's headers: python:*-slim keeps neither (it removes them after building Python). */
const COMPILER = ['gcc', 'libc6-dev'];

/**
 * What each dependency needs from Debian trixie (the Python images' base):
 * to build in the build stage, and to load at run time in the runtime stage.
 * Package names checked against trixie's archive; the build lists also
 * against Ubuntu noble's, which CI's runners install them from. Runtime names
 * carry the library's soname (libldap2 is trixie's libldap.so.2).
 */
const NEEDS: Readonly<Record<NativePythonDep, { shown: string; build: string[]; runtime: string[] }>> = {
  mysqlclient: { shown: 'mysqlclient', build: [...COMPILER, 'pkgconf', 'default-libmysqlclient-dev'], runtime: ['libmariadb3'] },
  psycopg: { shown: 'psycopg (without [binary])', build: [], runtime: ['libpq5'] },
  'psycopg-c': { shown: 'psycopg[c]', build: [...COMPILER, 'libpq-dev'], runtime: ['libpq5'] },
  psycopg2: { shown: 'psycopg2', build: [...COMPILER, 'libpq-dev'], runtime: ['libpq5'] },
  'python-ldap': { shown: 'python-ldap', build: [...COMPILER, 'libldap-dev', 'libsasl2-dev'], runtime: ['libldap2'] },
  uwsgi: { shown: 'uwsgi', build: COMPILER, runtime: [] },
};

/** The build and runtime stages' Debian packages for these dependencies (sorted, each once), or null for a stage that needs none. */
export function pythonSystemPackages(deps: readonly NativePythonDep[]): { build: AptPackages | null; runtime: AptPackages | null } {
  const stage = (pick: 'build' | 'runtime', verb: [one: string, many: string]): AptPackages | null => {
    const needing = deps.filter((d) => NEEDS[d][pick].length > 0);
    if (needing.length === 0) return null;
    const names = needing.map((d) => NEEDS[d].shown);
    const who = names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]!}`;
    return { packages: [...new Set(needing.flatMap((d) => NEEDS[d][pick]))].sort(), why: `${who} ${names.length === 1 ? verb[0] : verb[1]}` };
  };
  return { build: stage('build', ['builds from source', 'build from source']), runtime: stage('runtime', ['loads its C library at run time', 'load their C libraries at run time']) };
}
