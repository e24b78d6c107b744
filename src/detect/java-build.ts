import type { FoundVersion } from './app-facts.js';
import { joinPath, relativePath } from './paths.js';
import { gradleProject, mavenParentTexts, mavenProject } from './java-project.js';
import type { JavaProject, RepoFacts, RepoFiles } from './types.js';
import { findUp, firstVersion, toolVersionsEntry } from './versions.js';

/** The build file chosen for a JVM app and how to invoke its tool. */
export interface JavaBuild {
  tool: 'maven' | 'gradle';
  /** Repository-relative path of pom.xml / build.gradle(.kts). */
  buildFile: string;
  /** Text of the build file. */
  text: string;
  /** The wrapper relative to the app dir ('./mvnw', '../gradlew'), or null. */
  wrapper: string | null;
  kotlinDsl: boolean;
  /** The multi-module build the app is a module of, or null. */
  project: JavaProject | null;
  /**
   * The build files whose settings the app inherits, its own first: Maven's
   * parent poms in the repository, a Gradle multi-project's root build script.
   */
  inherited: Array<{ file: string; text: string }>;
  notes: string[];
}

/** The service's Java build tool: detected, else the package manager's name, else Maven. */
export function javaBuildTool(facts: Pick<RepoFacts, 'java' | 'packageManager'>): 'maven' | 'gradle' {
  return (facts.java?.buildTool ?? facts.packageManager) === 'gradle' ? 'gradle' : 'maven';
}

/**
 * Picks Maven or Gradle. When both build files exist the one with a wrapper
 * wins; with both or neither wrapped, Gradle wins only if settings.gradle
 * exists (a real multi-project build), otherwise Maven. Wrappers are looked up
 * in ancestors too, since multi-module builds keep one at the root.
 */
export function detectJavaBuild(files: RepoFiles, dir: string): JavaBuild | null {
  const pom = joinPath(dir, 'pom.xml');
  const gradleFile = ['build.gradle.kts', 'build.gradle'].map((f) => joinPath(dir, f)).find((f) => files.exists(f)) ?? null;
  const hasPom = files.exists(pom);
  if (!hasPom && gradleFile === null) return null;

  const wrapperOf = (name: string): string | null => {
    const found = findUp(files, dir, name);
    if (found === null) return null;
    const rel = relativePath(dir, found);
    return rel.startsWith('..') ? rel : `./${rel}`;
  };
  const mvnw = wrapperOf('mvnw');
  const gradlew = wrapperOf('gradlew');
  const notes: string[] = [];

  let tool: 'maven' | 'gradle';
  if (!hasPom) tool = 'gradle';
  else if (gradleFile === null) tool = 'maven';
  else {
    const settings = ['settings.gradle.kts', 'settings.gradle'].some((f) => findUp(files, dir, f) !== null);
    if (mvnw !== null && gradlew === null) tool = 'maven';
    else if (gradlew !== null && mvnw === null) tool = 'gradle';
    else tool = settings ? 'gradle' : 'maven';
    const why = (mvnw === null) !== (gradlew === null)
      ? `only ${tool === 'maven' ? 'Maven' : 'Gradle'} has a wrapper`
      : settings ? 'settings.gradle exists' : 'there is no settings.gradle';
    notes.push(`both pom.xml and ${gradleFile} exist: using ${tool === 'maven' ? 'Maven' : 'Gradle'} because ${why}; delete the other build file to make it explicit`);
  }

  const buildFile = tool === 'maven' ? pom : (gradleFile ?? '');
  const text = files.read(buildFile) ?? '';
  const wrapper = tool === 'maven' ? mvnw : gradlew;
  const project = tool === 'maven' ? mavenProject(files, dir) : gradleProject(files, dir);
  if (wrapper === null) {
    notes.push(
      tool === 'maven'
        ? 'no mvnw wrapper: the image builds with the Maven of its pinned Maven image; add one with `mvn wrapper:wrapper` and commit it'
        : 'no gradlew wrapper: the image builds with the Gradle of its pinned Gradle image; add one with `gradle wrapper` and commit it',
    );
  }
  // Trivy reads a Gradle build's dependencies from its lockfiles only (pom.xml it reads itself).
  if (tool === 'gradle' && !files.exists(joinPath(dir, 'gradle.lockfile')) && !files.isDirectory(joinPath(dir, 'gradle/dependency-locks'))) {
    notes.push("no gradle.lockfile: CI's dependency scan (Trivy) has nothing to read, so only the image scan finds vulnerable jars; turn on dependency locking (`dependencyLocking { lockAllConfigurations() }`, then `gradle dependencies --write-locks`) and commit the lockfile");
  }
  return {
    tool,
    buildFile,
    text,
    wrapper,
    kotlinDsl: tool === 'gradle' && buildFile.endsWith('.kts'),
    project,
    inherited: tool === 'maven' ? mavenParentTexts(files, dir) : [{ file: buildFile, text }, ...gradleRootScript(files, dir, project)],
    notes,
  };
}

/** The root build script of the multi-project build the app belongs to (plugins declared there with `apply false`, shared toolchains). */
function gradleRootScript(files: RepoFiles, dir: string, project: JavaProject | null): Array<{ file: string; text: string }> {
  if (project === null) return [];
  const file = ['build.gradle.kts', 'build.gradle'].map((f) => joinPath(dir, project.root, f)).find((f) => files.exists(f));
  return file === undefined ? [] : [{ file, text: files.read(file) ?? '' }];
}

/** '1.8' → '8', '21.0.2' → '21', 'temurin-17.0.9+9' → '17'. */
export function javaMajor(text: string): string | null {
  const m = /(\d+)(?:\.(\d+))?/.exec(text);
  if (!m?.[1]) return null;
  return m[1] === '1' && m[2] ? m[2] : m[1];
}

const MAVEN_VERSION_TAGS = ['java.version', 'maven.compiler.release', 'release', 'maven.compiler.source', 'maven.compiler.target'];
const GRADLE_VERSION_PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  [/JavaLanguageVersion\.of\(\s*(\d+)\s*\)/, 'toolchain'],
  [/jvmToolchain\(\s*(\d+)\s*\)/, 'jvmToolchain'],
  // JavaVersion.VERSION_17, JavaVersion.toVersion("17") (what Micronaut Launch writes), '17' or 1.8.
  [/sourceCompatibility\s*=\s*(?:JavaVersion\.(?:VERSION_(?:1_)?|toVersion\(\s*['"]?(?:1\.)?)|['"]?(?:1\.)?)(\d+)/, 'sourceCompatibility'],
  [/targetCompatibility\s*=\s*(?:JavaVersion\.(?:VERSION_(?:1_)?|toVersion\(\s*['"]?(?:1\.)?)|['"]?(?:1\.)?)(\d+)/, 'targetCompatibility'],
  [/options\.release(?:\.set\(\s*|\s*=\s*)(\d+)/, 'options.release'],
];

function mavenJavaVersion(pom: string): FoundVersion | null {
  for (const tag of MAVEN_VERSION_TAGS) {
    const m = new RegExp(`<${tag.replace(/\./g, '\\.')}>\\s*([\\d.]+)\\s*</`).exec(pom);
    const v = m?.[1] ? javaMajor(m[1]) : null;
    if (v) return { version: v, source: `<${tag}>` };
  }
  return null;
}

function gradleJavaVersion(script: string): FoundVersion | null {
  for (const [re, label] of GRADLE_VERSION_PATTERNS) {
    const v = re.exec(script)?.[1];
    if (v) return { version: v, source: label };
  }
  return null;
}

/** Java version: the build file first (it decides what the code compiles for), then version files. */
export function javaVersion(files: RepoFiles, dir: string, build: JavaBuild): FoundVersion | null {
  // A module's own setting wins over its parent's, as in the build itself.
  for (const { file, text } of build.inherited) {
    const found = build.tool === 'maven' ? mavenJavaVersion(text) : gradleJavaVersion(text);
    if (found) return { version: found.version, source: `${file} ${found.source}` };
  }
  return firstVersion(files, dir, [
    { file: '.java-version', read: javaMajor },
    { file: '.sdkmanrc', read: (t) => javaMajor(/^\s*java\s*=\s*(\S+)/m.exec(t)?.[1] ?? '') },
    { file: '.tool-versions', read: (t) => javaMajor(toolVersionsEntry(t, ['java']) ?? '') },
  ]);
}
