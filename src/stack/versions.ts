/**
 * THE one map of pinned base images and build tools the generated Dockerfiles
 * use (create-t3-app's dependencyVersionMap, for images). Every tag is an
 * explicit version: never `latest`, never a bare major like `node:22`.
 *
 * In a generated repository these tags are literal `FROM` lines, so the
 * Dependabot `docker` ecosystem the pipeline layer configures proposes tag and
 * digest bumps there. Here, bump them with each release of this tool; every
 * value below is a published tag, read from docker-library/official-images
 * (August 2026); Debian-based ones on trixie (Debian 13, stable since August
 * 2025; bookworm's regular security support ended in June 2026).
 */

/** A release line we pin, keyed by its version ('22', '3.12', '1.25', '21'). */
export interface LineImages {
  /** Image for the build stage(s). */
  build: string;
  /** Image for the runtime stage. */
  runtime: string;
}

export interface JavaLineImages extends LineImages {
  /** The official Maven image on the same JDK, used when the repo has no ./mvnw. */
  maven: string;
  /** The official Gradle image on the same JDK, used when the repo has no ./gradlew. */
  gradle: string;
}

export interface PinnedLines<T extends LineImages> {
  /** Used when the repository declares no version. */
  default: string;
  lines: Readonly<Record<string, T>>;
}

/** Node.js LTS lines on Debian trixie slim (glibc, so native addons' prebuilt binaries work). */
export const NODE: PinnedLines<LineImages> = {
  default: '24',
  lines: {
    // No 20: it reached end of life in April 2026 (a repository declaring it gets 22, with a note).
    '22': { build: 'node:22.23-trixie-slim', runtime: 'node:22.23-trixie-slim' },
    '24': { build: 'node:24.19-trixie-slim', runtime: 'node:24.19-trixie-slim' },
    '26': { build: 'node:26.7-trixie-slim', runtime: 'node:26.7-trixie-slim' },
  },
};

/** Bun's official Debian slim image (one line: bun 1.x). */
export const BUN: LineImages = { build: 'oven/bun:1.3.1-slim', runtime: 'oven/bun:1.3.1-slim' };

/** CPython on Debian trixie slim; build and runtime must match so the venv's interpreter path is valid. */
export const PYTHON: PinnedLines<LineImages> = {
  default: '3.13',
  lines: {
    '3.11': { build: 'python:3.11.16-slim-trixie', runtime: 'python:3.11.16-slim-trixie' },
    '3.12': { build: 'python:3.12.14-slim-trixie', runtime: 'python:3.12.14-slim-trixie' },
    '3.13': { build: 'python:3.13.15-slim-trixie', runtime: 'python:3.13.15-slim-trixie' },
    '3.14': { build: 'python:3.14.7-slim-trixie', runtime: 'python:3.14.7-slim-trixie' },
  },
};

/**
 * Go toolchains; the runtime is distroless. Distroless publishes no version
 * tags, only moving ones plus digests, so `check` suggests a digest pin.
 * Debian 12 here: the quality bar names static-debian12:nonroot, which
 * distroless still updates; the build image is on the same Debian, so a cgo
 * binary finds the glibc it was linked against in base-debian12.
 */
export const GO: PinnedLines<LineImages> & { cgoRuntime: string } = {
  default: '1.26',
  lines: {
    // The two supported Go releases. An older `go` directive is a minimum: it
    // builds with 1.26 (Go 1 compatibility), with a note.
    '1.26': { build: 'golang:1.26.7-bookworm', runtime: 'gcr.io/distroless/static-debian12:nonroot' },
    '1.27': { build: 'golang:1.27.0-bookworm', runtime: 'gcr.io/distroless/static-debian12:nonroot' },
  },
  // glibc (and libssl) for binaries linked with cgo; same Debian 12 as the build image.
  cgoRuntime: 'gcr.io/distroless/base-debian12:nonroot',
};

/** Eclipse Temurin JDK to build, JRE to run, both on Ubuntu noble. */
export const JAVA: PinnedLines<JavaLineImages> = {
  default: '21',
  lines: {
    '17': {
      build: 'eclipse-temurin:17.0.20_8-jdk-noble',
      runtime: 'eclipse-temurin:17.0.20_8-jre-noble',
      maven: 'maven:3.9.16-eclipse-temurin-17-noble',
      gradle: 'gradle:8.14.5-jdk17',
    },
    '21': {
      build: 'eclipse-temurin:21.0.12_8-jdk-noble',
      runtime: 'eclipse-temurin:21.0.12_8-jre-noble',
      maven: 'maven:3.9.16-eclipse-temurin-21-noble',
      gradle: 'gradle:8.14.5-jdk21',
    },
    '25': {
      build: 'eclipse-temurin:25.0.4_7-jdk-noble',
      runtime: 'eclipse-temurin:25.0.4_7-jre-noble',
      maven: 'maven:3.9.16-eclipse-temurin-25-noble',
      // Gradle 8.x cannot run on Java 25; 9.1 was the first that can.
      gradle: 'gradle:9.7.1-jdk25',
    },
  },
};

const UV_VERSION = '0.9.5';

/** Tools installed inside build stages (CI installs the same versions). */
export const TOOLS = {
  /** Copied from its own image stage (a literal FROM, so Dependabot bumps it too). */
  uvImage: `ghcr.io/astral-sh/uv:${UV_VERSION}`,
  uv: UV_VERSION,
  poetry: '2.2.1',
  pdm: '2.26.2',
  pipenv: '2025.0.4',
  /** Debian trixie's tini package version (apt pin), installed in Node runtime images. */
  tiniApt: '0.19.0-3+b8',
} as const;

/** Parses '22', '22.11.0', 'v3.12', '1.24.1' into numbers; null when there is no leading number. */
export function versionParts(version: string): number[] | null {
  const m = /^\s*v?(\d+(?:\.\d+)*)/.exec(version);
  return m?.[1] ? m[1].split('.').map(Number) : null;
}

/** Compares version number lists component by component (missing components count as 0). */
export function compareParts(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The pinned line chosen for a declared version, and why when it is not an exact match. */
export interface LineChoice<T extends LineImages> {
  line: string;
  images: T;
  /** Set when the declared version was missing or is not a line we pin. */
  note: string | null;
}

/**
 * Maps a declared runtime version to a pinned line. The line is matched on as
 * many components as the line keys have ('22.11.0' → '22', '1.24.1' → '1.24').
 * A version we don't pin gets the lowest newer line (runtimes run older code),
 * or the newest line with a note when the declared one is newer than all.
 */
export function chooseLine<T extends LineImages>(
  pinned: PinnedLines<T>,
  declared: string | null,
  what: string,
): LineChoice<T> {
  const keys = Object.keys(pinned.lines).sort((a, b) => compareParts(versionParts(a) ?? [], versionParts(b) ?? []));
  const pick = (line: string, note: string | null): LineChoice<T> => {
    const images = pinned.lines[line];
    if (!images) throw new Error(`no pinned ${what} images for line ${line}`);
    return { line, images, note };
  };
  const parts = declared === null ? null : versionParts(declared);
  if (parts === null) {
    return pick(pinned.default, `no ${what} version declared: using ${what} ${pinned.default}`);
  }
  const width = (versionParts(keys[0] ?? '') ?? [0]).length;
  const wanted = parts.slice(0, width);
  const exact = keys.find((k) => compareParts(versionParts(k) ?? [], wanted) === 0);
  if (exact) return pick(exact, null);
  const newer = keys.find((k) => compareParts(versionParts(k) ?? [], wanted) > 0);
  if (newer) {
    return pick(newer, `${what} ${declared} is not a line we pin: using ${what} ${newer}, the next supported one; test the app on it`);
  }
  const newest = keys[keys.length - 1] ?? pinned.default;
  return pick(newest, `${what} ${declared} is newer than the lines we pin: using ${what} ${newest}; bump the FROM lines when images exist`);
}
