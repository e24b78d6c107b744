import { describe, expect, it } from 'vitest';
import { detectRepo, detectRepoOnDisk } from '../../src/detect/index.js';
import { detectJava, isJavaApp, springBootVersion, wrapperInContext } from '../../src/detect/java.js';
import { javaMajor } from '../../src/detect/java-build.js';
import { gradleIncludes } from '../../src/detect/java-project.js';
import { filesFromMap } from '../../src/detect/repo-files.js';
import { GRADLE_MULTI_PROJECT, mavenMultiModule } from '../helpers/multi-module.js';
import { fixture } from './helpers.js';

const POM = (body = '') =>
  `<project><parent><artifactId>spring-boot-starter-parent</artifactId></parent>${body}<dependencies></dependencies></project>`;
const GRADLE = "plugins { id 'java'\n id 'org.springframework.boot' version '3.3.4' }\n";
const detect = (files: Record<string, string>, dir = '.') => {
  const facts = detectJava(filesFromMap(files), dir);
  if (facts === null) throw new Error('expected a java app');
  return facts;
};

describe('detectJava build tool', () => {
  it('returns null without a build file', () => {
    expect(detectJava(filesFromMap({ 'App.java': '' }), '.')).toBeNull();
  });

  it('Maven with wrapper', () => {
    const f = detect({ 'pom.xml': POM(), mvnw: '' });
    expect(f.java?.buildTool).toBe('maven');
    expect(f.java?.wrapperPath).toBe('./mvnw');
    expect(wrapperInContext(f.java!)).toBe(true);
    expect(f.java?.artifactGlob).toBe('target/*.jar');
    expect(f.buildCommand).toBe('./mvnw -B -DskipTests package');
    expect(f.testCommand).toBe('./mvnw -B verify');
  });

  it('Gradle without wrapper uses gradle and says so', () => {
    const f = detect({ 'build.gradle': GRADLE });
    expect(f.java?.buildTool).toBe('gradle');
    expect(f.java?.wrapperPath).toBeNull();
    expect(f.java?.gradleKotlinDsl).toBe(false);
    expect(f.java?.artifactGlob).toBe('build/libs/*.jar');
    expect(f.buildCommand).toBe('gradle assemble');
    expect(f.testCommand).toBe('gradle build');
    expect(f.notes.join('\n')).toMatch(/no gradlew wrapper/);
  });

  it('a Gradle build without a lockfile is told that the dependency scan cannot read it', () => {
    expect(detect({ 'build.gradle': GRADLE, gradlew: '' }).notes.join('\n')).toMatch(/no gradle.lockfile: CI's dependency scan/);
    expect(detect({ 'build.gradle': GRADLE, gradlew: '', 'gradle.lockfile': '' }).notes.join('\n')).not.toMatch(/no gradle.lockfile/);
    expect(detect({ 'pom.xml': POM(), mvnw: '' }).notes.join('\n')).not.toMatch(/no gradle.lockfile/);
  });

  it('with both build files, the one with a wrapper wins', () => {
    const f = detect({ 'pom.xml': POM(), 'build.gradle': GRADLE, mvnw: '' });
    expect(f.java?.buildTool).toBe('maven');
    expect(f.notes.join('\n')).toMatch(/both pom.xml and build.gradle exist: using Maven because only Maven has a wrapper/);
  });

  it('with both build files and both (or no) wrappers, settings.gradle decides', () => {
    expect(detect({ 'pom.xml': POM(), 'build.gradle': GRADLE, 'settings.gradle': '' }).java?.buildTool).toBe('gradle');
    const f = detect({ 'pom.xml': POM(), 'build.gradle': GRADLE, mvnw: '', gradlew: '' });
    expect(f.java?.buildTool).toBe('maven');
    expect(f.notes.join('\n')).toMatch(/there is no settings.gradle/);
  });

  it('uses a wrapper from the root of a multi-project build', () => {
    const f = detect({ gradlew: '', 'settings.gradle.kts': '', 'services/api/build.gradle.kts': GRADLE }, 'services/api');
    // CI runs it from the root; the image, whose build context is services/api, cannot.
    expect(f.java).toMatchObject({ wrapperPath: '../../gradlew', gradleKotlinDsl: true });
    expect(wrapperInContext(f.java!)).toBe(false);
    expect(f.buildCommand).toBe('../../gradlew assemble');
  });

  it('lints with spotless when the build configures it', () => {
    expect(detect({ 'build.gradle': `${GRADLE}plugins { id 'com.diffplug.spotless' }`, gradlew: '' }).lintCommand).toBe('./gradlew spotlessCheck');
    expect(detect({ 'pom.xml': POM(), mvnw: '' }).lintCommand).toBeNull();
  });
});

describe('detectJava version', () => {
  it.each([
    [POM('<properties><java.version>21</java.version></properties>'), '21', 'pom.xml <java.version>'],
    [POM('<properties><maven.compiler.release>17</maven.compiler.release></properties>'), '17', 'pom.xml <maven.compiler.release>'],
    [POM('<plugin><configuration><release>11</release></configuration></plugin>'), '11', 'pom.xml <release>'],
    [POM('<properties><maven.compiler.source>1.8</maven.compiler.source></properties>'), '8', 'pom.xml <maven.compiler.source>'],
  ])('reads Maven %#', (pom, version, source) => {
    const f = detect({ 'pom.xml': pom });
    expect(f.runtimeVersion).toBe(version);
    expect(f.runtimeVersionSource).toBe(source);
  });

  it.each([
    ['java { toolchain { languageVersion = JavaLanguageVersion.of(21) } }', '21'],
    ['kotlin { jvmToolchain(17) }', '17'],
    ['sourceCompatibility = JavaVersion.VERSION_17', '17'],
    ["sourceCompatibility = '11'", '11'],
    ['sourceCompatibility = JavaVersion.VERSION_1_8', '8'],
    ['java {\n    sourceCompatibility = JavaVersion.toVersion("17")\n    targetCompatibility = JavaVersion.toVersion("17")\n}', '17'],
    ['java.sourceCompatibility = JavaVersion.toVersion(1.8)', '8'],
    ['tasks.withType<JavaCompile> { options.release = 25 }', '25'],
    ['compileJava { options.release.set(17) }', '17'],
  ])('reads Gradle %s', (line, version) => {
    expect(detect({ 'build.gradle': `${GRADLE}${line}\n` }).runtimeVersion).toBe(version);
  });

  it.each([
    [{ '.java-version': '21.0.2\n' }, '21', '.java-version'],
    [{ '.sdkmanrc': '# sdkman\njava=17.0.12-tem\n' }, '17', '.sdkmanrc'],
    [{ '.tool-versions': 'java temurin-21.0.5+11.0.LTS\n' }, '21', '.tool-versions'],
  ])('falls back to %j', (extra, version, source) => {
    const f = detect({ 'pom.xml': POM(), ...extra });
    expect(f.runtimeVersion).toBe(version);
    expect(f.runtimeVersionSource).toBe(source);
  });

  it('normalises Java version strings', () => {
    expect(javaMajor('1.8')).toBe('8');
    expect(javaMajor('temurin-17.0.9+9')).toBe('17');
    expect(javaMajor('none')).toBeNull();
  });
});

describe('detectJava Spring Boot', () => {
  const withActuator = POM('<dependency><artifactId>spring-boot-starter-actuator</artifactId></dependency>');

  it('reads server.port from application.properties, including ${PORT:default}', () => {
    const f = detect({ 'pom.xml': POM(), 'src/main/resources/application.properties': 'spring.application.name=x\nserver.port=${PORT:8081}\n' });
    expect(f.port).toBe(8081);
    expect(f.portSource).toBe('src/main/resources/application.properties');
  });

  it('defaults to 8080 for Spring Boot, and to nothing for plain Java', () => {
    expect(detect({ 'pom.xml': POM() }).port).toBe(8080);
    expect(detect({ 'pom.xml': '<project></project>' }).port).toBeNull();
    expect(detect({ 'pom.xml': '<project></project>' }).framework).toBeNull();
  });

  it('reads flat YAML keys too', () => {
    expect(detect({ 'pom.xml': POM(), 'src/main/resources/application.yaml': 'server.port: 7000\n' }).port).toBe(7000);
  });

  it('uses a custom actuator base path and warns about a separate management port', () => {
    const f = detect({
      'pom.xml': withActuator,
      'src/main/resources/application.properties': 'management.endpoints.web.base-path=/manage\nmanagement.server.port=9001\n',
    });
    // The liveness group: no dependency checks, so a database blip does not get every instance replaced.
    expect(f.healthPath).toBe('/manage/health/liveness');
    expect(f.readinessPath).toBe('/manage/health/readiness');
    expect(f.notes.join('\n')).toMatch(/management.server.port is 9001/);
  });

  it('uses the aggregate health on Boot < 2.3, which has no probe groups', () => {
    const old = '<project><parent><artifactId>spring-boot-starter-parent</artifactId><version>2.2.13.RELEASE</version></parent>' +
      '<dependencies><dependency><artifactId>spring-boot-starter-actuator</artifactId></dependency></dependencies></project>';
    expect(detect({ 'pom.xml': old }).healthPath).toBe('/actuator/health');
  });

  it('reads the Spring Boot version from the parent, the BOM or the Gradle plugin, not from a property', () => {
    expect(springBootVersion('<parent>\n  <groupId>org.springframework.boot</groupId>\n  <artifactId>spring-boot-starter-parent</artifactId>\n  <version>3.2.5</version>\n</parent>')).toBe('3.2.5');
    expect(springBootVersion('<artifactId>spring-boot-dependencies</artifactId><version>3.4.1</version><type>pom</type>')).toBe('3.4.1');
    expect(springBootVersion(GRADLE)).toBe('3.3.4');
    expect(springBootVersion('plugins { id("org.springframework.boot") version "2.7.18" }')).toBe('2.7.18');
    expect(springBootVersion('<artifactId>spring-boot-starter-parent</artifactId><version>${boot.version}</version>')).toBeNull();
    expect(detect({ 'build.gradle': GRADLE }).java?.springBootVersion).toBe('3.3.4');
  });

  it('reads the Spring Boot version through a property the pom defines, and from the Gradle version catalog', () => {
    const bom = '<properties><spring-boot.version>3.2.5</spring-boot.version></properties><dependencyManagement><dependencies><dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-dependencies</artifactId><version>${spring-boot.version}</version><type>pom</type><scope>import</scope></dependency></dependencies></dependencyManagement>';
    expect(springBootVersion(bom)).toBe('3.2.5');
    const kts = 'plugins {\n  java\n  alias(libs.plugins.spring.boot)\n}\n';
    const catalogs = [
      '[versions]\nspring-boot = "3.2.5"\n[plugins]\nspring-boot = { id = "org.springframework.boot", version.ref = "spring-boot" }\n',
      '[versions]\nboot = "3.2.5"\n[plugins]\nboot = { id = "org.springframework.boot", version = { ref = "boot" } }\n',
      '[plugins]\nspring-boot = "org.springframework.boot:3.2.5"\n',
      '[libraries]\nboot-bom = { module = "org.springframework.boot:spring-boot-dependencies", version = "3.2.5" }\n',
      '[libraries]\nboot-plugin = { group = "org.springframework.boot", name = "spring-boot-gradle-plugin", version = { strictly = "3.2.5" } }\n',
    ];
    for (const catalog of catalogs) {
      const f = detect({ 'build.gradle.kts': kts, 'gradle/libs.versions.toml': catalog });
      expect(f.java?.springBootVersion).toBe('3.2.5');
      expect(f.notes).toContain('Spring Boot 3.2.5');
    }
    // A project of a multi-project build reads the catalog at the build's root.
    const project = detect({ 'settings.gradle.kts': 'include("app")\n', 'app/build.gradle.kts': kts, 'gradle/libs.versions.toml': catalogs[0] ?? '' }, 'app');
    expect(project.java?.springBootVersion).toBe('3.2.5');
  });

  it('war packaging: the build writes a war, and the note says how the image runs it', () => {
    const maven = detect({ 'pom.xml': POM('<packaging>war</packaging>') });
    expect(maven.java?.artifactGlob).toBe('target/*.war');
    expect(maven.notes.join('\n')).toContain('war packaging: the image runs the executable war with `java -jar`');
    for (const script of ["plugins {\n  id 'java'\n  id 'war'\n  id 'org.springframework.boot' version '3.4.1'\n}\n", 'plugins {\n    java\n    war\n    id("org.springframework.boot") version "3.4.1"\n}\n', "apply plugin: 'war'\napply plugin: 'org.springframework.boot'\n"]) {
      expect(detect({ 'build.gradle': script }).java?.artifactGlob).toBe('build/libs/*.war');
    }
    expect(detect({ 'build.gradle': GRADLE }).java?.artifactGlob).toBe('build/libs/*.jar');
    const servlet = detect({ 'pom.xml': '<project><packaging>war</packaging><dependencies><dependency><artifactId>jakarta.servlet-api</artifactId></dependency></dependencies></project>' });
    expect(servlet.notes.join('\n')).toContain('war packaging without Spring Boot');
  });

  it('finds a hand-written health endpoint without actuator', () => {
    const f = detect({
      'pom.xml': POM(),
      'src/main/java/com/acme/Health.java': '@RestController class Health { @GetMapping("/healthz") String ok() { return "ok"; } }',
    });
    expect(f.java?.actuator).toBe(false);
    expect(f.healthPath).toBe('/healthz');
  });

  it('tells apps from aggregator poms and libraries', () => {
    expect(isJavaApp(filesFromMap({ 'pom.xml': POM() }), '.')).toBe(true);
    expect(isJavaApp(filesFromMap({ 'pom.xml': '<project><packaging>pom</packaging></project>' }), '.')).toBe(false);
    expect(isJavaApp(filesFromMap({ 'pom.xml': '<project></project>', 'src/main/java/a/Lib.java': 'class Lib {}' }), '.')).toBe(false);
    expect(
      isJavaApp(filesFromMap({ 'pom.xml': '<project></project>', 'src/main/java/a/Main.java': 'public static void main(String[] a) {}' }), '.'),
    ).toBe(true);
  });
});

describe('java fixtures on disk', () => {
  it('a repo with both Maven and Gradle picks Gradle (the only wrapper) and explains', () => {
    const f = detectRepoOnDisk(fixture('maven-and-gradle'));
    expect(f.language).toBe('java');
    expect(f.packageManager).toBe('gradle');
    expect(f.java?.buildTool).toBe('gradle');
    expect(f.java?.gradleKotlinDsl).toBe(true);
    expect(f.runtimeVersion).toBe('21');
    expect(f.runtimeVersionSource).toBe('build.gradle.kts toolchain');
    expect(f.buildCommand).toBe('./gradlew assemble');
    expect(f.notes.some((n) => n.startsWith('both pom.xml and build.gradle.kts exist: using Gradle'))).toBe(true);
  });

  it('Spring Boot with actuator and server.port 9090 in application.yml', () => {
    const f = detectRepoOnDisk(fixture('spring-actuator'));
    expect(f.framework).toBe('spring-boot');
    expect(f.java).toEqual({
      buildTool: 'maven',
      wrapperPath: './mvnw',
      springBoot: true,
      springBootVersion: '3.3.4',
      actuator: true,
      gradleKotlinDsl: false,
      artifactGlob: 'target/*.jar',
      quarkusApp: null,
      metricsPath: '/actuator/prometheus',
      webExposure: 'health,prometheus',
      project: null,
    });
    // The 'local' profile's 7070 must not win over the default document.
    expect(f.port).toBe(9090);
    expect(f.healthPath).toBe('/actuator/health/liveness');
    expect(f.notes.join('\n')).toMatch(/\/actuator\/health\/readiness/);
    expect(f.metricsLibrary).toBe('micrometer-prometheus');
    expect(f.runtimeVersion).toBe('21');
    expect(f.existing.workflows).toEqual(['.github/workflows/ci.yml']);
    expect(f.existing.dependabot).toEqual(['.github/dependabot.yml']);
  });
});

describe('detectJava Spring Boot metrics path', () => {
  const BOOT = '<project><parent><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-parent</artifactId><version>3.5.0</version></parent><dependencies><dependency><artifactId>spring-boot-starter-actuator</artifactId></dependency><dependency><artifactId>micrometer-registry-prometheus</artifactId></dependency></dependencies></project>';

  it("follows the actuator's base path and the endpoint's path mapping, as the health path does", () => {
    expect(detect({ 'pom.xml': BOOT }).java?.metricsPath).toBe('/actuator/prometheus');
    const moved = detect({ 'pom.xml': BOOT, 'src/main/resources/application.properties': 'management.endpoints.web.base-path=/manage/\nmanagement.endpoints.web.path-mapping.prometheus=metrics\n' });
    expect([moved.healthPath, moved.java?.metricsPath]).toEqual(['/manage/health/liveness', '/manage/metrics']);
  });
});

describe('detectJava Actuator web exposure', () => {
  const BOOT = '<project><parent><artifactId>spring-boot-starter-parent</artifactId></parent><dependencies><dependency><artifactId>spring-boot-starter-actuator</artifactId></dependency><dependency><artifactId>micrometer-registry-prometheus</artifactId></dependency></dependencies></project>';
  const note = (f: { notes: string[] }) => f.notes.find((n) => n.startsWith('management.endpoints.web.exposure.include'));

  it('records the configured exposure, a YAML list included, and says when it leaves prometheus out', () => {
    expect(detect({ 'pom.xml': BOOT }).java?.webExposure).toBeNull();
    const listed = detect({ 'pom.xml': BOOT, 'src/main/resources/application.yml': 'management:\n  endpoints:\n    web:\n      exposure:\n        include: [health, info, prometheus]\n' });
    expect(listed.java?.webExposure).toBe('health,info,prometheus');
    expect(note(listed)).toBeUndefined();
    expect(note(detect({ 'pom.xml': BOOT, 'src/main/resources/application.properties': 'management.endpoints.web.exposure.include=*\n' }))).toBeUndefined();
    const missing = detect({ 'pom.xml': BOOT, 'src/main/resources/application.properties': 'management.endpoints.web.exposure.include=health,info\n' });
    expect(note(missing)).toContain('leaves out prometheus: the metrics scrape gets 404');
  });
});

describe('detectJava context paths', () => {
  const BOOT = (deps: string) =>
    `<project><parent><artifactId>spring-boot-starter-parent</artifactId><version>3.4.1</version></parent><dependencies>${deps}<dependency><artifactId>spring-boot-starter-actuator</artifactId></dependency><dependency><artifactId>micrometer-registry-prometheus</artifactId></dependency></dependencies></project>`;
  const WEB = '<dependency><artifactId>spring-boot-starter-web</artifactId></dependency>';
  const WEBFLUX = '<dependency><artifactId>spring-boot-starter-webflux</artifactId></dependency>';
  const YML = 'src/main/resources/application.yml';
  const PROPS = 'src/main/resources/application.properties';
  const paths = (f: { healthPath: string | null; readinessPath: string | null; java: { metricsPath: string | null } | null }) => [f.healthPath, f.readinessPath, f.java?.metricsPath];

  it("Spring Boot: Actuator is under the servlet context path and the DispatcherServlet's path, and the note says why", () => {
    const f = detect({ 'pom.xml': BOOT(WEB), [YML]: 'server:\n  port: 8090\n  servlet:\n    context-path: /orders/\n' });
    expect(paths(f)).toEqual(['/orders/actuator/health/liveness', '/orders/actuator/health/readiness', '/orders/actuator/prometheus']);
    expect(f.notes.join('\n')).toContain(`health path /orders/actuator/health/liveness from Spring Boot Actuator, under server.servlet.context-path /orders/ in ${YML}`);
    const servletPath = detect({ 'pom.xml': BOOT(WEB), [PROPS]: 'server.servlet.context-path=${CONTEXT_PATH:/shop}\nspring.mvc.servlet.path=/api\n' });
    expect(servletPath.healthPath).toBe('/shop/api/actuator/health/liveness');
    expect(detect({ 'pom.xml': BOOT(WEB), [PROPS]: 'server.servlet.context-path=/\n' }).healthPath).toBe('/actuator/health/liveness');
  });

  it('Spring Boot on WebFlux: spring.webflux.base-path moves Actuator, the servlet context path does not', () => {
    const config = { [PROPS]: 'spring.webflux.base-path=/billing\nserver.servlet.context-path=/ignored\n' };
    expect(paths(detect({ 'pom.xml': BOOT(WEBFLUX), ...config }))).toEqual(['/billing/actuator/health/liveness', '/billing/actuator/health/readiness', '/billing/actuator/prometheus']);
    // With both starters Spring Boot runs on the servlet stack.
    expect(detect({ 'pom.xml': BOOT(WEB + WEBFLUX), ...config }).healthPath).toBe('/ignored/actuator/health/liveness');
  });

  it('Spring Boot with management.server.port: its own base path applies, not the app context path', () => {
    const own = detect({ 'pom.xml': BOOT(WEB), [PROPS]: 'server.servlet.context-path=/orders\nmanagement.server.port=9001\n' });
    expect(own.healthPath).toBe('/actuator/health/liveness');
    const based = detect({ 'pom.xml': BOOT(WEB), [PROPS]: 'server.servlet.context-path=/orders\nmanagement.server.port=9001\nmanagement.server.base-path=/mgmt\n' });
    expect(paths(based)).toEqual(['/mgmt/actuator/health/liveness', '/mgmt/actuator/health/readiness', '/mgmt/actuator/prometheus']);
  });

  it('a health route in source is under the context path too', () => {
    const f = detect({
      'pom.xml': '<project><parent><artifactId>spring-boot-starter-parent</artifactId></parent></project>',
      [PROPS]: 'server.servlet.context-path=/orders\n',
      'src/main/java/app/Health.java': '@GetMapping("/healthz") String health() { return "ok"; }',
    });
    expect(f.healthPath).toBe('/orders/healthz');
  });

  it("Quarkus: a relative non-application root is under quarkus.http.root-path, an absolute one or the management interface's is not", () => {
    const QUARKUS = '<project><dependencies><dependency><groupId>io.quarkus</groupId><artifactId>quarkus-smallrye-health</artifactId></dependency><dependency><artifactId>quarkus-micrometer-registry-prometheus</artifactId></dependency></dependencies></project>';
    const rooted = detect({ 'pom.xml': QUARKUS, [PROPS]: 'quarkus.http.root-path=/greeting\n%dev.quarkus.http.root-path=/dev\n' });
    expect(paths(rooted)).toEqual(['/greeting/q/health/live', '/greeting/q/health/ready', '/greeting/q/metrics']);
    expect(rooted.notes.join('\n')).toContain(`health path /greeting/q/health/live from SmallRye Health, under quarkus.http.root-path /greeting in ${PROPS}`);
    const absolute = detect({ 'pom.xml': QUARKUS, [PROPS]: 'quarkus.http.root-path=/greeting\nquarkus.http.non-application-root-path=/q\n' });
    expect(paths(absolute)).toEqual(['/q/health/live', '/q/health/ready', '/q/metrics']);
    const moved = detect({ 'pom.xml': QUARKUS, [PROPS]: 'quarkus.http.root-path=/greeting\nquarkus.smallrye-health.root-path=/status\nquarkus.smallrye-health.liveness-path=alive\n' });
    expect([moved.healthPath, moved.readinessPath]).toEqual(['/status/alive', '/status/ready']);
    const management = detect({ 'pom.xml': QUARKUS, [PROPS]: 'quarkus.http.root-path=/greeting\nquarkus.management.enabled=true\n' });
    expect(paths(management)).toEqual(['/q/health/live', '/q/health/ready', '/q/metrics']);
  });

  it('Micronaut: management endpoints are under micronaut.server.context-path, unless endpoints.all.context-path sets theirs', () => {
    const MICRONAUT = '<project><parent><groupId>io.micronaut.platform</groupId></parent><dependencies><dependency><artifactId>micronaut-management</artifactId></dependency><dependency><artifactId>micronaut-micrometer-registry-prometheus</artifactId></dependency></dependencies></project>';
    const f = detect({ 'pom.xml': MICRONAUT, [YML]: 'micronaut:\n  server:\n    port: 8082\n    context-path: /inventory\n' });
    expect(paths(f)).toEqual(['/inventory/health/liveness', '/inventory/health/readiness', '/inventory/prometheus']);
    const own = detect({ 'pom.xml': MICRONAUT, [YML]: 'micronaut:\n  server:\n    context-path: /inventory\nendpoints:\n  all:\n    context-path: /ops\n' });
    expect(paths(own)).toEqual(['/ops/health/liveness', '/ops/health/readiness', '/ops/prometheus']);
  });
});

describe('detectJava Quarkus and Micronaut', () => {
  const QUARKUS = '<project><artifactId>q</artifactId><dependencies><dependency><groupId>io.quarkus</groupId><artifactId>quarkus-rest</artifactId></dependency><dependency><groupId>io.quarkus</groupId><artifactId>quarkus-smallrye-health</artifactId></dependency></dependencies></project>';

  it("Quarkus: runs the fast-jar's quarkus-run.jar, with SmallRye Health's liveness and readiness", () => {
    const f = detect({ 'pom.xml': QUARKUS, mvnw: '' });
    expect(f.framework).toBe('quarkus');
    expect(f.java?.quarkusApp).toBe('target/quarkus-app');
    expect([f.healthPath, f.readinessPath]).toEqual(['/q/health/live', '/q/health/ready']);
    const moved = detect({ 'pom.xml': QUARKUS, mvnw: '', 'src/main/resources/application.properties': 'quarkus.http.non-application-root-path=/internal\n' });
    expect([moved.healthPath, moved.readinessPath]).toEqual(['/internal/health/live', '/internal/health/ready']);
    // The Prometheus scrape moves with the non-application root, unless its own path is absolute.
    expect([f.java?.metricsPath, moved.java?.metricsPath]).toEqual(['/q/metrics', '/internal/metrics']);
    const absolute = detect({ 'pom.xml': QUARKUS, 'src/main/resources/application.properties': 'quarkus.micrometer.export.prometheus.path=/prom\n' });
    expect(absolute.java?.metricsPath).toBe('/prom');
    // The management interface moves both to its own port: said, as the port is the user's to open.
    const management = detect({ 'pom.xml': QUARKUS, 'src/main/resources/application.properties': 'quarkus.management.enabled=true\n' });
    expect(management.notes.join('\n')).toContain('health and metrics are served on the management port 9000');
    expect(f.notes.join('\n')).not.toContain('management port');
    const gradle = detect({ 'build.gradle.kts': 'plugins { id("io.quarkus") }\n', gradlew: '' });
    expect(gradle.java?.quarkusApp).toBe('build/quarkus-app');
  });

  it('Quarkus uber-jar: one runnable jar; another package type is called unsupported', () => {
    const uber = detect({ 'pom.xml': QUARKUS, 'src/main/resources/application.properties': 'quarkus.package.jar.type=uber-jar\n' });
    expect(uber.java?.quarkusApp).toBeNull();
    const native = detect({ 'pom.xml': QUARKUS, 'src/main/resources/application.properties': 'quarkus.package.type=native\n' });
    expect(native.notes.join('\n')).toContain('Quarkus package type native in src/main/resources/application.properties is not supported');
  });

  it('Micronaut with Gradle: says when there is no shadow plugin to build a runnable jar', () => {
    const note = /no shadow plugin/;
    expect(detect({ 'build.gradle': "plugins { id 'io.micronaut.application' }\n" }).notes.join('\n')).toMatch(note);
    expect(detect({ 'build.gradle': "plugins { id 'io.micronaut.application'\n id 'com.gradleup.shadow' }\n" }).notes.join('\n')).not.toMatch(note);
  });

  describe('Micronaut health paths', () => {
    const MICRONAUT_POM = (deps: string) =>
      `<project><parent><groupId>io.micronaut.platform</groupId><artifactId>micronaut-parent</artifactId></parent><dependencies>${deps}</dependencies></project>`;
    const MANAGEMENT = '<dependency><groupId>io.micronaut</groupId><artifactId>micronaut-management</artifactId></dependency>';
    const CONFIG = 'src/main/resources/application.yml';
    const notes = (f: { notes: string[] }) => f.notes.join('\n');

    it("micronaut-management: Micronaut Management's liveness and readiness, Maven or Gradle", () => {
      const maven = detect({ 'pom.xml': MICRONAUT_POM(MANAGEMENT) });
      expect([maven.healthPath, maven.readinessPath]).toEqual(['/health/liveness', '/health/readiness']);
      expect(notes(maven)).toContain('health path /health/liveness from Micronaut Management');
      const gradle = detect({ 'build.gradle.kts': 'plugins { id("io.micronaut.application") }\ndependencies { implementation("io.micronaut:micronaut-management") }\n' });
      expect([gradle.healthPath, gradle.readinessPath]).toEqual(['/health/liveness', '/health/readiness']);
    });

    it('endpoints.all.path moves them; endpoints.all.port and a sensitive health endpoint are called out', () => {
      const f = detect({
        'pom.xml': MICRONAUT_POM(MANAGEMENT),
        [CONFIG]: 'endpoints:\n  all:\n    path: /manage/\n    port: 8085\n  health:\n    sensitive: true\n',
      });
      expect([f.healthPath, f.readinessPath]).toEqual(['/manage/health/liveness', '/manage/health/readiness']);
      expect(notes(f)).toContain(`endpoints.all.port is 8085 in ${CONFIG}: the health checks and the metrics scrape must use that port`);
      expect(notes(f)).toContain(`endpoints.health.sensitive is true in ${CONFIG}: the unauthenticated health checks get 401`);
    });

    it('without micronaut-management, or with health turned off: says what to add or change, and takes routes from source', () => {
      const controller = { 'src/main/java/app/Health.java': '@Controller("/healthz") class Health {}' };
      const bare = detect({ 'pom.xml': MICRONAUT_POM(''), ...controller });
      expect(bare.healthPath).toBe('/healthz');
      expect(notes(bare)).toContain('add the io.micronaut:micronaut-management dependency');
      expect(detect({ 'pom.xml': MICRONAUT_POM('') }).healthPath).toBeNull();
      const off = detect({ 'pom.xml': MICRONAUT_POM(MANAGEMENT), 'src/main/resources/application.properties': 'endpoints.all.enabled=false\n' });
      expect(off.healthPath).toBeNull();
      expect(notes(off)).toContain('the Micronaut health endpoint is turned off in src/main/resources/application.properties');
      const healthOn = detect({ 'pom.xml': MICRONAUT_POM(MANAGEMENT), [CONFIG]: 'endpoints:\n  all:\n    enabled: false\n  health:\n    enabled: true\n' });
      expect(healthOn.healthPath).toBe('/health/liveness');
    });

    it("serves Prometheus metrics at /prometheus under endpoints.all.path (its /metrics is Micronaut's own JSON)", () => {
      const PROMETHEUS = '<dependency><groupId>io.micronaut.micrometer</groupId><artifactId>micronaut-micrometer-registry-prometheus</artifactId></dependency>';
      const f = detect({ 'pom.xml': MICRONAUT_POM(MANAGEMENT + PROMETHEUS) });
      expect(f.metricsLibrary).toBe('micrometer-prometheus');
      expect(f.java?.metricsPath).toBe('/prometheus');
      expect(detect({ 'pom.xml': MICRONAUT_POM(MANAGEMENT + PROMETHEUS), [CONFIG]: 'endpoints:\n  all:\n    path: /manage\n' }).java?.metricsPath).toBe('/manage/prometheus');
      // Without the registry yet: where it will serve them once the docs' dependency is added.
      expect(detect({ 'pom.xml': MICRONAUT_POM(MANAGEMENT) }).java?.metricsPath).toBe('/prometheus');
    });
  });
});

describe('a module of a multi-module build', () => {
  const repo = (files: Record<string, string>) => detectRepo(filesFromMap(files), { dirName: 'acme' });

  it('Gradle: reads include(...) spread over several lines, and Groovy includes continued after a comma', () => {
    expect(gradleIncludes('rootProject.name = "acme"\n\ninclude(\n    ":service",\n    ":libs:common", // shared\n)\nincludeBuild("build-logic")\n')).toEqual(['service', 'libs/common']);
    expect(gradleIncludes("include 'service',\n        'common'\ninclude ':tools'\n// include 'old'\n")).toEqual(['service', 'common', 'tools']);
    const f = repo({
      'settings.gradle.kts': 'include(\n    ":service",\n    ":common",\n)\n',
      'build.gradle.kts': 'plugins { id("org.springframework.boot") version "3.4.1" apply false }\n',
      gradlew: '',
      'service/build.gradle.kts': 'plugins { id("org.springframework.boot") }\n',
      'common/build.gradle.kts': 'plugins { `java-library` }\n',
    });
    expect(f.appDir).toBe('service');
    expect(f.java?.project?.selector).toBe(':service');
  });

  it('Maven: picks the module with the app, builds it through the root reactor, and reads the parent chain', () => {
    const f = repo(mavenMultiModule());
    expect(f.appDir).toBe('api');
    expect(f.java?.project).toEqual({ root: '..', selector: ':acme-api', buildFiles: ['pom.xml', 'core/pom.xml', 'api/pom.xml'] });
    // The root pom's java.version and Boot parent apply to the module.
    expect(f.runtimeVersion).toBe('17');
    expect(f.runtimeVersionSource).toBe('pom.xml <java.version>');
    expect(f.notes.join('\n')).not.toMatch(/no java version/);
    expect(f.java).toMatchObject({ springBoot: true, springBootVersion: '3.5.0', actuator: true, wrapperPath: '../mvnw' });
    // Run from api/: the reactor of the root pom, with the modules api depends on.
    expect(f.testCommand).toBe('../mvnw -f ../pom.xml -pl :acme-api -am -B verify');
    expect(f.notes.join('\n')).toContain('module :acme-api of the multi-module build at the repository root');
  });

  it("Maven: a Boot 2 parent's version is read from the root, so the image extracts with layertools", () => {
    expect(repo(mavenMultiModule('2.7.18')).java?.springBootVersion).toBe('2.7.18');
  });

  it('Maven: a parent elsewhere (relativePath) gives its settings; a module no aggregator lists is standalone', () => {
    const files = {
      'parent/pom.xml': '<project><artifactId>base</artifactId><packaging>pom</packaging><properties><maven.compiler.release>21</maven.compiler.release></properties></project>',
      'svc/pom.xml': '<project><parent><artifactId>base</artifactId><relativePath>../parent</relativePath></parent><artifactId>svc</artifactId></project>',
    };
    const f = detect(files, 'svc');
    expect(f.runtimeVersionSource).toBe('parent/pom.xml <maven.compiler.release>');
    expect(f.java?.project).toBeNull();
    // A parent named differently from the pom at relativePath is not that pom.
    const other = detect({ ...files, 'svc/pom.xml': files['svc/pom.xml'].replace('<artifactId>base</artifactId>', '<artifactId>other</artifactId>') }, 'svc');
    expect(other.runtimeVersion).toBeNull();
  });

  it('Gradle: the included project, its root build script (Boot plugin with apply false, toolchain) and every build file', () => {
    const f = repo(GRADLE_MULTI_PROJECT);
    expect(f.appDir).toBe('app');
    expect(f.java?.project).toEqual({
      root: '..',
      selector: ':app',
      buildFiles: ['settings.gradle.kts', 'build.gradle.kts', 'app/build.gradle.kts', 'lib/build.gradle.kts'],
    });
    expect(f.runtimeVersion).toBe('21');
    expect(f.runtimeVersionSource).toBe('build.gradle.kts toolchain');
    expect(f.java).toMatchObject({ springBoot: true, springBootVersion: '3.4.1', wrapperPath: '../gradlew' });
    // Gradle finds the settings from the project dir itself: the wrapper alone.
    expect(f.testCommand).toBe('../gradlew build');
  });
});
