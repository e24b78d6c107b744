// Repositories whose service is one module of a bigger build, as in-memory
// file maps for detectRepo(filesFromMap(...)): what real projects look like.

const MAVEN_MODULE = (artifactId: string, body: string) =>
  `<project>
  <modelVersion>4.0.0</modelVersion>
  <parent>
    <groupId>com.acme</groupId>
    <artifactId>acme-parent</artifactId>
    <version>1.0.0</version>
  </parent>
  <artifactId>${artifactId}</artifactId>
${body}
</project>
`;

/**
 * Maven multi-module, Spring Boot: the root pom (packaging pom) has the Boot
 * parent and java.version; `api` depends on its sibling `core`; mvnw at the root.
 */
export const mavenMultiModule = (bootVersion = '3.5.0'): Record<string, string> => ({
  'pom.xml': `<project>
  <modelVersion>4.0.0</modelVersion>
  <parent>
    <groupId>org.springframework.boot</groupId>
    <artifactId>spring-boot-starter-parent</artifactId>
    <version>${bootVersion}</version>
    <relativePath/>
  </parent>
  <groupId>com.acme</groupId>
  <artifactId>acme-parent</artifactId>
  <version>1.0.0</version>
  <packaging>pom</packaging>
  <properties>
    <java.version>17</java.version>
  </properties>
  <modules>
    <module>core</module>
    <module>api</module>
    <!-- <module>legacy</module> -->
  </modules>
</project>
`,
  mvnw: '#!/bin/sh\n',
  '.mvn/wrapper/maven-wrapper.properties': 'distributionUrl=https://repo.maven.apache.org/maven2/org/apache/maven/apache-maven/3.9.9/apache-maven-3.9.9-bin.zip\n',
  'core/pom.xml': MAVEN_MODULE('core', ''),
  'core/src/main/java/com/acme/core/Greeting.java': 'package com.acme.core;\npublic class Greeting { public static String hello() { return "hello"; } }\n',
  'api/pom.xml': MAVEN_MODULE('acme-api', `  <dependencies>
    <dependency><groupId>com.acme</groupId><artifactId>core</artifactId><version>\${project.version}</version></dependency>
    <dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-web</artifactId></dependency>
    <dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-actuator</artifactId></dependency>
  </dependencies>
  <build><plugins><plugin><groupId>org.springframework.boot</groupId><artifactId>spring-boot-maven-plugin</artifactId></plugin></plugins></build>`),
  'api/src/main/java/com/acme/api/App.java': 'package com.acme.api;\n@SpringBootApplication\npublic class App { public static void main(String[] args) { SpringApplication.run(App.class, args); } }\n',
});

/** Gradle multi-project: the Boot plugin declared at the root with `apply false`; `app` uses project(":lib"). */
export const GRADLE_MULTI_PROJECT: Record<string, string> = {
  'settings.gradle.kts': 'rootProject.name = "acme"\ninclude("app", "lib")\n',
  'build.gradle.kts': `plugins {
    id("org.springframework.boot") version "3.4.1" apply false
    id("io.spring.dependency-management") version "1.1.7" apply false
}
subprojects {
    apply(plugin = "java")
    extensions.configure<JavaPluginExtension> { toolchain { languageVersion = JavaLanguageVersion.of(21) } }
}
`,
  gradlew: '#!/bin/sh\n',
  'gradle/wrapper/gradle-wrapper.properties': 'distributionUrl=https\\://services.gradle.org/distributions/gradle-8.12-bin.zip\n',
  'gradle.lockfile': '',
  'app/build.gradle.kts': `plugins {
    id("org.springframework.boot")
    id("io.spring.dependency-management")
}
dependencies {
    implementation(project(":lib"))
    implementation("org.springframework.boot:spring-boot-starter-web")
}
tasks.jar { enabled = false }
`,
  'app/gradle.lockfile': '',
  'app/src/main/java/com/acme/app/App.java': 'package com.acme.app;\npublic class App { public static void main(String[] args) {} }\n',
  'lib/build.gradle.kts': 'plugins { `java-library` }\n',
  'lib/src/main/java/com/acme/lib/Lib.java': 'package com.acme.lib;\npublic class Lib {}\n',
};

/**
 * Go workspace: services/api requires the sibling module libs/platform at
 * v0.0.0 with no replace, which only go.work resolves (to its folder).
 */
export const GO_WORKSPACE: Record<string, string> = {
  'go.work': 'go 1.19\n\nuse (\n\t./libs/platform\n\t./services/api\n\t./services/billing\n)\n',
  'libs/platform/go.mod': 'module example.com/acme/libs/platform\n\ngo 1.19\n',
  'libs/platform/platform.go': 'package platform\n\n// Name is what the services greet with.\nfunc Name() string { return "platform" }\n',
  'services/api/go.mod': 'module example.com/acme/services/api\n\ngo 1.19\n\nrequire example.com/acme/libs/platform v0.0.0\n',
  // fmt only: a test compiles it for real, and net/http would take a minute on a cold cache.
  'services/api/cmd/server/main.go': 'package main\n\nimport (\n\t"fmt"\n\n\t"example.com/acme/libs/platform"\n)\n\nfunc main() { fmt.Println(platform.Name()) }\n',
  'services/billing/go.mod': 'module example.com/acme/services/billing\n\ngo 1.19\n',
  'services/billing/main.go': 'package main\n\nimport "net/http"\n\nfunc main() { _ = http.ListenAndServe(":8081", nil) }\n',
};
