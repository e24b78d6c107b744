import type { Answers, Cloud, IacTool, Monitoring, Strategy } from '../../src/answers/options.js';
import type { RepoFacts } from '../../src/detect/types.js';
import { buildStack } from '../../src/stack/build-stack.js';
import type { Stack } from '../../src/stack/types.js';

const REGION: Record<Cloud, string> = { aws: 'eu-west-1', gcp: 'europe-west1', azure: 'westeurope' };

/** Minimal facts: a node service with a GitHub remote. */
export function infraFacts(): RepoFacts {
  const none: string[] = [];
  return {
    language: 'node', otherLanguage: null, framework: null, packageManager: 'npm', lockfile: 'package-lock.json',
    runtimeVersion: '22', runtimeVersionSource: '.nvmrc', buildCommand: null, testCommand: 'npm test', lintCommand: null,
    startCommand: 'node server.js', port: 3000, portSource: null, healthPath: '/healthz', readinessPath: '/readyz', metricsLibrary: null, appDir: '.',
    services: [{ name: 'api', dir: '.', language: 'node' }],
    existing: { dockerfile: none, dockerignore: none, compose: none, workflows: none, terraform: none, prometheus: none, dependabot: none },
    git: { remote: 'git@github.com:acme/api.git', owner: 'acme', repo: 'api', defaultBranch: 'main' },
    dirName: 'api',
    node: { typescript: false, hasBuildScript: false, buildOutputDir: null, entrypoint: 'server.js', nodeOptions: [], launcher: null, runtimeTypescript: false, nextStandalone: false, workspaces: [], hasLintScript: false, yarnBerry: false, corepackSpec: null, workspaceBuilds: [], installConfig: [], testRunner: null, testPlugins: [], runtimeDirs: [], prisma: null },
    python: null, go: null, java: null, notes: [],
  };
}

export function infraStack(cloud: Cloud, iac: IacTool, strategy: Strategy, monitoring: Monitoring, environments = ['staging', 'production'], region = REGION[cloud]): Stack {
  const answers: Answers = {
    language: 'node', cloud, runtime: cloud === 'aws' ? 'ecs-fargate' : cloud === 'gcp' ? 'cloud-run' : 'container-apps',
    iac, environments, strategy, monitoring, ci: 'github-actions', serviceName: 'orders-api', region,
    port: 3000, healthPath: '/healthz', readinessPath: '/readyz', serviceDir: '.', slo: 0.995, team: 'platform',
  };
  return buildStack(answers, infraFacts());
}

