import type { Answers } from '../answers/options.js';
import type { DeployGuide } from './deploy-guide.js';
import type { DockerStack } from './docker.js';
import type { InfraStack } from './infra.js';
import type { MonitoringStack } from './monitoring.js';
import type { CloudNames } from './naming.js';
import type { PipelineStack } from './pipeline.js';

/** One deployment environment, in promotion order. */
export interface EnvironmentStack {
  name: string;
  /** 0-based position in the promotion order. */
  index: number;
  /** The last environment is production-like: protected, never scaled to zero. */
  isProduction: boolean;
  isFirst: boolean;
  /** Name of the environment deployed before this one, or null for the first. */
  previous: string | null;
}

/** Where the service's source lives and how to name things after it. */
export interface ServiceStack {
  name: string;
  /** Relative to the repository root; '.' for the root. */
  dir: string;
  /** `dir` with a trailing slash, or '' for the root: prefix for paths inside the service. */
  dirPrefix: string;
  port: number;
  healthPath: string;
  /** Readiness path: load balancer health checks, readiness and (Cloud Run) startup probes. */
  readinessPath: string;
  /** A Django app: its Host check refuses health checks sent to the container's address (pipeline.md says what to do). */
  django: boolean;
}

export interface RepoStack {
  /** GitHub owner and repository; placeholders (OWNER/REPO) when there is no GitHub remote. */
  owner: string;
  name: string;
  slug: string;
  /** True when owner/name came from the git remote (false: placeholders the user must replace). */
  known: boolean;
  defaultBranch: string;
  /** https://github.com/OWNER/REPO */
  url: string;
}

/** Boolean switches for templates: `{{#if is.aws}}`. Templates hold no string logic. */
export interface StackSwitches {
  node: boolean;
  python: boolean;
  go: boolean;
  java: boolean;
  aws: boolean;
  gcp: boolean;
  azure: boolean;
  iac: boolean;
  terraform: boolean;
  opentofu: boolean;
  rolling: boolean;
  blueGreen: boolean;
  canary: boolean;
  monitoring: boolean;
  prometheus: boolean;
  managedPrometheus: boolean;
}

/**
 * Everything a template can read, computed once from Answers + RepoFacts and
 * frozen. Templates only do `if`/`each` on it and pass values through escapers.
 */
export interface Stack {
  tool: {
    name: string;
    version: string;
    /** Command that regenerates the stack, shown in every file's header. */
    regenerateCommand: string;
  };
  answers: Readonly<Answers>;
  is: StackSwitches;
  service: ServiceStack;
  repo: RepoStack;
  environments: EnvironmentStack[];
  /** Resource names shared by every layer. */
  names: CloudNames;
  docker: DockerStack;
  pipeline: PipelineStack;
  infra: InfraStack;
  monitoring: MonitoringStack;
  /** DEPLOY.md's own values. */
  guide: DeployGuide;
}
