import type { Answers } from '../answers/options.js';
import type { RepoFacts } from '../detect/types.js';
import { REGENERATE_COMMAND, TOOL_NAME, TOOL_VERSION } from '../package-root.js';
import { buildDeployGuide } from './deploy-guide.js';
import { buildDockerStack } from './docker.js';
import { buildEnvironments } from './environments.js';
import { buildInfraStack } from './infra.js';
import { buildMonitoringStack } from './monitoring.js';
import { buildNames } from './naming.js';
import { buildPipelineStack } from './pipeline.js';
import { buildRepo } from './repo.js';
import type { Stack, StackSwitches } from './types.js';

function buildSwitches(a: Answers): StackSwitches {
  return {
    node: a.language === 'node',
    python: a.language === 'python',
    go: a.language === 'go',
    java: a.language === 'java',
    aws: a.cloud === 'aws',
    gcp: a.cloud === 'gcp',
    azure: a.cloud === 'azure',
    iac: a.iac !== 'none',
    terraform: a.iac === 'terraform',
    opentofu: a.iac === 'opentofu',
    rolling: a.strategy === 'rolling',
    blueGreen: a.strategy === 'blue-green',
    canary: a.strategy === 'canary',
    monitoring: a.monitoring !== 'none',
    prometheus: a.monitoring === 'prometheus',
    managedPrometheus: a.monitoring === 'managed-prometheus',
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * Answers + RepoFacts -> the frozen Stack every template reads. Pure.
 * `generated` lists the paths a previous run wrote (from the manifest).
 */
export function buildStack(answers: Answers, facts: RepoFacts, generated: ReadonlySet<string> = new Set()): Stack {
  const dir = answers.serviceDir === '.' ? '.' : answers.serviceDir.replace(/\/+$/, '');
  const monitoring = buildMonitoringStack(answers, facts, generated);
  const repo = buildRepo(facts.git);
  return deepFreeze({
    tool: { name: TOOL_NAME, version: TOOL_VERSION, regenerateCommand: REGENERATE_COMMAND },
    answers: { ...answers, environments: [...answers.environments] },
    is: buildSwitches(answers),
    service: {
      name: answers.serviceName,
      dir,
      dirPrefix: dir === '.' ? '' : `${dir}/`,
      port: answers.port,
      healthPath: answers.healthPath,
      readinessPath: answers.readinessPath,
      django: facts.framework === 'django',
    },
    repo,
    environments: buildEnvironments(answers.environments),
    names: buildNames(answers, repo.slug),
    docker: buildDockerStack(answers, facts, generated),
    pipeline: buildPipelineStack(answers, facts, generated, monitoring),
    infra: buildInfraStack(answers, facts, generated),
    monitoring,
    guide: buildDeployGuide(answers),
  });
}
