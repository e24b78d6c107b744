import { posix } from 'node:path';
import type { AppFacts } from './app-facts.js';
import { catalogVersion } from './gradle-catalog.js';
import { detectJavaBuild, javaVersion, type JavaBuild } from './java-build.js';
import { configPort, readAppConfig } from './java-config.js';
import { appPrefix, micronautAppPrefix, micronautEndpointsBase, micronautEndpointsPrefix, quarkusNonApplicationRoot, resolveUnder, springActuatorBase, springManagementPrefix, type RoutePrefix } from './java-paths.js';
import { joinPath } from './paths.js';
import { findRoutes, pickHealthPath, pickReadinessPath, walkFiles } from './scan.js';
import type { JavaFacts, JavaProject, RepoFiles } from './types.js';

const SPRING_BOOT = /spring-boot-starter-parent|spring-boot-maven-plugin|spring-boot-dependencies|org\.springframework\.boot['"]|plugins\.spring\.boot\b|spring-boot-gradle-plugin/;
const ACTUATOR = /spring-boot-starter-actuator|starter[.-]actuator\b/;
const PROMETHEUS_REGISTRY = /micrometer-registry-prometheus|micrometer[.-]registry[.-]prometheus/;
const QUARKUS_HEALTH = /quarkus-smallrye-health/;
// io.micronaut:micronaut-management (io.micronaut:management before 2.0) serves the health endpoint.
const MICRONAUT_MANAGEMENT = /micronaut-management\b|io\.micronaut:management\b/;
const DEFAULT_PORT = 8080;

/**
 * Detects a JVM app in `dir` (pom.xml or build.gradle[.kts]): build tool and
 * wrapper, Java version, Spring Boot and Actuator, port, health path, metrics.
 */
export function detectJava(files: RepoFiles, dir: string): AppFacts | null {
  const build = detectJavaBuild(files, dir);
  if (build === null) return null;
  const notes = [...build.notes];
  // What the parents declare (the Spring Boot parent, shared dependencies and plugins) applies to the module too.
  const text = build.inherited.map((b) => b.text).join('\n');
  const springBoot = SPRING_BOOT.test(text);
  const bootVersion = springBoot ? (springBootVersion(text) ?? catalogBootVersion(files, dir, build)) : null;
  const actuator = ACTUATOR.test(text);
  const framework = springBoot ? 'spring-boot' : /io\.quarkus/.test(text) ? 'quarkus' : /io\.micronaut/.test(text) ? 'micronaut' : null;
  const quarkusApp = framework === 'quarkus' ? quarkusFastJar(files, dir, build.tool, notes) : null;
  if (framework === 'micronaut' && build.tool === 'gradle' && !/shadow/.test(text)) {
    notes.push('Micronaut with Gradle but no shadow plugin: build/libs holds only the thin jar, which cannot run alone; add the shadow plugin (com.gradleup.shadow) so the image runs its -all.jar');
  }

  const version = javaVersion(files, dir, build);
  const { port, portSource } = javaPort(files, dir, framework, notes);
  const { healthPath, readinessPath } = QUARKUS_HEALTH.test(text)
    ? quarkusHealth(files, dir, notes)
    : framework === 'micronaut'
      ? micronautHealth(files, dir, MICRONAUT_MANAGEMENT.test(text), notes)
      : javaHealth(
          files,
          dir,
          actuator ? { probes: springBoot && bootHasProbes(bootVersion), prefix: springManagementPrefix(files, dir, text) } : null,
          appPrefix(files, dir, framework, text),
          notes,
        );
  if (springBoot) notes.push(bootVersion ? `Spring Boot ${bootVersion}` : 'Spring Boot version not stated in the build file: the image assumes 3.3 or later');
  const commands = javaCommands(build, text);
  if (build.project !== null) {
    const root = joinPath(dir, build.project.root);
    notes.push(`module ${build.project.selector} of the ${build.tool === 'maven' ? 'multi-module' : 'multi-project'} build at ${root === '.' ? 'the repository root' : root}: the image and CI build it from there, with the modules it depends on`);
  }

  const metricsLibrary = PROMETHEUS_REGISTRY.test(text) ? 'micrometer-prometheus' : /opentelemetry/.test(text) ? 'opentelemetry' : null;
  const archive = warPackaging(build) ? 'war' : 'jar';
  const artifactGlob = `${build.tool === 'maven' ? 'target' : 'build/libs'}/*.${archive}`;
  if (archive === 'war') {
    notes.push(
      springBoot
        ? 'war packaging: the image runs the executable war with `java -jar` (Spring Boot cannot extract a war into layers)'
        : 'war packaging without Spring Boot: the image runs `java -jar`, which a war for a servlet container cannot do; package a runnable jar, or run the war on a servlet container image instead',
    );
  }
  if (build.tool === 'gradle' && springBoot) {
    notes.push(`build/libs also holds the *-plain.${archive}: disable the ${archive} task (tasks.${archive} { enabled = false }) so one ${archive} matches`);
  }

  return {
    language: 'java',
    framework,
    packageManager: build.tool,
    lockfile: files.exists(joinPath(dir, 'gradle.lockfile')) && build.tool === 'gradle' ? 'gradle.lockfile' : null,
    runtimeVersion: version?.version ?? null,
    runtimeVersionSource: version?.source ?? null,
    ...commands,
    startCommand: 'java -jar app.jar',
    port,
    portSource,
    healthPath,
    readinessPath,
    metricsLibrary,
    notes,
    node: null,
    python: null,
    go: null,
    java: {
      buildTool: build.tool,
      wrapperPath: build.wrapper,
      springBoot,
      springBootVersion: bootVersion,
      actuator,
      gradleKotlinDsl: build.kotlinDsl,
      artifactGlob,
      quarkusApp,
      metricsPath: jvmMetricsPath(files, dir, framework, text, notes),
      webExposure: springBoot && actuator ? webExposure(files, dir, metricsLibrary, notes) : null,
      project: build.project,
    },
  };
}

/** Maven's `<packaging>war</packaging>` or Gradle's war plugin: the build writes a .war, not a .jar. */
function warPackaging(build: JavaBuild): boolean {
  return build.tool === 'maven'
    ? /<packaging>\s*war\s*<\/packaging>/.test(build.text)
    : /\bid\s*\(?\s*['"]war['"]|^\s*war\s*$|apply\s*\(?\s*plugin\s*[:=]\s*['"]war['"]/m.test(build.text);
}

/** True when `dir` holds a runnable JVM app: Spring Boot, Quarkus/Micronaut, the application plugin, or a main method. */
export function isJavaApp(files: RepoFiles, dir: string): boolean {
  const build = detectJavaBuild(files, dir);
  if (build === null) return false;
  if (/<packaging>\s*pom\s*<\/packaging>/.test(build.text)) return false;
  if (SPRING_BOOT.test(build.text) && !/org\.springframework\.boot['"]\)?\s*(?:version\s+['"][^'"]+['"]\s*)?apply\s*\(?\s*false/.test(build.text)) return true;
  if (/io\.quarkus|io\.micronaut|\bapplication\b\s*(?:\{|$)|id\s*\(?\s*['"]application['"]|mainClass/m.test(build.text)) return true;
  const sources = walkFiles(files, joinPath(dir, 'src/main'), { exts: ['.java', '.kt'], maxDepth: 10, maxFiles: 300 });
  return sources.some((f) => /public\s+static\s+void\s+main\s*\(|^fun\s+main\s*\(/m.test(files.read(f) ?? ''));
}

function javaPort(
  files: RepoFiles,
  dir: string,
  framework: string | null,
  notes: string[],
): { port: number | null; portSource: string | null } {
  const key = framework === 'quarkus' ? 'quarkus.http.port' : framework === 'micronaut' ? 'micronaut.server.port' : 'server.port';
  const found = readAppConfig(files, dir, key);
  const port = found ? configPort(found.value) : null;
  if (found && port !== null) {
    notes.push(`port ${port} from ${found.file} ${key}`);
    return { port, portSource: found.file };
  }
  if (framework !== null) {
    notes.push(`port ${DEFAULT_PORT}: the ${framework} default`);
    return { port: DEFAULT_PORT, portSource: `${framework} default` };
  }
  notes.push('no port found in the configuration');
  return { port: null, portSource: null };
}

const BOOT_POM_VERSION = /<artifactId>\s*spring-boot-(?:starter-parent|dependencies)\s*<\/artifactId>\s*<version>\s*(?:(\d[\w.-]*)|\$\{([\w.-]+)\})\s*<\/version>/;

/**
 * Spring Boot's version as written in the parent POM or the BOM import (its
 * own or through a property the poms define), or the Gradle plugin; null
 * behind a property nothing here defines.
 */
export function springBootVersion(buildText: string): string | null {
  const pom = BOOT_POM_VERSION.exec(buildText);
  if (pom?.[2]) {
    const property = pom[2].replace(/[.-]/g, (c) => `\\${c}`);
    return new RegExp(`<${property}>\\s*(\\d[\\w.-]*)\\s*</${property}>`).exec(buildText)?.[1] ?? null;
  }
  const m =
    pom ??
    /id\s*\(?\s*['"]org\.springframework\.boot['"]\s*\)?\s*version\s*\(?\s*['"](\d[\w.-]*)['"]/.exec(buildText) ??
    /spring-boot-(?:gradle-plugin|dependencies):(\d[\w.-]*)/.exec(buildText);
  return m?.[1] ?? null;
}

/** Spring Boot's version in the Gradle build's version catalog (`alias(libs.plugins.spring.boot)`, a BOM or plugin library). */
function catalogBootVersion(files: RepoFiles, dir: string, build: JavaBuild): string | null {
  if (build.tool !== 'gradle') return null;
  const version = catalogVersion(files, joinPath(dir, build.project?.root ?? '.'), {
    plugin: 'org.springframework.boot',
    modules: ['org.springframework.boot:spring-boot-dependencies', 'org.springframework.boot:spring-boot-gradle-plugin'],
  });
  return version !== null && /^\d/.test(version) ? version : null;
}

/** Spring Boot `version` is `major.minor` or later; an unknown version (a property, a catalog) is taken to be current. */
export function bootAtLeast(version: string | null, major: number, minor: number): boolean {
  const m = version === null ? null : /^(\d+)\.(\d+)/.exec(version);
  if (m === null) return true;
  const [vMajor, vMinor] = [Number(m[1]), Number(m[2])];
  return vMajor > major || (vMajor === major && vMinor >= minor);
}

/** Actuator's liveness and readiness groups exist from Boot 2.3. */
export function bootHasProbes(version: string | null): boolean {
  return bootAtLeast(version, 2, 3);
}

/** ', under server.servlet.context-path /orders in ...' when a setting moved the path, else ''. */
function under(prefix: RoutePrefix): string {
  return prefix.source === null ? '' : `, under ${prefix.source}`;
}

/**
 * Health (liveness) and readiness paths. Actuator's liveness group (under
 * management.endpoints.web.base-path) checks the app itself, never a database,
 * so a dependency outage does not get every instance replaced; its readiness
 * group takes an instance out of rotation instead. Without probe groups
 * (Boot < 2.3), the aggregate health and no readiness path. Else routes in
 * source, under the app's prefix (a context path).
 */
function javaHealth(
  files: RepoFiles,
  dir: string,
  actuator: { probes: boolean; prefix: RoutePrefix } | null,
  app: RoutePrefix,
  notes: string[],
): { healthPath: string | null; readinessPath: string | null } {
  if (actuator) {
    const base = springActuatorBase(files, dir, actuator.prefix);
    if (actuator.probes) {
      notes.push(`health path ${base}/health/liveness from Spring Boot Actuator${under(actuator.prefix)} (the image enables its probe groups; readiness: ${base}/health/readiness)`);
    } else {
      notes.push(`health path ${base}/health from Spring Boot Actuator${under(actuator.prefix)}`);
    }
    const mgmtPort = readAppConfig(files, dir, 'management.server.port');
    if (mgmtPort) notes.push(`management.server.port is ${mgmtPort.value} in ${mgmtPort.file}: the health checks and the metrics scrape must use that port`);
    return actuator.probes
      ? { healthPath: `${base}/health/liveness`, readinessPath: `${base}/health/readiness` }
      : { healthPath: `${base}/health`, readinessPath: null };
  }
  const sources = walkFiles(files, joinPath(dir, 'src/main'), { exts: ['.java', '.kt'], maxDepth: 10, maxFiles: 400 });
  const routes = findRoutes(files, sources, /"(\/[a-z0-9/]+)"/g);
  const health = pickHealthPath(routes);
  const readiness = pickReadinessPath(routes);
  if (health) notes.push(`health path ${app.path}${health.path} from ${health.file}${under(app)}`);
  return { healthPath: health ? app.path + health.path : null, readinessPath: readiness ? app.path + readiness.path : null };
}

/**
 * Quarkus packages a fast-jar by default (1.12+): <build dir>/quarkus-app/
 * with quarkus-run.jar, which needs lib/, app/ and quarkus/ beside it. An
 * uber-jar (quarkus.package.jar.type, or quarkus.package.type before 3.x) is
 * one runnable *-runner.jar; a native build is not supported.
 */
function quarkusFastJar(files: RepoFiles, dir: string, tool: 'maven' | 'gradle', notes: string[]): string | null {
  const type = readAppConfig(files, dir, 'quarkus.package.jar.type') ?? readAppConfig(files, dir, 'quarkus.package.type');
  if (type?.value === 'uber-jar') {
    notes.push(`Quarkus uber-jar (${type.file}): the image runs the *-runner.jar`);
    return null;
  }
  if (type !== null && type.value !== 'fast-jar') {
    notes.push(`Quarkus package type ${type.value} in ${type.file} is not supported: the image expects the default fast-jar (quarkus-app/quarkus-run.jar) or an uber-jar`);
  }
  const folder = tool === 'maven' ? 'target/quarkus-app' : 'build/quarkus-app';
  notes.push(`Quarkus fast-jar: the image runs ${folder}/quarkus-run.jar with the lib/, app/ and quarkus/ folders beside it`);
  return folder;
}

/**
 * SmallRye Health serves liveness and readiness under the non-application
 * root (/q by default): /q/health/live restarts, /q/health/ready takes traffic.
 * Each of its paths is relative to the one above unless it starts with '/'.
 */
function quarkusHealth(files: RepoFiles, dir: string, notes: string[]): { healthPath: string; readinessPath: string } {
  const root = quarkusNonApplicationRoot(files, dir);
  const config = (key: string, fallback: string) => readAppConfig(files, dir, key)?.value ?? fallback;
  const health = resolveUnder(root.path, config('quarkus.smallrye-health.root-path', 'health'));
  const [live, ready] = [resolveUnder(health, config('quarkus.smallrye-health.liveness-path', 'live')), resolveUnder(health, config('quarkus.smallrye-health.readiness-path', 'ready'))];
  notes.push(`health path ${live} from SmallRye Health${under(root)} (readiness: ${ready})`);
  const management = readAppConfig(files, dir, 'quarkus.management.enabled');
  if (management?.value === 'true') {
    const port = readAppConfig(files, dir, 'quarkus.management.port')?.value ?? '9000';
    notes.push(`quarkus.management.enabled is true in ${management.file}: health and metrics are served on the management port ${port}, not the app's: the health checks and the metrics scrape must use that port`);
  }
  return { healthPath: live, readinessPath: ready };
}

/**
 * Micronaut Management serves /health/liveness (indicators marked @Liveness:
 * restarts) and /health/readiness (takes traffic) under endpoints.all.path
 * ('/' by default), on the app's port unless endpoints.all.port moves them.
 * The health endpoint is on and not sensitive by default. Without the
 * management module (or with health turned off) only routes in source count.
 */
function micronautHealth(files: RepoFiles, dir: string, management: boolean, notes: string[]): { healthPath: string | null; readinessPath: string | null } {
  if (!management) {
    notes.push('Micronaut without micronaut-management: add the io.micronaut:micronaut-management dependency so the app serves /health/liveness and /health/readiness for the health checks');
    return javaHealth(files, dir, null, micronautAppPrefix(files, dir), notes);
  }
  const disabled = micronautHealthDisabled(files, dir);
  if (disabled !== null) {
    notes.push(`the Micronaut health endpoint is turned off in ${disabled}: turn it on (endpoints.health.enabled: true) so the health checks find /health/liveness and /health/readiness`);
    return javaHealth(files, dir, null, micronautAppPrefix(files, dir), notes);
  }
  const prefix = micronautEndpointsPrefix(files, dir);
  const base = micronautEndpointsBase(files, dir, prefix);
  notes.push(`health path ${base}/health/liveness from Micronaut Management${under(prefix)} (readiness: ${base}/health/readiness)`);
  const sensitive = readAppConfig(files, dir, 'endpoints.health.sensitive');
  if (sensitive?.value === 'true') notes.push(`endpoints.health.sensitive is true in ${sensitive.file}: the unauthenticated health checks get 401; set it to false`);
  const port = readAppConfig(files, dir, 'endpoints.all.port');
  if (port) notes.push(`endpoints.all.port is ${port.value} in ${port.file}: the health checks and the metrics scrape must use that port`);
  return { healthPath: `${base}/health/liveness`, readinessPath: `${base}/health/readiness` };
}

/**
 * Where the framework's Micrometer Prometheus registry serves the scrape, as
 * its config places it: Spring Boot's actuator base path (/actuator) and the
 * endpoint's path mapping, Quarkus's non-application root (/q) and export
 * path, Micronaut's endpoints path; each under the context path that moves
 * the health path too. Null for other apps.
 */
function jvmMetricsPath(files: RepoFiles, dir: string, framework: string | null, buildText: string, notes: string[]): string | null {
  const config = (key: string) => readAppConfig(files, dir, key)?.value;
  if (framework === 'spring-boot') {
    return `${springActuatorBase(files, dir, springManagementPrefix(files, dir, buildText))}/${config('management.endpoints.web.path-mapping.prometheus') ?? 'prometheus'}`;
  }
  if (framework === 'quarkus') {
    return resolveUnder(quarkusNonApplicationRoot(files, dir).path, config('quarkus.micrometer.export.prometheus.path') ?? 'metrics');
  }
  return framework === 'micronaut' ? micronautMetricsPath(files, dir, notes) : null;
}

/**
 * Actuator exposes only `health` over HTTP unless
 * management.endpoints.web.exposure.include lists more: the Prometheus
 * scrape then gets 404. Unset, the image lists health and prometheus itself;
 * set without prometheus (or *), only the user can add it.
 */
function webExposure(files: RepoFiles, dir: string, metricsLibrary: string | null, notes: string[]): string | null {
  const found = readAppConfig(files, dir, 'management.endpoints.web.exposure.include');
  const listed = found?.value.split(',').map((e) => e.trim()) ?? [];
  if (found !== null && metricsLibrary === 'micrometer-prometheus' && !listed.some((e) => e === 'prometheus' || e === '*')) {
    notes.push(`management.endpoints.web.exposure.include in ${found.file} leaves out prometheus: the metrics scrape gets 404 and the deploy's metric gate sees no requests; add prometheus to it`);
  }
  return found?.value ?? null;
}

/**
 * Micronaut's Prometheus registry serves the scrape at /prometheus under
 * endpoints.all.path (its /metrics is Micronaut's own JSON). The endpoint is
 * sensitive (401 without a login) unless configured otherwise: the image turns
 * that off (ENDPOINTS_PROMETHEUS_SENSITIVE), as scrapers do not log in.
 */
function micronautMetricsPath(files: RepoFiles, dir: string, notes: string[]): string {
  const path = `${micronautEndpointsBase(files, dir, micronautEndpointsPrefix(files, dir))}/prometheus`;
  notes.push(`metrics path ${path} from Micronaut Micrometer's Prometheus endpoint`);
  return path;
}

/** The config file that turns Micronaut's health endpoint off (endpoints.health.enabled, else endpoints.all.enabled), or null. */
function micronautHealthDisabled(files: RepoFiles, dir: string): string | null {
  const enabled = readAppConfig(files, dir, 'endpoints.health.enabled') ?? readAppConfig(files, dir, 'endpoints.all.enabled');
  return enabled?.value === 'false' ? enabled.file : null;
}

/**
 * Commands run in the app dir. A Maven module is built through its reactor
 * (`-f <root>/pom.xml -pl :module -am`: the sibling modules it depends on are
 * in no repository); Gradle finds its settings from any project dir itself.
 */
function javaCommands(b: JavaBuild, text: string): Pick<AppFacts, 'buildCommand' | 'testCommand' | 'lintCommand'> {
  const spotless = /spotless/.test(text);
  const checkstyle = /checkstyle/.test(text);
  if (b.tool === 'maven') {
    const mvn = [b.wrapper ?? 'mvn', ...mavenReactorArgs(b.project)].join(' ');
    return {
      buildCommand: `${mvn} -B -DskipTests package`,
      testCommand: `${mvn} -B verify`,
      lintCommand: spotless ? `${mvn} -B spotless:check` : checkstyle ? `${mvn} -B checkstyle:check` : null,
    };
  }
  const gradle = b.wrapper ?? 'gradle';
  return {
    buildCommand: `${gradle} assemble`,
    testCommand: `${gradle} build`,
    lintCommand: spotless ? `${gradle} spotlessCheck` : checkstyle ? `${gradle} checkstyleMain` : null,
  };
}

/** Maven flags that build a module with the modules it depends on, from the app dir; none for a standalone build. */
export function mavenReactorArgs(project: JavaProject | null): string[] {
  return project === null ? [] : ['-f', posix.join(project.root, 'pom.xml'), '-pl', project.selector, '-am'];
}

/**
 * The wrapper is at the root of the image's build context, where the
 * Dockerfile copies it from: the app dir (`appPath` '') or a multi-module build's root.
 */
export function wrapperInContext(java: Pick<JavaFacts, 'wrapperPath'>, appPath = ''): boolean {
  return java.wrapperPath !== null && ['mvnw', 'gradlew'].includes(posix.join(appPath, java.wrapperPath));
}
