import type { Language } from '../answers/options.js';
import type { GoFacts, JavaFacts, NodeFacts, PackageManager, PythonFacts } from './types.js';

/**
 * What one language detector found about the app directory: the RepoFacts
 * fields that depend on the language, plus its language-specific block.
 */
export interface AppFacts {
  language: Language;
  framework: string | null;
  packageManager: PackageManager | null;
  /** Relative to the app dir; may start with '..' when the lockfile is at a workspace root. */
  lockfile: string | null;
  runtimeVersion: string | null;
  runtimeVersionSource: string | null;
  buildCommand: string | null;
  testCommand: string | null;
  lintCommand: string | null;
  startCommand: string | null;
  port: number | null;
  portSource: string | null;
  healthPath: string | null;
  /** Readiness route (can take traffic now), when the app has one besides its health check. */
  readinessPath: string | null;
  metricsLibrary: string | null;
  notes: string[];
  node: NodeFacts | null;
  python: PythonFacts | null;
  go: GoFacts | null;
  java: JavaFacts | null;
}

/** A version and the file (and key) it was declared in. */
export interface FoundVersion {
  version: string;
  source: string;
}
