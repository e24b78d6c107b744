import { readAppConfig } from './java-config.js';
import type { RepoFiles } from './types.js';

/**
 * Where a JVM framework serves the app's routes and its management
 * endpoints (health, Prometheus), as its config places them. A context path
 * moves both: a health check that leaves it out gets 404 on every task.
 */

/** A URL prefix and the setting that made it ('' and null when nothing moves the routes). */
export interface RoutePrefix {
  path: string;
  /** 'server.servlet.context-path /orders in src/main/resources/application.yml', for the notes. */
  source: string | null;
}

const NO_PREFIX: RoutePrefix = { path: '', source: null };

/** A configured path as a prefix: '/q/' and 'q' give '/q', '/' gives ''; a `${VAR:/default}` placeholder gives its default. */
export function basePath(value: string): string {
  const placeholder = /^\s*\$\{[^:}]+:([^}]*)\}\s*$/.exec(value);
  const path = (placeholder?.[1] ?? value).trim();
  return path.replace(/^\/?/, '/').replace(/\/+$/, '');
}

/** Quarkus's rule for its paths: one with a leading '/' stands alone, any other goes under `parent`. */
export function resolveUnder(parent: string, value: string): string {
  return value.trim().startsWith('/') ? basePath(value) : `${parent}${basePath(value)}`;
}

/** The first of `keys` set in the app's config, as a prefix with its source. */
function configPrefix(files: RepoFiles, dir: string, keys: readonly string[]): RoutePrefix {
  for (const key of keys) {
    const found = readAppConfig(files, dir, key);
    if (found !== null && basePath(found.value) !== '') {
      return { path: basePath(found.value), source: `${key} ${found.value} in ${found.file}` };
    }
  }
  return NO_PREFIX;
}

/** Joins prefixes in order, keeping the sources that moved anything. */
function joinPrefixes(...parts: RoutePrefix[]): RoutePrefix {
  const sources = parts.map((p) => p.source).filter((s): s is string => s !== null);
  return { path: parts.map((p) => p.path).join(''), source: sources.length > 0 ? sources.join(', ') : null };
}

/**
 * A Spring Boot app on WebFlux (its starter without the servlet one, which
 * wins when both are present): spring.webflux.base-path moves its routes,
 * not server.servlet.context-path.
 */
function springReactive(buildText: string): boolean {
  return /starter[.-]webflux\b/.test(buildText) && !/starter[.-]web(?:mvc)?(?![\w.-])/.test(buildText);
}

/**
 * Spring Boot: every route, Actuator's among them, is under the servlet
 * context path and the DispatcherServlet's path (WebFlux: its base path).
 */
export function springAppPrefix(files: RepoFiles, dir: string, buildText: string): RoutePrefix {
  if (springReactive(buildText)) return configPrefix(files, dir, ['spring.webflux.base-path']);
  return joinPrefixes(configPrefix(files, dir, ['server.servlet.context-path']), configPrefix(files, dir, ['spring.mvc.servlet.path']));
}

/**
 * Actuator's prefix: the app's, unless management.server.port puts it on a
 * server of its own, whose prefix is management.server.base-path
 * (management.server.servlet.context-path before Boot 2.4).
 */
export function springManagementPrefix(files: RepoFiles, dir: string, buildText: string): RoutePrefix {
  if (readAppConfig(files, dir, 'management.server.port') === null) return springAppPrefix(files, dir, buildText);
  return configPrefix(files, dir, ['management.server.base-path', 'management.server.servlet.context-path']);
}

/** Where Actuator's endpoints are served: under `prefix` (springManagementPrefix), at management.endpoints.web.base-path (/actuator). */
export function springActuatorBase(files: RepoFiles, dir: string, prefix: RoutePrefix): string {
  return prefix.path + basePath(readAppConfig(files, dir, 'management.endpoints.web.base-path')?.value ?? '/actuator');
}

/**
 * Quarkus's non-application root, under which SmallRye Health and the
 * Prometheus export are served: quarkus.http.non-application-root-path
 * ('q' by default, under quarkus.http.root-path unless it starts with '/');
 * with the management interface on, quarkus.management.root-path instead.
 */
export function quarkusNonApplicationRoot(files: RepoFiles, dir: string): RoutePrefix {
  const management = readAppConfig(files, dir, 'quarkus.management.enabled')?.value === 'true';
  const key = management ? 'quarkus.management.root-path' : 'quarkus.http.non-application-root-path';
  const found = readAppConfig(files, dir, key);
  const value = found?.value ?? 'q';
  const own: RoutePrefix = { path: basePath(value), source: found ? `${key} ${found.value} in ${found.file}` : null };
  if (management || value.trim().startsWith('/')) return own;
  return joinPrefixes(quarkusAppPrefix(files, dir), own);
}

/** Quarkus: the app's routes are under quarkus.http.root-path. */
export function quarkusAppPrefix(files: RepoFiles, dir: string): RoutePrefix {
  return configPrefix(files, dir, ['quarkus.http.root-path']);
}

/** Micronaut: controllers are under micronaut.server.context-path. */
export function micronautAppPrefix(files: RepoFiles, dir: string): RoutePrefix {
  return configPrefix(files, dir, ['micronaut.server.context-path']);
}

/**
 * Micronaut's management endpoints: under micronaut.server.context-path too,
 * unless endpoints.all.context-path (4.5+) gives them their own.
 */
export function micronautEndpointsPrefix(files: RepoFiles, dir: string): RoutePrefix {
  return configPrefix(files, dir, ['endpoints.all.context-path', 'micronaut.server.context-path']);
}

/** Where Micronaut's management endpoints are served: under `prefix` (micronautEndpointsPrefix), at endpoints.all.path (/). */
export function micronautEndpointsBase(files: RepoFiles, dir: string, prefix: RoutePrefix): string {
  return prefix.path + basePath(readAppConfig(files, dir, 'endpoints.all.path')?.value ?? '/');
}

/** The app's route prefix for a framework ('' for plain Java). */
export function appPrefix(files: RepoFiles, dir: string, framework: string | null, buildText: string): RoutePrefix {
  if (framework === 'spring-boot') return springAppPrefix(files, dir, buildText);
  if (framework === 'quarkus') return quarkusAppPrefix(files, dir);
  if (framework === 'micronaut') return micronautAppPrefix(files, dir);
  return NO_PREFIX;
}
