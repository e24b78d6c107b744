import { posix } from 'node:path';
import {
  APP_ROOT,
  USERS,
  assertSafe,
  drainSeconds,
  missingFacts,
  type DockerContext,
  type JavaSpec,
  type KeyValue,
  type LanguageSpec,
} from './docker.js';
import { bootAtLeast, bootHasProbes, wrapperInContext } from '../detect/java.js';
import type { JavaProject } from '../detect/types.js';
import { UserError } from '../errors.js';
import { JAVA, chooseLine } from './versions.js';
import { LATENCY_THRESHOLD_SECONDS, metricNamesFor } from './promql.js';

/** How a Spring Boot jar is split into image layers, and the class that launches the result. */
interface BootLayout {
  /** Command that extracts the layers to /app/extracted, or null: the image runs the jar as is. */
  extract: string[] | null;
  entrypoint: string[];
}

const EXTRACTED = '/app/extracted';

/**
 * Per Spring Boot version: 3.3 added `-Djarmode=tools` (layertools before,
 * from 2.3), 3.2 moved the launcher to ...loader.launch. An unknown version
 * (set in a property or a catalog) is taken to be current.
 */
export function bootLayout(version: string | null): BootLayout {
  const at = (major: number, minor: number) => bootAtLeast(version, major, minor);
  const launcher = at(3, 2) ? 'org.springframework.boot.loader.launch.JarLauncher' : 'org.springframework.boot.loader.JarLauncher';
  if (at(3, 3)) return { extract: ['java', '-Djarmode=tools', '-jar', '/app/app.jar', 'extract', '--layers', '--launcher', '--destination', EXTRACTED], entrypoint: ['java', launcher] };
  if (at(2, 3)) return { extract: ['java', '-Djarmode=layertools', '-jar', '/app/app.jar', 'extract', '--destination', EXTRACTED], entrypoint: ['java', launcher] };
  return { extract: null, entrypoint: ['java', '-jar', '/app/app.jar'] };
}

/** Java image spec: JDK (or Maven/Gradle image) to build, JRE to run, layered for Spring Boot. */
export function buildJavaSpec(ctx: DockerContext): LanguageSpec {
  const { facts, answers } = ctx;
  const java = facts.java ?? missingFacts('java', ctx.serviceDir);
  const line = chooseLine(JAVA, facts.runtimeVersion, 'Java');
  if (line.note) ctx.notes.push(line.note);

  const maven = java.buildTool === 'maven';
  // The wrapper pins the build tool's version, so the plain JDK image is enough; without it use the tool's image.
  const wrapper = wrapperInContext(java, ctx.appPath);
  const build = wrapper ? line.images.build : maven ? line.images.maven : line.images.gradle;
  const tool = maven ? (wrapper ? './mvnw' : 'mvn') : wrapper ? './gradlew' : 'gradle';
  const artifactDir = assertSafe(posix.join(ctx.appPath, posix.dirname(java.artifactGlob)), 'artifact directory');
  const archive = java.artifactGlob.endsWith('.war') ? 'war' : 'jar';

  // A missing wrapper is detection's note (src/detect/java-build.ts), printed with these.
  if (java.wrapperPath !== null && !wrapper) {
    ctx.notes.push(`the wrapper ${java.wrapperPath} is outside the build context (${ctx.contextDir}): the image builds with the ${maven ? 'Maven' : 'Gradle'} of its pinned image`);
  }
  // Spring Boot's Gradle plugin packages a war with bootWar; its jarmode cannot extract a war's WEB-INF/lib-provided.
  const bootTask = archive === 'war' ? 'bootWar' : 'bootJar';
  const steps = java.project === null ? standaloneSteps(tool, maven, java.springBoot && bootTask, ctx) : projectSteps(java.project, tool, maven, java.springBoot && bootTask, ctx);
  const layout = java.springBoot && archive === 'jar' ? bootLayout(java.springBootVersion) : null;
  const quarkusApp = java.quarkusApp === null ? null : assertSafe(posix.join(ctx.appPath, java.quarkusApp), 'Quarkus output');
  if (quarkusApp !== null && metricNamesFor(ctx.facts).library === 'micrometer-prometheus' && ctx.answers.monitoring !== 'none') {
    ctx.notes.push("Quarkus Micrometer writes no http_server_requests_seconds_bucket series unless a MeterFilter turns the histogram on (with a 0.5 s SLO boundary): without it the latency alerts and the metric gate read nothing");
  }
  // A war's note is detection's (src/detect/java.ts).
  if (!layout?.extract && quarkusApp === null && archive === 'jar') {
    ctx.notes.push('the image runs `java -jar app.jar`: the build must produce one runnable (fat) jar with a Main-Class');
  }

  const env: KeyValue[] = [
    // Heap from the container's memory limit, never a fixed -Xmx; die on OOM so the platform restarts the task.
    { name: 'JAVA_TOOL_OPTIONS', value: '-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError' },
  ];
  if (java.springBoot) {
    // Spring resolves the placeholder when it binds server.port: $PORT when the platform sets one, else the image's.
    env.push({ name: 'SERVER_PORT', value: `\${PORT:${answers.port}}` });
    // Finish in-flight requests on SIGTERM, within the platform's stop timeout.
    env.push({ name: 'SERVER_SHUTDOWN', value: 'graceful' });
    env.push({ name: 'SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE', value: `${drainSeconds(answers.runtime)}s` });
    // Actuator's liveness/readiness groups are on by default only on Kubernetes; the health checks use them.
    if (java.actuator && bootHasProbes(java.springBootVersion)) env.push({ name: 'MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED', value: 'true' });
  }
  env.push(...micrometerHistogram(ctx));

  return {
    images: { build, runtime: line.images.runtime },
    user: USERS.created,
    env,
    tiniApt: null,
    // The JVM handles SIGTERM and runs shutdown hooks (Spring's graceful shutdown) itself.
    entrypoint: quarkusApp !== null ? ['java', '-jar', `${APP_ROOT}/quarkus-run.jar`] : (layout?.entrypoint ?? ['java', '-jar', '/app/app.jar']),
    cmd: null,
    // The JRE image has no curl, and a JVM per probe is too heavy: the load balancer checks health.
    healthcheckCmd: null,
    startPeriod: '60s',
    // Bytecode is portable: build once on the builder's platform, run on either.
    platforms: ['linux/amd64', 'linux/arm64'],
    java: {
      maven,
      gradle: !maven,
      wrapper,
      gradleKotlinDsl: java.gradleKotlinDsl,
      springBoot: java.springBoot,
      extractLayers: layout?.extract ?? null,
      quarkusApp,
      cacheTarget: maven ? '/root/.m2' : '/root/.gradle',
      ...steps,
      artifactDir,
      archive,
    },
  };
}

type BuildSteps = Pick<JavaSpec, 'buildFiles' | 'resolve' | 'package' | 'copyContext' | 'moduleOutputs'>;

/** A standalone build: its build files, then `src`. */
/** `bootTask`: Spring Boot's Gradle packaging task (bootJar, bootWar), or false for other apps. */
function standaloneSteps(tool: string, maven: boolean, bootTask: string | false, ctx: DockerContext): BuildSteps {
  ctx.notes.push(
    maven
      ? "the dependency layer copies pom.xml only: a build that needs other files to resolve (a parent pom, extensions) must copy them too"
      : 'the dependency layer copies the root build files only: a build that needs other files to configure (buildSrc, included builds) must copy them too',
  );
  return {
    buildFiles: [],
    resolve: maven ? [tool, '-B', '-ntp', 'dependency:go-offline'] : [tool, '--no-daemon', 'dependencies'],
    package: maven ? [tool, '-B', '-ntp', '-DskipTests', 'package'] : [tool, '--no-daemon', bootTask || 'assemble'],
    copyContext: false,
    moduleOutputs: [],
  };
}

/** A Maven `:artifactId` or Gradle `:a:b` project selector, as one word of a RUN line. */
function safeSelector(selector: string): string {
  if (!/^(?::[A-Za-z0-9._-]+)+$/.test(selector)) throw new UserError(`module ${JSON.stringify(selector)} has characters the generated Dockerfile cannot use safely`);
  return selector;
}

/**
 * A module of a multi-module build, built from the build's root (the
 * context) with the modules it depends on. Maven gets no separate dependency
 * layer: `dependency:go-offline` cannot resolve a sibling module that is not
 * built yet (MDEP-516), so one `package -pl -am` resolves and builds, its
 * downloads kept in the cache mount. Gradle resolves from the build scripts alone.
 */
function projectSteps(project: JavaProject, tool: string, maven: boolean, bootTask: string | false, ctx: DockerContext): BuildSteps {
  const selector = safeSelector(project.selector);
  const buildFiles = maven ? [] : project.buildFiles.map((f): [string, string] => [assertSafe(f, 'build file'), posix.dirname(f) === '.' ? './' : `${posix.dirname(f)}/`]);
  const moduleDirs = [...new Set(project.buildFiles.map((f) => posix.dirname(f)).filter((d) => d !== '.'))];
  if (!maven) ctx.notes.push('the dependency layer copies the build scripts of every project: a build that needs other files to configure (buildSrc, included builds) must copy them too');
  return {
    buildFiles,
    resolve: maven ? null : [tool, '--no-daemon', `${selector}:dependencies`],
    package: maven
      ? [tool, '-B', '-ntp', '-pl', selector, '-am', '-DskipTests', 'package']
      : [tool, '--no-daemon', `${selector}:${bootTask || 'assemble'}`],
    copyContext: true,
    // .dockerignore patterns match from the context root only: each module's output needs its own line.
    moduleOutputs: moduleDirs.flatMap((d) => (maven ? [`${assertSafe(d, 'module')}/target/`] : [`${assertSafe(d, 'project')}/build/`, `${d}/.gradle/`])),
  };
}

/**
 * Micrometer writes no http_server_requests_seconds_bucket series unless the
 * histogram is on, and its buckets have no 0.5 s edge unless an SLO boundary
 * asks for one: without both, the latency alerts and the metric gate read
 * nothing. Spring Boot and Micronaut take both as environment variables;
 * other JVM apps get none (Quarkus needs a MeterFilter in code: its note says so).
 */
function micrometerHistogram(ctx: DockerContext): KeyValue[] {
  if (ctx.answers.monitoring === 'none' || metricNamesFor(ctx.facts).library !== 'micrometer-prometheus') return [];
  if (ctx.facts.framework === 'micronaut') {
    ctx.notes.push(`the image turns on Micronaut's http.server.requests histogram with a ${LATENCY_THRESHOLD_SECONDS} s bucket (the latency alerts and the metric gate read it) and lets the Prometheus endpoint answer without a login (scrapers do not log in); these variables override the same settings in application.yml`);
    return [
      { name: 'MICRONAUT_METRICS_BINDERS_WEB_SERVER_HISTOGRAM', value: 'true' },
      { name: 'MICRONAUT_METRICS_BINDERS_WEB_SERVER_SLOS', value: String(LATENCY_THRESHOLD_SECONDS) },
      { name: 'ENDPOINTS_PROMETHEUS_SENSITIVE', value: 'false' },
    ];
  }
  if (!ctx.facts.java?.springBoot) return [];
  const bucket = `${LATENCY_THRESHOLD_SECONDS * 1000}ms`;
  ctx.notes.push(`the image turns on Micrometer's http.server.requests histogram with a ${bucket} bucket (the latency alerts and the metric gate read it); these variables override the same settings in application.properties`);
  // Actuator's HTTP exposure is health alone by default; where the config leaves it so, the scrape's endpoint joins it.
  const expose: KeyValue[] = ctx.facts.java.actuator && ctx.facts.java.webExposure === null ? [{ name: 'MANAGEMENT_ENDPOINTS_WEB_EXPOSURE_INCLUDE', value: 'health,prometheus' }] : [];
  return [
    ...expose,
    { name: 'MANAGEMENT_METRICS_DISTRIBUTION_PERCENTILESHISTOGRAM_HTTP_SERVER_REQUESTS', value: 'true' },
    { name: 'MANAGEMENT_METRICS_DISTRIBUTION_SLO_HTTP_SERVER_REQUESTS', value: bucket },
  ];
}
