import { posix } from 'node:path';
import {
  USERS,
  assertSafe,
  missingFacts,
  type DockerContext,
  type KeyValue,
  type LanguageSpec,
} from './docker.js';
import { JAVA, chooseLine } from './versions.js';

/** Spring Boot's launcher class for an extracted (--launcher) layered jar, Boot 3.2+. */
const JAR_LAUNCHER = 'org.springframework.boot.loader.launch.JarLauncher';

/** Java image spec: JDK (or Maven/Gradle image) to build, JRE to run, layered for Spring Boot. */
export function buildJavaSpec(ctx: DockerContext): LanguageSpec {
  const { facts, answers } = ctx;
  const java = facts.java ?? missingFacts('java', ctx.serviceDir);
  const line = chooseLine(JAVA, facts.runtimeVersion, 'Java');
  if (line.note) ctx.notes.push(line.note);

  const maven = java.buildTool === 'maven';
  // The wrapper pins the build tool's version, so the plain JDK image is enough; without it use the tool's image.
  const build = java.wrapper ? line.images.build : maven ? line.images.maven : line.images.gradle;
  const tool = maven ? (java.wrapper ? './mvnw' : 'mvn') : java.wrapper ? './gradlew' : 'gradle';
  const artifactDir = assertSafe(posix.dirname(java.artifactGlob), 'artifact directory');

  // A missing wrapper is detection's note (src/detect/java-build.ts), printed with these.
  ctx.notes.push(
    maven
      ? 'the dependency layer copies pom.xml only: a multi-module build must also copy each module\'s pom.xml'
      : 'the dependency layer copies the root build files only: a multi-project build must also copy each project\'s build file',
  );
  if (java.springBoot) {
    ctx.notes.push('layered jar extraction uses -Djarmode=tools (Spring Boot 3.3+); for older Boot use -Djarmode=layertools and its launcher class');
  } else {
    ctx.notes.push('the image runs `java -jar app.jar`: the build must produce one runnable (fat) jar with a Main-Class');
  }

  const env: KeyValue[] = [
    // Heap from the container's memory limit, never a fixed -Xmx; die on OOM so the platform restarts the task.
    { name: 'JAVA_TOOL_OPTIONS', value: '-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError' },
  ];
  if (java.springBoot) env.push({ name: 'SERVER_PORT', value: String(answers.port) });

  return {
    images: { build, runtime: line.images.runtime },
    user: USERS.created,
    env,
    tiniApt: null,
    // The JVM handles SIGTERM and runs shutdown hooks (Spring's graceful shutdown) itself.
    entrypoint: java.springBoot ? ['java', JAR_LAUNCHER] : ['java', '-jar', '/app/app.jar'],
    cmd: null,
    // The JRE image has no curl, and a JVM per probe is too heavy: the load balancer checks health.
    healthcheckCmd: null,
    startPeriod: '60s',
    // Bytecode is portable: build once on the builder's platform, run on either.
    platforms: ['linux/amd64', 'linux/arm64'],
    java: {
      maven,
      gradle: !maven,
      wrapper: java.wrapper,
      gradleKotlinDsl: java.gradleKotlinDsl,
      springBoot: java.springBoot,
      cacheTarget: maven ? '/root/.m2' : '/root/.gradle',
      resolve: maven ? [tool, '-B', '-ntp', 'dependency:go-offline'] : [tool, '--no-daemon', 'dependencies'],
      package: maven
        ? [tool, '-B', '-ntp', '-DskipTests', 'package']
        : [tool, '--no-daemon', java.springBoot ? 'bootJar' : 'assemble'],
      artifactDir,
    },
  };
}
